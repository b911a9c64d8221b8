"""What a persona wears, for the built-in renderer: the garment's kind and colours, from the picked
garment and colour (personas.choices) or, where those are empty, from the wardrobe's free text."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .look import Look
from .palette import COLOURS, RGB, hex_rgb
from .words import colour_before, has, hash_pick, hashed_colour, normalise, read_colour

DEFAULT_CLOTH = hex_rgb("#4f6d9a")
WHITE_SHIRT = hex_rgb("#f4f3ef")
CREAM_TOP = hex_rgb("#e9e4da")
DEFAULT_TIE = hex_rgb("#8a2336")

# Garments open at the front, over an inner top.
JACKETS = ("blazer", "suit", "cardigan", "denim")
# The persona form's picks (personas.choices.Garment, normalised) -> the kinds the renderer draws.
PICKED = {
    "blazer": "blazer",
    "suit jacket": "suit",
    "button down shirt": "collar",
    "t shirt": "crew",
    "polo shirt": "polo",
    "sweater": "sweater",
    "cardigan": "cardigan",
    "hoodie": "hoodie",
    "turtleneck": "turtleneck",
    "dress": "dress",
    "denim jacket": "denim",
}

_OUTER = ("blazer", "suit", "jacket", "coat", "cardigan", "hoodie", "sweatshirt", "vest")
_INNER = (
    "t shirt",
    "tshirt",
    "tee",
    "shirt",
    "blouse",
    "button down",
    "button up",
    "oxford",
    "turtleneck",
    "roll neck",
    "polo",
    "sweater",
    "jumper",
    "knit",
    "pullover",
    "top",
    "tank",
    "dress",
    "scrubs",
    "v neck",
)


@dataclass(frozen=True)
class Wardrobe:
    # crew, vneck, scoop, collar, polo, sweater, turtleneck, hoodie, dress, or one of JACKETS
    garment: str
    cloth: RGB
    inner: RGB  # the top under a jacket
    tie: RGB | None


def named_garment(text: str) -> str | None:
    """The kind of garment normalised wardrobe text names, or None when it names none."""
    rules = (
        ("denim", ("denim jacket", "jean jacket", "trucker jacket")),
        ("suit", ("suit", "tuxedo")),
        ("blazer", ("blazer", "jacket", "coat", "vest", "waistcoat")),
        ("hoodie", ("hoodie", "hooded", "sweatshirt")),
        ("cardigan", ("cardigan",)),
        ("turtleneck", ("turtleneck", "turtle neck", "roll neck", "polo neck", "mock neck")),
        ("vneck", ("v neck", "scrubs")),
        ("dress", ("dress", "gown", "sundress")),
        ("scoop", ("blouse", "tank", "camisole", "scoop", "top")),
        ("polo", ("polo",)),
    )
    for kind, words in rules:
        if has(text, *words):
            return kind
    if re.search(r"\b(?<!t )(shirt|button down|button up|oxford|flannel)\b", text):
        return "collar"
    if has(text, "sweater", "jumper", "knit", "pullover"):
        return "sweater"
    if has(text, "t shirt", "tshirt", "tee", "crew"):
        return "crew"
    return None


def garment(text: str) -> str:
    """The kind of garment to draw for normalised wardrobe text (unknown text: a stable pick)."""
    if not text:
        return "crew"
    named = named_garment(text)
    return named or hash_pick(text, "garment", ["crew", "vneck", "collar", "blazer"])


def read_wardrobe(look: Look) -> Wardrobe:
    wear = normalise(look.wardrobe)
    wear_all = f"{wear} . {normalise(look.accessories)}"
    picked = normalise(look.garment)
    kind = PICKED.get(picked) or garment(picked or wear)

    words = _OUTER if kind in (*JACKETS, "hoodie") else _INNER
    picked_colour = normalise(look.garment_colour)
    if picked_colour:
        cloth = read_colour(picked_colour, COLOURS) or hashed_colour(
            picked_colour, "cloth", lum=0.45, sat=0.45
        )
    else:
        found = colour_before(wear, words, COLOURS)
        if found is None and not picked:  # a picked garment takes no other garment's colour
            found = read_colour(wear, COLOURS)
        if found is None and kind == "denim":
            found = COLOURS["denim"]
        if found is None and wear:
            found = hashed_colour(wear, "cloth", lum=0.45, sat=0.45)
        cloth = found or DEFAULT_CLOTH

    inner = colour_before(wear, _INNER, COLOURS)
    if inner is None or inner == cloth:
        inner = WHITE_SHIRT if kind in ("blazer", "suit") else CREAM_TOP
    tie = None
    if has(wear_all, "tie", "necktie") and not has(wear_all, "bow tie"):
        tie = colour_before(wear_all, ("tie", "necktie"), COLOURS) or DEFAULT_TIE
    return Wardrobe(garment=kind, cloth=cloth, inner=inner, tie=tie)
