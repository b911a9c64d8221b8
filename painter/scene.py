"""A style's scene for the built-in renderer: backdrop colour and kind, light, framing and mood.

`scene_for(style)` takes what the style picked (personas.choices: backdrop_colour as #rrggbb,
backdrop, lighting_direction, framing, mood) and, for each of those left empty, reads the style's
free text (background, palette, lighting, lens, description) with the same word readers as a
persona's look: "plain light grey seamless backdrop" gives a light grey plain backdrop, "105mm lens,
three-quarter length" a half-body framing. Words it does not know leave the field empty, and an
empty field draws as it always has.

A Scene holds plain words, so generation stores it as the image's request (request_fields["scene"])
and the same image renders the same way later.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Protocol

from .palette import COLOURS, RGB
from .words import has, normalise, read_colour


@dataclass(frozen=True)
class Scene:
    backdrop_colour: str = ""  # "#rrggbb", or "" for the seed's own pastel
    backdrop: str = ""  # plain, gradient, studio, office, outdoors, city
    lighting_direction: str = ""  # front, left, right, rim, dramatic
    framing: str = ""  # headshot, half body ("" = between the two)
    mood: str = ""  # friendly, confident, serious, thoughtful, joyful

    def as_dict(self) -> dict[str, str]:
        return asdict(self)

    def cache_key(self) -> str:
        return "|".join(asdict(self).values())


class StyleLike(Protocol):
    """What scene_for reads: personas.style_specs.StyleSpec has these (read-only, it is frozen)."""

    @property
    def description(self) -> str: ...

    @property
    def palette(self) -> str: ...

    @property
    def background(self) -> str: ...

    @property
    def lighting(self) -> str: ...

    @property
    def lens(self) -> str: ...

    @property
    def backdrop_colour(self) -> str: ...

    @property
    def backdrop(self) -> str: ...

    @property
    def lighting_direction(self) -> str: ...

    @property
    def framing(self) -> str: ...

    @property
    def mood(self) -> str: ...


def hex_code(colour: RGB) -> str:
    return "#{:02x}{:02x}{:02x}".format(*colour)


def _backdrop_colour(background: str, palette: str) -> str:
    """The colour the background names ("light grey backdrop"), else the palette's."""
    found = read_colour(background, COLOURS) or read_colour(palette, COLOURS)
    return hex_code(found) if found else ""


# Checked in order: the first value whose words (comma-separated) the text uses.
Rules = tuple[tuple[str, str], ...]
_BACKDROP_WORDS: Rules = (
    ("city", "city, street, urban, skyline, downtown, rooftop, buildings"),
    (
        "outdoors",
        "outdoor, outdoors, outside, park, garden, nature, forest, beach, field, meadow, trees, "
        "mountain, countryside",
    ),
    (
        "office",
        "office, workplace, desk, meeting room, coworking, cafe, coffee shop, home, kitchen, "
        "living room, library, lab, clinic, workshop",
    ),
    ("gradient", "gradient, ombre, graduated"),
    ("studio", "studio"),
    ("plain", "plain, seamless, backdrop, wall, solid, paper, background"),
)
_LIGHT_WORDS: Rules = (
    ("left", "from the left, left side, camera left"),
    ("right", "from the right, right side, camera right"),
    (
        "dramatic",
        "dramatic, chiaroscuro, rembrandt, low key, deep shadow, hard light, hard key, moody, "
        "split light, noir",
    ),
    ("rim", "rim, backlight, backlit, back light, from behind, halo, hair light"),
    ("left", "side, window light, directional"),
    (
        "front",
        "front, even, flat, diffuse, diffused, soft, beauty dish, butterfly, ring light, "
        "overcast, bright",
    ),
)
_FRAMING_WORDS: Rules = (
    (
        "half body",
        "half body, waist up, three quarter length, three quarter body, full length, full body, "
        "mid shot, medium shot, knee up, environmental",
    ),
    ("headshot", "headshot, head shot, head and shoulders, close up, tight crop"),
)
_MOOD_WORDS: Rules = (
    ("joyful", "joyful, joy, laugh, laughing, playful, cheerful, happy, fun"),
    ("friendly", "friendly, approachable, warm, welcoming, smile, smiling, kind"),
    ("thoughtful", "thoughtful, pensive, reflective, contemplative, story, quiet"),
    ("serious", "serious, stern, timeless, formal, solemn, intense, moody"),
    ("confident", "confident, bold, strong, powerful, polished, trustworthy"),
)


def _first(rules: Rules, *texts: str) -> str:
    """The first rule's value that a text uses, trying the texts in order."""
    for text in texts:
        for value, words in rules:
            if has(text, *words.split(", ")):
                return value
    return ""


def scene_for(style: StyleLike) -> Scene:
    """The scene a style asks for: its picks, and its free text where it picked nothing."""
    background, palette = normalise(style.background), normalise(style.palette)
    description = normalise(style.description)
    colour = style.backdrop_colour or _backdrop_colour(background, palette)
    backdrop = style.backdrop or _first(_BACKDROP_WORDS, background, description)
    framing = style.framing or _first(_FRAMING_WORDS, normalise(style.lens), description)
    return Scene(
        backdrop_colour=colour.lower(),
        # A named colour on its own is a plain wall of that colour.
        backdrop=backdrop or ("plain" if colour else ""),
        lighting_direction=style.lighting_direction
        or _first(_LIGHT_WORDS, normalise(style.lighting)),
        framing=framing,
        mood=style.mood or _first(_MOOD_WORDS, description),
    )
