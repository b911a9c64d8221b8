"""In Debian's Chromium: a persona made only by clicking choices (the
name is the one thing typed), its live portrait changing with the skin tone, two reference
photos added while creating; a style whose backdrop colour shows in its live example and in
the portrait the built-in renderer then makes in it (through a real worker). Without
JavaScript the same forms work through their "Update preview" button and a plain file field."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import pytest
from django.urls import reverse
from PIL import Image
from playwright.sync_api import Browser, FilePayload, Page, expect

from avatarapp.workspaces.services import workspace_create_team
from generation.models import Image as GeneratedImage
from personas.choices import SKIN_TONES
from personas.models import PendingUpload, Persona, Style
from tests.browser.support import DESKTOP, PHONE, check_page, log_in, wait_for_images
from tests.conftest import PASSWORD, make_user
from tests.generation.conftest import worker  # noqa: F401 - a fixture
from tests.personas import images

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SWATCH = {value: colour for value, _, colour in SKIN_TONES}
# Where the built-in renderer draws the middle of the face, as a share of the image's sides.
FACE = (0.5, 0.47)


@pytest.fixture(autouse=True)
def private_media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")


def _rgb(code: str) -> tuple[int, int, int]:
    return (int(code[1:3], 16), int(code[3:5], 16), int(code[5:7], 16))


def _distance(a: tuple[int, ...], b: tuple[int, ...]) -> int:
    return max(abs(x - y) for x, y in zip(a[:3], b[:3], strict=True))


def _shown(page: Page, selector: str) -> tuple[str, Image.Image]:
    """The image `selector` shows, once it has loaded: its URL and its pixels (fetched again
    with the page's session; the answer is the same bytes, from the cache)."""
    image = page.locator(selector)
    wait_for_images(image)
    src = image.get_attribute("src") or ""
    response = page.request.get(urljoin(page.url, src))
    assert response.ok, src
    assert response.headers["content-type"] == "image/png"
    return src, Image.open(io.BytesIO(response.body())).convert("RGB")


def _sample(picture: Image.Image, at: tuple[float, float]) -> tuple[int, int, int]:
    x, y = int(picture.width * at[0]), int(picture.height * at[1])
    return picture.getpixel((x, y))  # type: ignore[return-value]


def _chip(page: Page, group: str, name: str) -> None:
    page.get_by_role("group", name=group, exact=True).get_by_role(
        "radio", name=name, exact=True
    ).check()


def _fits_a_phone(page: Page) -> None:
    """Nothing on the page is wider than a 375 px phone (no sideways scrolling)."""
    page.set_viewport_size(PHONE)
    width = page.evaluate("() => document.documentElement.scrollWidth")
    page.set_viewport_size(DESKTOP)
    assert width <= PHONE["width"]


_DROP = """(zone, file) => {
  const transfer = new DataTransfer();
  transfer.items.add(new File([new Uint8Array(file.bytes)], file.name, {type: "image/png"}));
  const init = {bubbles: true, cancelable: true, dataTransfer: transfer};
  for (const type of ["dragenter", "dragover", "drop"]) {
    zone.dispatchEvent(new DragEvent(type, init));
  }
}"""


def _drop(page: Page, zone: str, name: str, data: bytes) -> None:
    """Drag a file from the desktop and drop it on `zone`, as the browser reports it."""
    page.locator(zone).evaluate(_DROP, {"name": name, "bytes": list(data)})


def _wait_for_new_src(page: Page, selector: str, old: str) -> None:
    expect(page.locator(selector)).not_to_have_attribute("src", old)


def test_a_persona_and_a_style_made_by_looking(
    live_server,
    browser: Browser,
    worker: None,  # noqa: F811
) -> None:
    base = live_server.url
    maya = make_user("maya@example.com")
    page = browser.new_context().new_page()
    log_in(page, base, "maya@example.com", PASSWORD)
    page.get_by_role("link", name="Create your first persona").click()
    expect(page.get_by_role("heading", name="New persona")).to_be_visible()
    # The live preview follows the fields itself: its no-script button stays out of the way.
    expect(page.get_by_role("button", name="Update preview")).to_be_hidden()

    page.get_by_label("Name:", exact=True).fill("Maya Costa")  # the only words typed
    _chip(page, "Age range", "35 to 44")
    _chip(page, "Skin tone", "Porcelain")
    expect(page.locator("#look-preview")).to_have_attribute("src", re.compile("porcelain"))
    before_src, before = _shown(page, "#look-preview")
    face_before = _sample(before, FACE)
    assert _distance(face_before, _rgb(SWATCH["porcelain"])) < 40

    # A darker skin tone: a new drawing, and the face itself is darker.
    _chip(page, "Skin tone", "Deep")
    _wait_for_new_src(page, "#look-preview", before_src)
    after_src, after = _shown(page, "#look-preview")
    assert "skin_tone_pick=deep" in after_src
    assert after.tobytes() != before.tobytes()
    face_after = _sample(after, FACE)
    assert _distance(face_after, _rgb(SWATCH["deep"])) < _distance(face_after, face_before)
    assert sum(face_after) < sum(face_before) - 200

    _chip(page, "Glasses", "Round")
    _chip(page, "Hair length", "Shoulder length")
    _chip(page, "Hair colour", "Dark brown")
    _chip(page, "Hair style", "Wavy")
    _chip(page, "Outfit", "Blazer")
    _chip(page, "Outfit colour", "Sage green")

    # Two reference photos, chosen at once while creating: each shows its progress, then itself.
    photos: list[FilePayload] = [
        {"name": "front.jpg", "mimeType": "image/jpeg", "buffer": images.jpeg(300, 300, 1)},
        {"name": "side.png", "mimeType": "image/png", "buffer": images.png(200, 240, 2)},
    ]
    page.get_by_label("Add reference photos").set_input_files(photos)
    held = page.locator(".pending-item img")
    expect(held).to_have_count(2)
    wait_for_images(held)
    expect(page.get_by_role("img", name="Reference photo side.png")).to_be_visible()
    _wait_for_new_src(page, "#look-preview", after_src)  # the last chips have been drawn too
    preview_src, preview = _shown(page, "#look-preview")
    check_page(page, "looks-01-persona-form")
    _fits_a_phone(page)

    page.get_by_role("button", name="Save persona").click()
    expect(page.get_by_role("heading", name="Maya Costa")).to_be_visible()
    persona = Persona.objects.get()
    look = {
        name: getattr(persona, name)
        for name in ("age_range", "skin_tone", "glasses", "hair_length", "hair_colour")
    }
    assert look == {
        "age_range": "35-44",
        "skin_tone": "deep",
        "glasses": "round glasses",
        "hair_length": "shoulder-length",
        "hair_colour": "dark brown",
    }
    assert (persona.hair_style, persona.garment, persona.garment_colour) == (
        "wavy",
        "blazer",
        "sage green",
    )
    assert persona.references.count() == 2
    assert not PendingUpload.objects.exists()
    # The saved persona's built-in portrait is the drawing its preview showed.
    saved = page.request.get(base + persona.portrait_url(320))
    assert saved.body() == page.request.get(urljoin(base, preview_src)).body()
    assert preview.size == (320, 320)

    # From the persona's page: a copy for the team, which the user can edit in too.
    team = workspace_create_team(user=maya, name="Maya's team")
    page.reload()
    page.get_by_text("Copy or move to another workspace").click()
    page.get_by_label("To workspace:").select_option(label="Maya's team")
    page.get_by_role("radio", name="Copy: this persona stays here too").check()
    check_page(page, "looks-03-persona-copy")
    page.get_by_role("button", name="Copy or move Maya Costa").click()
    expect(page.get_by_text("Copied Maya Costa to Maya's team.")).to_be_visible()
    assert team.personas.get().references.count() == 2

    # A style with a sage backdrop, picked with the colour picker: the example shows it.
    page.get_by_role("link", name="Style library").click()
    page.get_by_role("link", name="New workspace style").click()
    page.get_by_label("Name:", exact=True).fill("Sage studio")
    example_src, _ = _shown(page, "#style-example")
    page.get_by_label("Backdrop colour picker").fill("#2e8b57")
    expect(page.get_by_label("Backdrop colour", exact=True)).to_have_value("#2e8b57")
    _wait_for_new_src(page, "#style-example", example_src)
    _, example = _shown(page, "#style-example")
    assert _distance(_sample(example, (0.03, 0.03)), _rgb("#2e8b57")) <= 12
    _chip(page, "Backdrop", "Plain wall")
    _chip(page, "Light", "From the left")
    _chip(page, "Framing", "Half body")
    _chip(page, "Mood", "Confident")
    # A mood-board image dragged onto the form.
    _drop(page, "#style-form [data-drop-zone]", "board.png", images.png(160, 90, 7))
    expect(page.get_by_role("img", name="Reference photo board.png")).to_be_visible()
    check_page(page, "looks-02-style-form")
    _fits_a_phone(page)
    page.get_by_role("button", name="Save style").click()
    expect(page.get_by_text("Saved the style Sage studio.")).to_be_visible()
    style = Style.objects.get()
    scene = (style.backdrop_colour, style.backdrop, style.lighting_direction, style.framing)
    assert scene == ("#2e8b57", "plain", "left", "half body")
    assert style.mood == "confident"
    assert style.references.count() == 1

    # Generate Maya in that style with the built-in renderer: the portrait has the sage backdrop.
    page.get_by_role("link", name="Generate").click()
    page.get_by_role("checkbox", name="Maya Costa").check()
    page.get_by_role("checkbox", name="Sage studio").check()
    page.get_by_role("checkbox", name="Built-in renderer").check()
    page.get_by_role("button", name="Generate", exact=True).click()
    expect(page.locator(".image-card.status-succeeded")).to_have_count(1, timeout=60_000)
    made = GeneratedImage.objects.get()
    original = page.request.get(base + reverse("gallery:image_download", args=[made.pk]))
    assert original.ok
    portrait = Image.open(io.BytesIO(original.body())).convert("RGB")
    assert _distance(_sample(portrait, (0.03, 0.03)), _rgb("#2e8b57")) <= 12


def test_without_javascript_the_forms_still_preview_and_take_photos(
    live_server, browser: Browser
) -> None:
    base = live_server.url
    make_user("noscript@example.com")
    page = browser.new_context(java_script_enabled=False).new_page()
    log_in(page, base, "noscript@example.com", PASSWORD)
    page.goto(base + "/personas/new/")
    page.get_by_label("Name:", exact=True).fill("Nora")
    _chip(page, "Skin tone", "Brown")
    # Chips are radio buttons: the arrow keys move the choice along a group.
    page.get_by_role("group", name="Glasses").get_by_role("radio", name="Not set").focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    expect(page.get_by_role("radio", name="Round")).to_be_checked()
    page.get_by_label("Add reference photos").set_input_files(
        {"name": "face.png", "mimeType": "image/png", "buffer": images.png(120, 120, 5)}
    )
    page.get_by_role("button", name="Update preview").click()

    # The page comes back with the look drawn and the photo held, the form as it was.
    expect(page.locator("#look-preview")).to_have_attribute(
        "src", re.compile("skin_tone_pick=brown")
    )
    expect(page.get_by_label("Name:", exact=True)).to_have_value("Nora")
    expect(page.get_by_role("img", name="Reference photo face.png")).to_be_visible()
    assert not Persona.objects.exists()
    page.get_by_role("button", name="Save persona").click()
    expect(page.get_by_role("heading", name="Nora")).to_be_visible()
    persona = Persona.objects.get()
    assert (persona.skin_tone, persona.glasses, persona.references.count()) == (
        "brown",
        "round glasses",
        1,
    )
