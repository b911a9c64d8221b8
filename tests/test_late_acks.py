"""A late ack that runs after its broker connection was dropped (avatarapp/late_acks.py), on the
real Redis broker: Celery's own request lets kombu's AttributeError escape the event loop (which
stopped a worker in CI); ours logs it, and the message is still there for the next connection."""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import Callable, Iterator
from functools import partial

import kombu
import pytest
from celery.worker.request import Request
from kombu.utils.imports import symbol_by_name

from avatarapp.celery import app
from avatarapp.late_acks import LateAckRequest
from generation.tasks import sweep


@pytest.fixture
def queue() -> Iterator[kombu.Queue]:
    if not os.environ.get("REDIS_URL"):
        pytest.skip("Needs the Redis broker; make test starts one and sets REDIS_URL.")
    name = f"late-ack-{uuid.uuid4().hex}"
    queue = kombu.Queue(name, routing_key=name)
    yield queue
    with kombu.Connection(app.conf.broker_url) as connection:
        queue.bind(connection.default_channel).delete()


def received(connection: kombu.Connection, queue: kombu.Queue) -> kombu.Message:
    """One message of `queue`, delivered and not acknowledged, as a worker holds a running task."""
    messages: list[kombu.Message] = []
    consumer = kombu.Consumer(connection.channel(), [queue], accept=["json"])
    consumer.register_callback(lambda _body, message: messages.append(message))
    consumer.consume()
    connection.drain_events(timeout=5)
    assert len(messages) == 1
    return messages[0]


def finish_after_reconnect(request_class: type[Request], queue: kombu.Queue) -> Callable[[], None]:
    """Run a task to its end, drop its connection as the consumer does when the broker goes
    away, and return the ack the event loop runs once the consumer has reconnected."""
    sweep.apply_async(queue=queue.name, routing_key=queue.routing_key)
    connection = kombu.Connection(app.conf.broker_url)
    message = received(connection, queue)
    scheduled: list[Callable[[], None]] = []

    def on_ack(logger: logging.Logger, errors: tuple[type[Exception], ...]) -> None:
        scheduled.append(partial(message.ack_log_error, logger, errors))  # Consumer.call_soon_ack

    errors = connection.connection_errors
    request = request_class(message, on_ack=on_ack, app=app, connection_errors=errors)
    request.acknowledge()  # the task returned (acks_late)
    connection.close()
    # Channel.close drops the channel's Redis pools first; with Redis up, restoring the unacked
    # message then builds a new one. When the broker is gone that close is cut short and the
    # channel keeps no pool (the state of the CI traceback), which this puts back.
    channel = message.channel
    assert channel is not None
    channel._disconnect_pools()
    assert len(scheduled) == 1
    return scheduled[0]


def test_celerys_own_request_lets_the_stale_ack_escape(queue: kombu.Queue) -> None:
    """The kombu behaviour late_acks.py works around; when this fails, the workaround can go."""
    run_ack = finish_after_reconnect(Request, queue)
    with pytest.raises(AttributeError):
        run_ack()


def test_a_stale_late_ack_is_logged_and_the_message_waits_for_the_next_connection(
    queue: kombu.Queue, caplog: pytest.LogCaptureFixture
) -> None:
    run_ack = finish_after_reconnect(LateAckRequest, queue)
    with caplog.at_level(logging.CRITICAL, logger="celery.worker.request"):
        run_ack()
    assert any("Couldn't ack" in record.getMessage() for record in caplog.records)

    with kombu.Connection(app.conf.broker_url) as connection:
        again = received(connection, queue)  # back in the queue: the redelivery ends as a no-op
        assert again.headers["task"] == "generation.sweep"
        again.ack()


def test_every_task_of_the_app_uses_the_late_ack_request() -> None:
    app.loader.import_default_modules()
    ours = [task for name, task in app.tasks.items() if not name.startswith("celery.")]
    assert {"generation.run_image", "generation.poll_image", "generation.sweep"} <= {
        task.name for task in ours
    }
    assert all(symbol_by_name(task.Request) is LateAckRequest for task in ours)
