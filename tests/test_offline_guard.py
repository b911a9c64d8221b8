"""The offline guard (tests/offline.py, tests/offline_plugin.py): an attempt to reach outside the
machine (a name lookup, TCP, UDP, from the test or from a Python process it starts) fails the test
at teardown even when the test swallowed the error; loopback, IPv4-mapped included, stays open.

Each case runs a small suite in a separate pytest with only the guard's plugin. The outside
addresses are TEST-NET (192.0.2.0/24, 2001:db8::/32) and names under .invalid: if the guard ever
let one through, it would go nowhere.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, Error

from tests import offline_plugin

ROOT = Path(__file__).resolve().parent.parent

pytest_plugins = ["pytester"]

NAMES = """
import socket

def swallow(attempt):
    try:
        attempt()
    except OSError:  # what a provider adapter does: "could not reach"
        pass

def test_getaddrinfo():
    swallow(lambda: socket.getaddrinfo("guard-getaddrinfo.invalid", 443))

def test_gethostbyname():
    swallow(lambda: socket.gethostbyname("guard-gethostbyname.invalid"))

def test_gethostbyname_ex():
    swallow(lambda: socket.gethostbyname_ex("guard-gethostbyname-ex.invalid"))

def test_reverse_lookup():
    swallow(lambda: socket.gethostbyaddr("192.0.2.7"))

def test_connect_by_name():
    swallow(lambda: socket.create_connection(("guard-connect.invalid", 443), timeout=1))

def test_local_and_numeric_lookups_are_allowed():
    assert socket.getaddrinfo("localhost", 80)
    assert socket.gethostbyname("127.1") == "127.0.0.1"
    assert socket.getaddrinfo("192.0.2.7", 80)[0][4][0] == "192.0.2.7"  # a number: no query
    assert socket.getfqdn()  # this machine's own name
"""

UDP = """
import socket

def swallow(attempt):
    try:
        attempt()
    except OSError:
        pass

def udp(family=socket.AF_INET):
    return socket.socket(family, socket.SOCK_DGRAM)

def test_sendto():
    swallow(lambda: udp().sendto(b"x", ("192.0.2.7", 53)))

def test_sendto_with_flags():
    swallow(lambda: udp().sendto(b"x", 0, ("192.0.2.8", 53)))

def test_sendmsg():
    swallow(lambda: udp().sendmsg([b"x"], [], 0, ("192.0.2.9", 53)))

def test_connect_a_datagram_socket():
    swallow(lambda: udp().connect(("192.0.2.10", 123)))

def test_sendto_ipv6():
    swallow(lambda: udp(socket.AF_INET6).sendto(b"x", ("2001:db8::7", 53)))

def test_loopback_datagrams_arrive():
    receiver = udp()
    receiver.bind(("127.0.0.1", 0))
    udp().sendto(b"ping", receiver.getsockname())
    assert receiver.recv(4) == b"ping"
"""

TCP = """
import socket

import httpx

def swallow(attempt):
    try:
        attempt()
    except OSError:
        pass

def test_connect():
    swallow(lambda: socket.socket().connect(("192.0.2.7", 443)))

def test_connect_ex():
    swallow(lambda: socket.socket().connect_ex(("192.0.2.8", 443)))

def test_connect_ipv6():
    swallow(lambda: socket.socket(socket.AF_INET6).connect(("2001:db8::7", 443)))

def test_an_http_client_turns_it_into_could_not_reach():
    try:
        httpx.get("http://192.0.2.9/v1/models", timeout=1)
    except httpx.ConnectError:
        pass
"""

MAPPED_LOOPBACK = """
import socket

def test_ipv4_mapped_loopback_is_this_machine():
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    client = socket.socket(socket.AF_INET6)
    client.connect(("::ffff:127.0.0.1", listener.getsockname()[1]))
    assert listener.accept()[1][0] == "127.0.0.1"
"""

CHILD = """
import subprocess
import sys

CHILD = '''
import socket
try:
    socket.getaddrinfo("guard-child.invalid", 443)
except OSError:
    pass
'''

def test_a_child_process_swallows_its_error():
    subprocess.run([sys.executable, "-c", CHILD], check=True)
"""

AFTER_THE_LAST_TEST = """
import socket

import pytest

@pytest.fixture(scope="session")
def leaves_late():
    yield
    try:
        socket.getaddrinfo("guard-session-teardown.invalid", 443)
    except OSError:
        pass

