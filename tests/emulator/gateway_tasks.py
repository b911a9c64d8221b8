"""The gateways' (HiAPI, APIMart) task state: tasks per key, and signed, expiring result URLs on
the fake CDN alias "gateway-cdn"."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from dataclasses import dataclass, field

from tests.emulator.config import EmulatorConfig

SUCCESS = "success"
FAILED = "failed"
ULID_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base 32, as ULIDs are written


@dataclass
class GatewayTask:
    id: str
    provider: str  # "hiapi" or "apimart"
    key: str
    model: str
    prompt: str
    width: int
    height: int
    outcome: str = SUCCESS  # what the task ends as: SUCCESS or FAILED
    error_code: str = ""
    error_message: str = ""
    no_image: bool = False  # fault no_image: it succeeds with no output
    not_found: bool = False  # fault task_not_found: polls answer 404
    url_expired: bool = False  # fault expired_url
    unavailable_polls: int = 0  # fault poll_unavailable: polls left that answer 503
    url_as_string: bool = False  # APIMart: `url` a plain string rather than a list
    created: float = field(default_factory=time.monotonic)
    created_wall: float = field(default_factory=time.time)
    ready_at: float = 0.0

    def progress(self, now: float) -> float:
        span = self.ready_at - self.created
        return 1.0 if span <= 0 else min(1.0, max(0.0, (now - self.created) / span))

    def finished(self, now: float) -> bool:
        return now >= self.ready_at

    @property
    def ready_wall(self) -> float:
        return self.created_wall + (self.ready_at - self.created)


class GatewayStore:
    def __init__(self, config: EmulatorConfig) -> None:
        self._config = config
        self._lock = threading.Lock()
        self._tasks: dict[str, GatewayTask] = {}
        self._secret = secrets.token_bytes(16)

    def reset(self, config: EmulatorConfig) -> None:
        with self._lock:
            self._config = config
            self._tasks.clear()

    def admit(self, task: GatewayTask, latency: float) -> None:
        with self._lock:
            task.created = time.monotonic()
            task.ready_at = task.created + latency
            self._tasks[task.id] = task

    def get(self, provider: str, key: str, task_id: str) -> GatewayTask | None:
        """The task, if this key of this gateway made it (another account's task is unknown)."""
        with self._lock:
            task = self._tasks.get(task_id)
        if task is None or task.provider != provider or task.key != key or task.not_found:
            return None
        return task

    def find(self, task_id: str) -> GatewayTask | None:
        with self._lock:
            return self._tasks.get(task_id)

    def take_unavailable_poll(self, task: GatewayTask) -> bool:
        with self._lock:
            if task.unavailable_polls > 0:
                task.unavailable_polls -= 1
                return True
            return False

    # --- signed result URLs ------------------------------------------------------------------

    def expiry(self, task: GatewayTask) -> int:
        if task.url_expired:
            return int(time.time()) - 1
        return int(task.ready_wall + self._config.gateway_result_ttl)

    def signature(self, task_id: str, expires: int) -> str:
        message = f"{task_id}|{expires}".encode()
        return hmac.new(self._secret, message, hashlib.sha256).hexdigest()[:32]

    def verify(self, task_id: str, expires: str, signature: str) -> str:
        """ "ok", "expired" or "forged"."""
        if not expires.isdigit() or not hmac.compare_digest(
            self.signature(task_id, int(expires)), signature
        ):
            return "forged"
        return "ok" if time.time() < int(expires) else "expired"


def new_task_id(provider: str) -> str:
    """ "tk-hiapi-" + a 26-character ULID (HiAPI), "task_01" + 24 more (APIMart)."""
    body = "".join(secrets.choice(ULID_ALPHABET) for _ in range(26))
    return f"tk-hiapi-{body}" if provider == "hiapi" else f"task_01{body[:24]}"
