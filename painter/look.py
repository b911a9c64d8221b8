"""What the painter draws a person from: the words of a persona's look."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Look:
    """A persona's look as the persona holds it: free text, any field may be empty."""

    skin_tone: str = ""
    hair_colour: str = ""
    hair_style: str = ""
    eye_colour: str = ""
    build: str = ""
    features: str = ""
    wardrobe: str = ""
    accessories: str = ""
    # Picked from small sets on the persona form (personas.choices); words like the fields above.
    hair_length: str = ""
    glasses: str = ""
    garment: str = ""
    garment_colour: str = ""
