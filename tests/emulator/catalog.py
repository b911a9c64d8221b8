"""What the emulator knows about each model: lifecycle, size family, price basis, latency.

Sources: /work/shared/contracts/PROVIDERS.md and PRICING.md (2026-11-24), PROVIDERS-2.md section 5
(Google's image model lifecycle). Values marked
"invented" have no source: they only need to be plausible.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

D = dt.date

# --- OpenAI ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class OpenAIModel:
    family: str  # "gpt2" (free WxH sizes), "gpt1" (three sizes, token table), "mini", "dalle"
    released: dt.date
    shutdown: dt.date | None
    latency: float  # seconds per request
    extended_quality: bool = False  # accepts quality xhigh/max (2.5/2.6 [T])


OPENAI_MODELS: dict[str, OpenAIModel] = {
    # Latency: GPT Image 2 about 59 s mean (PROVIDERS.md seeds); gpt-image-1.x values invented.
    "gpt-image-2": OpenAIModel("gpt2", D(2026, 4, 21), None, 59.0),
    "gpt-image-2-2026-04-21": OpenAIModel("gpt2", D(2026, 4, 21), None, 59.0),
    "gpt-image-2.5-flare": OpenAIModel("gpt2", D(2026, 9, 8), None, 59.0, True),
    "gpt-image-2.5-sunburst": OpenAIModel("gpt2", D(2026, 9, 8), None, 59.0, True),
    "gpt-image-2.6-flare": OpenAIModel("gpt2", D(2026, 11, 4), None, 59.0, True),
    "gpt-image-2.6-sunburst": OpenAIModel("gpt2", D(2026, 11, 4), None, 59.0, True),
    "gpt-image-1.5": OpenAIModel("gpt1", D(2025, 12, 16), D(2026, 12, 1), 30.0),
    "chatgpt-image-latest": OpenAIModel("gpt1", D(2025, 12, 16), D(2026, 12, 1), 30.0),
    "gpt-image-1-mini": OpenAIModel("mini", D(2025, 10, 6), D(2026, 12, 1), 15.0),
    "gpt-image-1": OpenAIModel("gpt1", D(2025, 4, 23), D(2026, 10, 23), 45.0),
    "dall-e-3": OpenAIModel("dalle", D(2023, 11, 6), D(2026, 5, 12), 15.0),
    "dall-e-2": OpenAIModel("dalle", D(2022, 11, 3), D(2026, 5, 12), 10.0),
}

GPT1_SIZES = ("1024x1024", "1024x1536", "1536x1024")

# PRICING.md: gpt-image-1 / 1.5 output tokens per image.
GPT1_OUTPUT_TOKENS: dict[str, dict[str, int]] = {
    "low": {"1024x1024": 272, "1024x1536": 408, "1536x1024": 400},
    "medium": {"1024x1024": 1056, "1024x1536": 1584, "1536x1024": 1568},
    "high": {"1024x1024": 4160, "1024x1536": 6240, "1536x1024": 6208},
}

# gpt-image-1-mini publishes no token counts: these are its list prices per image (PRICING.md)
# divided by its $8 / 1M output-token price, so a token-based cost matches the list price.
MINI_OUTPUT_TOKENS: dict[str, dict[str, int]] = {
    "low": {"1024x1024": 625, "1024x1536": 750, "1536x1024": 750},
    "medium": {"1024x1024": 1375, "1024x1536": 1875, "1536x1024": 1875},
    "high": {"1024x1024": 4500, "1024x1536": 6500, "1536x1024": 6500},
}

# gpt-image-2 formula quality factors (PRICING.md). xhigh/max are unknown upstream: invented,
# deliberately above `high` as PRICING.md asks estimates to be.
GPT2_QUALITY_FACTOR = {"low": 16, "medium": 48, "high": 96, "xhigh": 128, "max": 160}

# What `quality: auto` resolves to (the real choice is the model's; invented, documented).
AUTO_QUALITY = "medium"


def _status(info: OpenAIModel | GeminiModel | None, today: dt.date) -> str:
    if info is None:
        return "unknown"
    if (info.released is not None and today < info.released) or (
        info.shutdown is not None and today >= info.shutdown
    ):
        return "retired"
    return "available"


def openai_model_status(model: str, today: dt.date) -> str:
    """ "available", "retired" (shut down, or not yet released on `today`) or "unknown"."""
    return _status(OPENAI_MODELS.get(model), today)


# --- Black Forest Labs ------------------------------------------------------------------------


@dataclass(frozen=True)
class BflModel:
    family: str  # "flux2" (per-megapixel price, cost on submit) or "flux1" (per image)
    schema: str  # file stem in schemas/
    latency: float
    per_image: Decimal | None = None  # flux1: credits per image
    first_mp: Decimal | None = None  # flux2: credits for the first output megapixel
    extra_mp: Decimal | None = None  # flux2: each further output MP and each input MP
    size_mode: str = "wh"  # "wh" (width/height), "ultra" (~4 MP by ratio), "kontext" (~1 MP)


def _flux2(schema: str, first: str, extra: str, latency: float) -> BflModel:
    return BflModel("flux2", schema, latency, first_mp=Decimal(first), extra_mp=Decimal(extra))


def _flux1(schema: str, credits: str, latency: float, size_mode: str = "wh") -> BflModel:
    return BflModel("flux1", schema, latency, per_image=Decimal(credits), size_mode=size_mode)


BFL_MODELS: dict[str, BflModel] = {
    # Latency: PROVIDERS.md live run (flux-2-pro 13.8 s, flux-2-max 36 s, klein 2.4 s) and seeds
    # (flux-pro-1.1 6.4 s mean); flex, ultra, kontext and dev are invented.
    "flux-2-max": _flux2("bfl.Flux2Inputs", "7", "3", 36.0),
    "flux-2-pro": _flux2("bfl.Flux2Inputs", "3", "1.5", 13.8),
    "flux-2-flex": _flux2("bfl.Flux2FlexInputs", "6", "6", 20.0),
    "flux-2-klein-4b": _flux2("bfl.Flux2KleinInputs", "1.4", "0.1", 2.4),
    "flux-2-klein-9b": _flux2("bfl.Flux2KleinInputs", "1.5", "0.2", 2.4),
    "flux-pro-1.1": _flux1("bfl.FluxPro11Inputs", "4", 6.4),
    "flux-pro-1.1-ultra": _flux1("bfl.FluxUltraInput", "6", 10.0, "ultra"),
    "flux-kontext-pro": _flux1("bfl.FluxKontextProInputs", "4", 6.0, "kontext"),
    "flux-kontext-max": _flux1("bfl.FluxKontextProInputs", "8", 8.0, "kontext"),
    "flux-dev": _flux1("bfl.FluxDevInputs", "2.5", 4.0),
}

FLUX2_REFERENCE_FIELDS = ("input_image", *(f"input_image_{i}" for i in range(2, 9)))

# --- Google Gemini ----------------------------------------------------------------------------


@dataclass(frozen=True)
class GeminiModel:
    display_name: str
    latency: float  # invented: PROVIDERS.md has no Gemini timings
    image_sizes: tuple[str, ...]  # accepted imageConfig.imageSize values
    # Output tokens per image by imageSize, from PRICING.md prices / output-token price:
    # 2.5 flash $0.039 = 1290 tokens at $30/1M; 3 pro $0.134 / $0.24 at $120/1M; 3.1 flash
    # $0.045 / 0.067 / 0.101 / 0.151 at $60/1M (its token price is our assumption).
    output_tokens: dict[str, int]
    # PROVIDERS-2.md section 5.4 [T]; None where it names no date (2.5 flash's release, the
    # preview ids, which it calls superseded without a date).
    released: dt.date | None = None
    shutdown: dt.date | None = None


_PRO_TOKENS = {"1K": 1120, "2K": 1120, "4K": 2000}
_FLASH_TOKENS = {"512": 750, "1K": 1120, "2K": 1680, "4K": 2520}
_FLASH_SIZES = ("512", "1K", "2K", "4K")

GEMINI_MODELS: dict[str, GeminiModel] = {
    "gemini-2.5-flash-image": GeminiModel(
        "Nano Banana", 8.0, ("1K",), {"1K": 1290}, shutdown=D(2027, 3, 15)
    ),
    "gemini-3-pro-image-preview": GeminiModel(
        "Nano Banana Pro", 25.0, ("1K", "2K", "4K"), _PRO_TOKENS
    ),
    "gemini-3-pro-image": GeminiModel(
        "Nano Banana Pro", 25.0, ("1K", "2K", "4K"), _PRO_TOKENS, released=D(2026, 5, 28)
    ),
    "gemini-3.1-flash-image-preview": GeminiModel(
        "Nano Banana 2", 12.0, _FLASH_SIZES, _FLASH_TOKENS
    ),
    "gemini-3.1-flash-image": GeminiModel(
        "Nano Banana 2",
        12.0,
        _FLASH_SIZES,
        _FLASH_TOKENS,
        released=D(2026, 5, 28),
        shutdown=D(2026, 10, 29),
    ),
    # Sizes and tokens of the two newest are not in the contracts: invented, Lite as 2.5 flash,
    # 2.1 as 3.1 flash without the 512 tier (5.4: "no 512 tier"; $30/1M, so 1K is $0.0336).
    "gemini-3.1-flash-lite-image": GeminiModel(
        "Nano Banana 2 Lite", 6.0, ("1K",), {"1K": 1290}, released=D(2026, 6, 30)
    ),
    "gemini-nano-banana-2.1": GeminiModel(
        "Nano Banana 2.1",
        12.0,
        ("1K", "2K", "4K"),
        {"1K": 1120, "2K": 1680, "4K": 2520},
        released=D(2026, 10, 6),
    ),
}


def gemini_model_status(model: str, today: dt.date) -> str:
    """As openai_model_status, from PROVIDERS-2.md section 5.4's dates."""
    return _status(GEMINI_MODELS.get(model), today)


