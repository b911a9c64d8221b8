"""The ledger's settle and release: one line of each kind per image, counters equal to the lines,
a second call changes nothing, the image's held_usd and charged_usd mirror its lines after every
call, and a settlement costs five statements inside the final move (the last for the spend
alerts)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext

from generation import ledger
from generation.models import BudgetPeriod, Image, LedgerEntry
from tests.conftest import World
from tests.generation.conftest import submit_builtin

pytestmark = pytest.mark.django_db

AS_OF = date(2026, 11, 24)


@pytest.fixture
def image(world: World) -> Image:
    image = submit_builtin(world.membership("editor")).images.get()
    # The built-in renderer is free; give the reservation a price so the counters move.
    LedgerEntry.objects.filter(image=image).update(amount_usd=Decimal("0.04"))
    Image.objects.filter(pk=image.pk).update(held_usd=Decimal("0.04"))
    BudgetPeriod.objects.filter(workspace_id=image.workspace_id).update(
        reserved_usd=Decimal("0.04")
    )
    return image


def counters(image: Image) -> tuple[Decimal, Decimal]:
    period = BudgetPeriod.objects.get(workspace_id=image.workspace_id)
    return period.reserved_usd, period.spent_usd


def line_sum(image: Image, kind: str) -> Decimal:
    total = LedgerEntry.objects.filter(image=image, kind=kind).aggregate(s=Sum("amount_usd"))["s"]
    return total or Decimal(0)


def assert_mirrored(image: Image) -> None:
    """The image's own held_usd and charged_usd, as stored, are its lines' sums."""
    stored = Image.objects.get(pk=image.pk)
    held = line_sum(image, "reservation") - line_sum(image, "release")
    charged = line_sum(image, "settlement") if stored.charged_usd is not None else None
    assert (stored.held_usd, stored.charged_usd) == (held, charged)
    assert LedgerEntry.objects.filter(image=image, kind="settlement").exists() == (
        charged is not None
    )


def test_settle_charges_once_and_releases_the_reservation(image: Image) -> None:
    assert ledger.settle(image, Decimal("0.031"), rule="r", as_of=AS_OF)
    assert not ledger.settle(image, Decimal("0.031"), rule="r", as_of=AS_OF)
    assert counters(image) == (Decimal(0), Decimal("0.031"))
    assert line_sum(image, "settlement") == Decimal("0.031")
    assert line_sum(image, "release") == Decimal("0.04")
    assert LedgerEntry.objects.filter(image=image).count() == 3
    assert_mirrored(image)


def test_release_once_then_a_late_settlement_does_not_release_again(image: Image) -> None:
    assert_mirrored(image)
    assert Image.objects.get(pk=image.pk).held_usd == Decimal("0.04")
    assert ledger.release(image, "failed: provider")
    assert not ledger.release(image, "failed: provider")
    assert counters(image) == (Decimal(0), Decimal(0))
    assert_mirrored(image)
    # Given up for lost, then finished after all: charged, and the reservation stays released.
    assert ledger.settle(image, Decimal("0.02"), rule="r", as_of=AS_OF)
    assert counters(image) == (Decimal(0), Decimal("0.02"))
    assert LedgerEntry.objects.filter(image=image, kind="release").count() == 1
    assert_mirrored(image)


def test_settling_without_a_reservation_is_a_bug_and_changes_nothing(image: Image) -> None:
    LedgerEntry.objects.filter(image=image).delete()
    with pytest.raises(ValueError, match="no reservation"), transaction.atomic():
        ledger.settle(image, Decimal("0.02"), rule="r", as_of=AS_OF)
    assert not LedgerEntry.objects.filter(image=image).exists()


def test_a_settlement_inside_the_final_move_is_five_statements(image: Image) -> None:
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        ledger.settle(image, Decimal("0.02"), rule="r", as_of=AS_OF)
    statements = [q["sql"].split()[0] for q in queries.captured_queries]
    # The lines, the image's mirror of them, the month's counters; the last reads the month's
    # spend, cap and alerts sent (generation.alerts): nothing to send.
    assert statements == ["SELECT", "INSERT", "UPDATE", "UPDATE", "SELECT"]
    assert "generation_image" in queries.captured_queries[2]["sql"]
