"""Images with their money, made the way the studio makes them: a job and its images, reserved,
then settled or released, all through generation.ledger's own functions. For the Costs page's
tests (unit and browser)."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any, cast

from django.contrib.auth.models import User
from django.db import transaction
from django.http import StreamingHttpResponse
from django.test import Client
from django.urls import reverse

from avatarapp.keys.models import ProviderKey
from avatarapp.workspaces.models import Workspace
from generation import ledger
from generation.models import Campaign, Image, Job

MADE = datetime(2026, 10, 14, 9, 30, tzinfo=UTC)
S = Image.Status


def key(workspace: Workspace, provider: str, last4: str, owner: User | None = None) -> Any:
    return ProviderKey.objects.create(
        workspace=workspace,
        owner=owner,
        provider=provider,
        label=f"{provider} team",
        ciphertext=b"not a real ciphertext",
        key_version=1,
        last4=last4,
        fingerprint=f"{provider}-{last4}",
    )


def batch(
    workspace: Workspace,
    person: User,
    items: list[tuple[str, str, Any, str, str]],
    *,
    campaign: Campaign | None = None,
    made: datetime = MADE,
) -> list[Image]:
    """A batch as services.batch_submit leaves it: a job, its images and their reservations
    (through the ledger's own reserve). items: (model, provider, key, persona, estimate)."""
    with transaction.atomic():
        job = Job.objects.create(
            workspace=workspace, created_by=person, campaign=campaign, created_at=made
        )
        images = Image.objects.bulk_create(
            Image(
                job=job,
                workspace=workspace,
                persona_name=persona,
                style_key="builtin:corporate",
                style_name="Corporate headshot",
                model_id=model,
                provider=provider,
                provider_key=provider_key,
                aspect_ratio="1:1",
                resolution="1K",
                quality="medium",
                seed=7,
                prompt="a portrait",
                estimated_usd=Decimal(estimate),
                price_rule="test rule",
                price_as_of=made.date(),
                created_at=made,
                deadline_at=made + timedelta(minutes=30),
            )
            for model, provider, provider_key, persona, estimate in items
        )
        ledger.reserve(images)
    return images


def settle(image: Image, amount: str, basis: str, status: str = S.SUCCEEDED) -> None:
    """What the pipeline (or a reconciliation as billed) does: the image's cost, then the line."""
    with transaction.atomic():
        Image.objects.filter(pk=image.pk).update(
            status=status, actual_usd=Decimal(amount), cost_basis=basis
        )
        assert ledger.settle(image, Decimal(amount), rule="test rule", as_of=MADE.date())


def release(image: Image, status: str, reason: str) -> None:
    with transaction.atomic():
        Image.objects.filter(pk=image.pk).update(status=status)
        assert ledger.release(image, reason)


def csv_rows(client: Client, **params: str) -> list[dict[str, str]]:
    response = client.get(reverse("generation:costs_csv"), params)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    text = cast(StreamingHttpResponse, response).getvalue().decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))