def test_passes(leaves_late):
    pass
"""


@pytest.fixture(autouse=True)
def importable_project(monkeypatch: pytest.MonkeyPatch) -> None:
    # The repository only: the guard the inner run's children get is the one its plugin adds.
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")


def run(pytester: pytest.Pytester, source: str) -> pytest.RunResult:
    """A separate pytest process with only the guard's plugin (no Django, no browser)."""
    pytester.makepyfile(test_sample=source)
    return pytester.runpytest_subprocess("-p", "tests.offline_plugin", "-p", "no:cacheprovider")


def assert_failed_at_teardown(result: pytest.RunResult, attempts: list[str], allowed: int) -> None:
    """Each attempt's test passed its body (it swallowed the error), then failed at teardown
    naming the attempt; the `allowed` tests passed."""
    result.assert_outcomes(passed=len(attempts) + allowed, errors=len(attempts))
    result.stdout.fnmatch_lines_random([f"*{attempt}*" for attempt in attempts])


OUTSIDE = [
    pytest.param(
        NAMES,
        [
            "getaddrinfo('guard-getaddrinfo.invalid'): name resolution",
            "gethostbyname('guard-gethostbyname.invalid'): name resolution",
            "gethostbyname_ex('guard-gethostbyname-ex.invalid'): name resolution",
            "gethostbyaddr('192.0.2.7'): name resolution",
            "getaddrinfo('guard-connect.invalid'): name resolution",
        ],
        1,
        id="name-resolution",
    ),
    pytest.param(
        UDP,
        [
            "UDP sendto to ('192.0.2.7', 53)",
            "UDP sendto to ('192.0.2.8', 53)",
            "UDP sendmsg to ('192.0.2.9', 53)",
            "UDP connect to ('192.0.2.10', 123)",
            "UDP sendto to ('2001:db8::7', 53)",
        ],
        1,
        id="udp",
    ),
    pytest.param(
        TCP,
        [
            "TCP connect to ('192.0.2.7', 443)",
            "TCP connect_ex to ('192.0.2.8', 443)",
            "TCP connect to ('2001:db8::7', 443)",
            "TCP connect to ('192.0.2.9', 80)",
        ],
        0,
        id="tcp",
    ),
]


@pytest.mark.parametrize(("source", "attempts", "allowed"), OUTSIDE)
def test_reaching_outside_fails_the_test_that_swallowed_the_error(
    pytester: pytest.Pytester, source: str, attempts: list[str], allowed: int
) -> None:
    result = run(pytester, source)
    assert_failed_at_teardown(result, attempts, allowed)


def test_ipv4_mapped_loopback_is_allowed(pytester: pytest.Pytester) -> None:
    result = run(pytester, MAPPED_LOOPBACK)
    result.assert_outcomes(passed=1)


def test_a_python_child_process_is_guarded_and_fails_the_test(pytester: pytest.Pytester) -> None:
    result = run(pytester, CHILD)
    assert_failed_at_teardown(result, ["getaddrinfo('guard-child.invalid')"], allowed=0)
    result.stdout.fnmatch_lines(["*guard-child.invalid*[[]pid *: -c[]]"])  # recorded by the child


def test_an_attempt_after_the_last_test_fails_the_run(pytester: pytest.Pytester) -> None:
    result = run(pytester, AFTER_THE_LAST_TEST)
    result.assert_outcomes(passed=1)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(["*getaddrinfo('guard-session-teardown.invalid')*"])


@pytest.mark.browser
def test_chromium_resolves_nothing_outside_and_its_pages_requests_are_recorded(
    browser: Browser, request: pytest.FixtureRequest
) -> None:
    page = browser.new_context().new_page()
    with page.expect_event("requestfailed") as failed:
        page.set_content('<img src="http://guard-image.invalid/pixel.png" alt="">')
    assert failed.value.failure == "net::ERR_NAME_NOT_RESOLVED"
    with pytest.raises(Error, match="ERR_NAME_NOT_RESOLVED"):
        page.goto("http://192.0.2.7/")
    page.context.close()
    # Read here, so that this test, which made the attempts on purpose, is not failed for them.
    record = request.config.stash[offline_plugin.RECORD].unread()
    assert "Chromium GET http://192.0.2.7/" in record
    assert "Chromium GET http://guard-image.invalid/pixel.png" in record
