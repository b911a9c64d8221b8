"""hiapi's models: GPT Image 2 and Qwen Image 2.0 through its asynchronous task API, FLUX1.1 [pro]
through its synchronous images endpoint.

Sources, gathered 2026-11: hiapi's own model and API documentation [V] for ids and fields; prices
from the seed article that tested models through hiapi in 2026-05 ("GPT Image 2 $0.03, FLUX 1.1
Pro $0.05 per image") [T: a third party, not re-verified]. hiapi publishes its other prices on
a live page only, so Qwen Image 2.0 is priced by the workspace: it enters what hiapi charges it
on the key (catalog.rules.WorkspacePriceRule, $0 until it does). hiapi's Nano Banana models are
served through its chat-completions surface only, a third wire shape, and are not offered here.
No entry takes reference images: hiapi's image-to-image models take public URLs, which the
studio does not publish.
"""

from __future__ import annotations

from catalog.models import (
    ASPECT_RATIOS,
    Capabilities,
    CatalogModel,
    Family,
    FixedSizes,
    Lifecycle,
    Provider,
    RatioOnly,
    SizeRule,
    TextRendering,
)
from catalog.rules import AnyPriceRule, FixedPriceRule, WorkspacePriceRule

from .common import AS_OF, usd

_LIFECYCLE_SRC = f"HiAPI's model documentation, {AS_OF}; it gives no release or shutdown dates"
_SEED_PRICE_SRC = "a third-party test of models through HiAPI, 2026-05 (not re-verified)"
_OWN_PRICE_SRC = "the price the workspace entered for its HiAPI key (HiAPI lists no price)"


def _model(
    model_id: str,
    api_model: str,
    name: str,
    family: Family,
    sizing: SizeRule,
    price: AnyPriceRule,
    *,
    is_async: bool = True,
    seed: bool = False,
    text: TextRendering,
    good_at: str,
    seconds: int,
) -> CatalogModel:
    return CatalogModel(
        id=model_id,
        api_model=api_model,
        provider=Provider.HIAPI,
        display_name=name,
        family=family,
        is_async=is_async,
        lifecycle=Lifecycle(source=_LIFECYCLE_SRC),
        capabilities=Capabilities(sizing=sizing, text_rendering=text, seed=seed),
        price=price,
        good_at=good_at,
        typical_seconds=seconds,
    )


MODELS: tuple[CatalogModel, ...] = (
    # `input.aspect_ratio` (every ratio of ours is in hiapi's list) and `input.resolution`; only
    # 1K has a price, so only 1K is offered.
    _model(
        "hiapi-gpt-image-2",
        "gpt-image-2",
        "GPT Image 2 via HiAPI",
        Family.GPT_IMAGE,
        RatioOnly(
            aspect_ratios=ASPECT_RATIOS,
            image_sizes={"1K": "1K"},
            limit_note="through HiAPI it is offered at 1K only",
        ),
        FixedPriceRule(
            name="hiapi-gpt-image-2-per-image",
            source=_SEED_PRICE_SRC,
            as_of=AS_OF,
            trust="T",
            usd=usd("0.03"),
        ),
        text=TextRendering.STRONG,
        good_at="OpenAI's GPT Image 2 on your HiAPI account: strong text, at a flat price.",
        seconds=60,
    ),
    # `input.size` is one of five WIDTH*HEIGHT sizes of about 4 MP [V].
    _model(
        "hiapi-qwen-image-2",
        "qwen-image-2.0",
        "Qwen Image 2.0 via HiAPI",
        Family.FLUX,  # short descriptive prompts, as FLUX takes them
        FixedSizes(
            sizes={
                "1:1": (2048, 2048),
                "16:9": (2688, 1536),
                "9:16": (1536, 2688),
                "4:3": (2368, 1728),
                "3:4": (1728, 2368),
            },
            resolution="2K",
            limit_note="HiAPI offers it at about 4 megapixels only",
        ),
        WorkspacePriceRule(
            name="hiapi-qwen-image-2-workspace-price",
            source=_OWN_PRICE_SRC,
            as_of=AS_OF,
            trust="U",
        ),
        seed=True,
        text=TextRendering.GOOD,
        good_at="Alibaba's Qwen Image 2.0: large, detailed pictures with good text.",
        seconds=20,
    ),
    # The synchronous images endpoint takes three sizes [V].
    _model(
        "hiapi-flux-1-1-pro",
        "flux-1.1-pro",
        "FLUX1.1 [pro] via HiAPI",
        Family.FLUX,
        FixedSizes(
            sizes={"1:1": (1024, 1024), "16:9": (1792, 1024), "9:16": (1024, 1792)},
            limit_note="HiAPI offers it square, 16:9 and 9:16 only",
        ),
        FixedPriceRule(
            name="hiapi-flux-1-1-pro-per-image",
            source=_SEED_PRICE_SRC,
            as_of=AS_OF,
            trust="T",
            usd=usd("0.05"),
        ),
        is_async=False,
        text=TextRendering.FAIR,
        good_at="Black Forest Labs' FLUX1.1 [pro] on your HiAPI account: quick, natural photos.",
        seconds=7,
    ),
)
