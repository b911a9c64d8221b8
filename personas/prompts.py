"""The prompt composer: persona + style + model family -> the exact prompt a provider receives.

Each family gets the phrasing it follows best:
- gpt-image: a labelled, detailed brief (these models follow long instructions and render text);
- flux: concise comma-separated photographic language, and no text-rendering requests at all;
- gemini: natural sentences, and "use the attached reference images for likeness" when there are
  references (Gemini takes them inline with the prompt);
- imagen: short descriptive photographic sentences (its prompt limit is small; no references);
- builtin: a one-line description (the offline renderer reads the look, not the prompt).

The persona's name and tags never go into a prompt: a model could paint the name as text, and
tags are for people. Output is deterministic and within the family's length limit; when it would
not fit, lower-priority parts are shortened first (at a word boundary, marked with "…").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from catalog import Family, get_model
from personas import prompt_looks as looks
from personas.prompt_styles import style_part
from personas.prompt_text import (
    Part,
    article,
    clean,
    fill,
    fit,
    joined,
    lower_first,
    without_text_requests,
)
from personas.style_specs import StyleSpec

LIMITS: dict[str, int] = {
    Family.GPT_IMAGE: 32_000,  # OpenAI's documented maximum for GPT image models
    Family.FLUX: 2_000,  # FLUX follows short prompts best; longer text dilutes the subject
    Family.GEMINI: 8_000,
    Family.IMAGEN: 1_800,  # Imagen reads at most 480 tokens
    Family.BUILTIN: 1_000,
}
REFERENCE_FAMILIES = {Family.GPT_IMAGE, Family.GEMINI, Family.FLUX}
GEMINI_REFERENCE_LINE = "Use the attached reference images for likeness."

_GENDER_NOUNS = {
    "female": "woman",
    "woman": "woman",
    "f": "woman",
    "male": "man",
    "man": "man",
    "m": "man",
    "non-binary": "non-binary person",
    "nonbinary": "non-binary person",
    "nb": "non-binary person",
}


class PersonaLike(Protocol):
    age_range: str
    gender: str
    location: str
    occupation: str
    industry: str
    personality: str
    goals: str
    pain_points: str
    backstory: str
    skin_tone: str
    hair_colour: str
    hair_style: str
    eye_colour: str
    build: str
    features: str
    wardrobe: str
    accessories: str
    hair_length: str
    glasses: str
    garment: str
    garment_colour: str


@dataclass(frozen=True)
class ComposedPrompt:
    text: str
    family: str
    limit: int
    shortened: bool  # lower-priority parts were cut to fit the limit


def _age(persona: PersonaLike) -> str:
    if not persona.age_range:
        return ""
    if persona.age_range.endswith("+"):
        return f"aged {persona.age_range[:-1]} or over"
    return "aged " + persona.age_range.replace("-", "\u2013")  # an en dash, as in print


def _noun(persona: PersonaLike) -> str:
    gender = clean(persona.gender)
    return _GENDER_NOUNS.get(gender.lower(), f"{gender} person" if gender else "person")


def _role(persona: PersonaLike) -> str:
    occupation, industry = lower_first(clean(persona.occupation)), clean(persona.industry)
    if occupation and industry:
        return f"{occupation} in {industry}"
    return occupation or (f"works in {industry}" if industry else "")


def _look(persona: PersonaLike, *, labelled: bool) -> str:
    body = joined(
        [
            fill(persona.skin_tone, "{} skin"),
            looks.hair(persona),
            fill(persona.eye_colour, "{} eyes"),
            fill(persona.build, "{} build"),
        ]
    )
    features = clean(persona.features)
    if labelled and features:
        return joined([fill(body, "{}."), f"Distinctive features: {features}"], " ")
    return joined([body, features])


def _wardrobe(persona: PersonaLike, *, labelled: bool) -> str:
    wardrobe, accessories = looks.wardrobe(persona), looks.accessories(persona)
    if labelled:
        return joined([fill(wardrobe, "Wardrobe: {}."), fill(accessories, "Accessories: {}.")], " ")
    return joined([fill(wardrobe, "wearing {}"), accessories])


def _flux(p: PersonaLike, style: StyleSpec, refs: int) -> list[Part]:
    # Short phrases; the persona's own text is scrubbed of anything that asks for lettering.
    scrub = without_text_requests
    subject = joined(
        [f"photo of a fictional {_noun(p)}", _age(p).removeprefix("aged "), scrub(_role(p))]
    )
    return [
        Part(subject, 0),
        Part(scrub(_look(p, labelled=False)), 0),
        Part(scrub(_wardrobe(p, labelled=False)), 1),
        style_part(style, Family.FLUX),
        Part("same person as in the reference images" if refs else "", 0),
        Part(fill(scrub(p.personality), "{} expression"), 2),
    ]


def _gpt_image(p: PersonaLike, style: StyleSpec, refs: int) -> list[Part]:
    subject = joined([article(_noun(p)), _age(p), _role(p), fill(p.location, "based in {}")])
    context = joined(
        [
            fill(p.goals, "Goals: {}."),
            fill(p.pain_points, "Pain points: {}."),
            fill(p.backstory, "Backstory: {}."),
        ],
        " ",
    )
    return [
        Part(
            "Create a photorealistic portrait of a fictional person for a marketing persona. "
            "They must not resemble any real public figure.",
            0,
        ),
        Part(f"Subject: {subject}.", 0),
        Part(fill(_look(p, labelled=True), "Appearance: {}."), 0),
        Part(_wardrobe(p, labelled=True), 1),
        style_part(style, Family.GPT_IMAGE),
        Part(
            "Use the attached reference images for likeness: keep the face, skin tone and hair "
            "consistent with them."
            if refs
            else "",
            0,
        ),
        Part(fill(p.personality, "Personality to convey through expression and posture: {}."), 2),
        Part(fill(context, "Context for the mood (do not write any of it into the image): {}."), 3),
        Part(
            "Add no captions, watermarks or logos; if the style asks for visible text, render it "
            "legibly and spell it exactly.",
            1,
        ),
    ]


def _gemini(p: PersonaLike, style: StyleSpec, refs: int) -> list[Part]:
    job = f"who works as {article(_role(p))}" if clean(p.occupation) else ""
    job = job or fill(p.industry, "who works in {}")
    who = joined(
        [
            f"a fictional {_noun(p)}",
            _age(p),
            job,
            fill(p.location, "and lives in {}"),
        ],
        " ",
    )
    return [
        Part(f"Create a photorealistic portrait of {who}.", 0),
        Part(fill(_look(p, labelled=False), "The person has {}."), 0),
        Part(fill(_wardrobe(p, labelled=False), "They are {}."), 1),
        style_part(style, Family.GEMINI),
        Part(GEMINI_REFERENCE_LINE if refs else "", 0),
        Part(fill(p.personality, "Their expression suggests someone {}."), 2),
        Part(fill(p.backstory, "Background for the mood, not to be written in the image: {}."), 3),
        Part("No captions or watermarks.", 1),
    ]


def _imagen(p: PersonaLike, style: StyleSpec, refs: int) -> list[Part]:
    subject = joined(
        [f"A photorealistic portrait photograph of a fictional {_noun(p)}", _age(p), _role(p)]
    )
    return [
        Part(subject, 0),
        Part(_look(p, labelled=False), 0),
        Part(_wardrobe(p, labelled=False), 1),
        style_part(style, Family.IMAGEN),
        Part(fill(p.personality, "{} expression"), 2),
    ]


def _builtin(p: PersonaLike, style: StyleSpec, refs: int) -> list[Part]:
    return [
        Part(joined([f"Flat illustrated portrait of a fictional {_noun(p)}", _age(p)]), 0),
        Part(_look(p, labelled=False), 0),
        Part(_wardrobe(p, labelled=False), 1),
        style_part(style, Family.BUILTIN),
    ]


_BUILDERS = {
    Family.GPT_IMAGE: _gpt_image,
    Family.FLUX: _flux,
    Family.GEMINI: _gemini,
    Family.IMAGEN: _imagen,
    Family.BUILTIN: _builtin,
}


SEPARATORS = {Family.FLUX: ", ", Family.IMAGEN: ". ", Family.BUILTIN: "; ", Family.GEMINI: " "}


def compose(
    persona: PersonaLike, style: StyleSpec, family: str, *, references: int = 0
) -> ComposedPrompt:
    """The prompt for `family` (a catalog Family value). `references` is how many reference
    images will travel with the request (0 when the model takes none)."""
    family = Family(family)
    limit = LIMITS[family]
    refs = references if family in REFERENCE_FAMILIES else 0
    parts = [p for p in _BUILDERS[family](persona, style, refs) if p.text]
    if family == Family.IMAGEN:
        parts = [Part(p.text[0].upper() + p.text[1:], p.priority) for p in parts]
    # Imagen's parts are joined as sentences: the closing full stop counts against the limit.
    closing = "." if family == Family.IMAGEN else ""
    text, shortened = fit(parts, SEPARATORS.get(family, "\n"), limit - len(closing))
    text += closing
    return ComposedPrompt(text=text, family=family.value, limit=limit, shortened=shortened)


def compose_for_model(
    persona: PersonaLike, style: StyleSpec, model_id: str, *, references: int = 0
) -> ComposedPrompt:
    """As `compose`, for a catalog model: its family, and no more references than it accepts."""
    model = get_model(model_id)
    usable = min(references, model.capabilities.max_references)
    return compose(persona, style, model.family, references=usable)


def look_in_words(persona: PersonaLike) -> str:
    """The look as the gpt-image prompt says it, for people to read (the persona kit's card):
    "Light skin, wavy dark brown hair, brown eyes. Distinctive features: freckles. Wardrobe: a
    sage green blazer." Empty when no part of the look is filled in."""
    appearance = fill(_look(persona, labelled=True), "{}.")
    return joined([appearance[:1].upper() + appearance[1:], _wardrobe(persona, labelled=True)], " ")
