"""The emulator's own request/response values, independent of http.server.

Provider modules take a `Request` and return a `Response`, so they can be unit-tested without
sockets and the server stays a thin adapter.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs

if TYPE_CHECKING:
    from tests.emulator.recorder import RecordedRequest


@dataclass
class Request:
    method: str
    path: str  # without the query string
    query_string: str
    headers: dict[str, str]  # lower-cased names
    body: bytes
    alias: str  # which host alias received it, e.g. "main", "bfl-eu", "bfl-delivery"
    record: RecordedRequest | None = None

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())

    @property
    def query(self) -> dict[str, list[str]]:
        return parse_qs(self.query_string, keep_blank_values=True)

    def query_param(self, name: str) -> str | None:
        values = self.query.get(name)
        return values[0] if values else None

    @property
    def content_type(self) -> str:
        return (self.header("content-type") or "").split(";")[0].strip().lower()

    def json(self) -> Any:
        """Parsed JSON body; raises ValueError (json.JSONDecodeError) when it is not JSON."""
        return json.loads(self.body.decode("utf-8"))


@dataclass
class Response:
    status: int
    body: bytes = b""
    headers: list[tuple[str, str]] = field(default_factory=list)
    # Close the socket without answering: the client sees a dropped connection.
    drop: bool = False
    # Streamed body (SSE): written chunk by chunk, the connection is closed afterwards.
    chunks: Iterable[bytes] | None = None

    @classmethod
    def json(cls, status: int, payload: Any, headers: Iterable[tuple[str, str]] = ()) -> Response:
        body = json.dumps(payload, separators=(",", ":")).encode()
        return cls(status, body, [("Content-Type", "application/json"), *headers])

    def header(self, name: str) -> str | None:
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None


def dropped() -> Response:
    return Response(0, drop=True)
