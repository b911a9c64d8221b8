"""Every request the emulator received, for tests to assert on (in-process or via the admin API).

Keys never appear in recorded headers or query strings: they are kept apart in `api_key` (full, for
in-process assertions) and shown over HTTP only as a hint and a hash prefix.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import threading
import time
from collections import Counter, deque
from dataclasses import dataclass, field
from typing import Any

from tests.emulator.wire import Request

SECRET_HEADERS = {"authorization", "x-key", "x-goog-api-key", "api-key"}
SECRET_QUERY = {"key"}
# Operations that ask for an image (and may be billed).
SUBMIT_OPERATIONS = {
    "images.generate",
    "images.edit",
    "submit",
    "generateContent",
    "chat.completions",
}


def prompt_text(provider: str, payload: Any) -> str:
    """The text prompt of an image request, whatever the provider's body looks like: OpenAI, BFL
    and APIMart send `prompt`, HiAPI `input.prompt` (tasks) or `prompt`, Gemini sends text parts
    inside `contents` (camelCase or snake_case), OpenRouter chat messages."""
    if not isinstance(payload, dict):
        return ""
    if provider == "openrouter":
        return _chat_text(payload)
    if provider == "hiapi" and isinstance(payload.get("input"), dict):  # its task API
        return str(payload["input"].get("prompt") or "")
    if provider != "gemini":
        return str(payload.get("prompt") or "")
    texts = [
        part.get("text")
        for content in payload.get("contents") or []
        if isinstance(content, dict)
        for part in content.get("parts") or []
        if isinstance(part, dict)
    ]
    return " ".join(text for text in texts if isinstance(text, str))


def _chat_text(payload: dict[str, Any]) -> str:
    """OpenRouter's chat: the text of the messages, a plain string or text content parts."""
    texts: list[object] = []
    for message in payload.get("messages") or []:
        content = message.get("content") if isinstance(message, dict) else None
        if isinstance(content, str):
            texts.append(content)
        for part in content if isinstance(content, list) else []:
            if isinstance(part, dict) and part.get("type") == "text":
                texts.append(part.get("text"))
    return " ".join(text for text in texts if isinstance(text, str))


def key_hint(key: str | None) -> str | None:
    if not key:
        return None
    return f"{key[:3]}...{key[-4:]}" if len(key) > 10 else "***"


def key_hash(key: str | None) -> str | None:
    return hashlib.sha256(key.encode()).hexdigest()[:16] if key else None


@dataclass
class RecordedRequest:
    seq: int
    time: float  # wall clock, seconds
    alias: str
    provider: str  # "openai", "bfl", "gemini" or "unknown"
    operation: str  # e.g. "images.generate", "submit", "poll", "delivery", "generateContent"
    method: str
    path: str
    query: str  # with any key parameter redacted
    headers: dict[str, str]  # with auth headers redacted
    body: bytes
    api_key: str | None = field(default=None, repr=False)
    model: str | None = None
    status: int | None = None  # None while in flight; 0 when the connection was dropped
    form: dict[str, Any] | None = None  # multipart edits: text fields and file summaries

    def json(self) -> Any:
        """The body parsed as JSON, or None."""
        try:
            return json.loads(self.body)
        except ValueError:
            return None

    @property
    def payload(self) -> Any:
        """What the schemas validate: the multipart summary or the JSON body."""
        return self.form if self.form is not None else self.json()

    @property
    def prompt(self) -> str:
        return prompt_text(self.provider, self.payload)

    def as_dict(self) -> dict[str, Any]:
        payload = self.payload
        return {
            "seq": self.seq,
            "time": self.time,
            "alias": self.alias,
            "provider": self.provider,
            "operation": self.operation,
            "method": self.method,
            "path": self.path,
            "query": self.query,
            "headers": self.headers,
            "api_key_hint": key_hint(self.api_key),
            "api_key_sha256": key_hash(self.api_key),
            "model": self.model,
            "status": self.status,
            "payload": payload,
            "body_bytes": len(self.body),
        }


def redact_query(query: str) -> str:
    parts = []
    for item in query.split("&") if query else []:
        name, sep, _value = item.partition("=")
        parts.append(f"{name}=[REDACTED]" if name in SECRET_QUERY and sep else item)
    return "&".join(parts)


class Recorder:
    def __init__(self, limit: int) -> None:
        self._lock = threading.Lock()
        self._seq = itertools.count(1)
        self._items: deque[RecordedRequest] = deque(maxlen=limit)
        self._submits: Counter[str] = Counter()

    def record(
        self, req: Request, provider: str, operation: str, api_key: str | None
    ) -> RecordedRequest:
        headers = {
            name: ("[REDACTED]" if name in SECRET_HEADERS else value)
            for name, value in req.headers.items()
        }
        with self._lock:
            item = RecordedRequest(
                seq=next(self._seq),
                time=time.time(),
                alias=req.alias,
                provider=provider,
                operation=operation,
                method=req.method,
                path=req.path,
                query=redact_query(req.query_string),
                headers=headers,
                body=req.body,
                api_key=api_key,
            )
            self._items.append(item)
            if operation in SUBMIT_OPERATIONS and api_key:
                self._submits[api_key] += 1
        return item

    def all(self) -> list[RecordedRequest]:
        with self._lock:
            return list(self._items)

    def submits(self, key: str) -> int:
        with self._lock:
            return self._submits[key]

    def submits_by_key(self) -> dict[str, int]:
        with self._lock:
            return dict(self._submits)

    def clear(self, limit: int) -> None:
        with self._lock:
            self._items = deque(maxlen=limit)
            self._submits.clear()
