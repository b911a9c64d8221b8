"""A persona kit: the ticked portraits, each cropped to 1:1, 4:5, 9:16 and 16:9 around its focal
point (boxes worked out by hand below, and read back from the crops' own pixels), persona.md and
DISCLOSURE.txt. Every member exports, viewers too; another workspace's persona is 404; a persona
with no portraits, nothing ticked or a stranger's portrait ticked: a clear message and no ZIP."""

from __future__ import annotations

import io
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone
from PIL import Image as Picture

from avatarapp.workspaces.models import Membership
from gallery.download_names import kit_crop_name
from gallery.kit import MAX_PORTRAITS, NO_PORTRAITS, NONE_TICKED, NOT_THEIRS, TOO_MANY
from gallery.models import Favourite, FocalPoint, PersonaCover
from generation import storage
from generation.models import Image
from personas.models import Persona
from tests.conftest import ROLES, World
from tests.gallery.kit_support import stored_portrait, unzipped, where
from tests.generation.conftest import LOOK, make_persona
from tests.provenance.support import TRAINED, manifest_store, signing_with_dev_chain, xmp_of

pytestmark = pytest.mark.django_db

# (left, top, width, height) of each crop, by hand (painter/crop.py's rules: the largest box of
# the ratio, centred on the focal point, pushed back inside at the edges, halves rounded up).
# 400 x 500 around (0.8, 0.7), the pixel (320, 350):
TALL = {
    "1x1": (0, 100, 400, 400),  # top 350 - 200 = 150, held at 500 - 400 = 100
    "4x5": (0, 0, 400, 500),  # the whole picture
    "9x16": (119, 0, 281, 500),  # 500 * 9/16 = 281.25; left 320 - 140.5 = 179.5, held at 119
    "16x9": (0, 238, 400, 225),  # 400 * 9/16 = 225; top 350 - 112.5 = 237.5 -> 238
}
# 640 x 360 around the default, the upper-third centre (0.5, 1/3), the pixel (320, 120):
WIDE = {
    "1x1": (140, 0, 360, 360),  # left 320 - 180
    "4x5": (176, 0, 288, 360),  # 360 * 4/5 = 288; left 320 - 144
    "9x16": (219, 0, 203, 360),  # 360 * 9/16 = 202.5 -> 203; left 320 - 101.5 = 218.5 -> 219
    "16x9": (0, 0, 640, 360),  # the whole picture
}


@pytest.fixture
def maya(editor: Membership) -> Persona:
    return make_persona(
        editor,
        name="Maya Costa",
        occupation="Head of growth",
        location="Lisbon",
        personality="warm, direct",
        goals="Grow the newsletter to 50,000 readers.",
        skin_tone="olive",
        hair_colour="dark brown",
    )


@pytest.fixture
def tall(editor: Membership, maya: Persona) -> Image:
    image = stored_portrait(editor, maya, 400, 500, style_name="Corporate")
    FocalPoint.objects.create(image=image, x=0.8, y=0.7)
    return image


@pytest.fixture
def wide(editor: Membership, maya: Persona) -> Image:
    return stored_portrait(
        editor, maya, 640, 360, style_name="Outdoor", model_id="flux-2-pro", provider="bfl"
    )


def _kit_url(persona: Persona) -> str:
    return reverse("gallery:persona_kit", args=[persona.pk])


def _export(client, persona: Persona, images: list[Image]) -> dict[str, bytes]:
    response = client.post(_kit_url(persona), {"image": [str(image.pk) for image in images]})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    day = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == f'attachment; filename="maya-costa-kit-{day}.zip"'
    return unzipped(b"".join(response.streaming_content))


