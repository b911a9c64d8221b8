"""A style in words, for the prompt composer. Built-in styles carry a hand-written fragment per
model family, which already describes their scene; workspace styles are phrased from their fields:
each free-text field (background, lighting, lens...) with words for what was picked beside it
(backdrop colour and kind, light, framing, mood), unless the free text already says the same (it
is read with the built-in renderer's own scene reader, so "already says" means the same for the
picture and the prompt)."""

from __future__ import annotations

from dataclasses import replace

from catalog import Family
from painter.scene import Scene, scene_for
from personas.prompt_looks import colour_words
from personas.prompt_text import Part, clean, fill, joined, without_text_requests
from personas.style_specs import StyleSpec

# Backdrop kind -> (words with the colour, words when the free text already named the colour).
_BACKDROPS = {
    "plain": ("a plain {} backdrop", "a plain wall"),
    "gradient": ("a soft {} gradient backdrop", "a soft gradient"),
    "studio": ("a {} studio backdrop", "a studio setting"),
    "office": ("an office background with {} walls", "an office setting"),
    "outdoors": ("an outdoor background in {} tones", "outdoors"),
    "city": ("a city street background in {} tones", "a city street"),
    "": ("a {} backdrop", ""),
}
_LIGHT = {
    "front": "soft, even light from the front",
    "left": "light from the left",
    "right": "light from the right",
    "rim": "rim light from behind",
    "dramatic": "dramatic lighting with deep shadows",
}
_FRAMING = {"headshot": "headshot framing, head and shoulders", "half body": "half-body, waist up"}
_MOOD = {
    "friendly": "a friendly smile",
    "confident": "a confident expression",
    "serious": "a serious expression",
    "thoughtful": "a thoughtful expression",
    "joyful": "a joyful laugh",
}


def scene_phrases(style: StyleSpec) -> dict[str, str]:
    """Words for the style's picks that its free text does not already say, keyed by the free-text
    field they sit beside: background, lighting, lens, and mood (which has none)."""
    picked = Scene(
        style.backdrop_colour, style.backdrop, style.lighting_direction, style.framing, style.mood
    )
    unpicked = replace(
        style, backdrop_colour="", backdrop="", lighting_direction="", framing="", mood=""
    )
    said = scene_for(unpicked)  # what the free text alone asks for
    colour = colour_words(picked.backdrop_colour)
    if colour and colour == colour_words(said.backdrop_colour):
        colour = ""
    kind = "" if picked.backdrop == said.backdrop else picked.backdrop
    with_colour, without = _BACKDROPS[kind]
    phrases = {
        "background": with_colour.format(colour) if colour else without,
        "lighting": _LIGHT.get(picked.lighting_direction, ""),
        "lens": _FRAMING.get(picked.framing, ""),
        "mood": _MOOD.get(picked.mood, ""),
    }
    for name, field in (("lighting", "lighting_direction"), ("lens", "framing"), ("mood", "mood")):
        if getattr(picked, field) == getattr(said, field):
            phrases[name] = ""
    return phrases


_STYLE_LABELS = (
    ("Colour palette", "palette"),
    ("Background", "background"),
    ("Lighting", "lighting"),
    ("Lens and framing", "lens"),
    ("Wardrobe rules", "wardrobe_rules"),
)


def style_details(style: StyleSpec, family: str) -> str:
    """How a workspace style (fields, no hand-written fragments) is phrased for each family: each
    free-text field with the words for what was picked beside it."""
    picked = scene_phrases(style)
    # Inside a labelled field a semicolon keeps the two apart; elsewhere they are list items.
    inner = "; " if family == Family.GPT_IMAGE else ", "
    fields = [
        (label, joined([clean(getattr(style, name)), picked.get(name, "")], inner))
        for label, name in _STYLE_LABELS
    ]
    fields = [(label, value) for label, value in [*fields, ("Mood", picked["mood"])] if value]
    name = clean(style.name)
    if family == Family.GPT_IMAGE:
        head = f"Style ({name}): {clean(style.description)}." if style.description else ""
        return joined([head or f"Style: {name}."] + [f"{k}: {v}." for k, v in fields], " ")
    if family == Family.GEMINI:
        details = [f"{k.lower()}: {v}" for k, v in fields]
        return joined([f"Follow the {name} look", *details], "; ") + "."
    values = [v for _, v in fields]
    if family == Family.FLUX:
        return without_text_requests(joined(values))
    if family == Family.BUILTIN:
        return joined([name, clean(style.background), picked["background"]])
    return joined(values)


def style_part(style: StyleSpec, family: str) -> Part:
    fragment = style.fragments.get(family)
    if fragment:
        # Sentence-style families read the fragment as a sentence; list-style ones as a phrase.
        sentence = family in (Family.GPT_IMAGE, Family.GEMINI)
        return Part(fill(fragment, "{}.") if sentence else clean(fragment), 0)
    return Part(style_details(style, family), 1)
