"""The gallery journey end to end in Debian's Chromium, against a real worker, Redis, PostgreSQL
and the S3 server: generate 2 personas x 2 styles with the built-in renderer, find the four
portraits in the gallery, filter, search, favourite, tag, walk the lightbox with the arrow keys,
reuse an image's settings, download three as a ZIP, and delete one (gone from the grid and from
storage)."""

from __future__ import annotations

import csv
import io
import re
import time
import zipfile
from typing import Any

import pytest
from django.core.files.storage import default_storage
from playwright.sync_api import Browser, Page, expect

from gallery.download_names import download_name
from gallery.models import Favourite, ImageTag
from generation.models import Image
from tests.browser.support import check_page, log_in, press_page_key, wait_for_images
from tests.conftest import PASSWORD, make_user
from tests.generation.conftest import make_persona, worker  # noqa: F401 - a fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

STORAGE_DEADLINE_S = 60  # the removal task runs on the worker once the delete has committed


def generate_two_by_two(page: Page) -> None:
    page.get_by_role("link", name="Generate").click()
    page.get_by_role("checkbox", name="Maya Costa").check()
    page.get_by_role("checkbox", name="Leo Park").check()
    page.get_by_role("checkbox", name="Professional headshot").check()
    page.get_by_role("checkbox", name="Editorial").check()
    page.get_by_role("checkbox", name=re.compile("Built-in")).check()
    expect(page.locator("#estimate")).to_contain_text("4 portraits")
    page.get_by_role("button", name="Generate", exact=True).click()
    expect(page.locator(".image-card.status-succeeded")).to_have_count(4, timeout=60_000)


def open_gallery(page: Page) -> None:
    page.get_by_role("link", name="Gallery", exact=True).click()
    expect(page.get_by_role("heading", name="Gallery")).to_be_visible()


def files_gone(names: list[str]) -> bool:
    deadline = time.monotonic() + STORAGE_DEADLINE_S
    while time.monotonic() < deadline:
        if not any(default_storage.exists(name) for name in names):
            return True
        time.sleep(0.5)
    return False


