"""APIMart's models: GPT Image 2, Qwen Image 2.0 and Nano Banana 2, all through its asynchronous
images endpoint (a ratio as `size`, a `resolution` class in the model's own spelling).

Sources, gathered 2026-11: APIMart's own API documentation [V] for ids and fields (Nano Banana
2's id from third-party pages [T]); prices from third parties [T]: GPT Image 2 $0.006 (1K) /
$0.012 (2K) flat per image (a price comparison site), Nano Banana 2 $0.015 (1K) / $0.02 (2K)
(APIMart-branded wiki pages, observed 2026-10-12). Qwen Image 2.0 is listed only "from $0.02",
not a price: the workspace enters what APIMart charges it on the key
(catalog.rules.WorkspacePriceRule), and until it does the "from" price is used. 4K is left out:
APIMart makes it for some ratios only and lists no price for Nano Banana 2 at 4K. No entry takes
reference images (Qwen's take public URLs only; GPT Image 2's base64 form is not documented).
APIMart also sells FLUX, but names no FLUX 1.1 Pro id or price: not offered.
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
from catalog.rules import AnyPriceRule, PerImageBySizeRule, WorkspacePriceRule

from .common import AS_OF, usd

_LIFECYCLE_SRC = f"APIMart's API documentation, {AS_OF}; it gives no release or shutdown dates"
_PRICE_SRC = f"third-party reports of APIMart's prices, {AS_OF}"
_OWN_PRICE_SRC = (
    "the price the workspace entered for its APIMart key; until then APIMart's "
    '"from $0.02" (third-party report, 2026-10-12)'
)


def _model(
    model_id: str,
    api_model: str,
    name: str,
    family: Family,
    sizing: RatioOnly,
    price: AnyPriceRule,
    *,
    text: TextRendering,
    good_at: str,
    seconds: int,
) -> CatalogModel:
    return CatalogModel(
        id=model_id,
        api_model=api_model,
        provider=Provider.APIMART,
        display_name=name,
        family=family,
        is_async=True,
        lifecycle=Lifecycle(source=_LIFECYCLE_SRC),
        capabilities=Capabilities(sizing=sizing, text_rendering=text),
        price=price,
        good_at=good_at,
        typical_seconds=seconds,
    )


def _by_resolution(model_id: str, prices: dict[str, Decimal]) -> PerImageBySizeRule:
    return PerImageBySizeRule(
        name=f"{model_id}-per-image", source=_PRICE_SRC, as_of=AS_OF, trust="T", prices=prices
    )


MODELS: tuple[CatalogModel, ...] = (
    # Every ratio of ours is in APIMart's list; `resolution` is lower case for this model [V].
    # Typical time: done in 44-53 s [T].
    _model(
        "apimart-gpt-image-2",
        "gpt-image-2",
        "GPT Image 2 via APIMart",
        Family.GPT_IMAGE,
        RatioOnly(
            aspect_ratios=ASPECT_RATIOS,
            image_sizes={"1K": "1k", "2K": "2k"},
            limit_note="through APIMart it goes up to 2K",
        ),
        _by_resolution("apimart-gpt-image-2", {"1K": usd("0.006"), "2K": usd("0.012")}),
        text=TextRendering.STRONG,
        good_at="OpenAI's GPT Image 2 on your APIMart account: strong text, at a low flat price.",
        seconds=50,
    ),
    # Ratios 1:1 4:3 3:4 16:9 9:16 3:2 2:3 and 1K / 2K [V]; prompts of at most 800 characters.
    _model(
        "apimart-qwen-image-2",
        "qwen-image-2.0",
        "Qwen Image 2.0 via APIMart",
        Family.FLUX,  # short descriptive prompts, as FLUX takes them
        RatioOnly(
            aspect_ratios=("1:1", "4:3", "3:4", "16:9", "9:16", "3:2", "2:3"),
            image_sizes={"1K": "1K", "2K": "2K"},
            limit_note="through APIMart it goes up to 2K",
        ),
        WorkspacePriceRule(
            name="apimart-qwen-image-2-workspace-price",
            source=_OWN_PRICE_SRC,
            as_of=AS_OF,
            trust="U",
            default_usd=usd("0.02"),
        ),
        text=TextRendering.GOOD,
        good_at="Alibaba's Qwen Image 2.0: detailed pictures with good text.",
        seconds=20,
    ),
    # Its fields are assumed to be GPT Image 2's (ratio and resolution) [U].
    _model(
        "apimart-nano-banana-2",
        "gemini-3.1-flash-image-preview",
        "Nano Banana 2 via APIMart",
        Family.GEMINI,
        RatioOnly(
            aspect_ratios=ASPECT_RATIOS,
            image_sizes={"1K": "1K", "2K": "2K"},
            limit_note="through APIMart it goes up to 2K",
        ),
        _by_resolution("apimart-nano-banana-2", {"1K": usd("0.015"), "2K": usd("0.02")}),
        text=TextRendering.GOOD,
        good_at="Google's fast Nano Banana 2 on your APIMart account, at a low price.",
        seconds=15,
    ),
)
