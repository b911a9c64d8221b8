"""Under make test a skip fails the run unless its reason is allowed in one place
(tests/skip_policy.py); by hand, without the services, skips stay skips."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import skip_policy

ROOT = Path(__file__).resolve().parent.parent

pytest_plugins = ["pytester"]

SUITE = """
import pytest

pytestmark = []

def test_needs_redis():
    pytest.skip("Needs the Redis broker; make test starts one and sets REDIS_URL.")

@pytest.mark.skipif(True, reason="the S3 server is not running")
def test_needs_s3():
    pass

def test_runs():
    assert True
"""

MODULE_LEVEL = """
import pytest

pytest.skip("The fault suite needs PostgreSQL", allow_module_level=True)

def test_never_collected():
    pass
"""


@pytest.fixture(autouse=True)
def importable_project(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")  # only the policy plugin


def run(pytester: pytest.Pytester, source: str) -> pytest.RunResult:
    """A separate pytest process with only the policy plugin (no Django, no browser)."""
    pytester.makepyfile(test_sample=source)
    return pytester.runpytest_subprocess("-p", "tests.skip_policy", "-p", "no:cacheprovider")


def test_a_skip_fails_the_run_under_make_test(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(skip_policy.ENV, "1")
    result = run(pytester, SUITE)
    result.assert_outcomes(passed=1, failed=1, errors=1)  # skipif markers skip during set-up
    assert result.ret != 0
    result.stdout.fnmatch_lines(["*Skipped under make test: Needs the Redis broker*"])


def test_a_module_level_skip_fails_the_run_under_make_test(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(skip_policy.ENV, "1")
    result = run(pytester, MODULE_LEVEL)
    assert result.ret != 0
    result.stdout.fnmatch_lines(["*Skipped under make test: The fault suite needs PostgreSQL*"])


def test_an_allowed_reason_stays_a_skip(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(skip_policy.ENV, "1")
    pytester.makeconftest(
        "from tests import skip_policy\n"
        "skip_policy.ALLOWED_SKIPS['the S3 server is not running'] = 'allowed for this test'\n"
    )
    result = run(pytester, SUITE)
    result.assert_outcomes(passed=1, failed=1, skipped=1)


def test_by_hand_skips_stay_skips(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(skip_policy.ENV, raising=False)
    result = run(pytester, SUITE)
    result.assert_outcomes(passed=1, skipped=2)
    assert result.ret == 0
