"""Shared mutable state of one emulator: config, request log, faults, BFL account, rate windows."""

from __future__ import annotations

import threading
import time
from collections import deque

from tests.emulator.bfl_tasks import BflStore
from tests.emulator.catalog import (
    GEMINI_MODELS,
    OPENAI_MODELS,
    gemini_model_status,
    latency_default,
    openai_model_status,
)
from tests.emulator.config import EmulatorConfig
from tests.emulator.fal_queue import FalStore
from tests.emulator.faults import FaultBook
from tests.emulator.gateway_tasks import GatewayStore
from tests.emulator.recorder import Recorder


class RateWindows:
    """Requests per key in the last minute, for rate-limit headers and optional enforcement."""

    WINDOW = 60.0

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._hits: dict[tuple[str, str], deque[float]] = {}

    def hit(self, provider: str, key: str, limit: int | None) -> tuple[bool, int, int, float]:
        """(allowed, limit, remaining, seconds until a slot frees)."""
        now = time.monotonic()
        shown = limit or 5000  # reported when nothing is enforced
        with self._lock:
            hits = self._hits.setdefault((provider, key), deque())
            while hits and hits[0] <= now - self.WINDOW:
                hits.popleft()
            reset = (hits[0] + self.WINDOW - now) if hits else 0.0
            if limit is not None and len(hits) >= limit:
                return False, shown, 0, max(reset, 0.001)
            hits.append(now)
            return True, shown, max(shown - len(hits), 0), reset

    def clear(self) -> None:
        with self._lock:
            self._hits.clear()


class EmulatorState:
    def __init__(self, config: EmulatorConfig) -> None:
        self.initial_config = config.copy()
        self.config = config.copy()
        self.recorder = Recorder(self.config.record_limit)
        self.faults = FaultBook()
        self.bfl = BflStore(self.config)
        self.fal = FalStore(self.config)
        self.gateways = GatewayStore(self.config)
        self.rates = RateWindows()
        # Set when the server stops, so sleeping handlers give up at once.
        self.stopping = threading.Event()

    def reset(self) -> None:
        self.config = self.initial_config.copy()
        self.recorder.clear(self.config.record_limit)
        self.faults.clear()
        self.bfl.reset(self.config)
        self.fal.reset(self.config)
        self.gateways.reset(self.config)
        self.rates.clear()

    def model_list(self, provider: str) -> list[str]:
        """The ids `provider`'s ("openai" or "gemini") free model list names now: the configured
        list, else every model the emulator knows that is available today."""
        listed = self.config.openai_models if provider == "openai" else self.config.gemini_models
        if listed is not None:
            return list(listed)
        known = OPENAI_MODELS if provider == "openai" else GEMINI_MODELS
        return [model for model in known if self.model_available(provider, model)]

    def model_available(self, provider: str, model: str) -> bool:
        """Whether an image request may use `model`: known, available today, and not withdrawn
        from a configured list."""
        status = openai_model_status if provider == "openai" else gemini_model_status
        listed = self.config.openai_models if provider == "openai" else self.config.gemini_models
        available = status(model, self.config.effective_today()) == "available"
        return available and (listed is None or model in listed)

    def latency(self, provider: str, model: str) -> float:
        config = self.config
        if model in config.latency_overrides:
            return max(0.0, float(config.latency_overrides[model]))
        if config.latency_seconds is not None:
            return max(0.0, float(config.latency_seconds))
        return max(0.0, latency_default(provider, model) * config.latency_scale)

    def sleep(self, seconds: float) -> None:
        """Block this request's thread only (one thread per connection)."""
        if seconds > 0:
            self.stopping.wait(seconds)