def _check_crops(
    files: dict[str, bytes], image: Image, boxes: dict, focal: tuple[int, int]
) -> None:
    for label, (left, top, width, height) in boxes.items():
        crop = Picture.open(io.BytesIO(files[kit_crop_name(image, label)]))
        assert crop.format == "PNG"
        assert crop.size == (width, height), label
        # Cut where the hand-worked box says: its corners' pixels name their place in the original.
        assert where(crop) == (left, top), label
        assert where(crop, width - 1, height - 1) == (left + width - 1, top + height - 1), label
        assert left <= focal[0] < left + width, label
        assert top <= focal[1] < top + height, label


def test_the_kit_holds_four_crops_of_each_portrait_the_card_and_the_disclosure(
    client_as, maya: Persona, tall: Image, wide: Image
) -> None:
    files = _export(client_as("editor"), maya, [tall, wide])
    crops = {kit_crop_name(image, label) for image in (tall, wide) for label in TALL}
    assert set(files) == crops | {"persona.md", "DISCLOSURE.txt"}
    assert kit_crop_name(tall, "9x16").startswith("maya-costa-corporate-gpt-image-2-")
    assert kit_crop_name(tall, "9x16").endswith(f"-{tall.pk.hex[:8]}-9x16.png")
    _check_crops(files, tall, TALL, (320, 350))
    _check_crops(files, wide, WIDE, (320, 120))

    card = files["persona.md"].decode()
    assert card.startswith("# Maya Costa\n")
    assert "the person in these portraits is AI-generated" in card
    assert "- Occupation: Head of growth\n- Location: Lisbon" in card
    assert "### Goals\n\nGrow the newsletter to 50,000 readers." in card
    assert "## Look\n\nOlive skin, " in card
    assert "Distinctive features: freckles. Wardrobe: navy blazer over a white shirt." in card
    assert "## Tone\n\nwarm, direct" in card
    assert "- Present Maya Costa as a real person" in card
    assert "Industry" not in card  # not filled in: left out

    disclosure = files["DISCLOSURE.txt"].decode()
    assert (
        "Maya Costa is a synthetic persona. The person in these images is AI-generated"
        in disclosure
    )
    assert (
        "- FLUX.2 [pro] (through Black Forest Labs)\n- GPT Image 2 (through OpenAI)" in disclosure
    )
    assert f"on {timezone.localdate():%Y-%m-%d}." in disclosure
    assert kit_crop_name(tall, "*") in disclosure


def test_every_crop_carries_our_content_credentials_with_the_original_as_ingredient(
    client_as, maya: Persona, tall: Image, settings, tmp_path
) -> None:
    signing_with_dev_chain(settings, tmp_path)
    files = _export(client_as("viewer"), maya, [tall])
    for label in TALL:
        store = manifest_store(files[kit_crop_name(tall, label)])
        assert store.problems == [], label
        actions = [(a["action"], a.get("description", "")) for a in store.actions()]
        ratio = label.replace("x", ":")
        assert ("c2pa.cropped", f"Cropped to {ratio}") in actions, label
        assert TRAINED in xmp_of(files[kit_crop_name(tall, label)])


def test_a_card_with_nothing_filled_in_says_not_set(client_as, editor: Membership) -> None:
    bare = make_persona(editor, name="Maya Costa", occupation="", **dict.fromkeys(LOOK, ""))
    portrait = stored_portrait(editor, bare, 64, 64)
    card = _export(client_as("viewer"), bare, [portrait])["persona.md"].decode()
    assert "## Look\n\nNot set in avatarapp." in card
    assert "## Tone\n\nNot set in avatarapp." in card


def test_the_page_ticks_the_cover_and_the_teams_favourites(
    client_as, world: World, editor: Membership, maya: Persona, tall: Image, wide: Image
) -> None:
    third = stored_portrait(editor, maya, 64, 80, style_name="Studio")
    Favourite.objects.create(user=world.viewer, image=tall)  # anyone's favourite counts
    PersonaCover.objects.create(persona=maya, image=third)
    page = client_as("editor").get(_kit_url(maya)).content.decode()
    for image, ticked in ((tall, True), (wide, False), (third, True)):
        box = f'name="image" value="{image.pk}" checked' if ticked else f'value="{image.pk}">'
        assert box in page, image.style_name
    assert "Download the kit (ZIP)" in page


