"""The logging filter redacts key-shaped and header-shaped secrets in every record."""

from __future__ import annotations

import io
import logging
import sys
from typing import Any

import pytest
from django.conf import settings

from generation.providers.redaction import RedactSecretsFilter, redact
from tests.keys.factories import bfl_key, google_key, openai_key


def _cases() -> list[tuple[str, str]]:
    sk, aiza, bfl = openai_key(), google_key(), bfl_key()
    prefixed_bfl = "bfl_" + "canary" + bfl.replace("-", "")
    return [
        (f"Authorization: Bearer {sk}", sk),
        (f"authorization: bearer {bfl}", bfl),
        (f"headers={{'Authorization': 'Bearer {bfl}'}}", bfl),
        (f"x-key: {bfl}", bfl),
        (f"[(b'x-key', b'{bfl}'), (b'accept', b'application/json')]", bfl),
        (f'{{"x-goog-api-key": "{bfl}"}}', bfl),
        (f"X-Goog-Api-Key={aiza}", aiza),
        (f"GET https://generativelanguage.googleapis.com/v1beta/models?key={bfl}", bfl),
        (f"Incorrect API key provided: {sk}.", sk),
        (f"key {aiza} was refused", aiza),
        (f"token {prefixed_bfl}", prefixed_bfl),
        (f"api_key='{bfl}'", bfl),
    ]


@pytest.mark.parametrize(("text", "secret"), _cases())
def test_redact_removes_every_shape(text: str, secret: str) -> None:
    cleaned = redact(text)
    assert secret not in cleaned
    assert secret[-6:] not in cleaned
    assert "[redacted]" in cleaned


def test_ordinary_text_is_left_alone() -> None:
    text = "GET /v1/models 200 in 31 ms; skip-list sk- alone; key: value"
    assert redact("GET /v1/models 200 in 31 ms") == "GET /v1/models 200 in 31 ms"
    assert redact(text).startswith("GET /v1/models 200 in 31 ms; skip-list sk- alone")


class _Keeping(logging.StreamHandler[io.StringIO]):
    """A stream handler that also keeps the records it emitted, after its filters ran."""

    def __init__(self, stream: io.StringIO) -> None:
        super().__init__(stream)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)
        super().emit(record)


def _emit(logger: logging.Logger, message: str, *args: object, **kwargs: Any) -> tuple[str, Any]:
    stream = io.StringIO()
    handler = _Keeping(stream)
    handler.addFilter(RedactSecretsFilter())
    logger.addHandler(handler)
    logger.propagate = False
    try:
        logger.warning(message, *args, **kwargs)
    finally:
        logger.removeHandler(handler)
    return stream.getvalue(), handler.records[0]


def test_the_filter_rewrites_message_args_and_traceback() -> None:
    key = openai_key()
    logger = logging.getLogger("tests.keys.redaction")
    output, record = _emit(logger, "calling with %s", {"Authorization": f"Bearer {key}"})
    assert key not in output
    assert "[redacted]" in output
    assert record.args is None

    try:
        raise RuntimeError(f"provider said: Incorrect API key provided: {key}")
    except RuntimeError:
        output, record = _emit(logger, "failed", exc_info=sys.exc_info())
    assert "RuntimeError: provider said: Incorrect API key provided: sk-[redacted]" in output
    assert key not in output
    assert record.exc_info is None
    assert key not in (record.exc_text or "")


def test_a_clean_record_keeps_its_template_and_args() -> None:
    _output, record = _emit(logging.getLogger("tests.keys.redaction"), "took %d ms", 31)
    assert record.msg == "took %d ms"
    assert record.args == (31,)


def test_the_filter_sits_on_the_root_handler_and_django_logs_reach_it() -> None:
    config: dict[str, Any] = settings.LOGGING
    assert (
        config["filters"]["redact_secrets"]["()"]
        == "generation.providers.redaction.RedactSecretsFilter"
    )
    assert config["root"]["handlers"] == ["console"]
    assert "redact_secrets" in config["handlers"]["console"]["filters"]
    root_handlers = logging.getLogger().handlers
    assert any(isinstance(f, RedactSecretsFilter) for h in root_handlers for f in h.filters), (
        "the configured root handler carries the filter"
    )
    for name in ("django", "django.request", "django.server"):
        logger = logging.getLogger(name)
        assert logger.handlers == []
        assert logger.propagate, f"{name} must go through the root"
