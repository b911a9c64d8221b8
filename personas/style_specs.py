"""Styles as one value type: the built-in library (builtin_styles.json) and workspace styles.

Views, the prompt composer and (later) generation all take a `StyleSpec`, so none of them cares
whether a style came from the JSON file or from a workspace's `Style` row. Style keys travel in
URLs and forms: `builtin:<slug>` or `style:<uuid>`.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING

from catalog import ASPECT_RATIOS, Family, get_model
from personas.choices import HEX_COLOUR_PATTERN, Backdrop, Framing, Lighting, Mood

if TYPE_CHECKING:
    from personas.models import Style

BUILTIN_PREFIX = "builtin:"
WORKSPACE_PREFIX = "style:"
STYLE_QUALITIES = ("low", "medium", "high")  # the tiers every model with a quality setting has
FAMILIES = tuple(f.value for f in Family)


class UnknownStyleError(LookupError):
    def __init__(self, key: str) -> None:
        super().__init__(
            f"There is no style '{key[:80]}' in this workspace. Pick one from the list."
        )
        self.user_message = str(self)


@dataclass(frozen=True)
class StyleSpec:
    key: str
    name: str
    description: str = ""
    palette: str = ""
    background: str = ""
    lighting: str = ""
    lens: str = ""
    wardrobe_rules: str = ""
    # The scene as picked (personas.choices): what the built-in renderer draws, and prompt words.
    backdrop_colour: str = ""
    backdrop: str = ""
    lighting_direction: str = ""
    framing: str = ""
    mood: str = ""
    recommended_model: str = ""
    aspect: str = "1:1"
    quality: str = "medium"
    swatch: str = "#e5e7eb"
    # Hand-written prompt fragments per model family (built-in styles only); workspace styles are
    # phrased by the composer from the fields above.
    fragments: Mapping[str, str] = field(default_factory=dict)

    @property
    def slug(self) -> str:
        return self.key.removeprefix(BUILTIN_PREFIX)


_SCENE_CHOICES = {
    "backdrop": Backdrop.values,
    "lighting_direction": Lighting.values,
    "framing": Framing.values,
    "mood": Mood.values,
}


def _check_scene(item: dict[str, str]) -> None:
    """A built-in style's scene uses the words a workspace style picks from (personas.choices)."""
    for name, allowed in _SCENE_CHOICES.items():
        if item.get(name, "") not in allowed:
            raise ValueError(f"{item['slug']}: {name} must be one of {allowed}")
    if not re.fullmatch(HEX_COLOUR_PATTERN, item.get("backdrop_colour", "")):
        raise ValueError(f"{item['slug']}: backdrop_colour must be #rrggbb")


def _load(path: Path) -> tuple[StyleSpec, ...]:
    """Read and check the library once at import: a typo in the JSON fails every test at once."""
    raw = json.loads(path.read_text(encoding="utf-8"))
    styles = []
    for item in raw:
        prompts = item.pop("prompts")
        if set(prompts) != set(FAMILIES):
            raise ValueError(f"{item['slug']}: prompts must cover exactly {FAMILIES}")
        get_model(item["recommended_model"])  # raises for an unknown catalog id
        if item["aspect"] not in ASPECT_RATIOS or item["quality"] not in STYLE_QUALITIES:
            raise ValueError(f"{item['slug']}: aspect or quality outside the catalog vocabulary")
        _check_scene(item)
        slug = item.pop("slug")
        styles.append(
            StyleSpec(key=BUILTIN_PREFIX + slug, fragments=MappingProxyType(prompts), **item)
        )
    if len({s.key for s in styles}) != len(styles):
        raise ValueError("duplicate slug in builtin_styles.json")
    return tuple(styles)


BUILTIN_STYLES: tuple[StyleSpec, ...] = _load(Path(__file__).with_name("builtin_styles.json"))
BUILTIN_BY_KEY: Mapping[str, StyleSpec] = MappingProxyType({s.key: s for s in BUILTIN_STYLES})
DEFAULT_STYLE_KEY = BUILTIN_STYLES[0].key


def builtin_style(slug: str) -> StyleSpec:
    try:
        return BUILTIN_BY_KEY[BUILTIN_PREFIX + slug]
    except KeyError:
        raise UnknownStyleError(BUILTIN_PREFIX + slug) from None


def spec_from_style(style: Style) -> StyleSpec:
    return StyleSpec(
        key=f"{WORKSPACE_PREFIX}{style.pk}",
        name=style.name,
        description=style.description,
        palette=style.palette,
        background=style.background,
        lighting=style.lighting,
        lens=style.lens,
        wardrobe_rules=style.wardrobe_rules,
        backdrop_colour=style.backdrop_colour,
        backdrop=style.backdrop,
        lighting_direction=style.lighting_direction,
        framing=style.framing,
        mood=style.mood,
        recommended_model=style.recommended_model,
        aspect=style.default_aspect,
        quality=style.default_quality,
        swatch="#e0e7ff",
    )


def workspace_style_id(key: str) -> uuid.UUID | None:
    """The Style pk in a `style:<uuid>` key, or None when the key is not one."""
    if not key.startswith(WORKSPACE_PREFIX):
        return None
    try:
        return uuid.UUID(key.removeprefix(WORKSPACE_PREFIX))
    except ValueError:
        return None
