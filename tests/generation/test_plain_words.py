"""What people read is in their words. Models and providers by their names, money
as people write it ("$0.055", "free", never "$0.000000"), progress as "6 of 8 ready, 1 failed,
1 cancelled", cancelled not shown as an error, and technical facts (model id, request id, price
rule, hash) only behind a "Details" disclosure, on the job page and the image page."""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.test.html import parse_html
from django.urls import reverse

from avatarapp.money import price, usd
from avatarapp.workspaces.models import Membership
from generation import ledger
from generation.models import Image, Job
from tests.conftest import World
from tests.gallery.factories import make_image, make_job
from tests.generation.conftest import make_persona
from tests.markup import find_all, text

Status = Image.Status
REQUEST_ID = "req-7f3a9c1e"
PRICE_RULE = "bfl-flux-2-pro-credits"
SHA = "9" * 64
TECHNICAL = (REQUEST_ID, PRICE_RULE, SHA[:16], "flux-2-pro")
# The names people never read outside Details: slugs, and money with six decimals.
ENGINEERING_WORDS = re.compile(r"\b(builtin|bfl)\b|\$0\.0{6}|\d of \d+ finished")


@pytest.mark.parametrize(
    ("amount", "as_usd", "as_price"),
    [
        (Decimal("0.0055"), "$0.0055", "$0.0055"),
        (Decimal("0.055000"), "$0.055", "$0.055"),
        (Decimal("0.04"), "$0.04", "$0.04"),
        (Decimal("0.1"), "$0.10", "$0.10"),
        (Decimal("0.000000"), "$0", "free"),
        (Decimal("0"), "$0", "free"),
        (Decimal("0.00004"), "under $0.0001", "under $0.0001"),
        (Decimal("12.5"), "$12.50", "$12.50"),
        (Decimal("1234.567"), "$1,234.57", "$1,234.57"),
        (None, "", ""),
    ],
)
def test_money_reads_as_people_write_it(amount: Decimal, as_usd: str, as_price: str) -> None:
    assert (usd(amount), price(amount)) == (as_usd, as_price)


@pytest.fixture
def batch(world: World) -> Job:
    """8 images of one batch by Black Forest Labs: 6 ready, 1 failed, 1 cancelled."""
    editor = world.membership("editor")
    mia = make_persona(editor)
    job = make_job(editor)
    made: dict[str, Any] = {
        "model_id": "flux-2-pro",
        "provider": "bfl",
        "estimated_usd": Decimal("0.0550"),
        "actual_usd": Decimal("0.055000"),
        "price_rule": PRICE_RULE,
        "provider_request_id": REQUEST_ID,
        "sha256": SHA,
        "latency_ms": 3200,
    }
    for _ in range(6):
        make_image(job, mia, **made)
    make_image(job, mia, status=Status.FAILED, error_message="The provider refused the prompt.")
    make_image(
        job, mia, status=Status.CANCELLED, error_message="Cancelled.", error_kind="cancelled"
    )
    return job


@pytest.fixture
def editor_client(batch: Job, in_team: Callable[[str], Client]) -> Client:
    return in_team("editor")


def _outside_details(html: str) -> str:
    """The page without its Details disclosures: what a person sees at first sight."""
    return re.sub(r'<details class="details">.*?</details>', "", html, flags=re.DOTALL)


def _first_read(html: str) -> str:
    """The words a person reads on the page (or fragment) outside its Details disclosures."""
    return text(parse_html(_outside_details(html)))


def test_progress_reads_ready_failed_cancelled(batch: Job, editor_client: Client) -> None:
    sentence = "6 of 8 ready, 1 failed, 1 cancelled"
    page = editor_client.get(reverse("generation:job", args=[batch.pk])).content.decode()
    fragment = editor_client.get(reverse("generation:job_progress", args=[batch.pk]))
    history = editor_client.get(reverse("gallery:jobs")).content.decode()
    assert sentence in page
    assert sentence in fragment.content.decode()
    assert sentence in history
    for html in (page, fragment.content.decode(), history):
        assert not ENGINEERING_WORDS.search(_first_read(html))


def test_the_job_page_names_models_and_money_and_keeps_ids_in_details(
    batch: Job, editor_client: Client
) -> None:
    html = editor_client.get(reverse("generation:job", args=[batch.pk])).content.decode()
    read = _first_read(html)
    assert "FLUX.2 [pro]" in read
    assert "Cost: $0.055" in read
    # 6 x $0.055 + 2 x $0.01 estimated; 6 x $0.055 spent.
    assert "Estimated at most $0.35; cost $0.33" in read
    assert not ENGINEERING_WORDS.search(read)
    for fact in TECHNICAL:
        assert fact not in read, fact
        assert fact in html, fact  # behind Details
    assert len(find_all(html, "details", **{"class": "details"})) == 8  # one per card


def test_a_cancelled_card_is_neutral_and_a_failed_one_an_error(
    batch: Job, editor_client: Client
) -> None:
    html = editor_client.get(reverse("generation:job", args=[batch.pk])).content.decode()
    cards = {
        image.status: re.search(rf'<article[^>]*id="image-{image.pk}".*?</article>', html, re.S)
        for image in batch.images.exclude(status=Status.SUCCEEDED)
    }
    cancelled, failed = cards[Status.CANCELLED], cards[Status.FAILED]
    assert cancelled
    assert failed
    assert "alert-error" not in cancelled.group(0)
    assert "Cancelled." not in cancelled.group(0)  # the label says it once, not as a message
    assert "alert-error" in failed.group(0)


def test_the_image_page_keeps_hash_request_and_price_rule_in_details(
    batch: Job, editor_client: Client
) -> None:
    image = batch.images.filter(status=Status.SUCCEEDED).first()
    assert image is not None
    html = editor_client.get(reverse("gallery:image", args=[image.pk])).content.decode()
    read = _first_read(html)
    assert "FLUX.2 [pro]" in read
    assert "Cost $0.055" in read
    assert not ENGINEERING_WORDS.search(read)
    for fact in TECHNICAL:
        assert fact not in read, fact
        assert fact in html, fact
    assert "<dt>Provider</dt><dd>Black Forest Labs</dd>" in html


def test_the_costs_page_names_models_and_writes_money_plainly(
    world: World, editor_client: Client
) -> None:
    editor: Membership = world.membership("editor")
    job = make_job(editor)
    image = make_image(job, make_persona(editor, name="Leo"), estimated_usd=Decimal("0.0055"))
    ledger.reserve([image])
    ledger.settle(
        image, Decimal("0.005500"), rule="openai-gpt-image-2", as_of=image.created_at.date()
    )
    html = editor_client.get(reverse("generation:costs")).content.decode()
    assert "<td>GPT Image 2</td><td>1</td><td>$0.0055</td>" in html
    assert "gpt-image-2" not in html
    assert not ENGINEERING_WORDS.search(_first_read(html))


def test_a_personas_default_model_is_named(world: World, editor_client: Client) -> None:
    persona = make_persona(world.membership("editor"), name="Leo", default_model="gpt-image-2")
    html = editor_client.get(reverse("personas:detail", args=[persona.pk])).content.decode()
    assert "<dt>Default model</dt><dd>GPT Image 2</dd>" in html
