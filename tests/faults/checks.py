"""What every fault test checks at the end: every image in exactly one final state, a provider
called at most once per recorded attempt, one ledger charge per success, one stored object."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from django.core.files.storage import default_storage

from generation import failed_attempts
from generation.ledger import month_of, monthly_cap
from generation.models import BudgetPeriod, Image, LedgerEntry
from tests.emulator import Emulator
from tests.emulator.recorder import SUBMIT_OPERATIONS  # what a provider may bill, every provider


def all_terminal(job_ids: Iterable[uuid.UUID]) -> bool:
    return not Image.objects.filter(job_id__in=list(job_ids)).unfinished()


def requests_by_prompt(emulator: Emulator, operations: set[str] = SUBMIT_OPERATIONS) -> dict:
    """Arrival times of the emulator's requests per prompt (polls carry none: use the task id)."""
    times: dict[str, list[float]] = defaultdict(list)
    for record in emulator.requests:
        if record.operation in operations:
            times[record.prompt].append(record.time)
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


# Failures the provider billed although no image was kept (pipeline._finish: an answer that is
# not an image we can store). Every other failure must have released its whole reservation.
BILLED_FAILURES = {"unsafe_image"}


def is_billed(image: Image) -> bool:
    """Whether the image's end carries a charge, judged from its state alone."""
    if image.status == "succeeded":
        return True
    if image.status == "failed":
        return image.error_kind in BILLED_FAILURES
    # Cancelled after the provider accepted the task (it has a polling address): billed anyway.
    return image.status == "cancelled" and bool(image.polling_url)


def check_outcomes(job_ids: Iterable[uuid.UUID], emulator: Emulator) -> list[Image]:
    """Every image ended once: terminal, its ledger lines match its state to the cent, at most one
    stored original and thumbnail, and the provider saw no more image requests than attempts we
    recorded. Then the budget's counters equal what the images' states say they must be."""
    images = list(Image.objects.filter(job_id__in=list(job_ids)))
    lines: dict[uuid.UUID, dict[str, list[LedgerEntry]]] = defaultdict(lambda: defaultdict(list))
    for line in LedgerEntry.objects.filter(image__in=images):
        lines[line.image_id][line.kind].append(line)
    attempts: dict[str, int] = defaultdict(int)
    for image in images:
        what = describe([image])
        assert image.is_final, what
        assert image.attempts <= failed_attempts.MAX_ATTEMPTS, what
        _check_ledger_lines(image, lines[image.pk], what)
        if image.status == "succeeded":
            assert image.original.name, what
            assert image.thumbnail.name, what
        files = stored_files(image)
        assert sum(f.startswith("original.") for f in files) <= 1, (what, files)
        assert sum(f.startswith("thumbnail.") for f in files) <= 1, (what, files)
        attempts[image.prompt] += image.attempts
    for prompt, times in requests_by_prompt(emulator).items():
        if prompt in attempts:
            assert len(times) <= attempts[prompt], (prompt, len(times), attempts[prompt])
    check_budget_counters({image.workspace_id for image in images})
    return images


def _check_ledger_lines(image: Image, lines: dict[str, list[LedgerEntry]], what: str) -> None:
    """One reservation of the image's estimate; a release of exactly that amount unless a person
    must still decide (needs checking); a settlement of exactly the image's actual cost when, and
    only when, its end is billed."""
    amounts = {kind: [line.amount_usd for line in found] for kind, found in lines.items()}
    assert amounts.get("reservation") == [image.estimated_usd], (what, amounts)
    if image.status == "needs_reconciliation":
        expected_release, expected_settlement = [], []
    else:
        expected_release = [image.estimated_usd]
        expected_settlement = [image.actual_usd] if is_billed(image) else []
    assert amounts.get("release", []) == expected_release, (what, amounts)
    assert amounts.get("settlement", []) == expected_settlement, (what, amounts)
    if expected_settlement:
        assert image.actual_usd is not None, what


def check_budget_counters(workspace_ids: Iterable[uuid.UUID]) -> None:
    """Each month's counters against amounts computed from the images alone, not from the ledger
    code under test: reserved = the estimates of images a person must still decide on (or still
    running), spent = the actual costs of billed images, and spent never above the cap."""
    for period in BudgetPeriod.objects.filter(workspace_id__in=list(workspace_ids)):
        images = list(Image.objects.filter(workspace_id=period.workspace_id))
        images = [i for i in images if month_of(i.created_at) == period.month]
        holding = [i for i in images if not i.is_final or i.status == "needs_reconciliation"]
        reserved = sum((i.estimated_usd for i in holding), Decimal(0))
        spent = sum((i.actual_usd or Decimal(0) for i in images if is_billed(i)), Decimal(0))
        assert (period.reserved_usd, period.spent_usd) == (reserved, spent), period.month
        cap = monthly_cap(period.workspace)
        assert cap is None or spent <= cap, (spent, cap)
