"""SSRF guard: refused targets, allowed ones, pinning, redirects, downloads.

No test touches a non-loopback address: names resolve through an injected resolver, and the only
servers are local ones on 127.0.0.1 (reached with allow_private=True, as loopback is refused).
"""

from __future__ import annotations

import contextlib
import datetime
import http.server
import ipaddress
import json
import socket
import ssl
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpcore
import httpcore2
import httpx
import httpx2
import openai
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from avatarapp.ssrf import (
    CheckedURL,
    PinnedBackend,
    SDKPinnedBackend,
    UnsafeURLError,
    is_allowed_download_host,
    parse_numeric_host,
    pinned_client,
    pinned_sdk_client,
    validate_base_url,
)

# --- A resolver that answers from a table and never asks DNS. -------------------------------------

DNS: dict[str, list[str]] = {
    "evil.example": ["10.0.0.5"],
    "mixed.example": ["93.184.216.34", "10.0.0.5"],
    "mixed6.example": ["93.184.216.34", "fd12:3456::1"],
    "metadata.google.internal": ["169.254.169.254"],
    "mapped.example": ["::ffff:192.168.1.1"],
    "cgnat.example": ["100.64.1.1"],
    "xn--bcher-kva.example": ["192.168.0.10"],  # bücher.example
    "public.example": ["93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946"],
    "xn--public-bcher-klb.example": ["93.184.216.34"],  # public-bücher.example
    "lan.example": ["10.0.0.5"],
    "myserver.test": ["127.0.0.1"],
}


class FakeResolver:
    def __init__(self, table: dict[str, list[str]]) -> None:
        self.table = table
        self.calls: list[str] = []

    def __call__(self, host: str, port: int) -> list[tuple[Any, ...]]:
        self.calls.append(host)
        if host not in self.table:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return [
            (socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port))
            for a in self.table[host]
        ]


@pytest.fixture
def resolver() -> FakeResolver:
    return FakeResolver(dict(DNS))


# --- The battery: every one of these is refused by default. ---------------------------------------

