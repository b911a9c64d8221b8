"""A persona's picked look in words, for the prompt composer: hair length with the hair's colour
and style, glasses, and the garment in its colour, each beside the free text and left out where
the free text already says it (read with the built-in renderer's own readers, so "already says"
means the same for the picture and the prompt)."""

from __future__ import annotations

from typing import Protocol

from painter.palette import COLOURS, hex_rgb
from painter.wardrobe import PICKED, named_garment
from painter.words import colour_name, has, normalise
from personas.choices import Glasses, HairLength
from personas.prompt_text import article, clean, joined

# Hair styles that read as adjectives go before the colour ("wavy dark brown hair"); the others
# after it ("black curly bob hair").
_ADJECTIVE_STYLES = {"straight", "wavy", "curly", "coily", "kinky", "frizzy", "sleek", "tousled"}
_GLASSES_WORDS = ("glasses", "sunglasses", "spectacles", "specs", "eyeglasses", "frames")


class LookLike(Protocol):
    hair_colour: str
    hair_style: str
    hair_length: str
    features: str
    wardrobe: str
    accessories: str
    glasses: str
    garment: str
    garment_colour: str


def colour_words(value: str) -> str:
    """A colour as people say it: "#9db28c" -> "sage green"; words stay as they are."""
    value = clean(value)
    if value.startswith("#") and len(value) == 7:
        return colour_name(hex_rgb(value), COLOURS)
    return value


def hair(look: LookLike) -> str:
    """ "shoulder-length wavy dark brown hair"; "bald head" for bald."""
    length, colour, style = clean(look.hair_length), clean(look.hair_colour), clean(look.hair_style)
    if length == HairLength.BALD:
        return "bald head"
    if length == HairLength.BUZZ:
        length = "buzz-cut"
    if length and has(normalise(f"{style} {colour}"), normalise(length)):
        length = ""  # the free text already says how long
    if style and set(style.lower().replace(",", " ").split()) <= _ADJECTIVE_STYLES:
        words = [length, style, colour]
    else:
        words = [length, colour, style]
    phrase = joined(words, " ")
    return phrase + " hair" if phrase and "hair" not in phrase.lower() else phrase


def garment(look: LookLike) -> str:
    """ "a sage green blazer", unless the wardrobe text already names that garment."""
    picked, colour = clean(look.garment), colour_words(look.garment_colour)
    wardrobe = normalise(look.wardrobe)
    if picked:
        if named_garment(wardrobe) == PICKED.get(normalise(picked)):
            return ""
        return article(joined([colour, picked], " "))
    if colour and normalise(colour) not in wardrobe:
        return f"{colour} clothes"
    return ""


def glasses(look: LookLike) -> str:
    picked = clean(look.glasses)
    said = normalise(f"{look.accessories} . {look.features}")
    if not picked or picked == Glasses.NONE or has(said, *_GLASSES_WORDS):
        return ""
    return picked


def wardrobe(look: LookLike) -> str:
    return joined([garment(look), clean(look.wardrobe)])


def accessories(look: LookLike) -> str:
    return joined([glasses(look), clean(look.accessories)])
