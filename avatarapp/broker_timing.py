"""The start-up rule that keeps Redis from re-delivering a task that is still running.

With ``acks_late`` a Redis message stays unacknowledged until its task returns. If it is still
unacknowledged after the broker's visibility timeout, Redis hands it to another worker, and the
task runs twice at once. Countdowns (delayed polls) and retry backoffs count too: kombu's Redis
transport holds those messages unacknowledged while they wait. So the visibility timeout must
exceed every such interval by a wide margin: we demand a factor of two.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured

SAFETY_FACTOR = 2


@dataclass(frozen=True)
class BrokerTiming:
    visibility_timeout: int
    task_time_limit: int
    task_soft_time_limit: int
    max_countdown: int
    max_retry_backoff: int

    def longest_hold(self) -> tuple[str, int]:
        """The longest time a message can stay unacknowledged, and the setting that causes it."""
        holds = {
            "CELERY_TASK_TIME_LIMIT": self.task_time_limit,
            "GENERATION_MAX_COUNTDOWN": self.max_countdown,
            "GENERATION_MAX_RETRY_BACKOFF": self.max_retry_backoff,
        }
        name = max(holds, key=lambda key: holds[key])
        return name, holds[name]


def check_broker_timing(timing: BrokerTiming) -> None:
    """Raise ImproperlyConfigured, with the numbers and the fix, when the timing is unsafe."""
    if timing.task_soft_time_limit >= timing.task_time_limit:
        raise ImproperlyConfigured(
            f"CELERY_TASK_SOFT_TIME_LIMIT ({timing.task_soft_time_limit}s) must be below "
            f"CELERY_TASK_TIME_LIMIT ({timing.task_time_limit}s), so a task can clean up before it "
            "is killed."
        )
    name, longest = timing.longest_hold()
    needed = SAFETY_FACTOR * longest
    if timing.visibility_timeout < needed:
        raise ImproperlyConfigured(
            f"CELERY_VISIBILITY_TIMEOUT is {timing.visibility_timeout}s but {name} is {longest}s: "
            f"the broker would re-deliver a task that is still running. Set "
            f"CELERY_VISIBILITY_TIMEOUT to at least {needed}s (twice the longest countdown, retry "
            "backoff or time limit), or lower that value."
        )