REFUSED = [
    # Loopback in every numeric spelling the C library accepts.
    pytest.param("http://127.0.0.1/", "loopback", id="v4-loopback"),
    pytest.param("http://127.8.9.10:8000/v1", "loopback", id="v4-loopback-range"),
    pytest.param("http://2130706433/", "loopback", id="v4-decimal"),
    pytest.param("http://0177.0.0.1/", "loopback", id="v4-octal"),
    pytest.param("http://0x7f.1/", "loopback", id="v4-hex-short"),
    pytest.param("http://0x7f000001/", "loopback", id="v4-hex-whole"),
    pytest.param("http://127.1/", "loopback", id="v4-short"),
    pytest.param("http://127.0.0.1.:8000/", "loopback", id="v4-trailing-dot"),
    pytest.param("http://0/", "unspecified", id="v4-zero"),
    pytest.param("http://0.0.0.0:8000/", "unspecified", id="v4-unspecified"),
    # IPv6 and IPv6 carrying IPv4.
    pytest.param("http://[::1]/", "loopback", id="v6-loopback"),
    pytest.param("http://[::]/", "unspecified", id="v6-unspecified"),
    pytest.param("http://[::ffff:127.0.0.1]/", "loopback", id="v6-mapped-dotted"),
    pytest.param("http://[::ffff:7f00:1]/", "loopback", id="v6-mapped-hex"),
    pytest.param("http://[::ffff:169.254.169.254]/", "metadata", id="v6-mapped-metadata"),
    pytest.param("http://[64:ff9b::a00:5]/", "private", id="v6-nat64-private"),
    pytest.param("http://[2002:c0a8:101::1]/", "private", id="v6-6to4-private"),
    pytest.param("http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/", "reserved", id="v6-teredo"),
    pytest.param("http://[::7f00:1]/", "reserved", id="v6-v4-compatible"),
    pytest.param("http://[fe80::1%25eth0]/", "link-local", id="v6-link-local-zone"),
    pytest.param("http://[fe80::1]/", "link-local", id="v6-link-local"),
    pytest.param("http://[fec0::1]/", "reserved", id="v6-site-local"),
    pytest.param("http://[fd00::1]/", "private", id="v6-unique-local"),
    pytest.param("http://[fd00:ec2::254]/", "metadata", id="v6-aws-metadata"),
    pytest.param("http://[ff02::1]/", "multicast", id="v6-multicast"),
    # Private, shared, link-local, metadata, multicast, reserved IPv4.
    pytest.param("http://10.0.0.5/", "private", id="v4-10"),
    pytest.param("https://172.16.0.1/v1", "private", id="v4-172-16"),
    pytest.param("http://172.31.255.254/", "private", id="v4-172-31"),
    pytest.param("http://192.168.1.1:8080/", "private", id="v4-192-168"),
    pytest.param("http://100.64.0.1/", "shared", id="v4-cgnat"),
    pytest.param("http://169.254.1.1/", "link-local", id="v4-link-local"),
    pytest.param("http://169.254.169.254/latest/meta-data/", "metadata", id="v4-metadata"),
    pytest.param("http://2852039166/", "metadata", id="v4-metadata-decimal"),
    pytest.param("http://169.254.170.2/v2/credentials", "metadata", id="v4-ecs-credentials"),
    pytest.param("http://100.100.100.200/", "metadata", id="v4-alibaba-metadata"),
    pytest.param("http://168.63.129.16/", "metadata", id="v4-azure-wireserver"),
    pytest.param("http://224.0.0.1/", "multicast", id="v4-multicast"),
    pytest.param("http://255.255.255.255/", "broadcast", id="v4-broadcast"),
    pytest.param("http://240.0.0.1/", "reserved", id="v4-reserved"),
    pytest.param("http://192.0.2.10/", "reserved", id="v4-documentation"),
    # Names, resolved by the injected resolver; every answer counts.
    pytest.param("http://metadata.google.internal/", "metadata", id="dns-metadata"),
    pytest.param("https://evil.example/v1", "private", id="dns-private"),
    pytest.param("https://mixed.example/v1", "private", id="dns-public-and-private"),
    pytest.param("https://mixed6.example/v1", "private", id="dns-public-and-ula"),
    pytest.param("https://mapped.example/", "private", id="dns-mapped-private"),
    pytest.param("https://cgnat.example/", "shared", id="dns-cgnat"),
    pytest.param("https://BÜCHER.example/", "private", id="dns-idn-private"),
    pytest.param("https://unknown.example/", "resolve", id="dns-unknown"),
    pytest.param("http://localhost:8000/v1", "loopback", id="localhost"),
    pytest.param("http://LOCALHOST./v1", "loopback", id="localhost-dot-upper"),
    pytest.param("http://api.localhost/", "loopback", id="localhost-subdomain"),
    # Schemes and URL shapes.
    pytest.param("file:///etc/passwd", "scheme", id="scheme-file"),
    pytest.param("gopher://public.example:70/_GET", "scheme", id="scheme-gopher"),
    pytest.param("ftp://public.example/", "scheme", id="scheme-ftp"),
    pytest.param("public.example/v1", "scheme", id="scheme-missing"),
    pytest.param("https://user:pass@public.example/v1", "userinfo", id="userinfo"),
    pytest.param("https://public.example@10.0.0.5/", "userinfo", id="userinfo-confusion"),
    pytest.param("https://public.example/v1#frag", "fragment", id="fragment"),
    pytest.param("https:///v1", "host", id="empty-host"),
    pytest.param("https://public.example:0/", "port", id="port-zero"),
    pytest.param("https://public.example:70000/", "port", id="port-too-big"),
    pytest.param("http://ⓛocalhost/", "invalid", id="idn-lookalike"),
    pytest.param("http://public.example\n.evil/", "invalid", id="control-char"),
]


@pytest.mark.parametrize(("url", "reason"), REFUSED)
def test_refused(url: str, reason: str, resolver: FakeResolver) -> None:
    with pytest.raises(UnsafeURLError) as info:
        validate_base_url(url, resolver=resolver)
    assert info.value.reason == reason
    assert str(info.value).endswith(".")


def test_battery_is_big_enough() -> None:
    assert len(REFUSED) >= 25


def test_message_names_the_address_and_the_fix(resolver: FakeResolver) -> None:
    with pytest.raises(UnsafeURLError) as info:
        validate_base_url("http://10.0.0.5/", resolver=resolver)
    assert str(info.value).startswith(
        "That address points inside a private network (10.0.0.5). Use a public URL of your server"
    )
    with pytest.raises(UnsafeURLError, match=r"\(the name resolves to 10\.0\.0\.5\)"):
        validate_base_url("https://evil.example/", resolver=resolver)
    with pytest.raises(UnsafeURLError, match=r"which is 127\.0\.0\.1"):
        validate_base_url("http://[::ffff:127.0.0.1]/", resolver=resolver)