# Output pixels at imageSize 1K per aspect ratio (Google's image-generation guide); 2K and 4K
# double and quadruple both sides, 512 halves them.
GEMINI_1K_SIZES: dict[str, tuple[int, int]] = {
    "1:1": (1024, 1024),
    "2:3": (832, 1248),
    "3:2": (1248, 832),
    "3:4": (864, 1184),
    "4:3": (1184, 864),
    "4:5": (896, 1152),
    "5:4": (1152, 896),
    "9:16": (768, 1344),
    "16:9": (1344, 768),
    "21:9": (1536, 672),
}
GEMINI_SIZE_SCALE = {"512": 0.5, "1K": 1.0, "2K": 2.0, "4K": 4.0}


# --- OpenRouter -------------------------------------------------------------------------------


@dataclass(frozen=True)
class OpenRouterModel:
    output_modalities: tuple[str, ...]
    latency: float  # invented: the contracts have no OpenRouter timings
    prices: dict[str, Decimal]  # image_size -> dollars per image (the table it bills from)


# PROVIDERS-2.md section 4's ids; prices as in section 6 (Google's for the Gemini models, about
# $0.04 for Seedream 4.5); a text model, so that the model list has something to filter out.
OPENROUTER_MODELS: dict[str, OpenRouterModel] = {
    "google/gemini-2.5-flash-image": OpenRouterModel(
        ("image", "text"), 8.0, {"1K": Decimal("0.039")}
    ),
    "google/gemini-3-pro-image-preview": OpenRouterModel(
        ("image", "text"),
        25.0,
        {"1K": Decimal("0.134"), "2K": Decimal("0.134"), "4K": Decimal("0.24")},
    ),
    "bytedance-seed/seedream-4.5": OpenRouterModel(
        ("image",), 20.0, dict.fromkeys(("1K", "2K", "4K"), Decimal("0.04"))
    ),
    "openai/gpt-4o-mini": OpenRouterModel(("text",), 2.0, {}),
}


def latency_default(provider: str, model: str) -> float:
    info: OpenAIModel | BflModel | GeminiModel | OpenRouterModel | None
    if provider == "openai":
        info = OPENAI_MODELS.get(model)
    elif provider == "bfl":
        info = BFL_MODELS.get(model)
    elif provider == "openrouter":
        info = OPENROUTER_MODELS.get(model)
    else:
        info = GEMINI_MODELS.get(model)
    return info.latency if info is not None else 1.0
