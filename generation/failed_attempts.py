"""When an attempt does not end in a stored image: retry with backoff, try another key, fail and
release the reservation, or flag the image for a person because the provider may have billed it.
Every change is an `Image.objects.move` (generation/image_states.py), the conditional UPDATE
that keeps a task delivered twice from acting twice.
"""

from __future__ import annotations

import random
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from generation import ledger, queue
from generation.key_selection import mark_refused, next_key
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


def fail(
    image: Image,
    from_status: str,
    message: str,
    kind: str,
    *,
    where: Q | None = None,
    reason: str = "",
) -> bool:
    """End the image as failed and give its reservation back (the ledger line says `reason`):
    nothing was billed. `where` narrows the move, as Image.objects.move does. A price the image
    was given when the provider answered (it fails while storing) goes too: every page that
    shows or sums what an image cost reads actual_usd, and this one cost nothing."""
    with transaction.atomic():
        if Image.objects.move(
            image.pk,
            from_status,
            Status.FAILED,
            where=where,
            error_message=message,
            error_kind=kind,
            actual_usd=None,
            cost_basis="",
        ):
            ledger.release(image, reason or f"failed: {kind}")
            return True
    return False


def reconcile(image: Image, from_status: str, message: str) -> bool:
    """The provider may have made and billed the image: keep the reservation, flag for a person."""
    return Image.objects.move(
        image.pk,
        from_status,
        Status.NEEDS_RECONCILIATION,
        error_message=message + " It may have been billed; check with the provider.",
        error_kind="ambiguous",
    )


def rotate_key(image: Image, from_status: str, error: ProviderError) -> bool:
    """On a quota or rate-limit refusal, try the next key of the same provider straight away."""
    quota = isinstance(error, PermanentError) and error.kind == ErrorKind.QUOTA
    limited = isinstance(error, RetryableError) and error.rate_limited
    if not (quota or limited) or from_status != Status.RUNNING or image.attempts >= MAX_ATTEMPTS:
        return False
    other = next_key(image, image.provider)
    if other is None:
        return False
    if Image.objects.move(
        image.pk,
        from_status,
        Status.QUEUED,
        provider_key_id=other,
        provider_call_at=None,
        error_message=f"{error.user_message} Trying another key.",
        error_kind="retrying",
    ):
        transaction.on_commit(lambda: queue.enqueue_image(image.pk))
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
            mark_refused(image.provider_key_id, error.user_message)
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
    if Image.objects.move(
        image.pk,
        from_status,
        Status.QUEUED,
        next_attempt_at=due,
        provider_call_at=None,
        error_message=message,
        error_kind="retrying",
    ):
        transaction.on_commit(lambda: queue.enqueue_image(image.pk, countdown=delay))
