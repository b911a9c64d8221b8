"""Issue 19 alerts: a month's spend passing 80% and 100% of the cap emails the workspace's owners
and admins once each, however many images settle at once (the must-show: 200 settlements racing
past 80% on PostgreSQL, one email)."""

from __future__ import annotations

import threading
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core import mail
from django.db import connection, transaction
from django.utils import timezone

from avatarapp.workspaces.models import Membership
from generation import ledger
from generation.models import Budget, BudgetPeriod, Image, Job, SpendAlert
from tests.conftest import World

AS_OF = date(2026, 11, 24)
RACERS = 200
BARRIER_SECONDS = 60


def reserved_images(membership: Membership, count: int, each: Decimal) -> list[Image]:
    """`count` images of one job, each with a reservation of `each`, as a submit leaves them."""
    job = Job.objects.create(workspace_id=membership.workspace_id, created_by=membership.user)
    now = timezone.now()
    images = Image.objects.bulk_create(
        Image(
            job=job,
            workspace_id=membership.workspace_id,
            persona_name="Mia Chen",
            style_key="builtin:corporate",
            style_name="Corporate",
            model_id="flux-2-pro",
            provider="bfl",
            aspect_ratio="1:1",
            resolution="1K",
            quality="low",
            seed=index,
            prompt="a portrait",
            estimated_usd=each,
            price_rule="test",
            price_as_of=AS_OF,
            created_at=now,
            deadline_at=now + timedelta(minutes=30),
        )
        for index in range(count)
    )
    ledger.reserve(images)
    return images


def spent_before(world: World, cap: str, spent: str) -> None:
    Budget.objects.create(workspace=world.team, monthly_cap_usd=Decimal(cap))
    BudgetPeriod.objects.update_or_create(
        workspace=world.team, month=ledger.month_of(), defaults={"spent_usd": Decimal(spent)}
    )


def settle(image: Image, amount: str) -> bool:
    with transaction.atomic():
        return ledger.settle(image, Decimal(amount), rule="test", as_of=AS_OF)


@pytest.mark.django_db
def test_passing_80_then_100_percent_emails_owners_and_admins_once_each(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    images = reserved_images(world.membership("editor"), 4, Decimal("10"))
    spent_before(world, cap="100", spent="70")

    with django_capture_on_commit_callbacks(execute=True):
        settle(images[0], "5")  # 75%: nothing yet
    assert mail.outbox == []

    with django_capture_on_commit_callbacks(execute=True):
        settle(images[1], "6")  # 81%
        settle(images[2], "1")  # 82%: already told
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert sorted(email.to) == ["alice@example.com", "dana@example.com"]  # not editor, viewer
    assert (
        email.subject == f"Acme marketing: {date.today():%B} spending has passed 80% of the budget"
    )
    assert "Acme marketing has spent $81.00 of its $100.00 budget" in email.body
    assert "At 100% new batches are refused" in email.body
    assert "/costs/" in email.body

    with django_capture_on_commit_callbacks(execute=True):
        settle(images[3], "20")  # 102%
    assert len(mail.outbox) == 2
    assert mail.outbox[1].subject.endswith("spending has reached the budget")
    assert "New batches are refused until next month" in mail.outbox[1].body
    assert sorted(SpendAlert.objects.values_list("percent", flat=True)) == [80, 100]


@pytest.mark.django_db
def test_one_settlement_past_both_thresholds_sends_one_email_about_the_higher(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    (image,) = reserved_images(world.membership("editor"), 1, Decimal("60"))
    spent_before(world, cap="100", spent="50")
    with django_capture_on_commit_callbacks(execute=True):
        settle(image, "55")
    assert [m.subject.split(": ")[1] for m in mail.outbox] == [
        f"{date.today():%B} spending has reached the budget"
    ]
    # 80% is recorded too, so it is not announced after the fact.
    assert sorted(SpendAlert.objects.values_list("percent", flat=True)) == [80, 100]


def settle_then_fail(image: Image) -> None:
    """A settlement whose final move fails after it: the whole transaction rolls back."""
    try:
        with transaction.atomic():
            ledger.settle(image, Decimal("1"), rule="test", as_of=AS_OF)
            raise RuntimeError("the final move failed after settling")
    except RuntimeError:
        pass


@pytest.mark.django_db
def test_no_cap_no_email_and_a_rolled_back_settlement_records_nothing(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    first, second = reserved_images(world.membership("editor"), 2, Decimal("10"))
    with django_capture_on_commit_callbacks(execute=True):
        settle(first, "500")  # no Budget row: unlimited
    assert mail.outbox == []
    Budget.objects.create(workspace=world.team, monthly_cap_usd=Decimal("100"))
    with django_capture_on_commit_callbacks(execute=True):
        settle_then_fail(second)
    assert mail.outbox == []
    assert not SpendAlert.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_200_images_settling_at_once_past_80_percent_send_exactly_one_email(
    world: World,
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("The alert race needs PostgreSQL (make test runs on it).")
    images = reserved_images(world.membership("editor"), RACERS, Decimal("0.05"))
    # $79.99 of $100 spent: the first settlement of $0.01 passes 80%, and so do all the others
    # (200 x $0.01 ends at $81.99, well short of 100%).
    spent_before(world, cap="100", spent="79.99")
    start = threading.Barrier(RACERS, timeout=BARRIER_SECONDS)
    ends: list[object] = []

    def race(image: Image) -> None:
        try:
            start.wait()
            ends.append(settle(image, "0.01"))
        except Exception as error:
            ends.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=race, args=(image,), daemon=True) for image in images]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=BARRIER_SECONDS + 60)
    assert not any(thread.is_alive() for thread in threads), "a settlement is stuck"

    assert ends == [True] * RACERS
    period = BudgetPeriod.objects.get(workspace=world.team)
    assert period.spent_usd == Decimal("81.99")
    assert len(mail.outbox) == 1
    assert "has passed 80% of the budget" in mail.outbox[0].subject
    assert SpendAlert.objects.get().percent == 80