@pytest.mark.parametrize(
    "url",
    [
        "https://user:sk-canary-0123456789@10.0.0.5/v1?key=sk-canary-0123456789",
        "https://sk-canary-0123456789:x@public.example/",
        "https://sk-canary-0123456789.example/v1",
        "sk-canary-0123456789://public.example/",
    ],
)
def test_messages_never_echo_secrets(url: str, resolver: FakeResolver) -> None:
    with pytest.raises(UnsafeURLError) as info:
        validate_base_url(url, resolver=resolver)
    assert "canary" not in str(info.value)


def test_numeric_hosts_never_reach_the_resolver(resolver: FakeResolver) -> None:
    for url in ("http://2130706433/", "http://0x7f.1/", "http://[::1]/", "http://93.184.216.34/"):
        with contextlib.suppress(UnsafeURLError):
            validate_base_url(url, resolver=resolver)
    assert resolver.calls == []


@pytest.mark.parametrize(
    "host", ["2130706433", "0177.0.0.1", "0x7f.1", "0x7f000001", "127.1", "0", "10.1", "0xa.0.0.5"]
)
def test_numeric_parse_agrees_with_the_system_resolver(host: str) -> None:
    # AI_NUMERICHOST: the C library parses the string itself and never asks DNS.
    infos = socket.getaddrinfo(
        host, 80, socket.AF_INET, socket.SOCK_STREAM, 0, socket.AI_NUMERICHOST
    )
    assert parse_numeric_host(host) == ipaddress.ip_address(infos[0][4][0])


# --- Allowed. -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "host", "port", "addresses"),
    [
        pytest.param(
            "https://public.example/v1",
            "public.example",
            443,
            ("93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946"),
            id="name",
        ),
        pytest.param(
            "http://93.184.216.34:8000/v1/", "93.184.216.34", 8000, ("93.184.216.34",), id="v4"
        ),
        pytest.param(
            "https://[2606:4700::1111]/", "2606:4700::1111", 443, ("2606:4700::1111",), id="v6"
        ),
        pytest.param(
            "https://[2002:5db8:d822::1]/",
            "2002:5db8:d822::1",
            443,
            ("2002:5db8:d822::1",),
            id="6to4-public",
        ),
        pytest.param(
            "  HTTPS://Public-Bücher.Example/v1?x=1 ",
            "xn--public-bcher-klb.example",
            443,
            ("93.184.216.34",),
            id="idn-upper-query",
        ),
    ],
)
def test_public_targets_are_allowed(
    url: str, host: str, port: int, addresses: tuple[str, ...], resolver: FakeResolver
) -> None:
    checked = validate_base_url(url, resolver=resolver)
    assert (checked.host, checked.port, checked.addresses) == (host, port, addresses)
    assert checked.scheme in ("http", "https")


def test_public_address_in_a_legacy_spelling_asks_for_dotted_form() -> None:
    with pytest.raises(UnsafeURLError, match=r"usual dotted form \(93\.184\.216\.34\)"):
        validate_base_url("http://1572395042/")


@pytest.mark.parametrize(
    "url",
    [
        "http://10.0.0.5:8000/v1",
        "http://127.0.0.1:8000/",
        "http://[::1]:8000/",
        "http://[fd00::1]/",
        "http://100.64.0.1/",
        "http://lan.example/v1",
        "http://[::ffff:10.0.0.5]/",
    ],
)
def test_allow_private_allows_lan_and_loopback(url: str, resolver: FakeResolver) -> None:
    assert validate_base_url(url, allow_private=True, resolver=resolver).addresses


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://169.254.169.254/", "metadata"),
        ("http://[fd00:ec2::254]/", "metadata"),
        ("http://[::ffff:169.254.169.254]/", "metadata"),
        ("http://metadata.google.internal/", "metadata"),
        ("http://100.100.100.200/", "metadata"),
        ("http://169.254.1.1/", "link-local"),
        ("http://[fe80::1%25eth0]/", "link-local"),
        ("http://0.0.0.0/", "unspecified"),
        ("http://224.0.0.1/", "multicast"),
        ("file:///etc/passwd", "scheme"),
    ],
)
def test_allow_private_still_refuses_metadata_and_friends(
    url: str, reason: str, resolver: FakeResolver
) -> None:
    with pytest.raises(UnsafeURLError) as info:
        validate_base_url(url, allow_private=True, resolver=resolver)
    assert info.value.reason == reason


