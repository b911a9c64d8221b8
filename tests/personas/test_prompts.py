"""The prompt composer: exact text per model family, length limits, and what each family avoids."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

import pytest
from django.db.models import Field

from catalog import Family
from personas import prompts
from personas.models import Persona
from personas.prompt_text import Part, fit
from personas.prompts import compose, compose_for_model
from personas.style_specs import BUILTIN_BY_KEY, BUILTIN_STYLES, StyleSpec

CORPORATE = BUILTIN_BY_KEY["builtin:corporate"]
BRAND = StyleSpec(
    key="style:brand",
    name="Acme brand",
    description="Calm and confident",
    palette="teal and white",
    background="white wall with a sign that says ACME",
    lighting="soft daylight",
    lens="50mm, chest up",
    wardrobe_rules="teal accents",
)


def maya(**changes: str) -> Persona:
    fields = {
        "name": "Maya",
        "age_range": "35-44",
        "gender": "woman",
        "location": "Lisbon",
        "occupation": "Product manager",
        "industry": "fintech",
        "personality": "warm, analytical",
        "goals": "Ship faster",
        "pain_points": "Too many meetings",
        "backstory": "Grew up in Porto.",
        "skin_tone": "medium brown",
        "hair_colour": "black",
        "hair_style": "curly bob",
        "eye_colour": "brown",
        "build": "slim",
        "features": "freckles",
        "wardrobe": 'navy blazer, t-shirt reading "Ship it"',
        "accessories": "round glasses",
    }
    return Persona(**{**fields, **changes})


EXPECTED_GPT = """\
Create a photorealistic portrait of a fictional person for a marketing persona. They must not \
resemble any real public figure.
Subject: a woman, aged 35\u201344, product manager in fintech, based in Lisbon.
Appearance: medium brown skin, black curly bob hair, brown eyes, slim build. Distinctive \
features: freckles.
Wardrobe: navy blazer, t-shirt reading "Ship it". Accessories: round glasses.
Corporate portrait: chest-up framing in a bright modern office, softly blurred glass walls and \
daylight behind, polished and trustworthy expression, tailored blazer, even window light, 70mm \
lens at f/4, colour palette of navy, white and cool grey.
Use the attached reference images for likeness: keep the face, skin tone and hair consistent \
with them.
Personality to convey through expression and posture: warm, analytical.
Context for the mood (do not write any of it into the image): Goals: Ship faster. Pain points: \
Too many meetings. Backstory: Grew up in Porto.
Add no captions, watermarks or logos; if the style asks for visible text, render it legibly and \
spell it exactly."""

EXPECTED_FLUX = (
    "photo of a fictional woman, 35\u201344, product manager in fintech, medium brown skin, "
    "black curly bob hair, brown eyes, slim build, freckles, wearing navy blazer, round glasses, "
    "corporate portrait, chest-up, modern glass office softly blurred, even window daylight, "
    "70mm f/4, navy and cool grey tones, polished, same person as in the reference images, "
    "warm, analytical expression"
)

EXPECTED_GEMINI = (
    "Create a photorealistic portrait of a fictional woman aged 35\u201344 who works as a product "
    "manager in fintech and lives in Lisbon. The person has medium brown skin, black curly bob "
    'hair, brown eyes, slim build, freckles. They are wearing navy blazer, t-shirt reading "Ship '
    'it", round glasses. Create a corporate portrait, chest-up, in a bright modern office whose '
    "glass walls are softly out of focus, with even daylight from large windows and a calm navy, "
    "white and grey palette. Use the attached reference images for likeness. Their expression "
    "suggests someone warm, analytical. Background for the mood, not to be written in the image: "
    "Grew up in Porto. No captions or watermarks."
)

EXPECTED_IMAGEN = (
    "A photorealistic portrait photograph of a fictional woman, aged 35\u201344, product manager "
    "in fintech. Medium brown skin, black curly bob hair, brown eyes, slim build, freckles. "
    'Wearing navy blazer, t-shirt reading "Ship it", round glasses. A corporate portrait '
    "photograph, chest-up, modern office background softly blurred, bright window light, 70mm "
    "lens, navy and grey colour palette, sharp and polished. Warm, analytical expression."
)

EXPECTED_BUILTIN = (
    "Flat illustrated portrait of a fictional woman, aged 35\u201344; medium brown skin, black "
    'curly bob hair, brown eyes, slim build, freckles; wearing navy blazer, t-shirt reading "Ship '
    'it", round glasses; corporate portrait on a cool blue-grey backdrop'
)


@pytest.mark.parametrize(
    ("family", "expected"),
    [
        (Family.GPT_IMAGE, EXPECTED_GPT),
        (Family.FLUX, EXPECTED_FLUX),
        (Family.GEMINI, EXPECTED_GEMINI),
        (Family.IMAGEN, EXPECTED_IMAGEN),
        (Family.BUILTIN, EXPECTED_BUILTIN),
    ],
)
def test_each_family_gets_its_own_phrasing(family: Family, expected: str) -> None:
    composed = compose(maya(), CORPORATE, family, references=2)
    assert composed.text == expected
    assert composed.family == family.value
    assert not composed.shortened
    assert composed.text == compose(maya(), CORPORATE, family, references=2).text  # deterministic


def test_workspace_styles_are_phrased_from_their_fields() -> None:
    gpt = compose(maya(), BRAND, Family.GPT_IMAGE).text
    assert (
        "Style (Acme brand): Calm and confident. Colour palette: teal and white. Background: white "
        "wall with a sign that says ACME. Lighting: soft daylight. Lens and framing: 50mm, chest "
        "up. Wardrobe rules: teal accents."
    ) in gpt
    gemini = compose(maya(), BRAND, Family.GEMINI).text
    assert "Follow the Acme brand look; colour palette: teal and white; background: white" in gemini
    flux = compose(maya(), BRAND, Family.FLUX).text
    assert flux.endswith(
        "teal and white, soft daylight, 50mm, chest up, teal accents, warm, analytical expression"
    )


def test_flux_gets_no_request_to_render_text() -> None:
    flux = compose(maya(), BRAND, Family.FLUX).text
    assert '"' not in flux
    assert "Ship it" not in flux
    assert "ACME" not in flux
    assert "says" not in flux
    assert "round glasses" in flux
    # "reading glasses" is an accessory, not lettering.
    assert (
        "reading glasses" in compose(maya(accessories="reading glasses"), BRAND, Family.FLUX).text
    )
    # GPT image models render text well: the wording reaches them intact.
    assert 't-shirt reading "Ship it"' in compose(maya(), BRAND, Family.GPT_IMAGE).text


def test_references_are_mentioned_only_where_they_travel() -> None:
    with_refs = compose(maya(), CORPORATE, Family.GEMINI, references=3).text
    assert "Use the attached reference images for likeness." in with_refs
    assert "reference" not in compose(maya(), CORPORATE, Family.GEMINI, references=0).text
    assert "reference" not in compose(maya(), CORPORATE, Family.IMAGEN, references=3).text
    assert "reference" not in compose(maya(), CORPORATE, Family.BUILTIN, references=3).text
    # A catalog model that takes no references gets none, whatever the persona has.
    assert "reference" not in compose_for_model(maya(), CORPORATE, "imagen-4", references=5).text
    assert "reference" in compose_for_model(maya(), CORPORATE, "flux-2-pro", references=5).text


def test_the_name_and_tags_never_reach_a_prompt() -> None:
    persona = maya(name="Zebulon Quark")
    persona.tags = ["secret-tag"]
    for family in Family:
        text = compose(persona, CORPORATE, family).text
        assert "Zebulon" not in text
        assert "secret-tag" not in text


def test_sparse_personas_still_read_well() -> None:
    bare = Persona(name="X")
    assert compose(bare, CORPORATE, Family.FLUX).text.startswith("photo of a fictional person, ")
    gemini = compose(bare, CORPORATE, Family.GEMINI).text
    assert gemini.startswith("Create a photorealistic portrait of a fictional person. Create a")
    assert compose(Persona(name="X", industry="retail", gender="non-binary"), CORPORATE,
                   Family.GEMINI).text.startswith(
        "Create a photorealistic portrait of a fictional non-binary person who works in retail."
    )  # fmt: skip


def _longest_persona() -> Persona:
    """Every field at its maximum length, with real words so cuts can be checked."""
    persona = Persona(name="L")
    for name in prompts.PersonaLike.__annotations__:
        field = Persona._meta.get_field(name)
        assert isinstance(field, Field)
        length = field.max_length
        assert length is not None
        words = " ".join(f"{name}{i}" for i in range(length))
        setattr(persona, name, words[:length].rsplit(" ", 1)[0])
    persona.age_range = "65+"
    return persona


LONG_STYLE = StyleSpec(
    key="style:long",
    name="Long",
    description="d " * 140,
    palette="palette " * 24,
    background="background " * 18,
    lighting="lighting " * 22,
    lens="lens " * 24,
    wardrobe_rules="rules " * 50,
)


@pytest.mark.parametrize("family", list(Family))
@pytest.mark.parametrize("style", [CORPORATE, LONG_STYLE], ids=["builtin", "workspace"])
def test_prompts_fit_the_limit_without_cutting_a_word(family: Family, style: StyleSpec) -> None:
    persona = _longest_persona()
    composed = compose(persona, style, family, references=4)
    assert len(composed.text) <= prompts.LIMITS[family] == composed.limit
    original = prompts.LIMITS[family]
    prompts.LIMITS[family] = 10**6
    try:
        full = compose(persona, style, family, references=4).text
    finally:
        prompts.LIMITS[family] = original
    assert composed.shortened is (full != composed.text)
    whole_words = set(re.findall(r"\w[\w/.-]*", full))
    for word in re.findall(r"\w[\w/.-]*", composed.text):
        assert word in whole_words, f"{family}: '{word}' is a cut word"


def test_lower_priority_parts_go_first() -> None:
    # FLUX at 2000 characters: the personality (priority 2) goes before the look (priority 0).
    composed = compose(_longest_persona(), LONG_STYLE, Family.FLUX)
    assert composed.shortened
    assert "skin_tone0" in composed.text
    assert "features0" in composed.text
    assert "photo of a fictional" in composed.text
    assert "personality0" not in composed.text


def test_fit_drops_then_shortens_at_word_boundaries() -> None:
    parts = [Part("keep this essential part", 0), Part("drop me " * 10, 3), Part("tail words", 1)]
    text, shortened = fit(parts, " | ", 90)
    assert shortened
    assert len(text) <= 90
    assert text.startswith("keep this essential part | drop me")
    assert text.endswith("… | tail words")
    # Too little room left for the part to say anything: it goes entirely.
    assert fit(parts, " | ", 60) == ("keep this essential part | tail words", True)
    assert fit([Part("short", 0)], " ", 100) == ("short", False)


def test_every_built_in_style_composes_for_every_family() -> None:
    for style in BUILTIN_STYLES:
        for family in Family:
            composed = compose(maya(), style, family)
            assert style.fragments[family.value].split(",")[0].strip(" .")[:20] in composed.text


def test_picked_look_fields_are_phrased_for_every_family() -> None:
    persona = maya(
        hair_length="shoulder-length",
        hair_style="wavy",
        hair_colour="dark brown",
        glasses="round glasses",
        garment="blazer",
        garment_colour="sage green",
        wardrobe="white tee underneath",
        accessories="gold hoops",
    )
    gpt = compose(persona, CORPORATE, Family.GPT_IMAGE).text
    assert "Appearance: medium brown skin, shoulder-length wavy dark brown hair, brown eyes" in gpt
    assert (
        "Wardrobe: a sage green blazer, white tee underneath. Accessories: round glasses, gold "
        "hoops."
    ) in gpt
    for family in Family:
        text = compose(persona, CORPORATE, family).text
        for words in (
            "shoulder-length wavy dark brown hair",
            "a sage green blazer",
            "round glasses",
        ):
            assert words in text, (family, words)


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"hair_length": "long", "hair_style": "long wavy", "hair_colour": ""}, "long wavy hair"),
        ({"hair_length": "short", "hair_style": "curly bob"}, "short black curly bob hair"),
        ({"hair_length": "buzz cut", "hair_style": ""}, "buzz-cut black hair"),
        ({"hair_length": "bald"}, "bald head"),
    ],
)
def test_hair_length_joins_the_hair_words(changes: dict[str, str], expected: str) -> None:
    assert (
        f"medium brown skin, {expected}, brown eyes"
        in compose(maya(**changes), CORPORATE, Family.IMAGEN).text.lower()
    )


def test_picks_the_free_text_already_says_are_not_repeated() -> None:
    persona = maya(
        glasses="round glasses",
        accessories="tortoiseshell glasses",
        garment="blazer",
        garment_colour="sage green",
        wardrobe="navy blazer with brass buttons",
    )
    text = compose(persona, CORPORATE, Family.GPT_IMAGE).text
    assert "Wardrobe: navy blazer with brass buttons. Accessories: tortoiseshell glasses." in text
    assert "round glasses" not in text
    assert "sage green" not in text
    # "No glasses" is said by leaving them out; a colour on its own is still said.
    plain = maya(glasses="none", accessories="", garment_colour="#9db28c")
    bare = compose(plain, CORPORATE, Family.FLUX).text
    assert "glasses" not in bare
    assert "wearing sage green clothes, navy blazer" in bare


SCENE: dict[str, Any] = {
    "backdrop_colour": "#2e5e3e",
    "backdrop": "studio",
    "lighting_direction": "left",
    "framing": "half body",
    "mood": "thoughtful",
}


def test_a_workspace_styles_scene_is_phrased_for_every_family() -> None:
    style = replace(BRAND, **SCENE)
    gpt = compose(maya(), style, Family.GPT_IMAGE).text
    assert (
        "Background: white wall with a sign that says ACME; a forest green studio backdrop. "
        "Lighting: soft daylight; light from the left. Lens and framing: 50mm, chest up; "
        "half-body, waist up. Wardrobe rules: teal accents. Mood: a thoughtful expression."
    ) in gpt
    gemini = compose(maya(), style, Family.GEMINI).text
    assert (
        "background: white wall with a sign that says ACME, a forest green studio backdrop; "
        "lighting: soft daylight, light from the left;"
    ) in gemini
    assert "mood: a thoughtful expression." in gemini
    flux = compose(maya(), style, Family.FLUX).text
    assert (
        "a forest green studio backdrop, soft daylight, light from the left, 50mm, chest up, "
        "half-body, waist up, teal accents, a thoughtful expression"
    ) in flux
    imagen = compose(maya(), style, Family.IMAGEN).text
    assert "A forest green studio backdrop" not in imagen  # it follows the background, lower case
    assert "a forest green studio backdrop, soft daylight, light from the left" in imagen
    builtin = compose(maya(), style, Family.BUILTIN).text
    assert builtin.endswith(
        "Acme brand, white wall with a sign that says ACME, a forest green studio backdrop"
    )


def test_scene_picks_the_styles_free_text_already_says_are_not_repeated() -> None:
    said = StyleSpec(
        key="style:said",
        name="Said",
        description="Friendly and warm",
        background="plain light grey seamless backdrop",
        lighting="soft window light from the side",
        lens="85mm, head and shoulders",
    )
    picks: dict[str, Any] = {
        "backdrop_colour": "#c9ccd1",
        "backdrop": "plain",
        "lighting_direction": "left",
    }
    picked = replace(said, **picks, framing="headshot", mood="friendly")
    for family in Family:
        assert compose(maya(), picked, family).text == compose(maya(), said, family).text
    # What the free text does not say is added: here, the kind of backdrop.
    studio = compose(maya(), replace(picked, backdrop="studio"), Family.FLUX).text
    assert "plain light grey seamless backdrop, a studio setting" in studio


def test_built_in_styles_keep_their_hand_written_fragments() -> None:
    """Built-in styles have a scene for the renderer, and fragments that already describe it."""
    for style in BUILTIN_STYLES:
        assert style.backdrop_colour
        unpicked: dict[str, Any] = dict.fromkeys(SCENE, "")
        bare = replace(style, **unpicked)
        for family in Family:
            assert compose(maya(), style, family).text == compose(maya(), bare, family).text