def test_without_cover_or_favourites_the_newest_is_ticked(
    client_as, maya: Persona, tall: Image, wide: Image
) -> None:
    page = client_as("editor").get(_kit_url(maya)).content.decode()
    assert f'value="{wide.pk}" checked' in page
    assert f'value="{tall.pk}">' in page


def test_a_persona_with_no_portraits_gets_a_message_not_a_zip(
    client_as, maya: Persona, editor: Membership
) -> None:
    stored_portrait(editor, maya, 64, 64, status=Image.Status.FAILED)  # no picture: not one
    message = NO_PORTRAITS.format(name="Maya Costa")
    page = client_as("editor").get(_kit_url(maya))
    assert message in page.content.decode()
    assert "Download the kit" not in page.content.decode()
    response = client_as("editor").post(_kit_url(maya), {"image": []})
    assert response["Content-Type"].startswith("text/html")
    assert message in response.content.decode()


@pytest.mark.parametrize(
    ("ticked", "message"),
    [
        ([], NONE_TICKED),
        (["not-an-id"], NOT_THEIRS.format(name="Maya Costa")),
        ([str(uuid.uuid4())], NOT_THEIRS.format(name="Maya Costa")),
        ([str(uuid.uuid4()) for _ in range(MAX_PORTRAITS + 1)], TOO_MANY.format(most=12, count=13)),
    ],
)
def test_a_bad_choice_gets_a_message_not_a_zip(
    client_as, maya: Persona, tall: Image, ticked: list[str], message: str
) -> None:
    response = client_as("editor").post(_kit_url(maya), {"image": ticked})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert message.replace("'", "&#x27;") in response.content.decode()


def test_another_personas_or_workspaces_portrait_cannot_be_ticked(
    client_as, editor: Membership, maya: Persona, tall: Image, their_image: Image
) -> None:
    leo = stored_portrait(editor, make_persona(editor, name="Leo Park"), 64, 64)
    for stranger in (leo, their_image):
        response = client_as("editor").post(_kit_url(maya), {"image": [tall.pk, stranger.pk]})
        assert response["Content-Type"].startswith("text/html")
        assert "Nothing was exported" in response.content.decode()


@pytest.mark.parametrize("role", ROLES)
def test_every_member_exports_a_kit_outsiders_get_404(
    role: str, client_as, maya: Persona, tall: Image
) -> None:
    client = client_as(role)
    page = client.get(_kit_url(maya))
    response = client.post(_kit_url(maya), {"image": [str(tall.pk)]})
    if role == "anonymous":
        assert page.status_code == response.status_code == 302
        assert "/accounts/login/" in response["Location"]
    elif role == "outsider":
        assert page.status_code == response.status_code == 404
    else:
        assert page.status_code == 200
        assert response["Content-Type"] == "application/zip"


def test_an_original_missing_from_storage_is_named_in_the_disclosure(
    client_as, maya: Persona, tall: Image, wide: Image
) -> None:
    storage.remove(wide.original.name)
    files = _export(client_as("editor"), maya, [tall, wide])
    assert kit_crop_name(tall, "1x1") in files
    assert kit_crop_name(wide, "1x1") not in files
    disclosure = files["DISCLOSURE.txt"].decode()
    assert "Not in this kit (the original could not be found in storage" in disclosure
    assert "- Outdoor, made" in disclosure
    assert "FLUX.2" not in disclosure  # only the models of the images in the kit


def test_the_persona_page_links_to_the_kit(client_as, maya: Persona) -> None:
    page = client_as("viewer").get(maya.get_absolute_url()).content.decode()
    assert f'href="{_kit_url(maya)}">Export kit</a>' in page
