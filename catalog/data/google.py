"""Google models: the Gemini image models ("Nano Banana"), synchronous through `generateContent`,
and Imagen 4, shut down.

Sources, gathered 2026-11: Google's Gemini API documentation and pricing page, the Firebase
migration guide, and third-party reports (relay documentation, client code, issue threads). Each
fact is marked: [V] from Google's own documentation, [T] from a third party, [U] uncertain or
inferred.

Gemini takes `generationConfig.imageConfig{aspectRatio, imageSize}` [T]. Google publishes no
release dates we trust, so these entries carry none (`released` only gates jobs before a model
exists; every model here exists); the GA dates are in comments. What a workspace's key can use is
the live model list (generation.model_lists), which also catches what this file has not heard of
yet: the `*-preview` ids carry no shutdown date because none is published (superseded; the live
model list tells).

Imagen 4 (`models/<id>:predict`) took `aspectRatio` 1:1, 3:4, 4:3, 9:16 or 16:9 and, for Standard
and Ultra only, `sampleImageSize` 1K or 2K. All Imagen models shut down on 2026-08-17 (dates
[V]); the entries stay so that old costs remain explained, and are never offered.
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
from catalog.rules import (
    FixedPriceRule,
    PerImageBySizeRule,
    Trust,
)

from .common import AS_OF, usd

_LIFECYCLE_SRC = (
    f"Google's Gemini API model documentation and third-party reports, {AS_OF} (image models)"
)
_PRICE_SRC = f"Google Gemini API pricing page, {AS_OF} (per image, standard tier)"
_NEW_PRICE_SRC = f"Google Gemini API pricing as third parties report it, {AS_OF} (token prices)"
IMAGEN_SHUTDOWN = date(2026, 8, 17)  # [V: Firebase migration guide]
# Typical seconds: neither contract has Google figures; these are our estimates.

NANO_BANANA_2_1 = "gemini-nano-banana-2.1"
GEMINI_3_PRO_IMAGE = "gemini-3-pro-image"

# Gemini image models take 1:1, 2:3, 3:2, 3:4, 4:3, 4:5, 5:4, 9:16, 16:9, 21:9 (and more on
# 3.1 Flash and 2.1): every ratio of our vocabulary.
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

# Google's prices per image (standard tier) [T].
_PRO_PRICES = {"1K": usd("0.134"), "2K": usd("0.134"), "4K": usd("0.24")}
_FLASH_PRICES = {"1K": usd("0.067"), "2K": usd("0.101"), "4K": usd("0.151")}  # 512 px unused
# Nano Banana 2.1: image output $30/MTok, about $0.0336 a 1K image [T]. Its 2K and 4K
# token counts are not published [U]: estimated as Nano Banana 2's (1120 / 1680 / 2520 tokens);
# what it costs is what Google's usage reports, at $30/MTok.
_NANO_2_1_PRICES = {"1K": usd("0.0336"), "2K": usd("0.0504"), "4K": usd("0.0756")}


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
    life: Lifecycle | None = None,
    image_out_per_million: Decimal | None = None,
    price_source: str = _PRICE_SRC,
    trust: Trust = "T",
) -> CatalogModel:
    return CatalogModel(
        id=model_id,
        api_model=model_id,
        provider=Provider.GOOGLE,
        display_name=name,
        family=Family.GEMINI,
        is_async=False,
        lifecycle=life or Lifecycle(source=_LIFECYCLE_SRC),
        capabilities=Capabilities(
            sizing=sizing, max_references=references, edits=True, text_rendering=text
        ),
        price=PerImageBySizeRule(
            name=f"google-{model_id}-per-image",
            source=price_source,
            as_of=AS_OF,
            trust=trust,
            prices=prices,
            image_out_per_million=image_out_per_million,
        ),
        good_at=good_at,
        typical_seconds=seconds,
    )


def _imagen(
    model_id: str,
    api_model: str,
    name: str,
    sizing: RatioOnly,
    price: str,
    good_at: str,
    replacement: str,
) -> CatalogModel:
    return CatalogModel(
        id=model_id,
        api_model=api_model,
        provider=Provider.GOOGLE,
        display_name=name,
        family=Family.IMAGEN,
        is_async=False,
        lifecycle=Lifecycle(
            shutdown=IMAGEN_SHUTDOWN, replacement=replacement, source=_LIFECYCLE_SRC
        ),
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
    # GA 2026-10-06 [T]; 1K/2K/4K, no 512 tier [T]; the successor of gemini-3.1-flash-image [T].
    # How many references it takes is not published [U]: as Nano Banana 2.
    _gemini(
        NANO_BANANA_2_1,
        "Gemini Nano Banana 2.1",
        _GEMINI_4K,
        _NANO_2_1_PRICES,
        references=14,
        text=TextRendering.GOOD,
        good_at="Google's current fast model: pictures up to 4K with good text, at a low price.",
        seconds=15,
        image_out_per_million=usd("30"),
        price_source=_NEW_PRICE_SRC,
    ),
    # GA 2026-05-28 [T]. Priced as its preview (no separate price published) [T].
    _gemini(
        GEMINI_3_PRO_IMAGE,
        "Gemini 3 Pro Image (Nano Banana Pro)",
        _GEMINI_4K,
        _PRO_PRICES,
        references=14,
        text=TextRendering.STRONG,
        good_at="Careful, detailed pictures up to 4K with strong text; up to 14 references.",
        seconds=30,
    ),
    # Shut down 2027-03-15 [T]. Google names gemini-3.1-flash-lite-image ("Nano Banana 2 Lite",
    # GA 2026-06-30 [T]) as its successor, which has no price in our contracts yet: until it is
    # priced the keys page shows it to admins as new and not priced, and the catalog points to
    # the priced Nano Banana 2.1.
    _gemini(
        "gemini-2.5-flash-image",
        "Gemini 2.5 Flash Image (Nano Banana)",
        _GEMINI_1K,
        {"1K": usd("0.039")},
        references=3,  # Google: works best with up to 3 input images [T]
        text=TextRendering.GOOD,
        good_at="Quick, low-cost series that keep a person looking the same.",
        seconds=10,
        life=Lifecycle(
            shutdown=date(2027, 3, 15), replacement=NANO_BANANA_2_1, source=_LIFECYCLE_SRC
        ),
        image_out_per_million=usd("30"),  # 1290 output tokens at $30/1M
    ),
    # GA 2026-05-28, shut down 2026-10-29 [T, LiteLLM only]; successor Nano Banana 2.1 [T].
    _gemini(
        "gemini-3.1-flash-image",
        "Gemini 3.1 Flash Image (Nano Banana 2)",
        _GEMINI_4K,
        _FLASH_PRICES,
        references=14,
        text=TextRendering.GOOD,
        good_at="Fast pictures up to 4K with good text, at a middle price.",
        seconds=15,
        life=Lifecycle(
            shutdown=date(2026, 10, 29), replacement=NANO_BANANA_2_1, source=_LIFECYCLE_SRC
        ),
    ),
    # The preview ids: superseded by the GA ids, no date published [T].
    _gemini(
        "gemini-3-pro-image-preview",
        "Gemini 3 Pro Image preview (Nano Banana Pro)",
        _GEMINI_4K,
        _PRO_PRICES,
        references=14,
        text=TextRendering.STRONG,
        good_at="The preview of Gemini 3 Pro Image: detailed pictures up to 4K, strong text.",
        seconds=30,
    ),
    _gemini(
        "gemini-3.1-flash-image-preview",
        "Gemini 3.1 Flash Image preview (Nano Banana 2)",
        _GEMINI_4K,
        _FLASH_PRICES,
        references=14,
        text=TextRendering.GOOD,
        good_at="Fast pictures up to 4K with good text, at a middle price.",
        seconds=15,
    ),
    # Google named gemini-3.1-flash-image (thinking MINIMAL / HIGH) for Imagen 4 Fast and Imagen 4
    # [V], and that model has since shut down too; its successor Nano Banana 2.1 is what to use
    # instead now. Imagen 4 Ultra -> gemini-3-pro-image [V].
    _imagen(
        "imagen-4-fast",
        "imagen-4.0-fast-generate-001",
        "Imagen 4 Fast",
        _IMAGEN_FAST,
        "0.02",
        "Cheap, quick photoreal pictures.",
        NANO_BANANA_2_1,
    ),
    _imagen(
        "imagen-4",
        "imagen-4.0-generate-001",
        "Imagen 4",
        _IMAGEN_2K,
        "0.04",
        "Photoreal pictures with good text.",
        NANO_BANANA_2_1,
    ),
    _imagen(
        "imagen-4-ultra",
        "imagen-4.0-ultra-generate-001",
        "Imagen 4 Ultra",
        _IMAGEN_2K,
        "0.06",
        "Imagen's most detailed pictures.",
        GEMINI_3_PRO_IMAGE,
    ),
)
