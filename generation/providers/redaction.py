"""Keep provider keys out of logs and out of provider messages we store or show.

`RedactSecretsFilter` is installed on the root handler in settings.LOGGING, so every record that
reaches it (Django, Celery, httpx, the openai SDK, our own) is rewritten before it is formatted.
A handler filter, not a logger filter: logger filters do not see records propagated from child
loggers. Plain Python (settings' logging configuration imports it before apps are loaded).

The patterns are deliberately greedy: a false "[redacted]" in a log line costs nothing; a key in a
log aggregator costs a rotation. Header-shaped text is caught by name (Authorization, api-key,
Google's `key=` query parameter, and each provider's own key header from the registry); bare keys
by the shapes the registry gives (sk-..., bfl_..., AIza...). A key with no prefix (a bare-UUID BFL
key, a self-hosted server's key) is only caught next to its header name; that is why keys must
never be logged on purpose in the first place.
"""

from __future__ import annotations

import logging
import re

from generation.providers.registry import ENTRIES

REDACTED = "[redacted]"

_GENERIC_HEADERS = ("authorization", "proxy-authorization", "x-api-key", r"api[-_]?key")
_KEY_HEADERS = tuple(re.escape(e.key.header) for e in ENTRIES if e.key and e.key.header)
_HEADER_NAMES = "|".join(dict.fromkeys((*_GENERIC_HEADERS, *_KEY_HEADERS)))
_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    # `Authorization: Bearer abc`, `'x-key': 'abc'`, `(b'x-key', b'abc')`, `api_key=abc`
    (
        re.compile(
            rf"(?i)((?:{_HEADER_NAMES})['\"]?\s*[:=,]\s*(?:b?['\"])?\s*(?:(?:bearer|basic|token)\s+)?)"
            r"[^\s'\",;&)}\]]+"
        ),
        rf"\1{REDACTED}",
    ),
    (re.compile(r"(?i)\bbearer\s+[A-Za-z0-9._~+/=\-]{6,}"), f"Bearer {REDACTED}"),
    (re.compile(r"([?&]key=)[^\s&'\"]+"), rf"\1{REDACTED}"),
    *(
        (e.key.redaction, rf"\1{REDACTED}")
        for e in ENTRIES
        if e.key is not None and e.key.redaction is not None
    ),
)


def redact(text: str) -> str:
    """`text` with every key-shaped or header-shaped secret replaced by [redacted]."""
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class RedactSecretsFilter(logging.Filter):
    """Rewrites record.msg/args (and the traceback text) when they hold something secret-shaped.

    Records without secrets keep their message template and args untouched, so grouping in log
    tools still works for them.
    """

    _formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: log the template, redacted, not the args
            message = str(record.msg)
            record.args = None
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and not record.exc_text:
            record.exc_text = self._formatter.formatException(record.exc_info)
        if record.exc_text:
            cleaned = redact(record.exc_text)
            if cleaned != record.exc_text:
                # Formatters use exc_text when set; drop exc_info so no handler re-renders the
                # unredacted exception from it.
                record.exc_text, record.exc_info = cleaned, None
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True
