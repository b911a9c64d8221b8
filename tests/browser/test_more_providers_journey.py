"""One key for a whole catalogue (issue 16) in Debian's Chromium, against a real worker, Redis,
PostgreSQL, the S3 server and the emulator: add a fal.ai key, an OpenRouter key and an APIMart key
(with the price the team pays APIMart per image), generate one persona with Qwen Image 2.0 through
fal, Gemini through OpenRouter and GPT Image 2 through APIMart in one batch, and see each portrait
with its cost and where that cost came from."""

from __future__ import annotations

from decimal import Decimal

import pytest
from playwright.sync_api import Browser, Page, expect

from avatarapp.money import usd
from generation.models import Image
from tests.browser.support import check_page, wait_for_images
from tests.conftest import PASSWORD, make_user
from tests.generation.conftest import providers, worker  # noqa: F401 - fixtures
from tests.providers.conftest import APIMART_KEY, FAL_KEY, OPENROUTER_KEY

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MODELS = {
    "fal-qwen-image-2": ("Qwen Image 2.0 via fal.ai", "(price table)"),
    "openrouter-gemini-2.5-flash-image": (
        "Gemini 2.5 Flash Image (Nano Banana) via OpenRouter",
        "(provider-reported)",
    ),
    "apimart-gpt-image-2": ("GPT Image 2 via APIMart", "(price you entered)"),
}
APIMART_PRICE = "0.0075"  # what this team pays APIMart per image, as its contract says


def add_key(page: Page, provider: str, name: str, key: str, price: str = "") -> None:
    page.get_by_label("Provider").select_option(provider)
    page.get_by_label("Name").fill(name)
    page.get_by_label("API key").fill(key)
    if price:
        page.get_by_label("Your price per image (USD)").fill(price)
    page.get_by_role("button", name="Check and save").click()
    expect(page.get_by_role("heading", name=name)).to_be_visible()


def test_three_providers_one_batch_each_cost_with_its_basis(
    live_server,
    browser: Browser,
    providers,  # noqa: F811
    worker,  # noqa: F811
) -> None:
    make_user("mia@example.com")
    page = browser.new_context().new_page()
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Email").fill("mia@example.com")
    page.get_by_label("Password:").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()

    page.get_by_text("Settings").click()
    page.get_by_role("link", name="Provider keys").click()
    add_key(page, "fal", "Team fal", FAL_KEY)
    add_key(page, "openrouter", "Team OpenRouter", OPENROUTER_KEY)
    add_key(page, "apimart", "Team APIMart", APIMART_KEY, price=APIMART_PRICE)
    entered = page.locator(".key-facts div", has_text="Your price per image")
    expect(entered).to_have_count(1)  # APIMart's key only
    expect(entered).to_contain_text("$0.0075")
    check_page(page, "160-three-provider-keys")

    page.get_by_role("link", name="Personas", exact=True).click()
    page.get_by_role("link", name="Create your first persona").click()
    page.locator("#id_name").fill("Lena Park")
    page.locator("#id_occupation").fill("Brand strategist")
    page.get_by_role("button", name="Save persona").click()
    expect(page.get_by_role("heading", name="Lena Park")).to_be_visible()

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Generate").click()
    page.get_by_role("checkbox", name="Lena Park").check()
    page.get_by_role("checkbox", name="Professional headshot").check()
    for name, _basis in MODELS.values():
        page.get_by_role("checkbox", name=name, exact=True).check()
    page.get_by_text("Settings:").click()
    page.get_by_label("Aspect ratio").select_option("1:1")
    estimate = page.locator("#estimate")
    expect(estimate).to_contain_text("3 portraits")
    check_page(page, "161-three-provider-estimate")
    page.get_by_role("button", name="Generate", exact=True).click()

    expect(page.locator(".image-card")).to_have_count(3)
    expect(page.locator(".image-card.status-succeeded")).to_have_count(3, timeout=60_000)
    wait_for_images(page.locator(".image-card img"))
    for model_id, (name, basis) in MODELS.items():
        image = Image.objects.get(model_id=model_id)
        card = page.locator(f"#image-{image.pk}")
        expect(card).to_contain_text(name)
        expect(card).to_contain_text(f"Cost: {usd(image.actual_usd)} {basis}")
    assert Image.objects.get(model_id="apimart-gpt-image-2").actual_usd == Decimal(APIMART_PRICE)
    check_page(page, "162-three-provider-portraits")
