"""When an attempt does not end in a stored image: retry with backoff, try another key, fail and
release the reservation, or flag the image for a person because the provider may have billed it
(ARCHITECTURE.md rule 4). Every change goes through `move`, the conditional UPDATE that keeps a
task delivered twice from acting twice (rule 2).
"""

from __future__ import annotations

import random
import uuid
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from generation import ledger
from generation.models import Image
from generation.providers.base import (
    AmbiguousError,
    ErrorKind,
    PermanentError,
    ProviderError,
    RetryableError,
)

Status = Image.Status

MAX_ATTEMPTS = 4
RETRY_BASE_SECONDS = 2.0


def retry_delay(attempt: int, retry_after: float | None = None) -> float:
    """Exponential backoff with full jitter, never sooner than the provider asked, capped so the
    broker's visibility timeout always covers it (checked at start-up)."""
    cap = float(settings.GENERATION_MAX_RETRY_BACKOFF)
    backoff = random.uniform(0, min(cap, RETRY_BASE_SECONDS * 2 ** max(attempt - 1, 0)))  # noqa: S311
    return min(cap, max(backoff, retry_after or 0.0))


def move(image_id: uuid.UUID | str, from_status: str, **changes: object) -> bool:
    """The conditional UPDATE that every transition goes through."""
    # FIX (fault suite): QuerySet.update() skips auto_now, so updated_at used to keep the row's
    # creation time and the sweeper took every image claimed more than GENERATION_STALE_SECONDS
    # after submit for a dead one, flagging or re-queueing it while a worker was still on it.
    changes.setdefault("updated_at", timezone.now())
    return bool(Image.objects.filter(pk=image_id, status=from_status).update(**changes))


def ended(status: str, message: str, kind: str) -> dict[str, object]:
    return {
        "status": status,
        "error_message": message,
        "error_kind": kind,
        "finished_at": timezone.now(),
    }


def fail(image: Image, from_status: str, message: str, kind: str) -> None:
    with transaction.atomic():
        if move(image.pk, from_status, **ended(Status.FAILED, message, kind)):
            ledger.release(image, f"failed: {kind}")


def reconcile(image: Image, from_status: str, message: str) -> None:
    """The provider may have made and billed the image: keep the reservation, flag for a person."""
    move(
        image.pk,
        from_status,
        **ended(
            Status.NEEDS_RECONCILIATION,
            message + " It may have been billed; check with the provider.",
            "ambiguous",
        ),
    )


def rotate_key(image: Image, from_status: str, error: ProviderError) -> bool:
    """On a quota or rate-limit refusal, try the next key of the same provider straight away."""
    quota = isinstance(error, PermanentError) and error.kind == ErrorKind.QUOTA
    limited = isinstance(error, RetryableError) and error.rate_limited
    if not (quota or limited) or from_status != Status.RUNNING or image.attempts >= MAX_ATTEMPTS:
        return False
    from generation.key_selection import next_key

    other = next_key(image, image.provider)
    if other is None:
        return False
    if move(
        image.pk,
        from_status,
        status=Status.QUEUED,
        provider_key_id=other,
        provider_call_at=None,
        error_message=f"{error.user_message} Trying another key.",
        error_kind="retrying",
    ):
        from generation.tasks import enqueue_image

        transaction.on_commit(lambda: enqueue_image(image.pk))
    return True


def handle_provider_error(image: Image, from_status: str, error: ProviderError) -> None:
    if rotate_key(image, from_status, error):
        return
    if isinstance(error, RetryableError):
        retry_or_fail(image, from_status, error.user_message, error.retry_after, error)
    elif isinstance(error, AmbiguousError):
        reconcile(image, from_status, error.user_message)
    elif isinstance(error, PermanentError):
        if error.kind == ErrorKind.AUTH and image.provider_key_id:
            from generation.provider_call import mark_key_refused

            mark_key_refused(image.provider_key_id, error.user_message)
        if error.kind == ErrorKind.RESULT_EXPIRED and from_status == Status.POLLING:
            reconcile(image, from_status, error.user_message)
        else:
            fail(image, from_status, error.user_message, str(error.kind))
    else:
        fail(image, from_status, error.user_message, "provider")


def retry_or_fail(
    image: Image, from_status: str, message: str, retry_after: float | None, error: Exception
) -> None:
    image.refresh_from_db(fields=["attempts", "deadline_at"])
    delay = retry_delay(image.attempts, retry_after)
    due = timezone.now() + timedelta(seconds=delay)
    if image.attempts >= MAX_ATTEMPTS or due >= image.deadline_at:
        fail(
            image,
            from_status,
            f"{message} Gave up after {image.attempts} attempt(s).",
            "retries_exhausted",
        )
        return
    # Nothing was billed (retryable errors happen before the provider accepts the work), so the
    # next attempt starts clean.
    if move(
        image.pk,
        from_status,
        status=Status.QUEUED,
        next_attempt_at=due,
        provider_call_at=None,
        error_message=message,
        error_kind="retrying",
    ):
        from generation.tasks import enqueue_image

        transaction.on_commit(lambda: enqueue_image(image.pk, countdown=delay))
