"""A persona's look (picked words and free text) -> the traits the built-in renderer draws."""

from __future__ import annotations

from dataclasses import dataclass

from .look import Look
from .palette import COLOURS, EYES, HAIR, RGB, hex_rgb
from .wardrobe import read_wardrobe
from .words import (
    colour_before,
    has,
    hash_pick,
    hashed_colour,
    normalise,
    read_colour,
    skin_colour,
    text_hash,
)

DEFAULT_SKIN = hex_rgb("#e2b08a")
DEFAULT_HAIR = hex_rgb("#4a3022")
DEFAULT_EYES = hex_rgb("#5d3a22")
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
    garment: str  # wardrobe.Wardrobe.garment
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


# The persona form's hair lengths (personas.choices.HairLength, normalised) -> the style drawn for
# straight and for curly hair. A picked length wins over length words in the hair text, except for
# styles that carry their own length (an afro, a bun, braids...) unless it is bald or a buzz cut.
_LENGTHS = {
    "bald": ("bald", "bald"),
    "buzz cut": ("buzz", "buzz"),
    "short": ("short", "curly_short"),
    "chin length": ("bob", "curly_short"),
    "shoulder length": ("medium", "curly_long"),
    "long": ("long", "curly_long"),
}
_SHAPED = ("afro", "bun", "ponytail", "braids", "locs")


def _with_length(style: str, length: str, text: str) -> str:
    if length not in _LENGTHS:
        return style
    straight, curled = _LENGTHS[length]
    if style in _SHAPED and straight not in ("bald", "buzz"):
        return style
    return curled if has(text, "curly", "curls", "coily", "coils", "kinky", "ringlet") else straight


# The persona form's glasses (personas.choices.Glasses, normalised) win over the accessories text.
_PICKED_GLASSES = {
    "none": None,
    "round glasses": "round",
    "rectangular glasses": "square",
    "cat eye glasses": "cat",
    "sunglasses": "sun",
}


def _glasses(extras: str, picked: str) -> str | None:
    if picked in _PICKED_GLASSES:
        return _PICKED_GLASSES[picked]
    if has(extras, "sunglasses", "shades", "sunnies"):
        return "sun"
    if not has(extras, "glasses", "spectacles", "specs", "eyeglasses", "frames", "monocle"):
        return None
    if has(extras, "round", "circular", "oval"):
        return "round"
    if has(extras, "cat eye", "cateye"):
        return "cat"
    if has(extras, "wire", "rimless", "thin", "metal", "gold rimmed", "aviator"):
        return "wire"
    if has(extras, "square", "rectangular", "thick", "horn rimmed", "bold", "chunky"):
        return "square"
    return hash_pick(extras, "glasses", ["round", "square"])


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

    hair_text = f"{hair_s} . {hair_c}".strip(" .")
    style = _with_length(hair_style(hair_text), normalise(look.hair_length), hair_text)
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
    beard_colour = colour_before(extras, ("beard", "goatee", "moustache", "mustache"), HAIR) or hair

    glasses = _glasses(extras, normalise(look.glasses))
    frame = colour_before(extras, ("glasses", "frames", "sunglasses", "spectacles"), COLOURS)
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
        hat = colour_before(wear_all, ("beanie", "hat", "toque"), COLOURS) or hashed_colour(
            wear_all, "hat", lum=0.5, sat=0.55
        )
    headband = None
    if has(wear_all, "headband", "hair band", "hairband", "bandana"):
        headband = colour_before(wear_all, ("headband", "hairband", "band", "bandana"), COLOURS)
        headband = headband or hashed_colour(wear_all, "headband", lum=0.55, sat=0.6)
    hijab = None
    if has(f"{wear_all} . {hair_s}", "hijab", "headscarf", "head scarf", "khimar", "niqab"):
        words = ("hijab", "headscarf", "scarf", "khimar")
        hijab = colour_before(f"{wear_all} . {hair_s}", words, COLOURS)
        hijab = hijab or hashed_colour(wear_all, "hijab", lum=0.5, sat=0.4)

    clothes = read_wardrobe(look)

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
        garment=clothes.garment,
        cloth=clothes.cloth,
        inner=clothes.inner,
        tie=clothes.tie,
    )
