"""A persona's card in Markdown (persona.md in a persona kit): its name, brief, look, tone, and
the do's and don'ts of using a synthetic person, for whoever receives the kit.

The persona has no fields for a tone of voice or for do's and don'ts: its personality traits are
the tone (they are what the prompts ask the face to convey), and the do's and don'ts are the ones
every synthetic persona shares, about saying that the person is not real. A brief or look left
empty says so, rather than leaving a heading with nothing under it.
"""

from __future__ import annotations

from personas.models import Persona
from personas.prompts import look_in_words

NOT_SET = "Not set in avatarapp."


def persona_card(persona: Persona) -> str:
    sections = [
        f"# {_line(persona.name)}",
        "A synthetic persona: the person in these portraits is AI-generated, not a real "
        "individual.",
        "## Brief",
        _brief(persona),
        "## Look",
        look_in_words(persona) or NOT_SET,
        "## Tone",
        _line(persona.personality) or NOT_SET,
        "## Do's and don'ts",
        _dos_and_donts(persona),
    ]
    return "\n\n".join(sections) + "\n"


def _brief(persona: Persona) -> str:
    facts = [
        ("Age", persona.get_age_range_display() if persona.age_range else ""),
        ("Gender", persona.gender),
        ("Occupation", persona.occupation),
        ("Industry", persona.industry),
        ("Location", persona.location),
        ("Tags", ", ".join(str(tag) for tag in persona.tags)),
    ]
    lines = [f"- {label}: {_line(value)}" for label, value in facts if _line(value)]
    stories = [("Goals", persona.goals), ("Pain points", persona.pain_points)]
    stories.append(("Backstory", persona.backstory))
    blocks = ["\n".join(lines)] if lines else []
    blocks += [f"### {label}\n\n{text.strip()}" for label, text in stories if text.strip()]
    return "\n\n".join(blocks) or NOT_SET


def _dos_and_donts(persona: Persona) -> str:
    name = _line(persona.name)
    return "\n".join(
        [
            "Do:",
            "- Say that the person is AI-generated wherever the portraits are published "
            "(DISCLOSURE.txt has the wording and the models that made them).",
            "- Use the crop made for each format (1:1, 4:5, 9:16, 16:9) instead of stretching one.",
            "",
            "Don't:",
            f"- Present {name} as a real person, a real customer or a real employee.",
            f"- Use {name} for testimonials, reviews or endorsements.",
            "- Edit the face to look like a real, recognisable person.",
        ]
    )


def _line(value: str) -> str:
    """One line: a value typed with line breaks would break the Markdown list it sits in."""
    return " ".join(str(value).split())
