"""QUALITY.md section 4: 200 simultaneous submissions against a budget that fits exactly 50
worst-case reservations accept exactly 50, and spend + reservations never pass the cap while they
race (one conditional UPDATE in generation.ledger.reserve). PostgreSQL only: SQLite serialises
writers, so it would prove nothing. Each submission is `services.create_batch` (the whole submit
minus the enqueue) in a thread of its own, with its own database connection."""

from __future__ import annotations

import threading
from collections import Counter
from decimal import Decimal

import pytest
from django.db import connection

from avatarapp.workspaces.models import Membership
from generation import ledger, services
from generation.models import Budget, BudgetPeriod, Image, Job, LedgerEntry
from tests.conftest import World
from tests.generation.conftest import make_persona

pytestmark = pytest.mark.django_db(transaction=True)

SUBMISSIONS, FITS, ROUNDS = 200, 50, 5


def race(membership_id: int, batch: services.BatchRequest, cap: Decimal) -> tuple[Counter, Decimal]:
    """Start every submission at once; returns the outcomes and the highest reserved + spent
    that a watcher saw while they ran."""
    start = threading.Barrier(SUBMISSIONS + 1)
    outcomes: Counter = Counter()
    highest = [Decimal(0)]
    done = threading.Event()

    def submit() -> None:
        try:
            membership = Membership.objects.select_related("user").get(pk=membership_id)
            start.wait()
            services.create_batch(membership, batch)
            outcomes["accepted"] += 1
        except services.SubmitError as error:
            outcomes["over budget" if "budget" in str(error) else str(error)] += 1
        except Exception as error:
            outcomes[repr(error)] += 1
        finally:
            connection.close()

    def watch() -> None:
        try:
            start.wait()
            while not done.is_set():
                for period in BudgetPeriod.objects.filter(workspace__memberships=membership_id):
                    highest[0] = max(highest[0], period.reserved_usd + period.spent_usd)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(SUBMISSIONS)]
    watcher = threading.Thread(target=watch)
    for thread in [*threads, watcher]:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    done.set()
    watcher.join(timeout=30)
    return outcomes, highest[0]


def test_200_simultaneous_submissions_against_a_budget_for_50_accept_exactly_50(
    world: World, providers: object
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("The budget race needs PostgreSQL (make test runs on it).")
    from tests.generation.conftest import add_keys

    add_keys(world.membership("owner"))
    editor = world.membership("editor")
    persona = make_persona(editor)
    # FLUX.2 [pro] is priced in BFL credits ($0.01), so 50 worst cases make a cap in whole
    # cents (Budget keeps two decimals); gpt-image-2's estimate has more digits than that.
    batch = services.BatchRequest(
        [str(persona.pk)], ["builtin:corporate"], ["flux-2-pro"], 1, "1:1", "1K", "low"
    )
    worst_case = services.plan_batch(editor, batch).total
    cap = worst_case * FITS
    assert worst_case > 0
    assert cap == cap.quantize(Decimal("0.01")), "the cap must fit exactly 50"
    Budget.objects.create(workspace=world.team, monthly_cap_usd=cap)

    for round_ in range(ROUNDS):
        outcomes, highest = race(editor.pk, batch, cap)
        assert outcomes == Counter({"accepted": FITS, "over budget": SUBMISSIONS - FITS}), round_
        status = ledger.budget_status(world.team)
        assert status.reserved + status.spent == cap  # overshoot 0: exactly full, never past
        assert highest <= cap
        assert Image.objects.filter(workspace=world.team).count() == FITS
        assert LedgerEntry.objects.filter(workspace=world.team, kind="reservation").count() == FITS
        Job.objects.filter(workspace=world.team).delete()  # the next round starts from nothing,
        BudgetPeriod.objects.filter(workspace=world.team).delete()  # its period row included
