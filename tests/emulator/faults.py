"""Faults on demand: by a marker in the prompt, by a convention in the key, or by a rule.

Prompt markers (only on image requests, where a prompt exists):
    [fault:NAME]          every request with this prompt
    [fault:NAME*N]        the first N requests with this exact prompt (and key), then success
    [fault:NAME=V]        with a value (seconds for slow/rate_limit, status for server_error)
    [fault:NAME=V*N]      both
Key conventions (any provider): a key containing "invalid" is rejected as a bad key; a key
containing "fault-NAME" (e.g. "sk-test-fault-insufficient_quota") gets fault NAME on every image
request. Rules: `Emulator.add_fault(NAME, times=N, provider=..., key=..., model=...,
operation=...)`; without `operation` a rule matches image requests only (the operations in
recorder.SUBMIT_OPERATIONS); use e.g. operation="poll", "delivery", "credits" or "*".
"""

from __future__ import annotations

import itertools
import re
import threading
from collections import Counter
from dataclasses import dataclass

from tests.emulator.recorder import SUBMIT_OPERATIONS

# Fault names and what each provider answers (details in README.md).
FAULTS = {
    "auth": "bad key: OpenAI 401 invalid_api_key, BFL 403, Gemini 400 API_KEY_INVALID",
    "forbidden": "OpenAI 403 organisation verification, BFL 403, Gemini 403 PERMISSION_DENIED",
    "rate_limit": "429 with retry-after (value: seconds)",
    "insufficient_quota": "OpenAI 429 insufficient_quota, BFL 402, Gemini 429 quota",
    "server_error": "5xx (value: status, default 500)",
    "unavailable": "503 overloaded, with Retry-After on BFL",
    "slow": "answer after an extra delay (value: seconds)",
    "drop": "close the connection without an answer (after the work and the billing)",
    "moderation_input": "OpenAI 400 moderation_blocked (input), BFL Request Moderated, "
    "Gemini promptFeedback.blockReason",
    "moderation_output": "OpenAI 400 moderation_blocked (output), BFL Content Moderated, "
    "Gemini finishReason IMAGE_SAFETY",
    "task_error": "BFL: the task ends with status Error (details.error)",
    "task_not_found": "BFL: polls answer Task not found even on the right host",
    "expired_url": "BFL: the Ready result's signed URL is already expired",
    "poll_unavailable": "BFL: the first V (default 1) polls of the task answer 503 + Retry-After",
    "prohibited_content": "Gemini: finishReason PROHIBITED_CONTENT",
    "no_image": "Gemini: a text-only answer (finishReason STOP, no inlineData)",
    "bad_data_url": "OpenRouter: the image's data URL holds an HTML page labelled image/png",
    "oversize_image": "OpenRouter: the image's data URL is over the 10 MB image size cap",
}

MARKER_RE = re.compile(r"\[fault:([a-z_]+)(?:=([0-9.]+))?(?:\*(\d+))?\]")
KEY_FAULT_RE = re.compile(r"fault-([a-z_]+)")


@dataclass(frozen=True)
class Fault:
    name: str
    value: float | None = None


@dataclass
class FaultRule:
    fault: str
    times: int | None = None  # None: forever
    value: float | None = None
    provider: str | None = None
    key: str | None = None
    model: str | None = None
    operation: str | None = None  # None: image requests only; "*": everything
    id: int = 0
    used: int = 0

    def matches(self, provider: str, operation: str, key: str | None, model: str | None) -> bool:
        if self.provider not in (None, provider):
            return False
        if self.key is not None and self.key != key:
            return False
        if self.model is not None and self.model != model:
            return False
        if self.operation is None:
            return operation in SUBMIT_OPERATIONS
        return self.operation in ("*", operation)


def check_name(name: str) -> None:
    if name not in FAULTS:
        raise ValueError(f"unknown fault {name!r}; known: {', '.join(sorted(FAULTS))}")


class FaultBook:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self._rules: list[FaultRule] = []
        self._marker_uses: Counter[tuple[str, str | None, str, str]] = Counter()

    def add(self, rule: FaultRule) -> FaultRule:
        check_name(rule.fault)
        with self._lock:
            rule.id = next(self._ids)
            self._rules.append(rule)
        return rule

    def rules(self) -> list[FaultRule]:
        with self._lock:
            return list(self._rules)

    def clear(self) -> None:
        with self._lock:
            self._rules.clear()
            self._marker_uses.clear()

    def take(
        self,
        provider: str,
        operation: str,
        key: str | None,
        model: str | None = None,
        prompt: str | None = None,
    ) -> dict[str, Fault]:
        """The faults that fire for this request, by name; each firing uses up one of `times`."""
        fired: dict[str, Fault] = {}
        if key and "invalid" in key:
            fired["auth"] = Fault("auth")
        if key and operation in SUBMIT_OPERATIONS:
            for name in KEY_FAULT_RE.findall(key):
                if name in FAULTS:
                    fired.setdefault(name, Fault(name))
        with self._lock:
            for rule in self._rules:
                if rule.times is not None and rule.used >= rule.times:
                    continue
                if rule.matches(provider, operation, key, model):
                    rule.used += 1
                    fired.setdefault(rule.fault, Fault(rule.fault, rule.value))
            if prompt and operation in SUBMIT_OPERATIONS:
                for match in MARKER_RE.finditer(prompt):
                    name, value, times = match.group(1), match.group(2), match.group(3)
                    if name not in FAULTS:
                        continue
                    counter = (provider, key, match.group(0), prompt)
                    if times is not None and self._marker_uses[counter] >= int(times):
                        continue
                    self._marker_uses[counter] += 1
                    fired.setdefault(name, Fault(name, float(value) if value else None))
        return fired
