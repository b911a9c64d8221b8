"""Google models: Gemini image models ("Nano Banana") and Imagen 4, both synchronous.

Gemini takes `generationConfig.imageConfig{aspectRatio, imageSize}` (PROVIDERS.md [T]).
Imagen 4 (`models/<id>:predict`, not described in PROVIDERS.md) takes `aspectRatio` 1:1, 3:4, 4:3,
9:16 or 16:9 and, for Standard and Ultra only, `imageSize` 1K or 2K (Google's Imagen docs [T]).
"""

from __future__ import annotations

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
from catalog.rules import (
    FixedPriceRule,
    PerImageBySizeRule,
)

from .common import AS_OF, PRICING_MD, PROVIDERS_MD, usd

_LIFECYCLE_SRC = f"{PROVIDERS_MD} (Google); no dates in our contracts"
_PRICE_SRC = f"{PRICING_MD} (Google, per image, standard tier)"
# Typical seconds: PROVIDERS.md has no Google figures; these are our estimates.

# Gemini image models take 1:1, 2:3, 3:2, 3:4, 4:3, 4:5, 5:4, 9:16, 16:9, 21:9 (and more on
# 3.1 Flash): every ratio of our vocabulary.
_GEMINI_1K = RatioOnly(
    aspect_ratios=ASPECT_RATIOS,
    image_sizes={"1K": None},  # 2.5 Flash Image takes no imageSize: always about 1 MP
    limit_note="it makes images of about 1 megapixel only",
)
_GEMINI_4K = RatioOnly(
    aspect_ratios=ASPECT_RATIOS,
    image_sizes={"1K": "1K", "2K": "2K", "4K": "4K"},
    limit_note="it goes up to 4K",
)
_IMAGEN_RATIOS = ("1:1", "3:4", "4:3", "9:16", "16:9")
_IMAGEN_FAST = RatioOnly(
    aspect_ratios=_IMAGEN_RATIOS,
    image_sizes={"1K": None},
    limit_note="it makes 1K images only",
)
_IMAGEN_2K = RatioOnly(
    aspect_ratios=_IMAGEN_RATIOS,
    image_sizes={"1K": "1K", "2K": "2K"},
    limit_note="it goes up to 2K",
)


def _gemini(
    model_id: str,
    name: str,
    sizing: RatioOnly,
    prices: dict[str, Decimal],
    *,
    references: int,
    text: TextRendering,
    good_at: str,
    seconds: int,
    image_out_per_million: Decimal | None = None,
) -> CatalogModel:
    return CatalogModel(
        id=model_id,
        api_model=model_id,
        provider=Provider.GOOGLE,
        display_name=name,
        family=Family.GEMINI,
        is_async=False,
        lifecycle=Lifecycle(source=_LIFECYCLE_SRC),
        capabilities=Capabilities(
            sizing=sizing, max_references=references, edits=True, text_rendering=text
        ),
        price=PerImageBySizeRule(
            name=f"google-{model_id}-per-image",
            source=_PRICE_SRC,
            as_of=AS_OF,
            trust="T",
            prices=prices,
            image_out_per_million=image_out_per_million,
        ),
        good_at=good_at,
        typical_seconds=seconds,
    )


def _imagen(
    model_id: str, api_model: str, name: str, sizing: RatioOnly, price: str, good_at: str
) -> CatalogModel:
    return CatalogModel(
        id=model_id,
        api_model=api_model,
        provider=Provider.GOOGLE,
        display_name=name,
        family=Family.IMAGEN,
        is_async=False,
        lifecycle=Lifecycle(source=_LIFECYCLE_SRC),
        capabilities=Capabilities(sizing=sizing, text_rendering=TextRendering.GOOD),
        price=FixedPriceRule(
            name=f"google-{model_id}-per-image",
            source=_PRICE_SRC,
            as_of=AS_OF,
            trust="T",
            usd=usd(price),
        ),
        good_at=good_at,
        typical_seconds=8,
    )


MODELS: tuple[CatalogModel, ...] = (
    _gemini(
        "gemini-2.5-flash-image",
        "Gemini 2.5 Flash Image (Nano Banana)",
        _GEMINI_1K,
        {"1K": usd("0.039")},
        references=3,  # Google: works best with up to 3 input images [T]
        text=TextRendering.GOOD,
        good_at="Quick, low-cost series that keep a person looking the same.",
        seconds=10,
        image_out_per_million=usd("30"),  # PRICING.md: 1290 output tokens at $30/1M
    ),
    _gemini(
        "gemini-3-pro-image-preview",
        "Gemini 3 Pro Image (Nano Banana Pro)",
        _GEMINI_4K,
        {"1K": usd("0.134"), "2K": usd("0.134"), "4K": usd("0.24")},
        references=14,
        text=TextRendering.STRONG,
        good_at="Careful, detailed pictures up to 4K with strong text; up to 14 references.",
        seconds=30,
    ),
    _gemini(
        "gemini-3.1-flash-image-preview",
        "Gemini 3.1 Flash Image (Nano Banana 2)",
        _GEMINI_4K,
        {"1K": usd("0.067"), "2K": usd("0.101"), "4K": usd("0.151")},  # 512 px: $0.045, unused
        references=14,
        text=TextRendering.GOOD,
        good_at="Fast pictures up to 4K with good text, at a middle price.",
        seconds=15,
    ),
    _imagen(
        "imagen-4-fast",
        "imagen-4.0-fast-generate-001",
        "Imagen 4 Fast",
        _IMAGEN_FAST,
        "0.02",
        "Cheap, quick photoreal pictures.",
    ),
    _imagen(
        "imagen-4",
        "imagen-4.0-generate-001",
        "Imagen 4",
        _IMAGEN_2K,
        "0.04",
        "Photoreal pictures with good text.",
    ),
    _imagen(
        "imagen-4-ultra",
        "imagen-4.0-ultra-generate-001",
        "Imagen 4 Ultra",
        _IMAGEN_2K,
        "0.06",
        "Imagen's most detailed pictures.",
    ),
)
