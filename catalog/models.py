"""The catalog's value types: what a model is, what it can do, how it is priced, and the errors.

Plain frozen dataclasses (no Django): the catalog is data with a lifecycle, not code. The price
rules live in `rules`, the entries in `data`; the behaviour in `lifecycle`, `params`, `pricing`.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Literal, TypedDict

from .rules import AnyPriceRule, WorkspacePriceRule

# --- The one user vocabulary (every model's choices are mapped from these) ------------------------

ASPECT_RATIOS: tuple[str, ...] = ("1:1", "4:5", "3:4", "4:3", "16:9", "9:16", "2:3", "3:2")
RESOLUTIONS: tuple[str, ...] = ("1K", "2K", "4K")
# xhigh / max exist only on gpt-image-2.5 / 2.6 (third-party reports); other models refuse them.
QUALITIES: tuple[str, ...] = ("low", "medium", "high", "xhigh", "max")


class Provider(enum.StrEnum):
    """The one list of providers. Everything else about a provider (names, keys, checks, clients)
    is its entry in generation.providers.registry."""

    OPENAI = "openai"
    BFL = "bfl"
    GOOGLE = "google"
    BUILTIN = "builtin"
    OPENAI_COMPATIBLE = "openai_compatible"
    FAL = "fal"
    OPENROUTER = "openrouter"
    HIAPI = "hiapi"
    APIMART = "apimart"


class Family(enum.StrEnum):
    """How prompts are styled for the model (the prompt builder switches on this)."""

    GPT_IMAGE = "gpt-image"
    FLUX = "flux"
    GEMINI = "gemini"
    IMAGEN = "imagen"
    BUILTIN = "builtin"


class TextRendering(enum.StrEnum):
    """How well the model draws legible text in an image (our editorial judgement, not a spec)."""

    NONE = "none"
    WEAK = "weak"
    FAIR = "fair"
    GOOD = "good"
    STRONG = "strong"


# --- Errors ---------------------------------------------------------------------------------------


class CatalogError(ValueError):
    """Base of the catalog's refusals. `user_message` is a sentence a person can act on."""

    def __init__(self, user_message: str) -> None:
        super().__init__(user_message)
        self.user_message = user_message


class UnknownModelError(CatalogError):
    pass


class ModelUnavailableError(CatalogError):
    """Shut down (or not yet released): new jobs are refused. `replacement` is a catalog id."""

    def __init__(self, user_message: str, *, replacement: str | None) -> None:
        super().__init__(user_message)
        self.replacement = replacement


Param = Literal["aspect_ratio", "resolution", "quality", "references"]


class UnsupportedParamsError(CatalogError):
    """The model cannot do this aspect ratio / resolution / quality / reference count. `param`
    names which one, so a form can show the sentence beside the choice it is about."""

    def __init__(self, user_message: str, *, param: Param) -> None:
        super().__init__(user_message)
        self.param = param


# --- Capabilities: how a model takes its size -----------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class PixelGrid:
    """Free `width`/`height` on a grid (gpt-image-2, FLUX.2, FLUX1.1 [pro], built-in)."""

    step: int
    min_side: int
    max_side: int | None  # None: only the pixel count limits a side
    min_pixels: int = 0
    max_pixels: int
    max_ratio: int = 1000  # longest/shortest side <= this (gpt-image-2: 3)
    resolutions: tuple[str, ...]
    limit_note: str  # for refusals: "it goes up to 1440 px a side"


@dataclass(frozen=True, kw_only=True)
class FixedSizes:
    """A short list of `WxH` sizes, all in one resolution class (gpt-image-1.x, DALL-E)."""

    sizes: Mapping[str, tuple[int, int]]  # user aspect ratio -> (width, height)
    resolution: str = "1K"
    limit_note: str

    @property
    def resolutions(self) -> tuple[str, ...]:
        return (self.resolution,)


@dataclass(frozen=True, kw_only=True)
class RatioOnly:
    """The API takes an aspect-ratio string and maybe a size class (FLUX Ultra/Kontext, Google)."""

    aspect_ratios: tuple[str, ...]
    # resolution class -> the API's size value, or None when the API takes no size field
    image_sizes: Mapping[str, str | None]
    limit_note: str

    @property
    def resolutions(self) -> tuple[str, ...]:
        return tuple(self.image_sizes)


