"""What every fault test checks at the end (QUALITY.md section 1's invariants)."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.files.storage import default_storage
from django.db.models import Sum

from generation import outcomes
from generation.models import BudgetPeriod, Image, LedgerEntry
from tests.emulator import Emulator

IMAGE_REQUESTS = {"images.generate", "images.edit", "submit"}  # what a provider may bill


def all_terminal(job_ids: Iterable[uuid.UUID]) -> bool:
    return not Image.objects.filter(job_id__in=list(job_ids)).exclude(status__in=Image.TERMINAL)


def prompt_of(record: Any) -> str:
    payload = record.payload
    return str(payload.get("prompt", "")) if isinstance(payload, dict) else ""


def requests_by_prompt(emulator: Emulator, operations: set[str] = IMAGE_REQUESTS) -> dict:
    """Arrival times of the emulator's requests per prompt (polls carry none: use the task id)."""
    times: dict[str, list[float]] = defaultdict(list)
    for record in emulator.requests:
        if record.operation in operations:
            times[prompt_of(record)].append(record.time)
    return {prompt: sorted(found) for prompt, found in times.items()}


def stored_files(image: Image) -> list[str]:
    try:
        return default_storage.listdir(f"images/{image.workspace_id}/{image.pk}")[1]
    except FileNotFoundError:
        return []


def describe(images: Iterable[Image]) -> str:
    return "\n".join(
        f"{i.persona_name}/{i.model_id}: {i.status} after {i.attempts} attempt(s), "
        f"{i.error_kind} {i.error_message!r}"
        for i in images
    )


def check_outcomes(job_ids: Iterable[uuid.UUID], emulator: Emulator) -> list[Image]:
    """Every image ended once: terminal, its ledger lines match its state, at most one stored
    original and thumbnail, and the provider saw no more image requests than attempts we
    recorded."""
    images = list(Image.objects.filter(job_id__in=list(job_ids)))
    lines: dict[tuple[uuid.UUID, str], int] = defaultdict(int)
    for line in LedgerEntry.objects.filter(image__in=images):
        lines[(line.image_id, line.kind)] += 1
    attempts: dict[str, int] = defaultdict(int)
    for image in images:
        what = describe([image])
        assert image.is_terminal, what
        assert image.attempts <= outcomes.MAX_ATTEMPTS, what
        settled, released = lines[(image.pk, "settlement")], lines[(image.pk, "release")]
        assert lines[(image.pk, "reservation")] == 1, what
        if image.status == "succeeded":
            assert (settled, released) == (1, 1), what
            assert image.original.name, what
            assert image.thumbnail.name, what
        elif image.status == "needs_reconciliation":  # the reservation stays for a person
            assert (settled, released) == (0, 0), what
        else:
            assert released == 1, what
            assert settled <= 1, what  # a provider that billed for an unsafe image
        files = stored_files(image)
        assert sum(f.startswith("original.") for f in files) <= 1, (what, files)
        assert sum(f.startswith("thumbnail.") for f in files) <= 1, (what, files)
        attempts[image.prompt] += image.attempts
    for prompt, times in requests_by_prompt(emulator).items():
        if prompt in attempts:
            assert len(times) <= attempts[prompt], (prompt, len(times), attempts[prompt])
    _check_counters(images)
    return images


def _check_counters(images: list[Image]) -> None:
    """The budget period's counters equal the ledger's sums (nothing charged twice)."""
    for period in BudgetPeriod.objects.filter(workspace_id__in={i.workspace_id for i in images}):
        lines = LedgerEntry.objects.filter(workspace_id=period.workspace_id, month=period.month)

        def total(kind: str, lines: Any = lines) -> Decimal:
            return lines.filter(kind=kind).aggregate(s=Sum("amount_usd"))["s"] or Decimal(0)

        assert period.reserved_usd == total("reservation") - total("release")
        assert period.spent_usd == total("settlement")
