"""The persona kit in Debian's Chromium: set a portrait's focal point by clicking it, export the
kit from the persona's page, and open the download: four crops of each ticked portrait, each of
its ratio, as large as fits and holding the focal point, signed with Content Credentials that
say it was cropped from a Built-in renderer portrait, with persona.md and DISCLOSURE.txt.
Axe-clean at desktop and phone."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image as Picture
from playwright.sync_api import Browser, expect

from avatarapp.workspaces.models import Membership
from gallery.download_names import kit_crop_name
from gallery.focal_points import DEFAULT
from gallery.kit import NONE_TICKED, RATIOS
from gallery.models import FocalPoint
from generation import storage
from generation.models import Image
from painter.crop import crop_box
from tests.browser.portraits import draw_portraits
from tests.browser.support import check_page, log_in, wait_for_images
from tests.conftest import PASSWORD, make_user
from tests.gallery.kit_support import unzipped
from tests.gallery.lightbox_support import image_url
from tests.generation.conftest import make_persona
from tests.provenance.support import manifest_store, signing_with_dev_chain

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_set_a_focal_point_then_export_the_kit(
    live_server, browser: Browser, settings, tmp_path
) -> None:
    signing_with_dev_chain(settings, tmp_path)  # the live server runs in this process
    base = live_server.url
    user = make_user("mia@example.com")
    membership = Membership.objects.get(user=user)
    maya = make_persona(membership, name="Maya Costa")
    [tall_id] = draw_portraits(membership, [maya], ["builtin:corporate"], "4:5")
    [wide_id] = draw_portraits(membership, [maya], ["builtin:corporate"], "16:9")
    tall, wide = Image.objects.get(pk=tall_id), Image.objects.get(pk=wide_id)

    page = browser.new_context(accept_downloads=True).new_page()
    log_in(page, base, user.email, PASSWORD)
    page.goto(base + image_url(tall))
    picker = page.get_by_role("button", name=re.compile("click the spot the crops should centre"))
    expect(page.get_by_text("Not set yet: the crops centre on the upper third")).to_be_visible()
    wait_for_images(page.locator("figure img"))
    box = picker.bounding_box()
    assert box is not None
    picker.click(position={"x": box["width"] * 0.25, "y": box["height"] * 0.75})
    expect(page.locator("#focal-point").get_by_role("status")).to_contain_text("Focal point set")
    expect(page.get_by_text("Now 25% across, 75% down.")).to_be_visible()
    point = FocalPoint.objects.get(image=tall)
    assert point.x == pytest.approx(0.25, abs=0.01)
    assert point.y == pytest.approx(0.75, abs=0.01)
    check_page(page, "70-focal-point")

    # From the keyboard there is no point to click: Enter on the picture opens two number fields.
    picker.focus()
    page.keyboard.press("Enter")
    across = page.get_by_label("Across (% from the left)")
    expect(across).to_be_focused()
    across.fill("50")
    page.get_by_label("Down (% from the top)").fill("30")
    page.get_by_role("button", name="Set focal point").click()
    expect(page.get_by_text("Now 50% across, 30% down.")).to_be_visible()
    point.refresh_from_db()
    assert (point.x, point.y) == (0.5, 0.3)

    page.goto(base + maya.get_absolute_url())
    page.get_by_role("link", name="Export kit").click()
    expect(page.get_by_role("heading", name="Persona kit for Maya Costa")).to_be_visible()
    # Neither is a cover or a favourite: the newest (the persona's face) is ticked to begin with.
    expect(page.locator(f'input[value="{wide.pk}"]')).to_be_checked()
    expect(page.locator(f'input[value="{tall.pk}"]')).not_to_be_checked()
    wait_for_images(page.locator("img"))
    check_page(page, "71-persona-kit")

    page.locator(f'input[value="{wide.pk}"]').uncheck()
    page.get_by_role("button", name="Download the kit (ZIP)").click()
    expect(page.get_by_role("alert")).to_have_text(NONE_TICKED)
    check_page(page, "72-persona-kit-nothing-ticked")

    page.locator(f'input[value="{wide.pk}"]').check()
    page.locator(f'input[value="{tall.pk}"]').check()
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the kit (ZIP)").click()
    assert re.fullmatch(r"maya-costa-kit-\d{4}-\d{2}-\d{2}\.zip", download.value.suggested_filename)
    with open(download.value.path(), "rb") as handle:
        files = unzipped(handle.read())

    crops = {kit_crop_name(image, label) for image in (tall, wide) for label, _ in RATIOS}
    assert set(files) == crops | {"persona.md", "DISCLOSURE.txt"}
    for image, focal in ((tall, (point.x, point.y)), (wide, DEFAULT)):
        original = Picture.open(io.BytesIO(b"".join(storage.open_chunks(image.original.name))))
        fx, fy = focal[0] * original.width, focal[1] * original.height
        for label, (ratio_w, ratio_h) in RATIOS:
            crop = Picture.open(io.BytesIO(files[kit_crop_name(image, label)]))
            width, height = crop.size
            assert abs(width * ratio_h - height * ratio_w) <= max(ratio_w, ratio_h), label
            assert width == original.width or height == original.height, label  # as large as fits
            cut = crop_box(original.width, original.height, focal, (ratio_w, ratio_h))
            assert cut.left <= fx <= cut.left + width, label
            assert cut.top <= fy <= cut.top + height, label
            assert (
                crop.convert("RGB").tobytes() == original.crop(cut.corners).convert("RGB").tobytes()
            )
            credentials = manifest_store(files[kit_crop_name(image, label)])
            assert credentials.problems == [], label
            steps = {(a["action"], a.get("description", "")) for a in credentials.actions()}
            assert ("c2pa.cropped", f"Cropped to {ratio_w}:{ratio_h}") in steps, label
            assert "Built-in renderer" in str(credentials.actions()), label
    assert files["persona.md"].decode().startswith("# Maya Costa\n")
    disclosure = files["DISCLOSURE.txt"].decode()
    assert "The person in these images is AI-generated" in disclosure
    assert "- Built-in renderer\n" in disclosure