SizeRule = PixelGrid | FixedSizes | RatioOnly


@dataclass(frozen=True, kw_only=True)
class Capabilities:
    sizing: SizeRule
    # user quality -> the API's quality value; empty: the model has no quality setting, and the
    # user's choice is accepted and ignored (so one batch can span models).
    quality_map: Mapping[str, str] = field(default_factory=dict)
    max_references: int = 0
    edits: bool = False
    # The edit endpoint takes `input_fidelity` ("high": keep the input's face and features).
    # OpenAI's spec: gpt-image-1, 1.5 and later; not gpt-image-1-mini (it answers 400), nor DALL-E.
    input_fidelity: bool = False
    transparent_background: bool = False
    text_rendering: TextRendering = TextRendering.FAIR
    # The API takes a seed: the same seed, prompt and settings make (nearly) the same picture, so
    # "Reuse these settings" can carry an image's seed to a new batch.
    seed: bool = False


# --- The model ------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Lifecycle:
    released: date | None = None  # None: not in our contracts
    deprecated: date | None = None  # when the shutdown was announced, if known
    shutdown: date | None = None  # refused from this day on
    replacement: str | None = None  # catalog id named in refusals and warnings
    source: str = ""


@dataclass(frozen=True, kw_only=True)
class CatalogModel:
    id: str  # our catalog id (stable; stored on jobs)
    api_model: str  # the provider's model id / endpoint name (ImageRequest.model)
    provider: Provider
    display_name: str
    family: Family
    is_async: bool  # submit + poll (BFL) rather than one synchronous call
    lifecycle: Lifecycle
    capabilities: Capabilities
    price: AnyPriceRule
    # What a marketer picks this model for, in one line ("Good at: ..." on the Generate page).
    good_at: str
    # Seconds one image usually takes, from published latency measurements where there are
    # some (else our estimate); a workspace's own history replaces it (generation.latency).
    typical_seconds: int
    notes: str = ""

    @property
    def priced_by_workspace(self) -> bool:
        """Its price is what the workspace enters on its key (a server of its own, a gateway
        price we do not hold)."""
        return isinstance(self.price, WorkspacePriceRule)


# --- Results --------------------------------------------------------------------------------------


class RequestFields(TypedDict):
    """ImageRequest's model and provider-vocabulary fields."""

    model: str
    width: int | None
    height: int | None
    aspect_ratio: str | None
    image_size: str | None
    quality: str | None


@dataclass(frozen=True)
class ResolvedParams:
    """The user's choices mapped onto one model's API (fields as in providers.base.ImageRequest)."""

    model_id: str
    api_model: str
    aspect_ratio_choice: str
    resolution: str
    quality_choice: str
    width: int | None = None
    height: int | None = None
    aspect_ratio: str | None = None
    image_size: str | None = None
    quality: str | None = None

    @property
    def size(self) -> str | None:
        if self.width is None or self.height is None:
            return None
        return f"{self.width}x{self.height}"

    def request_fields(self) -> RequestFields:
        """Keyword arguments for `ImageRequest(prompt=..., **params.request_fields())`."""
        return {
            "model": self.api_model,
            "width": self.width,
            "height": self.height,
            "aspect_ratio": self.aspect_ratio,
            "image_size": self.image_size,
            "quality": self.quality,
        }


@dataclass(frozen=True)
class CostEstimate:
    """The most a job can cost (what a budget must reserve), in USD."""

    amount_usd: Decimal
    rule: str
    as_of: date
    source: str
    detail: str  # how the number was made, for the job page and the ledger


Basis = Literal["provider_usage", "provider_credits", "price_table", "workspace_price"]


@dataclass(frozen=True)
class Cost:
    """What an image (or one provider call) actually cost, in USD."""

    amount_usd: Decimal
    rule: str
    as_of: date
    source: str
    basis: Basis  # provider numbers (usage / credits) or our table when the provider gave none
    detail: str
