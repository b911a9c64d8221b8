"""Black Forest Labs models: asynchronous submit -> poll."""

from __future__ import annotations

from decimal import Decimal

from catalog.models import ASPECT_RATIOS as _ALL_RATIOS
from catalog.models import (
    Capabilities,
    CatalogModel,
    Family,
    Lifecycle,
    PixelGrid,
    Provider,
    RatioOnly,
    TextRendering,
)
from catalog.rules import (
    FixedCreditsRule,
    FluxMegapixelRule,
)

from .common import AS_OF, MP

_LIFECYCLE_SRC = f"Black Forest Labs API documentation, {AS_OF}; it gives no release dates"
_FLUX2_PRICE_SRC = (
    f"Black Forest Labs pricing page, {AS_OF} (FLUX.2 per megapixel, inferred from two data "
    "points; the `cost` in the submit response wins)"
)
_FLUX1_PRICE_SRC = (
    f"Black Forest Labs pricing page, {AS_OF} (FLUX.1 family, credits per image; 1 credit = $0.01)"
)

# FLUX.2: width/height multiples of 16, at most 4 MP (BFL's documentation; its OpenAPI: >= 64).
_FLUX2_SIZES = PixelGrid(
    step=16,
    min_side=64,
    max_side=None,
    max_pixels=4 * MP,
    resolutions=("1K", "2K"),
    limit_note="it goes up to 4 megapixels (2048x2048)",
)

# FLUX1.1 [pro] and FLUX.1 [dev]: width/height multiples of 32 in 256..1440 (bfl.openapi.json).
_FLUX1_SIZES = PixelGrid(
    step=32,
    min_side=256,
    max_side=1440,
    max_pixels=1440 * 1440,
    resolutions=("1K",),
    limit_note="it goes up to 1440 px a side",
)

# Ultra and Kontext take `aspect_ratio` between 21:9 and 9:21 (bfl.openapi.json); every ratio of
# our vocabulary is inside. Ultra makes about 4 MP, Kontext about 1 MP, and neither takes a size.
_ULTRA_SIZES = RatioOnly(
    aspect_ratios=_ALL_RATIOS,
    image_sizes={"2K": None},
    limit_note="it always makes images of about 4 megapixels",
)
_KONTEXT_SIZES = RatioOnly(
    aspect_ratios=_ALL_RATIOS,
    image_sizes={"1K": None},
    limit_note="it always makes images of about 1 megapixel",
)


def _flux2(
    model_id: str,
    name: str,
    first: str,
    extra: str,
    *,
    references: int,
    text: TextRendering,
    good_at: str,
    seconds: int,
    notes: str = "",
) -> CatalogModel:
    return CatalogModel(
        id=model_id,
        api_model=model_id,
        provider=Provider.BFL,
        display_name=name,
        family=Family.FLUX,
        is_async=True,
        lifecycle=Lifecycle(source=_LIFECYCLE_SRC),
        capabilities=Capabilities(
            sizing=_FLUX2_SIZES,
            max_references=references,
            edits=True,
            text_rendering=text,
            seed=True,
        ),
        price=FluxMegapixelRule(
            name=f"bfl-{model_id}-per-megapixel",
            source=_FLUX2_PRICE_SRC,
            as_of=AS_OF,
            trust="U",
            first_mp=Decimal(first),
            extra_mp=Decimal(extra),
        ),
        good_at=good_at,
        typical_seconds=seconds,
        notes=notes,
    )


def _flux1(
    model_id: str,
    name: str,
    credits: str,
    caps: Capabilities,
    *,
    good_at: str,
    seconds: int,
) -> CatalogModel:
    return CatalogModel(
        id=model_id,
        api_model=model_id,
        provider=Provider.BFL,
        display_name=name,
        family=Family.FLUX,
        is_async=True,
        lifecycle=Lifecycle(source=_LIFECYCLE_SRC),
        capabilities=caps,
        price=FixedCreditsRule(
            name=f"bfl-{model_id}-per-image",
            source=_FLUX1_PRICE_SRC,
            as_of=AS_OF,
            trust="T",  # the price list gives no trust mark: taken as third party
            credits=Decimal(credits),
        ),
        good_at=good_at,
        typical_seconds=seconds,
    )


