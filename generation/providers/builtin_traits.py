"""A persona's look (free text) -> the concrete traits the built-in renderer draws."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .builtin_palette import COLOURS, EYES, HAIR, RGB, hex_rgb
from .builtin_words import (
    has,
    hash_pick,
    hashed_colour,
    normalise,
    read_colour,
    skin_colour,
    text_hash,
)

if TYPE_CHECKING:
    from .builtin import Look

DEFAULT_SKIN = hex_rgb("#e2b08a")
DEFAULT_HAIR = hex_rgb("#4a3022")
DEFAULT_EYES = hex_rgb("#5d3a22")
DEFAULT_CLOTH = hex_rgb("#4f6d9a")
GOLD = hex_rgb("#e0b045")
SILVER = hex_rgb("#c9ccd2")

HAIR_STYLES = (
    "bald",
    "buzz",
    "short",
    "curly_short",
    "afro",
    "bob",
    "medium",
    "long",
    "curly_long",
    "bun",
    "ponytail",
    "braids",
    "locs",
)


@dataclass(frozen=True)
class Traits:
    skin: RGB
    hair: RGB
    eyes: RGB
    hair_style: str
    part: int  # which side the parting / ponytail falls: -1 left, 1 right
    face_w: float
    shoulders: float
    jaw: float  # 0 narrow chin .. 1 round jaw
    beard: str | None  # full, stubble, goatee, moustache
    beard_colour: RGB
    freckles: bool
    dimples: bool
    mole: bool
    blush: bool
    wrinkles: bool
    scar: bool
    glasses: str | None  # round, square, cat, wire, sun
    frame: RGB
    earrings: str | None  # hoop, stud, pearl
    necklace: str | None  # chain, pearls
    metal: RGB
    hat: RGB | None  # beanie colour
    headband: RGB | None
    hijab: RGB | None
    garment: str  # crew, vneck, collar, blazer, hoodie, turtleneck, scoop, cardigan
    cloth: RGB
    inner: RGB
    tie: RGB | None


def hair_style(text: str) -> str:
    """One of HAIR_STYLES for normalised hair text (unknown text: a stable pick by hash)."""
    curly = has(text, "curly", "curls", "coily", "coils", "kinky", "ringlet")
    rules: list[tuple[str, tuple[str, ...]]] = [
        ("bald", ("bald", "shaved head", "shaven head", "no hair", "hairless")),
        ("buzz", ("buzz", "buzzed", "buzzcut", "crew cut", "shaved", "military cut", "very short")),
        ("afro", ("afro", "fro", "twa")),
        ("locs", ("loc", "dreadlock", "dreads", "dread")),
        ("braids", ("braid", "cornrow", "plait")),
        ("bun", ("bun", "top knot", "topknot", "chignon", "updo", "space buns")),
        ("ponytail", ("ponytail", "pony tail", "pony")),
        ("bob", ("bob", "lob", "chin length", "bangs", "fringe")),
        ("medium", ("shoulder length", "medium length", "mid length", "medium", "shoulder")),
        ("long", ("long", "waist length", "flowing")),
        (
            "short",
            ("short", "pixie", "crop", "cropped", "fade", "undercut", "quiff", "pompadour"),
        ),
        ("short", ("side part", "slicked", "comb over", "caesar", "tousled", "spiky", "messy")),
    ]
    for style, words in rules:
        if has(text, *words):
            if curly and style in ("short", "medium"):
                return "curly_short" if style == "short" else "curly_long"
            if curly and style == "long":
                return "curly_long"
            return style
    if curly:
        return "curly_long"
    if has(text, "wavy", "straight", "waves"):
        return "medium"
    if not text:
        return "short"
    return hash_pick(text, "hairstyle", ["short", "medium", "long", "bob", "curly_short"])


def _colour_before(text: str, words: tuple[str, ...], table: dict[str, RGB]) -> RGB | None:
    """The colour named just before one of `words` ("navy blazer over a white shirt", shirt ->
    white), within the same clause."""
    for word in words:
        for m in re.finditer(rf"((?:[a-z0-9#']+\s+){{1,4}}){re.escape(word)}s?\b", text):
            before = m.group(1).split()
            for k in range(1, len(before) + 1):
                if read_colour(" ".join(before[-k:]), table) is not None:
                    if k < len(before) and before[-k - 1] in _SHADE_WORDS:
                        k += 1
                    return read_colour(" ".join(before[-k:]), table)
    for clause in text.split(" . "):  # "hijab in sage", "glasses: tortoiseshell"
        if any(re.search(rf"\b{re.escape(word)}s?\b", clause) for word in words):
            found = read_colour(clause, table)
            if found is not None:
                return found
    return None


_SHADE_WORDS = {"light", "dark", "pale", "deep", "bright", "soft", "pastel", "rich", "warm", "cool"}


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


def garment(text: str) -> str:
    if has(text, "blazer", "suit", "jacket", "coat", "vest", "waistcoat"):
        return "blazer"
    if has(text, "hoodie", "hooded", "sweatshirt"):
        return "hoodie"
    if has(text, "cardigan"):
        return "cardigan"
    if has(text, "turtleneck", "turtle neck", "roll neck", "polo neck", "mock neck"):
        return "turtleneck"
    if has(text, "v neck", "scrubs"):
        return "vneck"
    if has(text, "blouse", "dress", "tank", "camisole", "scoop", "top"):
        return "scoop"
    if re.search(r"\b(?<!t )(shirt|button down|button up|oxford|polo|flannel)\b", text):
        return "collar"
    if has(text, "t shirt", "tshirt", "tee", "sweater", "jumper", "knit", "pullover", "crew"):
        return "crew"
    if not text:
        return "crew"
    return hash_pick(text, "garment", ["crew", "vneck", "collar", "blazer"])


def _build(text: str) -> tuple[float, float, float]:
    """(face width, shoulder width, jaw roundness) from the build text."""
    if has(text, "plus size", "heavy", "heavyset", "curvy", "full figured", "overweight", "chubby"):
        return 1.1, 1.16, 1.0
    if has(text, "round", "stocky", "burly", "large", "big", "broad", "husky"):
        return 1.06, 1.14, 0.7
    if has(text, "athletic", "muscular", "fit", "toned", "sporty", "strong", "built"):
        return 1.0, 1.1, 0.45
    if has(text, "slim", "slender", "thin", "lean", "petite", "skinny", "small", "lanky", "wiry"):
        return 0.95, 0.9, 0.15
    return 1.0, 1.0, 0.35


def resolve(look: Look) -> Traits:
    hair_c = normalise(look.hair_colour)
    hair_s = normalise(look.hair_style)
    eyes_t = normalise(look.eye_colour)
    extras = normalise(" . ".join((look.skin_tone, look.features, look.accessories)))
    wear = normalise(look.wardrobe)
    wear_all = f"{wear} . {normalise(look.accessories)}"

    skin = skin_colour(look.skin_tone) or DEFAULT_SKIN
    hair = read_colour(f"{hair_c} . {hair_s}", HAIR)
    if hair is None:
        hair = hashed_colour(hair_c, "hair", lum=0.32, sat=0.45) if hair_c else DEFAULT_HAIR
    eyes = read_colour(eyes_t, EYES)
    if eyes is None:
        eyes = hashed_colour(eyes_t, "eyes", lum=0.38, sat=0.45) if eyes_t else DEFAULT_EYES

    style = hair_style(f"{hair_s} . {hair_c}".strip(" ."))
    face_w, shoulders, jaw = _build(normalise(look.build))

    beard: str | None = None
    if has(extras, "clean shaven", "clean shaved", "beardless"):
        beard = None
    elif has(extras, "stubble", "five o'clock", "five oclock", "scruff"):
        beard = "stubble"
    elif has(extras, "beard", "bearded"):
        beard = "full"
    elif has(extras, "goatee"):
        beard = "goatee"
    elif has(extras, "moustache", "mustache"):
        beard = "moustache"
    beard_colour = (
        _colour_before(extras, ("beard", "goatee", "moustache", "mustache"), HAIR) or hair
    )

    glasses: str | None = None
    if has(extras, "sunglasses", "shades", "sunnies"):
        glasses = "sun"
    elif has(extras, "glasses", "spectacles", "specs", "eyeglasses", "frames", "monocle"):
        if has(extras, "round", "circular", "oval"):
            glasses = "round"
        elif has(extras, "cat eye", "cateye"):
            glasses = "cat"
        elif has(extras, "wire", "rimless", "thin", "metal", "gold rimmed", "aviator"):
            glasses = "wire"
        elif has(extras, "square", "rectangular", "thick", "horn rimmed", "bold", "chunky"):
            glasses = "square"
        else:
            glasses = hash_pick(extras, "glasses", ["round", "square"])
    frame = _colour_before(extras, ("glasses", "frames", "sunglasses", "spectacles"), COLOURS)
    if has(extras, "tortoiseshell", "tortoise shell", "tortoise"):
        frame = hex_rgb("#6b3f23")

    metal = SILVER if has(extras, "silver", "platinum", "steel") else GOLD
    earrings: str | None = None
    if has(extras, "hoop"):
        earrings = "hoop"
    elif has(extras, "pearl earring"):
        earrings = "pearl"
    elif has(extras, "earring", "stud", "ear cuff", "piercing", "pierced ear"):
        earrings = "stud"
    necklace: str | None = None
    if has(extras, "pearl necklace", "pearls", "string of pearls"):
        necklace = "pearls"
    elif has(extras, "necklace", "chain", "pendant", "choker", "locket"):
        necklace = "chain"

    hat = None
    if has(wear_all, "beanie", "knit hat", "woolly hat", "wooly hat", "toque"):
        hat = _colour_before(wear_all, ("beanie", "hat", "toque"), COLOURS) or hashed_colour(
            wear_all, "hat", lum=0.5, sat=0.55
        )
    headband = None
    if has(wear_all, "headband", "hair band", "hairband", "bandana"):
        headband = _colour_before(wear_all, ("headband", "hairband", "band", "bandana"), COLOURS)
        headband = headband or hashed_colour(wear_all, "headband", lum=0.55, sat=0.6)
    hijab = None
    if has(f"{wear_all} . {hair_s}", "hijab", "headscarf", "head scarf", "khimar", "niqab"):
        words = ("hijab", "headscarf", "scarf", "khimar")
        hijab = _colour_before(f"{wear_all} . {hair_s}", words, COLOURS)
        hijab = hijab or hashed_colour(wear_all, "hijab", lum=0.5, sat=0.4)

    kind = garment(wear)
    cloth = _colour_before(
        wear, _OUTER if kind in ("blazer", "hoodie", "cardigan") else _INNER, COLOURS
    )
    cloth = cloth or read_colour(wear, COLOURS)
    if cloth is None:
        cloth = hashed_colour(wear, "cloth", lum=0.45, sat=0.45) if wear else DEFAULT_CLOTH
    inner = _colour_before(wear, _INNER, COLOURS)
    if inner is None or inner == cloth:
        inner = hex_rgb("#f4f3ef") if kind == "blazer" else hex_rgb("#e9e4da")
    tie = None
    if has(wear_all, "tie", "necktie") and not has(wear_all, "bow tie"):
        tie = _colour_before(wear_all, ("tie", "necktie"), COLOURS) or hex_rgb("#8a2336")

    return Traits(
        skin=skin,
        hair=hair,
        eyes=eyes,
        hair_style=style,
        part=1 if text_hash(f"{hair_s}|{hair_c}", "part") < 0.5 else -1,
        face_w=face_w,
        shoulders=shoulders,
        jaw=jaw,
        beard=beard,
        beard_colour=beard_colour,
        freckles=has(extras, "freckle", "freckled"),
        dimples=has(extras, "dimple"),
        mole=has(extras, "mole", "beauty mark", "beauty spot"),
        blush=has(extras, "rosy", "blush", "flushed", "rosy cheeks"),
        wrinkles=has(
            extras, "wrinkle", "laugh lines", "fine lines", "crow's feet", "crows feet", "lined"
        ),
        scar=has(extras, "scar"),
        glasses=glasses,
        frame=frame or hex_rgb("#2b2b30"),
        earrings=earrings,
        necklace=necklace,
        metal=metal,
        hat=hat,
        headband=headband,
        hijab=hijab,
        garment=kind,
        cloth=cloth,
        inner=inner,
        tie=tie,
    )
