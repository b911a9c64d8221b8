"""Talking to the emulator process over its admin API (tests/emulator/README.md)."""

from __future__ import annotations

import json
import urllib.request
from typing import Any


class EmulatorAdmin:
    def __init__(self, port: int) -> None:
        self.base = f"http://127.0.0.1:{port}"
        self.admin = f"{self.base}/_emulator"
        self.openai_base_url = f"{self.base}/v1"

    def _call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(  # noqa: S310 (loopback, our own process)
            f"{self.admin}/{path}",
            data=data,
            method=method,
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
            return json.loads(response.read())

    def reset(self) -> None:
        self._call("POST", "reset", {})

    def configure(self, **settings: Any) -> None:
        self._call("POST", "config", settings)

    def generations(self) -> list[dict[str, Any]]:
        """Recorded OpenAI image generations: `time` (wall clock when the request was read),
        `status`, and the JSON `payload` the client sent."""
        found = self._call("GET", "requests?provider=openai&operation=images.generate")
        return list(found["requests"])
