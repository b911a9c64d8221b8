"""What the worker does for one image. Every step re-reads the row and moves it on with a
conditional UPDATE, so a task delivered twice (broker re-delivery, the sweeper, a user's double
click) does its work at most once.

    queued --claim--> running --provider call--> storing --files + ledger--> succeeded
                         |  (BFL) submit --> polling --poll ... Ready--> storing
                         +--> failed | needs_reconciliation | back to queued (retryable)

The statuses and the moves allowed between them are data in generation/image_states.py, and
every change of status is one `Image.objects.move`. The last line's decisions live in
generation/failed_attempts.py; the image work in image_processes.py; what comes next is enqueued
through generation/queue.py.
"""

from __future__ import annotations

import logging
import uuid
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from avatarapp.imagesafety import UnsafeImageError
from avatarapp.prepared_queries import PreparedQuery
from catalog import actual_cost, resolve_params
from generation import failed_attempts, ledger, queue
from generation.catalog_watch import LISTED_MODEL_IDS, fail_if_not_offered
from generation.crashpoints import crash_point  # test-only hook, inert unless configured
from generation.models import Image
from generation.provider_call import ProviderCall, images_for_call, prepare_call, prepare_poll
from generation.providers.base import GenerationResult, PendingTask, ProviderError, RetryableError
from generation.storage import store_generated

log = logging.getLogger(__name__)
Status = Image.Status

# The row as a provider call reads it, with its provider's latest model list: every attempt
# starts with this read, so it is compiled once (avatarapp.prepared_queries).
IMAGE_FOR_CALL = PreparedQuery(
    lambda image_id: (
        images_for_call().annotate(listed_model_ids=LISTED_MODEL_IDS).filter(pk=image_id)
    ),
    image_id=Image._meta.pk,
)

POLL_FIRST_SECONDS = 0.5  # providers' polling advice: start 0.5 s, double, cap 10 s
ACTIVE_TASKS_PER_KEY = 24  # BFL's limit per key (6 for kontext-max; its 429 covers that)


def poll_delay(poll_count: int) -> float:
    return min(float(settings.GENERATION_MAX_COUNTDOWN), POLL_FIRST_SECONDS * 2**poll_count)


def claim(image_id: uuid.UUID | str) -> bool:
    """queued -> running, counting the attempt, if the image is due. A duplicate message (the
    sweeper's re-enqueue, a redelivery) for a row waiting out its backoff finds it not due yet
    and leaves it to the message scheduled for then (or the sweeper, if that is lost)."""
    now = timezone.now()
    due = Q(next_attempt_at=None) | Q(next_attempt_at__lte=now)
    return Image.objects.move(
        image_id,
        Status.QUEUED,
        Status.RUNNING,
        where=due,
        attempts=F("attempts") + 1,
        started_at=now,
    )


def run_image(image_id: uuid.UUID | str) -> None:
    """Ensure the image gets made: claim it, call the provider, then store or start polling."""
    if not claim(image_id):
        return  # someone else has it, or it is already finished
    image = IMAGE_FOR_CALL.first(image_id=image_id)
    if image is None:
        raise Image.DoesNotExist(f"image {image_id} is gone")
    try:
        if fail_if_not_offered(image):  # the provider's own model list dropped it
            return
        call = prepare_call(image)
        if call.asynchronous and _at_task_limit(call.key_id):
            _wait_for_a_slot(image)
            return
        crash_point("before_submit", image)
        if not record_call(image, call.key_id):
            return  # the sweeper took this attempt for dead and handed the image on
        crash_point("before_call", image)
        if call.asynchronous:
            task = call.submit()
            crash_point("after_submit", image)
            _start_polling(image, task)
        else:
            result = call.generate()
            crash_point("after_submit", image)
            _finish(image, Status.RUNNING, result, call)
    except ProviderError as error:
        failed_attempts.handle_provider_error(image, Status.RUNNING, error)
    except Exception as error:  # a bug or a crash in our own code: bounded retries on the row
        log.exception("image %s: unexpected error in attempt %s", image.pk, image.attempts)
        if image.provider_call_at is not None:
            # Once the call is recorded the provider may have accepted and billed the work (our
            # code can fail after the answer, or a soft time limit can hit mid-call): a retry
            # would resubmit it and bill again.
            failed_attempts.reconcile(
                image, Status.RUNNING, "Something went wrong on our side after the call."
            )
            return
        failed_attempts.retry_or_fail(
            image, Status.RUNNING, "Something went wrong on our side.", None, error
        )


def record_call(image: Image, key_id: uuid.UUID | None) -> bool:
    """Mark that this attempt is about to call the provider, if the attempt is still the image's.

    A live attempt left quiet past the dead-worker limit before its call (a worker starved of CPU)
    is taken for dead by the sweeper and re-queued, and another worker claims it. Only the attempt
    that still holds the row (running, its own attempt number, no call yet) may call; the sweeper,
    for its part, re-queues only rows with no call recorded, so exactly one of the two goes on and
    the image is billed once."""
    now = timezone.now()
    taken = Image.objects.move(
        image.pk,
        Status.RUNNING,
        Status.RUNNING,
        where=Q(attempts=image.attempts, provider_call_at=None),
        provider_call_at=now,
        provider_key_id=key_id,
    )
    if not taken:
        log.warning("image %s: attempt %s was handed on before its call", image.pk, image.attempts)
        return False
    image.provider_call_at = now
    image.provider_key_id = key_id
    return True


