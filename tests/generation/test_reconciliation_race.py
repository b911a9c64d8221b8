"""Two admins resolve the same flagged image at the same moment, one as billed and one as not
billed, each in a thread with its own PostgreSQL connection: the row lock lets exactly one
decide; the other is told it was already resolved. One decision, one settlement or release, and
the budget's counters equal the ledger's lines."""

from __future__ import annotations

import threading
from collections import Counter
from decimal import Decimal

import pytest
from django.db import connection

from generation import ledger, reconciliation
from generation.models import Image, LedgerEntry, ReconciliationDecision
from generation.reconciliation import Decision, ReconciliationError
from tests.conftest import World
from tests.generation.flagged import flagged_images

pytestmark = pytest.mark.django_db(transaction=True)

BARRIER_SECONDS = 30
ROUNDS = 4  # images (one batch makes at most 4), so the threads meet in more than one order


def test_two_admins_at_once_settle_an_image_once(world: World) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("The resolve race needs PostgreSQL (make test runs on it).")
    images = flagged_images(world.membership("owner"), world.membership("editor"), count=ROUNDS)
    admins = [world.membership("owner"), world.membership("admin")]
    decisions = [Decision("billed", Decimal("0.05"), "Billed"), Decision("not_billed", None, "No")]
    ends: Counter = Counter()

    def decide(image: Image, who: int, start: threading.Barrier) -> None:
        try:
            start.wait()
            reconciliation.resolve(
                membership=admins[who], image_id=image.pk, decision=decisions[who]
            )
            ends["decided"] += 1
        except ReconciliationError as error:
            ends[str(error)] += 1
        finally:
            connection.close()

    for image in images:
        start = threading.Barrier(2, timeout=BARRIER_SECONDS)
        threads = [threading.Thread(target=decide, args=(image, who, start)) for who in (0, 1)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(BARRIER_SECONDS)

    assert ends == {
        "decided": ROUNDS,
        "This image was already resolved; nothing was changed.": ROUNDS,
    }
    assert ReconciliationDecision.objects.count() == ROUNDS
    billed = ReconciliationDecision.objects.filter(outcome="billed").count()
    kinds = Counter(LedgerEntry.objects.values_list("kind", flat=True))
    # Counter equality takes a missing kind as 0: no settlement at all when every round was
    # decided as not billed.
    assert kinds == Counter(reservation=ROUNDS, release=ROUNDS, settlement=billed)
    status = ledger.budget_status(world.team)
    assert (status.reserved, status.spent) == (0, Decimal("0.05") * billed)
    assert set(Image.objects.values_list("status", flat=True)) == {"failed"}
