"""BFL account state: credits per key, asynchronous tasks, signed delivery URLs."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
import threading
import time
import uuid
from dataclasses import dataclass, field
from decimal import Decimal

from tests.emulator.config import EmulatorConfig

PENDING = "Pending"
READY = "Ready"
ERROR = "Error"
REQUEST_MODERATED = "Request Moderated"
CONTENT_MODERATED = "Content Moderated"
NOT_FOUND = "Task not found"
# Outcomes BFL does not bill (PRICING.md: moderated tasks are not charged). Error is refunded
# too: the contracts say nothing about it and charging for a failure seems unlikely [U].
UNBILLED = {REQUEST_MODERATED, CONTENT_MODERATED, ERROR}


@dataclass
class Task:
    id: str
    key: str
    model: str
    region: str  # "global", "eu" or "us": the submit host
    poll_alias: str  # the only host alias that knows this task
    prompt: str
    seed: int
    width: int
    height: int
    output_format: str
    cost: Decimal
    outcome: str  # what the task ends as: READY, ERROR, *_MODERATED
    created: float = field(default_factory=time.monotonic)
    created_wall: float = field(default_factory=time.time)
    ready_at: float = 0.0  # monotonic time it stops being Pending
    not_found: bool = False  # fault task_not_found
    url_expired: bool = False  # fault expired_url
    unavailable_polls: int = 0  # fault poll_unavailable: polls left that answer 503
    settled: bool = False  # refund decided

    def status(self, now: float, task_ttl: float) -> str:
        if self.not_found or now >= self.created + task_ttl:
            return NOT_FOUND
        return PENDING if now < self.ready_at else self.outcome

    def progress(self, now: float) -> float:
        span = self.ready_at - self.created
        return 1.0 if span <= 0 else round(min(1.0, max(0.0, (now - self.created) / span)), 2)


class BflStore:
    def __init__(self, config: EmulatorConfig) -> None:
        self._config = config
        self._lock = threading.Lock()
        self._credits: dict[str, Decimal] = {}
        self._tasks: dict[str, Task] = {}
        self._secret = secrets.token_bytes(16)

    def reset(self, config: EmulatorConfig) -> None:
        with self._lock:
            self._config = config
            self._credits.clear()
            self._tasks.clear()

    # --- credits ---------------------------------------------------------------------------

    def _balance(self, key: str) -> Decimal:
        if key not in self._credits:
            self._credits[key] = Decimal(str(self._config.bfl_default_credits))
        return self._credits[key]

    def credits(self, key: str) -> Decimal:
        with self._lock:
            self._settle(time.monotonic())
            return self._balance(key)

    def set_credits(self, key: str, credits: float | Decimal) -> None:
        with self._lock:
            self._credits[key] = Decimal(str(credits))

    # --- tasks -----------------------------------------------------------------------------

    def active(self, key: str, model: str | None = None) -> int:
        now = time.monotonic()
        with self._lock:
            return self._active(key, model, now)

    def _active(self, key: str, model: str | None, now: float) -> int:
        return sum(
            1
            for task in self._tasks.values()
            if task.key == key and now < task.ready_at and model in (None, task.model)
        )

    def admit(self, task: Task, latency: float) -> str | None:
        """Charge and store `task`, or say why not: "active" (too many running) or "credits"."""
        now = time.monotonic()
        limits = self._config.bfl_max_active_tasks_by_model
        with self._lock:
            self._settle(now)
            if self._active(task.key, None, now) >= self._config.bfl_max_active_tasks:
                return "active"
            model_limit = limits.get(task.model)
            if model_limit is not None and self._active(task.key, task.model, now) >= model_limit:
                return "active"
            if self._balance(task.key) < task.cost:
                return "credits"
            self._credits[task.key] -= task.cost
            task.created = now
            # A refused prompt is refused at once; everything else takes the model's time.
            task.ready_at = now if task.outcome == REQUEST_MODERATED else now + latency
            self._tasks[task.id] = task
        return None

    def get(self, task_id: str) -> Task | None:
        with self._lock:
            self._settle(time.monotonic())
            return self._tasks.get(task_id)

    def take_unavailable_poll(self, task: Task) -> bool:
        with self._lock:
            if task.unavailable_polls > 0:
                task.unavailable_polls -= 1
                return True
            return False

    def _settle(self, now: float) -> None:
        """Refund finished unbilled tasks once, and forget tasks long past their lifetime."""
        ttl = self._config.bfl_task_ttl
        for task_id, task in list(self._tasks.items()):
            if not task.settled and now >= task.ready_at:
                task.settled = True
                if task.outcome in UNBILLED:
                    self._credits[task.key] = self._balance(task.key) + task.cost
            if now > task.created + 2 * ttl + 60:
                del self._tasks[task_id]

    # --- signed delivery URLs ----------------------------------------------------------------

    def _signature(self, task_id: str, expiry: str) -> str:
        message = f"{task_id}|{expiry}".encode()
        return hmac.new(self._secret, message, hashlib.sha256).hexdigest()[:40]

    def sign(self, task: Task, ready_wall: float) -> str:
        """Query string of the result URL (Azure-SAS-like: se = expiry, sig = signature)."""
        expires = ready_wall + self._config.bfl_delivery_ttl
        if task.url_expired:
            expires = min(expires, time.time() - 1)
        stamp = dt.datetime.fromtimestamp(expires, dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        return f"se={stamp}&sp=r&sig={self._signature(task.id, stamp)}"

    def verify(self, task_id: str, expiry: str, signature: str) -> str:
        """ "ok", "expired" or "forged"."""
        if not hmac.compare_digest(self._signature(task_id, expiry), signature):
            return "forged"
        try:
            when = dt.datetime.fromisoformat(expiry.replace("Z", "+00:00"))
        except ValueError:
            return "forged"
        return "ok" if time.time() < when.timestamp() else "expired"


def new_task_id() -> str:
    return str(uuid.uuid4())
