"""Late acknowledgements that outlive their broker connection must not stop the worker.

With ``acks_late`` a task's message is acknowledged when the task returns, on the event loop of
the consumer, through the channel the message came on. A provider call can take longer than a
Redis outage: the consumer drops that connection and reconnects, and the call's ack still runs
on the old channel. kombu's Redis transport then raises ``AttributeError`` ('NoneType' object
has no attribute 'hostname') instead of a connection error: the channel's transport has been
detached from its client, so there is nothing to build a new Redis pool from. Celery lets only
connection errors pass, so the AttributeError escaped the event loop and shut the worker down,
leaving every image it would have served to wait for a restart (the fault suite's broker gap
test caught this in CI; kombu 5.7.0, celery 5.7.0).

Nothing is lost by not acknowledging such a message: Redis keeps it in the unacked set and gives
it back after the visibility timeout, and the redelivered task finds its image already ended
(generation.pipeline only moves rows forward). So the ack failure is logged, as Celery logs one
that fails with a connection error, and the worker carries on.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from celery.app.task import Task
from celery.worker.request import Request

# What a late ack on a dropped connection raises on top of the transport's connection errors.
STALE_CHANNEL_ERRORS: tuple[type[Exception], ...] = (AttributeError,)


class LateAckRequest(Request):
    """A task request whose ack or reject logs, rather than raises, when its channel is gone.

    Celery hands a request's connection errors only to the ack and the reject, which pass them
    to kombu's ``Message.ack_log_error`` / ``reject_log_error``: the errors those log and
    swallow. Widening them here widens nothing else."""

    def __init__(
        self, message: Any, *, connection_errors: Sequence[Any] | None = None, **kw: Any
    ) -> None:  # the worker (celery.worker.strategy) passes everything but the message by name
        errors = (*(connection_errors or ()), *STALE_CHANNEL_ERRORS)
        super().__init__(message, connection_errors=errors, **kw)


class AppTask(Task):
    """The base of every task of the app (Celery(task_cls=...) in avatarapp/celery.py)."""

    Request = "avatarapp.late_acks:LateAckRequest"
