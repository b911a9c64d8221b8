"""Alert emails to a workspace's owners and admins: a month's spend past 80% and past 100% of
its cap, and a key's credit balance below the threshold its admin set.

Each alert is recorded in a table with a unique constraint (SpendAlert: workspace, month,
percent; CreditAlert: one open alert per key) inside the transaction that moved the money or read
the balance, and only the caller whose insert wins sends the email, after that transaction
commits. So 200 images settling at once past 80% send one email: the settlements queue on the
month's BudgetPeriod row lock (ledger.settle), each later one sees the earlier one's record, and
the constraint is the backstop for any caller without that lock.

Sending is best effort, like the other emails of the app: a mail server that is down loses the
email (logged), never the settlement. The record is kept either way, so a flaky server cannot
turn into a mail storm.
"""

from __future__ import annotations

import logging
import uuid
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, models, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from avatarapp.keys.models import ProviderKey
from avatarapp.money import usd
from avatarapp.workspaces.models import Membership, Workspace
from avatarapp.workspaces.roles import Role
from generation.models import BudgetPeriod, CreditAlert, SpendAlert
from generation.providers.registry import entry

log = logging.getLogger(__name__)

SPEND_THRESHOLDS = (80, 100)  # percent of the monthly cap


def _won(alert: models.Model) -> bool:
    """Insert `alert`; False if another caller recorded the same alert first."""
    try:
        with transaction.atomic():
            alert.save(force_insert=True)
    except IntegrityError:
        return False
    return True


def spend_moved(workspace_id: uuid.UUID, month: date) -> None:
    """After a settlement: record (and, on commit, email) each spend threshold the month has
    newly passed. One plain query below the first threshold, the usual case: it runs for every
    image the worker settles, so it is kept cheap to build as well as to run (the worker's CPU
    per image is measured by make bench)."""
    period = (
        BudgetPeriod.objects.filter(workspace_id=workspace_id, month=month)
        .values_list("spent_usd", "workspace__budget__monthly_cap_usd")
        .first()
    )
    spent, cap = period or (None, None)
    if spent is None or not cap:
        return  # no cap (or a cap of $0, which refuses every batch): nothing to warn about
    passed = [percent for percent in SPEND_THRESHOLDS if spent * 100 >= cap * percent]
    if not passed:
        return
    alerted = SpendAlert.objects.filter(workspace_id=workspace_id, month=month)
    highest = alerted.aggregate(top=Max("percent"))["top"] or 0
    due = [percent for percent in passed if percent > highest]
    won = [
        percent
        for percent in due
        if _won(
            SpendAlert(
                workspace_id=workspace_id,
                month=month,
                percent=percent,
                spent_usd=spent,
                cap_usd=cap,
            )
        )
    ]
    if won:  # past 80% and 100% in one settlement: one email, about the higher
        percent = max(won)
        transaction.on_commit(lambda: _send_spend_email(workspace_id, month, percent, spent, cap))


def balance_read(key: ProviderKey) -> None:
    """After `key.balance` was read from the provider: open (and, on commit, email) a low-credit
    alert when it is below the key's threshold, or close the open one when it is not."""
    threshold, balance = key.low_balance_threshold, key.balance
    if balance is None:
        return
    if threshold is None or balance >= threshold:
        CreditAlert.objects.filter(key=key, closed_at=None).update(closed_at=timezone.now())
        return
    if _won(CreditAlert(key=key, balance=balance, threshold=threshold)):
        transaction.on_commit(lambda: _send_credit_email(key, balance, threshold))


def admin_emails(workspace_id: uuid.UUID) -> list[str]:
    """Who hears of alerts: the workspace's owners and admins."""
    emails = Membership.objects.filter(
        workspace_id=workspace_id, role__in=[Role.OWNER, Role.ADMIN]
    ).values_list("user__email", flat=True)
    return sorted({email for email in emails if email})


def _link(name: str, *args: object) -> str:
    return str(settings.SITE_URL).rstrip("/") + reverse(name, args=args)


def _send_spend_email(
    workspace_id: uuid.UUID, month: date, percent: int, spent: Decimal, cap: Decimal
) -> None:
    workspace = Workspace.objects.get(pk=workspace_id)
    what = "has reached" if percent >= 100 else f"has passed {percent}% of"
    after = (
        "New batches are refused until next month, or until an owner or admin raises the budget."
        if percent >= 100
        else "At 100% new batches are refused until next month or until the budget is raised."
    )
    _send(
        admin_emails(workspace_id),
        subject=f"{workspace.name}: {month:%B} spending {what} the budget",
        message=(
            f"{workspace.name} has spent {usd(spent)} of its {usd(cap)} budget for "
            f"{month:%B %Y}.\n\n{after}\n\nSee where it went: {_link('generation:costs')}"
        ),
    )


def _key_recipients(key: ProviderKey) -> list[str]:
    """A workspace key's alerts go to the owners and admins; a personal key's to its owner
    alone (to everyone else it does not exist)."""
    if key.owner_id is None:
        return admin_emails(key.workspace_id)
    email = ProviderKey.objects.filter(pk=key.pk).values_list("owner__email", flat=True).first()
    return [email] if email else []


def _send_credit_email(key: ProviderKey, balance: Decimal, threshold: Decimal) -> None:
    workspace = Workspace.objects.get(pk=key.workspace_id)
    provider = entry(key.provider).key_title(key.region)
    _send(
        _key_recipients(key),
        subject=f"{workspace.name}: the key “{key.label}” is low on credits",
        message=(
            f"The {provider} key “{key.label}” in {workspace.name} has "
            f"{balance.normalize():f} credits left, below the {threshold.normalize():f} you set "
            f"for an alert.\n\nTop up its credits with {provider} before batches are "
            f"refused. The key: {_link('keys:detail', key.pk)}"
        ),
    )


def _send(recipients: list[str], *, subject: str, message: str) -> None:
    if not recipients:
        return
    try:
        send_mail(subject=subject, message=message, from_email=None, recipient_list=recipients)
    except OSError:  # smtplib's errors are OSErrors
        log.exception("The alert email %r could not be sent.", subject)
