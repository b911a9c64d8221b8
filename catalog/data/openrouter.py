"""OpenRouter: Google's Gemini image models and ByteDance's Seedream 4.5, reached through
OpenRouter's chat completions with image output (one key for several labs), synchronous.

Sources, gathered 2026-11: OpenRouter's image-generation, usage-accounting and errors
documentation, its blog, and third-party client code and price lists. Each fact is marked: [V]
from OpenRouter's own documentation, [T] from a third party, [U] uncertain or inferred.

What a call costs is what OpenRouter reports in the answer's `usage.cost` (credits; one credit is
one dollar [V]): the tables below are only the fallback for an answer without it, and the
estimate a budget reserves. OpenRouter passes the labs' own prices on [T], so the Gemini tables
are Google's (catalog/data/google.py). The model ids are OpenRouter's [T: client code]; our
catalog ids carry the `openrouter-` prefix so they never collide with Google's own entries. What
a key can use is OpenRouter's free model list (generation.model_lists), which greys out an id
OpenRouter no longer names. `google/gemini-3.1-flash-image` is left out: Google shut the model
down on 2026-10-29 [T]; OpenRouter's id for its successor, Nano Banana 2.1, is not known yet [U].

The request's `image_config{aspect_ratio, image_size}` comes from client code [T]; which models
honour it is not published [U].
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from catalog.models import (
    ASPECT_RATIOS,
    Capabilities,
    CatalogModel,
    Family,
    Lifecycle,
    Provider,
    RatioOnly,
    TextRendering,
)
from catalog.rules import AnyPriceRule, FixedPriceRule, PerImageBySizeRule

from .common import AS_OF, usd

_LIFECYCLE_SRC = (
    f"OpenRouter's image-generation documentation and model ids in client code, {AS_OF}"
)
_GEMINI_PRICE_SRC = (
    f"Google's Gemini API prices, which OpenRouter passes on, {AS_OF}; the answer's usage.cost wins"
)
_SEEDREAM_PRICE_SRC = f"Third-party price list (infr.sh), {AS_OF}; the answer's usage.cost wins"

GEMINI_FLASH_IMAGE = "openrouter-gemini-2.5-flash-image"
GEMINI_3_PRO_IMAGE = "openrouter-gemini-3-pro-image-preview"
SEEDREAM_4_5 = "openrouter-seedream-4.5"

_ONE_MP = RatioOnly(
    aspect_ratios=ASPECT_RATIOS,
    image_sizes={"1K": None},  # 2.5 Flash Image takes no size: always about 1 MP
    limit_note="it makes images of about 1 megapixel only",
)
_UP_TO_4K = RatioOnly(
    aspect_ratios=ASPECT_RATIOS,
    image_sizes={"1K": "1K", "2K": "2K", "4K": "4K"},
    limit_note="it goes up to 4K",
)


def _gemini_price(model_id: str, prices: dict[str, Decimal]) -> PerImageBySizeRule:
    return PerImageBySizeRule(
        name=f"{model_id}-per-image",
        source=_GEMINI_PRICE_SRC,
        as_of=AS_OF,
        trust="T",
        prices=prices,
    )


def _model(
    model_id: str,
    api_model: str,
    name: str,
    sizing: RatioOnly,
    price: AnyPriceRule,
    *,
    references: int,
    text: TextRendering,
    good_at: str,
    seconds: int,
    life: Lifecycle | None = None,
) -> CatalogModel:
    return CatalogModel(
        id=model_id,
        api_model=api_model,
        provider=Provider.OPENROUTER,
        display_name=f"{name} via OpenRouter",
        family=Family.GEMINI,
        is_async=False,
        lifecycle=life or Lifecycle(source=_LIFECYCLE_SRC),
        capabilities=Capabilities(
            sizing=sizing, max_references=references, edits=True, text_rendering=text
        ),
        price=price,
        good_at=good_at,
        typical_seconds=seconds,
    )


MODELS: tuple[CatalogModel, ...] = (
    _model(
        GEMINI_FLASH_IMAGE,
        "google/gemini-2.5-flash-image",
        "Gemini 2.5 Flash Image (Nano Banana)",
        _ONE_MP,
        _gemini_price(GEMINI_FLASH_IMAGE, {"1K": usd("0.039")}),
        references=3,  # Google: works best with up to 3 input images [T]
        text=TextRendering.GOOD,
        good_at="Quick, low-cost series that keep a person looking the same.",
        seconds=10,
        # Google shuts the model down on 2027-03-15 [T]; OpenRouter can serve it no longer.
        life=Lifecycle(
            shutdown=date(2027, 3, 15), replacement=GEMINI_3_PRO_IMAGE, source=_LIFECYCLE_SRC
        ),
    ),
    _model(
        GEMINI_3_PRO_IMAGE,
        "google/gemini-3-pro-image-preview",
        "Gemini 3 Pro Image (Nano Banana Pro)",
        _UP_TO_4K,
        _gemini_price(
            GEMINI_3_PRO_IMAGE, {"1K": usd("0.134"), "2K": usd("0.134"), "4K": usd("0.24")}
        ),
        references=14,
        text=TextRendering.STRONG,
        good_at="Careful, detailed pictures up to 4K with strong text; up to 14 references.",
        seconds=30,
    ),
    # An image-only model: asked for modalities ["image"] [V]. Takes reference images for edits
    # [U: OpenRouter names no limit; 10 as ByteDance's edit endpoint elsewhere]. Prompts as
    # sentences, like Gemini's (the GEMINI family): Seedream reads natural language.
    _model(
        SEEDREAM_4_5,
        "bytedance-seed/seedream-4.5",
        "Seedream 4.5",
        _UP_TO_4K,
        FixedPriceRule(
            name=f"{SEEDREAM_4_5}-per-image",
            source=_SEEDREAM_PRICE_SRC,
            as_of=AS_OF,
            trust="T",
            usd=usd("0.04"),
        ),
        references=10,
        text=TextRendering.GOOD,
        good_at="ByteDance's photoreal model: sharp portraits up to 4K at a flat price.",
        seconds=20,
    ),
)
