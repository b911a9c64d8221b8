"""Under `make test` a skipped test fails the run: the suite skips what needs PostgreSQL,
Redis or the S3 server when they are absent, so a service that did not start would otherwise turn
whole areas into skips and leave the run green.

scripts/test.sh sets AVATARAPP_SKIPS_FAIL=1. A developer running pytest by hand without the
services still gets plain skips. The one place that may excuse a skip is ALLOWED_SKIPS below: a
reason (the text after "Skipped: ") mapped to why it is acceptable under make test.
"""

from __future__ import annotations

import os
from collections.abc import Generator
from typing import Any

import pytest

ALLOWED_SKIPS: dict[str, str] = {}

ENV = "AVATARAPP_SKIPS_FAIL"


def _active() -> bool:
    return os.environ.get(ENV) == "1"


def _reason(report: pytest.TestReport | pytest.CollectReport) -> str:
    longrepr: Any = report.longrepr
    text = longrepr[2] if isinstance(longrepr, tuple) else str(longrepr)
    return str(text).removeprefix("Skipped: ")


def _fail_if_not_allowed(report: pytest.TestReport | pytest.CollectReport) -> None:
    if not (_active() and report.skipped and not hasattr(report, "wasxfail")):
        return
    reason = _reason(report)
    if reason in ALLOWED_SKIPS:
        return
    report.outcome = "failed"
    report.longrepr = (
        f"Skipped under make test: {reason}\n"
        "A skip fails the run unless its reason is listed in tests/skip_policy.py ALLOWED_SKIPS "
        "(a service that did not start shows up here)."
    )


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, Any, None]:
    outcome = yield
    _fail_if_not_allowed(outcome.get_result())


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector: pytest.Collector) -> Generator[None, Any, None]:
    outcome = yield
    _fail_if_not_allowed(outcome.get_result())