# --- Pinned connections against a local server. ---------------------------------------------------


@dataclass
class Seen:
    method: str
    path: str
    headers: dict[str, str]


@dataclass
class LocalServer:
    port: int
    seen: list[Seen] = field(default_factory=list)
    sni: list[str | None] = field(default_factory=list)


class Handler(http.server.BaseHTTPRequestHandler):
    server: Any

    def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
        return

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        headers = {k.lower(): v for k, v in self.headers.items()}
        self.server.state.seen.append(Seen(self.command, self.path, headers))
        if self.path.startswith("/redirect"):
            self.send_response(302)
            self.send_header("Location", "http://169.254.169.254/latest/meta-data/")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if self.path.startswith("/same-host-redirect"):
            self.send_response(301)
            self.send_header("Location", "/v1/models")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body = json.dumps(
            {
                "object": "list",
                "data": [{"id": "flux-dev", "object": "model", "created": 0, "owned_by": "me"}],
            }
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = _answer
    do_POST = _answer


class _Server(http.server.ThreadingHTTPServer):
    def __init__(self, state: LocalServer | None = None) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.state = state or LocalServer(port=self.server_address[1])


def _serve(ssl_context: ssl.SSLContext | None = None) -> Iterator[LocalServer]:
    server = _Server()
    if ssl_context is not None:
        server.socket = ssl_context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.daemon = True
    thread.start()
    try:
        yield server.state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture
def local_server() -> Iterator[LocalServer]:
    yield from _serve()


@pytest.fixture
def no_dns(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Spy on the system resolver; a lookup of the name would now answer another address."""
    calls: list[str] = []
    real = socket.getaddrinfo

    def spy(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        calls.append(str(host))
        if host == "myserver.test":  # DNS rebinding: the name now points elsewhere
            return real("10.0.0.5", port, *args, **kwargs)
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", spy)
    return calls


@dataclass(frozen=True)
class Flavour:
    """The httpx client (our own calls) or the httpx2 one (what the openai SDK 3.x is typed for)."""

    make: Callable[..., Any]
    connect_error: type[Exception]
    status_error: type[Exception]
    backend: Callable[[CheckedURL], Any]
    backend_connect_error: type[Exception]


FLAVOURS = [
    pytest.param(
        Flavour(
            pinned_client,
            httpx.ConnectError,
            httpx.HTTPStatusError,
            PinnedBackend,
            httpcore.ConnectError,
        ),
        id="httpx",
    ),
    pytest.param(
        Flavour(
            pinned_sdk_client,
            httpx2.ConnectError,
            httpx2.HTTPStatusError,
            SDKPinnedBackend,
            httpcore2.ConnectError,
        ),
        id="httpx2",
    ),
]


@pytest.fixture(params=FLAVOURS)
def flavour(request: pytest.FixtureRequest) -> Flavour:
    flavour: Flavour = request.param
    return flavour


def _checked(
    port: int, resolver: FakeResolver, path: str = "/v1", scheme: str = "http"
) -> CheckedURL:
    return validate_base_url(
        f"{scheme}://myserver.test:{port}{path}", allow_private=True, resolver=resolver
    )


def _no_resolver(host: str, port: int) -> list[tuple[Any, ...]]:
    raise AssertionError(f"unexpected lookup of {host}")


def test_client_connects_to_the_checked_ip_with_the_original_host(
    flavour: Flavour,
    local_server: LocalServer,
    resolver: FakeResolver,
    no_dns: list[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    checked = _checked(local_server.port, resolver)
    assert checked.addresses == ("127.0.0.1",)
    resolver.table["myserver.test"] = ["10.0.0.5"]  # rebinding after the check changes nothing
    monkeypatch.setattr("avatarapp.ssrf.url.system_resolver", _no_resolver)

    with flavour.make(checked, timeout=5) as client:
        response = client.get("models")

    assert response.status_code == 200
    assert [s.path for s in local_server.seen] == ["/v1/models"]
    assert local_server.seen[0].headers["host"] == f"myserver.test:{local_server.port}"
    assert "myserver.test" not in no_dns  # the name was never looked up again
    assert resolver.calls == ["myserver.test"]  # once, by validate_base_url


def test_connect_falls_through_to_the_next_checked_address(
    flavour: Flavour, local_server: LocalServer, resolver: FakeResolver, no_dns: list[str]
) -> None:
    resolver.table["myserver.test"] = ["127.0.0.2", "127.0.0.1"]  # nothing listens on .2
    checked = _checked(local_server.port, resolver)
    with flavour.make(checked, timeout=5) as client:
        assert client.get("models").status_code == 200
    assert "myserver.test" not in no_dns


def test_client_refuses_any_other_host_or_port(
    flavour: Flavour, local_server: LocalServer, resolver: FakeResolver
) -> None:
    checked = _checked(local_server.port, resolver)
    with flavour.make(checked, timeout=5) as client:
        for url in (
            f"http://127.0.0.1:{local_server.port}/v1/models",
            f"http://myserver.test:{local_server.port + 1}/v1/models",
            f"https://myserver.test:{local_server.port}/v1/models",
            "http://169.254.169.254/latest/meta-data/",
        ):
            with pytest.raises(UnsafeURLError) as info:
                client.get(url)
            assert info.value.reason == "origin"
    assert local_server.seen == []


def test_backend_refuses_unchecked_destinations(flavour: Flavour, resolver: FakeResolver) -> None:
    backend = flavour.backend(_checked(8000, resolver))
    with pytest.raises(flavour.backend_connect_error):
        backend.connect_tcp("10.0.0.5", 8000)
    with pytest.raises(flavour.backend_connect_error):
        backend.connect_tcp("myserver.test", 8001)
    with pytest.raises(flavour.backend_connect_error):
        backend.connect_unix_socket("/var/run/docker.sock")


def test_redirects_are_never_followed(
    flavour: Flavour, local_server: LocalServer, resolver: FakeResolver
) -> None:
    checked = _checked(local_server.port, resolver, path="")
    with flavour.make(checked, timeout=5) as client:
        response = client.get("/redirect")
        assert response.status_code == 302
        assert response.headers["Location"] == "http://169.254.169.254/latest/meta-data/"
        with pytest.raises(flavour.status_error):
            response.raise_for_status()
        # Even when a caller asks for it per request (the openai SDK can).
        assert client.get("/same-host-redirect", follow_redirects=True).status_code == 301
    assert [s.path for s in local_server.seen] == ["/redirect", "/same-host-redirect"]


def test_openai_sdk_through_the_pinned_client(
    flavour: Flavour, local_server: LocalServer, resolver: FakeResolver, no_dns: list[str]
) -> None:
    checked = _checked(local_server.port, resolver)
    sdk = openai.OpenAI(
        api_key="sk-test-not-real",
        base_url=checked.url,
        http_client=flavour.make(checked, timeout=5),
        max_retries=0,
    )
    with sdk:
        models = sdk.models.list()
    assert [m.id for m in models.data] == ["flux-dev"]
    seen = local_server.seen[0]
    assert (seen.method, seen.path) == ("GET", "/v1/models")
    assert seen.headers["host"] == f"myserver.test:{local_server.port}"
    assert seen.headers["authorization"] == "Bearer sk-test-not-real"
    assert "myserver.test" not in no_dns


def test_openai_sdk_type_checks_with_the_sdk_client(resolver: FakeResolver) -> None:
    checked = _checked(8000, resolver)
    with openai.OpenAI(
        api_key="sk-test", base_url=checked.url, http_client=pinned_sdk_client(checked)
    ):
        pass  # mypy checks this call; no request is made


def test_openai_sdk_sees_a_redirect_as_an_error(
    flavour: Flavour, local_server: LocalServer, resolver: FakeResolver
) -> None:
    checked = _checked(local_server.port, resolver, path="/redirect/v1")
    sdk = openai.OpenAI(
        api_key="sk-test-not-real",
        base_url=checked.url,
        http_client=flavour.make(checked, timeout=5),
        max_retries=2,
    )
    with sdk, pytest.raises(openai.APIStatusError) as info:
        sdk.models.list()
    assert info.value.status_code == 302
    assert [s.path for s in local_server.seen] == ["/redirect/v1/models"]


# --- TLS: the certificate is checked for the user's host name, not the pinned IP. -----------------


def _self_signed(hostname: str) -> tuple[bytes, bytes]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, hostname)])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(hostname)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return cert.public_bytes(serialization.Encoding.PEM), key_pem


TLSServer = Callable[[str], tuple[LocalServer, ssl.SSLContext]]


@pytest.fixture
def tls_server(tmp_path: Path) -> Iterator[TLSServer]:
    """start(cert_hostname) -> (a server on 127.0.0.1 with a self-signed cert, a context trusting
    that cert)."""
    running: list[Iterator[LocalServer]] = []

    def start(cert_hostname: str) -> tuple[LocalServer, ssl.SSLContext]:
        cert_pem, key_pem = _self_signed(cert_hostname)
        (tmp_path / "cert.pem").write_bytes(cert_pem)
        (tmp_path / "key.pem").write_bytes(key_pem)
        server_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        server_ctx.load_cert_chain(tmp_path / "cert.pem", tmp_path / "key.pem")
        serving = _serve(server_ctx)
        state = next(serving)
        running.append(serving)

        def remember_sni(sock: Any, server_name: str | None, ctx: Any) -> None:
            state.sni.append(server_name)

        server_ctx.sni_callback = remember_sni
        return state, ssl.create_default_context(cadata=cert_pem.decode())

    yield start
    for serving in running:
        next(serving, None)


def test_tls_uses_the_original_host_for_sni_and_verification(
    flavour: Flavour, tls_server: TLSServer, resolver: FakeResolver, no_dns: list[str]
) -> None:
    server, trust = tls_server("myserver.test")
    checked = _checked(server.port, resolver, scheme="https")
    with flavour.make(checked, timeout=5, verify=trust) as client:
        # A request may not swap in another TLS name: the extension is dropped.
        response = client.get("models", extensions={"sni_hostname": "other.test"})
    assert response.status_code == 200
    assert server.sni == ["myserver.test"]
    assert server.seen[0].headers["host"] == f"myserver.test:{server.port}"
    assert "myserver.test" not in no_dns


def test_tls_refuses_a_certificate_for_another_name(
    flavour: Flavour, tls_server: TLSServer, resolver: FakeResolver
) -> None:
    server, trust = tls_server("other.test")
    checked = _checked(server.port, resolver, scheme="https")
    with (
        flavour.make(checked, timeout=5, verify=trust) as client,
        pytest.raises(flavour.connect_error, match="CERTIFICATE_VERIFY_FAILED"),
    ):
        client.get("models")
    assert server.seen == []


# --- Provider result downloads. -------------------------------------------------------------------

BFL = (".bfl.ai",)


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        pytest.param("https://delivery-eu1.bfl.ai/results/a.png?sig=x", True, id="bfl"),
        pytest.param("https://bfl.ai/a.png", True, id="bare-domain"),
        pytest.param("https://DELIVERY.BFL.AI./a.png", True, id="upper-trailing-dot"),
        pytest.param("http://delivery-eu1.bfl.ai/a.png", False, id="http"),
        pytest.param("https://evilbfl.ai/a.png", False, id="suffix-without-dot"),
        pytest.param("https://delivery.bfl.ai.evil.example/a.png", False, id="suffix-in-middle"),
        pytest.param("https://x@delivery.bfl.ai/a.png", False, id="userinfo"),
        pytest.param("https://delivery.bfl.ai@10.0.0.5/a.png", False, id="userinfo-confusion"),
        pytest.param("https://93.184.216.34/a.png", False, id="ip-literal"),
        pytest.param("https://[::1]/a.png", False, id="ip-v6-literal"),
        pytest.param("https://0x7f.1/a.png", False, id="ip-hex"),
        pytest.param("ftp://delivery.bfl.ai/a.png", False, id="ftp"),
        pytest.param("https:///a.png", False, id="no-host"),
        pytest.param("not a url", False, id="garbage"),
    ],
)
def test_download_hosts(url: str, allowed: bool) -> None:
    assert is_allowed_download_host(url, BFL) is allowed


def test_download_suffix_may_be_given_without_a_dot() -> None:
    assert is_allowed_download_host("https://delivery-us1.bfl.ai/a.png", ["bfl.ai"])
    assert not is_allowed_download_host("https://notbfl.ai/a.png", ["bfl.ai"])
    assert not is_allowed_download_host("https://delivery.bfl.ai/a.png", [])


def test_download_emulator_origin_is_allowed_only_when_the_caller_lists_it() -> None:
    url = "http://127.0.0.1:8123/deliveries/abc.png"
    assert not is_allowed_download_host(url, BFL)
    assert is_allowed_download_host(url, BFL, extra_origins=["http://127.0.0.1:8123"])
    assert not is_allowed_download_host(
        "http://127.0.0.1:8124/deliveries/abc.png", BFL, extra_origins=["http://127.0.0.1:8123"]
    )
    assert not is_allowed_download_host(
        "http://u:p@127.0.0.1:8123/x.png", BFL, extra_origins=["http://127.0.0.1:8123"]
    )
