"""fal.ai's queue as the emulator keeps it: requests moving IN_QUEUE -> IN_PROGRESS -> COMPLETED,
their results (kept an hour, six minutes when large) and the CDN files they made."""

from __future__ import annotations

import threading
import time
import uuid
from dataclasses import dataclass, field

from tests.emulator.config import EmulatorConfig

IN_QUEUE, IN_PROGRESS, COMPLETED = "IN_QUEUE", "IN_PROGRESS", "COMPLETED"
# How a request ends: a picture, a content flag on the prompt or on the picture, a validation
# failure on the runner, an internal error, a cancellation, or an answer without an image.
OK, FLAGGED_INPUT, FLAGGED_OUTPUT, INVALID, ERROR, CANCELLED, NO_IMAGE = (
    "ok",
    "flagged_input",
    "flagged_output",
    "invalid",
    "error",
    "cancelled",
    "no_image",
)
QUEUE_SHARE = 0.3  # the part of a request's latency it spends IN_QUEUE
QUEUE_STEP = 0.2  # seconds per queue position, so `queue_position` counts down


@dataclass
class FalRequest:
    id: str
    key: str
    endpoint: str
    app: str
    prompt: str
    width: int
    height: int
    output_format: str
    seed: int
    outcome: str
    problem: dict[str, object] | None = None  # the 422 item of an INVALID outcome
    file_ttl: float | None = None  # X-Fal-Object-Lifecycle-Preference, seconds
    created: float = field(default_factory=time.monotonic)
    started_at: float = 0.0
    ready_at: float = 0.0
    result_expired: bool = False  # fault expired_url
    not_found: bool = False  # fault task_not_found
    unavailable_polls: int = 0  # fault poll_unavailable

    def status(self, now: float) -> str:
        if self.outcome == CANCELLED or now >= self.ready_at:
            return COMPLETED
        return IN_QUEUE if now < self.started_at else IN_PROGRESS

    def queue_position(self, now: float) -> int:
        return max(0, int((self.started_at - now) / QUEUE_STEP))

    @property
    def file_name(self) -> str:
        return f"{self.id}.{'jpg' if self.output_format == 'jpeg' else self.output_format}"


class FalStore:
    def __init__(self, config: EmulatorConfig) -> None:
        self._config = config
        self._lock = threading.Lock()
        self._requests: dict[str, FalRequest] = {}

    def reset(self, config: EmulatorConfig) -> None:
        with self._lock:
            self._config = config
            self._requests.clear()

    def admit(self, request: FalRequest, latency: float) -> None:
        now = time.monotonic()
        refused = request.outcome == FLAGGED_INPUT  # a prompt check takes no GPU time
        request.created = now
        request.started_at = now if refused else now + latency * QUEUE_SHARE
        request.ready_at = now if refused else now + latency
        with self._lock:
            self._requests[request.id] = request

    def get(self, request_id: str) -> FalRequest | None:
        with self._lock:
            found = self._requests.get(request_id)
        return None if found is None or found.not_found else found

    def result_gone(self, request: FalRequest, size: int, now: float) -> bool:
        """fal keeps a result an hour after it completes, six minutes when it is 10 KB or more."""
        config = self._config
        large = size >= config.fal_large_result_bytes
        ttl = config.fal_large_result_ttl if large else config.fal_result_ttl
        return request.result_expired or now >= request.ready_at + ttl

    def file_gone(self, request: FalRequest, now: float) -> bool:
        return request.file_ttl is not None and now >= request.ready_at + request.file_ttl

    def cancel(self, request: FalRequest, now: float) -> bool:
        with self._lock:
            if request.status(now) == COMPLETED:
                return False
            request.outcome, request.ready_at = CANCELLED, now
            return True

    def take_unavailable_poll(self, request: FalRequest) -> bool:
        with self._lock:
            if request.unavailable_polls > 0:
                request.unavailable_polls -= 1
                return True
            return False


def new_request_id() -> str:
    return str(uuid.uuid4())