# Typical seconds: measured latencies (flux-2-pro 13.8 s, flux-2-max 36 s, klein
# 2.4 s, flux-pro-1.1 6.4 s mean); flex, Ultra, Kontext and dev are our estimates.
MODELS: tuple[CatalogModel, ...] = (
    _flux2(
        "flux-2-max",
        "FLUX.2 [max]",
        "7",
        "3",
        references=8,
        text=TextRendering.STRONG,
        good_at="FLUX's finest detail in skin, hair and fabric, and strong text; slower.",
        seconds=36,
    ),
    _flux2(
        "flux-2-pro",
        "FLUX.2 [pro]",
        "3",
        "1.5",
        references=8,
        text=TextRendering.GOOD,
        good_at="Photoreal portraits at a fair price, with up to 8 reference photos.",
        seconds=14,
    ),
    _flux2(
        "flux-2-flex",
        "FLUX.2 [flex]",
        "6",  # sources say 5 or 6: the higher, so the estimate stays an upper bound
        "6",
        references=8,
        text=TextRendering.STRONG,
        good_at="Designs with words in them: posters, badges and shirts with lettering.",
        seconds=20,
        notes="First-MP price uncertain (5 or 6 credits); settle from the response `cost`.",
    ),
    _flux2(
        "flux-2-klein-4b",
        "FLUX.2 [klein] 4B",
        "1.4",
        "0.1",
        references=4,
        text=TextRendering.FAIR,
        good_at="Very quick, very cheap drafts for trying many ideas.",
        seconds=3,
    ),
    _flux2(
        "flux-2-klein-9b",
        "FLUX.2 [klein] 9B",
        "1.5",
        "0.2",
        references=4,
        text=TextRendering.FAIR,
        good_at="Quick, cheap drafts with a little more detail than klein 4B.",
        seconds=3,
    ),
    _flux1(
        "flux-pro-1.1",
        "FLUX1.1 [pro]",
        "4",
        # one `image_prompt` (Redux) guides the image; it is not an edit
        Capabilities(
            sizing=_FLUX1_SIZES, max_references=1, text_rendering=TextRendering.FAIR, seed=True
        ),
        good_at="Dependable photoreal pictures in a few seconds.",
        seconds=7,
    ),
    _flux1(
        "flux-pro-1.1-ultra",
        "FLUX1.1 [pro] Ultra",
        "6",  # also with `raw`
        Capabilities(
            sizing=_ULTRA_SIZES, max_references=1, text_rendering=TextRendering.FAIR, seed=True
        ),
        good_at="Large 4-megapixel pictures for print and wide banners.",
        seconds=10,
    ),
    _flux1(
        "flux-kontext-pro",
        "FLUX.1 Kontext [pro]",
        "4",
        Capabilities(
            sizing=_KONTEXT_SIZES,
            max_references=4,
            edits=True,
            text_rendering=TextRendering.GOOD,
            seed=True,
        ),
        good_at="Keeping one face the same across scenes, from up to 4 reference photos.",
        seconds=6,
    ),
    _flux1(
        "flux-kontext-max",
        "FLUX.1 Kontext [max]",
        "8",
        Capabilities(
            sizing=_KONTEXT_SIZES,
            max_references=4,
            edits=True,
            text_rendering=TextRendering.GOOD,
            seed=True,
        ),
        good_at="Like Kontext [pro], with finer detail and cleaner text.",
        seconds=8,
    ),
    _flux1(
        "flux-dev",
        "FLUX.1 [dev]",
        "2.5",
        Capabilities(
            sizing=_FLUX1_SIZES, max_references=1, text_rendering=TextRendering.WEAK, seed=True
        ),
        good_at="Low-cost experiments; weak at text.",
        seconds=4,
    ),
)
