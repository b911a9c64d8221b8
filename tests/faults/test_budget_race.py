"""200 simultaneous submissions against a budget that fits exactly 50
worst-case reservations accept exactly 50, and spend + reservations never pass the cap while they
race (one conditional UPDATE in generation.ledger.reserve). Then the other half of the money's
life: settlements (some costing more than their estimate, as GPT Image 2.5/2.6 at xhigh/max can)
and releases racing new submissions. PostgreSQL only: SQLite serialises writers, so it would prove
nothing. Each submission is `services.batch_create` (the whole submit minus the enqueue) in a
thread of its own, with its own database connection."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.utils import timezone

from avatarapp.workspaces.models import Membership
from generation import failed_attempts, ledger, services
from generation.estimate_margins import MAX_MARGIN
from generation.models import Budget, BudgetPeriod, Image, Job, LedgerEntry
from tests.conftest import World
from tests.faults.checks import check_budget_counters
from tests.generation.conftest import make_persona

pytestmark = pytest.mark.django_db(transaction=True)

SUBMISSIONS, FITS, ROUNDS = 200, 50, 5
# Every thread waits at most this long for the others; a thread that never arrives breaks the
# barrier and fails the test instead of hanging the run.
BARRIER_SECONDS = 60


def all_at_once(tasks: list[Callable[[], str]], watched_membership: int) -> tuple[Counter, Decimal]:
    """Start every task at once, each in a daemon thread with its own connection. Returns how
    the tasks ended (what each returned, or the error it raised) and the highest
    reserved + spent that a watcher saw while they ran."""
    start = threading.Barrier(len(tasks) + 1, timeout=BARRIER_SECONDS)
    ends: Counter = Counter()
    highest = [Decimal(0)]
    done = threading.Event()

    def run(task: Callable[[], str]) -> None:
        try:
            start.wait()
            ends[task()] += 1
        except Exception as error:
            ends[repr(error)] += 1
        finally:
            connection.close()

    def watch() -> None:
        try:
            start.wait()
            while not done.is_set():
                periods = BudgetPeriod.objects.filter(workspace__memberships=watched_membership)
                for period in periods:
                    highest[0] = max(highest[0], period.reserved_usd + period.spent_usd)
        except threading.BrokenBarrierError:
            pass
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(task,), daemon=True) for task in tasks]
    watcher = threading.Thread(target=watch, daemon=True)
    for thread in [*threads, watcher]:
        thread.start()
    for thread in threads:
        thread.join(timeout=BARRIER_SECONDS + 60)
    done.set()
    watcher.join(timeout=30)
    assert not any(thread.is_alive() for thread in [*threads, watcher]), "a racer is stuck"
    return ends, highest[0]


def submission(membership_id: int, batch: services.BatchRequest) -> Callable[[], str]:
    def submit() -> str:
        membership = Membership.objects.select_related("user").get(pk=membership_id)
        try:
            services.batch_create(membership=membership, batch=batch)
        except services.SubmitError as error:
            return "over budget" if "budget" in str(error) else str(error)
        return "accepted"

    return submit


def settlement(image: Image, amount: Decimal) -> Callable[[], str]:
    """What the pipeline does once an answer is stored: the final move, then settle, together."""
    Image.objects.filter(pk=image.pk).update(status=Image.Status.STORING)  # the answer arrived

    def settle() -> str:
        with transaction.atomic():
            moved = Image.objects.move(
                image.pk, Image.Status.STORING, Image.Status.SUCCEEDED, actual_usd=amount
            )
            assert moved
            assert ledger.settle(image, amount, rule="race", as_of=timezone.now().date())
        return "settled"

    return settle


def release(image: Image) -> Callable[[], str]:
    def fail() -> str:
        failed_attempts.fail(image, Image.Status.QUEUED, "The provider refused it.", "moderation")
        return "released"

    return fail


@pytest.fixture
def flux_batch(world: World, providers: object) -> tuple[Membership, services.BatchRequest]:
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
    return editor, batch


def test_200_simultaneous_submissions_against_a_budget_for_50_accept_exactly_50(
    world: World, flux_batch: tuple[Membership, services.BatchRequest]
) -> None:
    editor, batch = flux_batch
    worst_case = services.batch_plan(membership=editor, batch=batch).total
    cap = worst_case * FITS
    assert worst_case > 0
    assert cap == cap.quantize(Decimal("0.01")), "the cap must fit exactly 50"
    Budget.objects.create(workspace=world.team, monthly_cap_usd=cap)

    for round_ in range(ROUNDS):
        tasks = [submission(editor.pk, batch) for _ in range(SUBMISSIONS)]
        ends, highest = all_at_once(tasks, editor.pk)
        assert ends == Counter({"accepted": FITS, "over budget": SUBMISSIONS - FITS}), round_
        status = ledger.budget_status(world.team)
        assert status.reserved + status.spent == cap  # overshoot 0: exactly full, never past
        assert highest <= cap
        assert Image.objects.filter(workspace=world.team).count() == FITS
        assert LedgerEntry.objects.filter(workspace=world.team, kind="reservation").count() == FITS
        Job.objects.filter(workspace=world.team).delete()  # the next round starts from nothing,
        BudgetPeriod.objects.filter(workspace=world.team).delete()  # its period row included


def test_settlements_and_releases_racing_new_submissions_keep_every_cent(
    world: World, flux_batch: tuple[Membership, services.BatchRequest]
) -> None:
    """A full budget; then, all at once, 20 images settle at their estimate, 10 settle at twice
    it, 20 are released, and 200 new submissions race for the room. A new reservation is taken
    only while it fits: reserved + spent can pass the cap only by the overrun of images that
    cost more than their estimate (money the provider already charged), never by a reservation
    accepted on top of it. The counters end exactly where the images say."""
    editor, batch = flux_batch
    estimate = services.batch_plan(membership=editor, batch=batch).total
    cap = estimate * FITS
    Budget.objects.create(workspace=world.team, monthly_cap_usd=cap)
    ends, _ = all_at_once([submission(editor.pk, batch) for _ in range(FITS)], editor.pk)
    assert ends == Counter({"accepted": FITS})
    held = list(Image.objects.filter(workspace=world.team).order_by("created_at"))

    at_estimate, overrun, released = held[:20], held[20:30], held[30:]
    tasks = [
        *(settlement(image, estimate) for image in at_estimate),
        *(settlement(image, estimate * 2) for image in overrun),
        *(release(image) for image in released),
        *(submission(editor.pk, batch) for _ in range(SUBMISSIONS)),
    ]
    ends, highest = all_at_once(tasks, editor.pk)

    assert (ends["settled"], ends["released"]) == (30, 20), ends
    accepted = ends["accepted"]
    assert ends["over budget"] == SUBMISSIONS - accepted, ends  # no other error
    # 20 releases free 20 estimates and nothing else frees any: at most 20 new ones fit (how
    # many do depends on the order in which the racers land).
    assert accepted <= 20, ends
    overrun_total = estimate * len(overrun)
    assert highest <= cap + overrun_total
    status = ledger.budget_status(world.team)
    assert status.spent == estimate * 20 + estimate * 2 * 10
    # A submission that lands after an overrun settled is estimated with the margin the
    # settlements taught (generation.estimate_margins; they can compound it up to its cap), so
    # each new reservation is between one estimate and MAX_MARGIN of them; the counter holds
    # exactly what they reserved.
    newcomers = Image.objects.filter(workspace=world.team).exclude(pk__in=[i.pk for i in held])
    reservations = [image.estimated_usd for image in newcomers]
    assert len(reservations) == accepted
    assert all(estimate <= amount <= estimate * MAX_MARGIN for amount in reservations)
    assert status.reserved == sum(reservations, Decimal(0))
    assert status.reserved + status.spent <= cap + overrun_total
    check_budget_counters([world.team.pk])
    # Once the dust settles, one more is accepted exactly when the room left fits it, priced as
    # it is priced now: with the margin the overruns taught, not the first estimate.
    now_estimate = services.batch_plan(membership=editor, batch=batch).total
    fits = status.reserved + status.spent + now_estimate <= cap
    assert submission(editor.pk, batch)() == ("accepted" if fits else "over budget")
