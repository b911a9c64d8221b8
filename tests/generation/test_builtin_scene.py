"""A style's scene and a persona's look reach the built-in renderer through the real pipeline:
submit a batch, run the image, and sample the stored PNG."""

from __future__ import annotations

import uuid

from django.core.files.storage import default_storage
from PIL import Image as PILImage

from avatarapp.workspaces.models import Membership
from generation import pipeline, services
from generation.models import Image
from painter.palette import COLOURS
from painter.portrait import BACKGROUNDS
from personas.models import Persona, Style
from tests.conftest import World
from tests.generation.conftest import make_persona
from tests.providers.pixels import distance, sample

CORNER = (0.05, 0.05)
SHOULDER = (0.8, 0.95)  # a 1:1 portrait at the default framing, default build


def generate(editor: Membership, persona: Persona, style_key: str) -> uuid.UUID:
    batch = services.BatchRequest(
        [str(persona.pk)], [style_key], ["builtin"], 1, "1:1", "1K", "low"
    )
    _job, (image_id,) = services.batch_create(membership=editor, batch=batch)
    return image_id


def stored(image_id: uuid.UUID) -> PILImage.Image:
    pipeline.run_image(image_id)
    image = Image.objects.get(pk=image_id)
    assert image.status == Image.Status.SUCCEEDED, image.error_message
    with default_storage.open(image.original.name) as handle:
        picture = PILImage.open(handle)
        picture.load()
    return picture.convert("RGB")


def test_the_styles_backdrop_colour_is_in_the_stored_image(world: World) -> None:
    editor = world.membership("editor")
    persona = make_persona(editor, build="", garment="blazer", garment_colour="burgundy")
    style = Style.objects.create(workspace=world.team, name="Brand blue", backdrop_colour="#3a7bd5")
    image_id = generate(editor, persona, f"style:{style.pk}")
    assert Image.objects.get(pk=image_id).request_fields["scene"] == {
        "backdrop_colour": "#3a7bd5",
        "backdrop": "plain",
        "lighting_direction": "",
        "framing": "",
        "mood": "",
    }
    picture = stored(image_id)
    assert sample(picture, *CORNER) == (0x3A, 0x7B, 0xD5)
    assert distance(sample(picture, *SHOULDER), COLOURS["burgundy"]) <= 3


def test_a_light_grey_backdrop_and_a_sage_green_blazer_in_free_text(world: World) -> None:
    """The outside tester's style and persona: blue, yellow and pink circles and the default
    top came out."""
    editor = world.membership("editor")
    persona = make_persona(editor, build="", wardrobe="sage-green blazer")
    style = Style.objects.create(
        workspace=world.team, name="Clean", background="light grey backdrop"
    )
    picture = stored(generate(editor, persona, f"style:{style.pk}"))
    for point in (CORNER, (0.95, 0.05), (0.12, 0.3)):
        assert sample(picture, *point) == COLOURS["light grey"]
    assert distance(sample(picture, *SHOULDER), COLOURS["sage green"]) <= 3


def test_images_made_before_scenes_render_as_before(world: World) -> None:
    editor = world.membership("editor")
    image_id = generate(editor, make_persona(editor), "builtin:corporate")
    image = Image.objects.get(pk=image_id)
    del image.request_fields["scene"]
    image.save(update_fields=["request_fields"])
    picture = stored(image_id)
    assert sample(picture, *CORNER) in BACKGROUNDS  # the seed's pastel, not the office