def _at_task_limit(key_id: uuid.UUID | None) -> bool:
    """BFL runs at most 24 tasks per key and answers 429 past that; counting our own polling rows
    first keeps a big batch from hammering it (the 429 stays the backstop for races)."""
    if key_id is None:
        return False
    active = Image.objects.filter(provider_key_id=key_id, status=Status.POLLING).count()
    return active >= ACTIVE_TASKS_PER_KEY


def _wait_for_a_slot(image: Image) -> None:
    """Back to the queue without spending an attempt: nothing was sent."""
    delay = poll_delay(2)
    if Image.objects.move(
        image.pk,
        Status.RUNNING,
        Status.QUEUED,
        attempts=F("attempts") - 1,
        next_attempt_at=timezone.now() + timedelta(seconds=delay),
    ):
        transaction.on_commit(lambda: queue.enqueue_image(image.pk, countdown=delay))


def _start_polling(image: Image, task: PendingTask) -> None:
    Image.objects.move(
        image.pk,
        Status.RUNNING,
        Status.POLLING,
        provider_request_id=task.task_id,
        polling_url=task.polling_url,
        provider_credits=task.credits,
        poll_count=0,
    )
    _schedule_poll(image.pk, poll_delay(0))


def poll_image(image_id: uuid.UUID | str) -> None:
    """One poll of an asynchronous provider; schedules the next one itself while pending."""
    image = Image.objects.select_related("job").filter(pk=image_id).first()  # the creator's keys
    if image is None or image.status != Status.POLLING:
        return
    # Claim this poll tick: a duplicate poll task finds poll_count moved on and stops.
    ticked = Image.objects.move(
        image.pk,
        Status.POLLING,
        Status.POLLING,
        where=Q(poll_count=image.poll_count),
        poll_count=F("poll_count") + 1,
    )
    if not ticked:
        return
    try:
        call = prepare_poll(image)
        crash_point("while_polling", image)
        outcome = call.poll(
            PendingTask(image.provider_request_id, image.polling_url, image.provider_credits)
        )
    except ProviderError as error:
        if isinstance(error, RetryableError) and timezone.now() < image.deadline_at:
            # Capped like every poll, even under a provider's long Retry-After: the broker timing
            # check and the sweeper's "quiet poll" rule both rely on GENERATION_MAX_COUNTDOWN (a
            # longer delay is delivered twice).
            wait = max(poll_delay(image.poll_count), error.retry_after or 0)
            _schedule_poll(image.pk, min(wait, float(settings.GENERATION_MAX_COUNTDOWN)))
            return
        if isinstance(error, RetryableError):
            # The provider accepted (and bills) this task: a poll still failing at the deadline
            # is for a person to check, its reservation kept.
            failed_attempts.reconcile(
                image, Status.POLLING, "The provider had not answered by the deadline."
            )
            return
        failed_attempts.handle_provider_error(image, Status.POLLING, error)
        return
    if outcome.result is None:
        if timezone.now() >= image.deadline_at:
            failed_attempts.reconcile(
                image, Status.POLLING, "The provider had not finished by the deadline."
            )
        else:
            _schedule_poll(image.pk, poll_delay(image.poll_count + 1))
        return
    _finish(image, Status.POLLING, outcome.result, call)


def _finish(image: Image, from_status: str, result: GenerationResult, call: ProviderCall) -> None:
    """Provider answered: price it, store both files, then settle and mark done together."""
    now = timezone.now()
    params = resolve_params(image.model_id, image.aspect_ratio, image.resolution, image.quality)
    cost = actual_cost(image.model_id, result.usage, params, workspace_price=call.workspace_price)
    latency = int((now - (image.provider_call_at or now)).total_seconds() * 1000)
    if not Image.objects.move(
        image.pk,
        from_status,
        Status.STORING,
        actual_usd=cost.amount_usd,
        cost_basis=cost.basis,
        price_rule=cost.rule,
        price_as_of=cost.as_of,
        latency_ms=latency,
        provider_request_id=result.request_id or image.provider_request_id,
    ):
        return
    try:
        stored = store_generated(image.workspace_id, image.pk, result.images[0].data)
    except UnsafeImageError as error:
        # The safety checks speak to uploaders ("scale it down"); say what it means here.
        reason = error.user_message.split(". ")[0].rstrip(".")
        message = (
            f"The provider's answer was not an image we can keep ({reason}). "
            "Retry, or choose another model."
        )
        with transaction.atomic():
            if Image.objects.move(
                image.pk,
                Status.STORING,
                Status.FAILED,
                error_message=message,
                error_kind="unsafe_image",
            ):
                # The provider billed for it, so the cost is real even though no image is kept.
                ledger.settle(
                    image, cost.amount_usd, rule=cost.rule, as_of=cost.as_of, detail=cost.detail
                )
        return
    crash_point("before_settle", image)
    with transaction.atomic():
        done = Image.objects.move(
            image.pk,
            Status.STORING,
            Status.SUCCEEDED,
            **stored.row_fields(),
            error_message="",
            error_kind="",
        )
        if done:
            ledger.settle(
                image, cost.amount_usd, rule=cost.rule, as_of=cost.as_of, detail=cost.detail
            )


def _schedule_poll(image_id: uuid.UUID | str, delay: float) -> None:
    transaction.on_commit(lambda: queue.enqueue_poll(image_id, countdown=delay))