def test_generate_find_curate_download_and_delete(
    live_server,
    browser: Browser,
    worker: None,  # noqa: F811
) -> None:
    base = live_server.url
    user = make_user("mia@example.com")
    membership = user.memberships.get()
    make_persona(membership, name="Maya Costa", occupation="product manager")
    make_persona(membership, name="Leo Park", occupation="lighthouse keeper")
    page = browser.new_context(accept_downloads=True).new_page()
    log_in(page, base, "mia@example.com", PASSWORD)

    generate_two_by_two(page)
    made = list(Image.objects.order_by("-created_at", "-id"))
    assert [image.status for image in made] == [Image.Status.SUCCEEDED] * 4

    # The gallery: the four portraits, newest first.
    open_gallery(page)
    cards = page.locator(".gallery-card")
    expect(cards).to_have_count(4)
    expect(page.get_by_text("Your gallery is empty")).to_have_count(0)
    wait_for_images(page.locator(".gallery-card img"))
    check_page(page, "60-gallery-four")

    # Filter by persona, then clear it.
    page.get_by_role("checkbox", name="Leo Park 2").check()
    expect(cards).to_have_count(2)
    expect(cards.filter(has_text="Maya Costa")).to_have_count(0)
    page.get_by_role("checkbox", name="Leo Park 2").uncheck()
    expect(cards).to_have_count(4)

    # Search a word of the prompt: the built-in editorial style's backdrop is "warm beige".
    editorial = {image.pk for image in made if "beige" in image.prompt}
    assert editorial == {image.pk for image in made if image.style_name == "Editorial"}
    page.get_by_label("Search").fill("beige")
    expect(cards).to_have_count(2)
    expect(cards.filter(has_text="Editorial")).to_have_count(2)
    expect(page).to_have_url(re.compile(r"q=beige"))
    check_page(page, "61-gallery-searched")
    page.get_by_label("Search").fill("")
    expect(cards).to_have_count(4)

    # Tag two from the bulk bar.
    boxes = page.locator("input.pick-box")
    boxes.nth(0).check()
    boxes.nth(1).check()
    expect(page.get_by_text("2 selected")).to_be_visible()
    page.get_by_label("Tag", exact=True).fill("Spring launch")
    page.get_by_role("button", name="Add tag").click()
    expect(page.get_by_text("Tagged 2 portraits “Spring launch”.")).to_be_visible()
    tagged = set(ImageTag.objects.values_list("image_id", flat=True))
    assert tagged == {made[0].pk, made[1].pk}

    # The lightbox: favourite one, walk with the arrow keys, reuse its settings.
    cards.first.locator("a.gallery-thumb").click()
    expect(page).to_have_url(re.compile(rf"/images/{made[0].pk}/"))
    wait_for_images(page.locator("figure img"))
    page.get_by_role("button", name="Favourite").click()
    expect(page.get_by_role("button", name="Favourite")).to_have_attribute("aria-pressed", "true")
    assert list(Favourite.objects.filter(user=user).values_list("image_id", flat=True)) == [
        made[0].pk
    ]
    check_page(page, "62-lightbox")
    press_page_key(page, "ArrowRight")
    expect(page).to_have_url(re.compile(rf"/images/{made[1].pk}/"))
    press_page_key(page, "ArrowRight")
    expect(page).to_have_url(re.compile(rf"/images/{made[2].pk}/"))
    press_page_key(page, "ArrowLeft")
    expect(page).to_have_url(re.compile(rf"/images/{made[1].pk}/"))
    reused = made[1]
    page.get_by_role("link", name="Reuse these settings").click()
    expect(page.get_by_role("heading", name="Generate", exact=True)).to_be_visible()
    expect(page.get_by_role("checkbox", name=reused.persona_name)).to_be_checked()
    expect(page.get_by_role("checkbox", name=reused.style_name, exact=True)).to_be_checked()
    expect(page.get_by_role("checkbox", name=re.compile("Built-in"))).to_be_checked()
    expect(page.locator("#estimate")).to_contain_text("1 portrait")

    # Three ticked, downloaded as one ZIP.
    open_gallery(page)
    expect(cards).to_have_count(4)
    for n in range(3):
        boxes.nth(n).check()
    expect(page.get_by_text("3 selected")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("button", name="Download ZIP").click()
    archive = zipfile.ZipFile(download.value.path())
    pictures = sorted(download_name(image) for image in made[:3])
    assert sorted(archive.namelist()) == sorted([*pictures, "manifest.csv"])
    for name in pictures:
        assert archive.read(name).startswith(b"\x89PNG")
    manifest = csv.DictReader(io.StringIO(archive.read("manifest.csv").decode("utf-8-sig")))
    assert sorted(row["file"] for row in manifest) == pictures

    # Delete one: asked first, then gone from the grid and, once the worker has run, from storage.
    doomed = Image.objects.get(pk=made[3].pk)
    files = [doomed.original.name, doomed.thumbnail.name]
    assert all(default_storage.exists(name) for name in files)
    page.reload()
    boxes.nth(3).check()
    expect(page.get_by_text("1 selected")).to_be_visible()
    questions: list[str] = []

    def accept(dialog: Any) -> None:
        questions.append(dialog.message)
        dialog.accept()

    page.once("dialog", accept)
    page.get_by_role("button", name="Delete").click()
    expect(page.get_by_text("Deleted 1 portrait.")).to_be_visible()
    assert len(questions) == 1
    assert questions[0].startswith("Delete 1 portrait?")
    expect(cards).to_have_count(3)
    expect(page.locator(f'input.pick-box[value="{doomed.pk}"]')).to_have_count(0)
    doomed.refresh_from_db()
    assert doomed.deleted_at is not None
    assert files_gone(files), f"still in storage after {STORAGE_DEADLINE_S} s: {files}"
    wait_for_images(page.locator(".gallery-card img"))
    check_page(page, "63-gallery-after-delete")
