"""The small sets the world offers for a look and a scene, so a persona and a style can be made by
picking. Each value is a word the prompt composer writes into prompts as it stands and
the built-in renderer reads; a person can still type anything in the free-text fields beside them.

Skin tones carry the swatch colour the form shows (the renderer reads the same names through
painter.palette.SKIN, which must know every one of them)."""

from __future__ import annotations

from django.db import models

# (value stored in Persona.skin_tone, label, swatch colour)
SKIN_TONES: tuple[tuple[str, str, str], ...] = (
    ("porcelain", "Porcelain", "#fbe4d3"),
    ("fair", "Fair", "#f3d0b4"),
    ("light", "Light", "#eec5a3"),
    ("light olive", "Light olive", "#dcb58e"),
    ("medium", "Medium", "#cf9b71"),
    ("olive", "Olive", "#b98a5e"),
    ("tan", "Tan", "#b07a50"),
    ("brown", "Brown", "#8d5a3a"),
    ("dark brown", "Dark brown", "#6b4128"),
    ("deep", "Deep", "#45291a"),
)


class HairLength(models.TextChoices):
    BALD = "bald", "Bald"
    BUZZ = "buzz cut", "Buzz cut"
    SHORT = "short", "Short"
    CHIN = "chin-length", "Chin length"
    SHOULDER = "shoulder-length", "Shoulder length"
    LONG = "long", "Long"


# Suggestions for Persona.hair_colour and Persona.hair_style (free text stays allowed).
HAIR_COLOURS = (
    "black", "dark brown", "brown", "auburn", "red", "dark blonde", "blonde",
    "platinum blonde", "grey", "white",
)  # fmt: skip
HAIR_STYLES = (
    "straight", "wavy", "curly", "coily", "afro", "braids", "locs", "bun", "ponytail",
    "side part", "slicked back",
)  # fmt: skip


class Glasses(models.TextChoices):
    NONE = "none", "No glasses"
    ROUND = "round glasses", "Round"
    RECTANGULAR = "rectangular glasses", "Rectangular"
    CAT_EYE = "cat-eye glasses", "Cat-eye"
    SUNGLASSES = "sunglasses", "Sunglasses"


class Garment(models.TextChoices):
    BLAZER = "blazer", "Blazer"
    SUIT = "suit jacket", "Suit"
    SHIRT = "button-down shirt", "Shirt"
    TSHIRT = "t-shirt", "T-shirt"
    POLO = "polo shirt", "Polo"
    SWEATER = "sweater", "Sweater"
    CARDIGAN = "cardigan", "Cardigan"
    HOODIE = "hoodie", "Hoodie"
    TURTLENECK = "turtleneck", "Turtleneck"
    DRESS = "dress", "Dress"
    DENIM_JACKET = "denim jacket", "Denim jacket"


# Suggestions for Persona.garment_colour (a colour word or #rrggbb; free text stays allowed).
GARMENT_COLOURS = (
    "black", "white", "navy", "charcoal", "grey", "beige", "camel", "sage green",
    "forest green", "burgundy", "red", "mustard", "sky blue", "cobalt", "lavender", "blush pink",
)  # fmt: skip


class Backdrop(models.TextChoices):
    PLAIN = "plain", "Plain wall"
    GRADIENT = "gradient", "Soft gradient"
    STUDIO = "studio", "Studio backdrop"
    OFFICE = "office", "Office"
    OUTDOORS = "outdoors", "Outdoors"
    CITY = "city", "City street"


class Lighting(models.TextChoices):
    FRONT = "front", "Soft, from the front"
    LEFT = "left", "From the left"
    RIGHT = "right", "From the right"
    RIM = "rim", "Rim light from behind"
    DRAMATIC = "dramatic", "Dramatic, deep shadows"


class Framing(models.TextChoices):
    HEADSHOT = "headshot", "Headshot"
    HALF_BODY = "half body", "Half body"


class Mood(models.TextChoices):
    FRIENDLY = "friendly", "Friendly smile"
    CONFIDENT = "confident", "Confident"
    SERIOUS = "serious", "Serious"
    THOUGHTFUL = "thoughtful", "Thoughtful"
    JOYFUL = "joyful", "Joyful laugh"


HEX_COLOUR_PATTERN = r"^#[0-9a-fA-F]{6}$"
