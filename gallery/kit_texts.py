"""DISCLOSURE.txt of a persona kit: that the person is synthetic, which models made the images
(by the names people know them by) and when the kit was made. Plain text, so it opens anywhere
and can be pasted into a caption or a brief."""

from __future__ import annotations

from django.utils import timezone

from catalog import model_name
from gallery.download_names import kit_crop_name
from generation.models import Image
from generation.providers.registry import display_name as provider_name
from personas.models import Persona


def disclosure(persona: Persona, included: list[Image], missing: list[Image]) -> str:
    name = " ".join(persona.name.split())
    lines = [
        f"About the images of {name}",
        "",
        f"{name} is a synthetic persona. The person in these images is AI-generated: not a real",
        "individual and not a photograph of anyone. Any likeness to a real person is unintended.",
        "",
        "When you publish these images, say that they are AI-generated. In the EU the AI Act",
        "(Article 50) asks for synthetic images to be disclosed; a caption such as",
        f'"{name} is an AI-generated persona" does it.',
        "",
        "Made with:",
        *sorted({f"- {_made_with(image)}" for image in included}),
        "",
        "Files:",
        *[_files_line(image) for image in included],
        "",
    ]
    if missing:
        lines += [
            "Not in this kit (the original could not be found in storage; if this keeps",
            "happening, tell whoever runs avatarapp for your team):",
            *[f"- {image.style_name}, made {image.created_at:%Y-%m-%d}" for image in missing],
            "",
        ]
    lines.append(f"Kit exported from avatarapp on {timezone.localdate():%Y-%m-%d}.")
    return "\n".join(lines) + "\n"


def _made_with(image: Image) -> str:
    model, provider = model_name(image.model_id), provider_name(image.provider)
    return model if model == provider else f"{model} (through {provider})"


def _files_line(image: Image) -> str:
    stem = kit_crop_name(image, "*")
    made = image.created_at.strftime("%Y-%m-%d")
    return f"- {stem}: {image.style_name}, made with {model_name(image.model_id)} on {made}"
