"""fal.ai models: asynchronous through fal's queue (submit -> status -> result).

Sources, gathered 2026-11: fal's model pages and their API schemas (fal's JavaScript client types),
fal's "how to use Qwen Image 2" guide, the Seedream 4.5 playground's price line and Nano Banana 2's
machine-readable model page; marks as elsewhere: [V] from fal itself, [T] third party, [U]
uncertain or inferred. fal publishes no release or shutdown dates for these endpoints.

No fal answer carries a price, so every cost here is the table's (a key with admin scope could
read fal's billing events afterwards; an inference key, the usual one, cannot). `api_model` is the
text-to-image endpoint; with reference photos the adapter calls the model's edit endpoint, which
fal prices the same.
"""

from __future__ import annotations

from catalog.models import (
    ASPECT_RATIOS,
    Capabilities,
    CatalogModel,
    Family,
    Lifecycle,
    PixelGrid,
    Provider,
    RatioOnly,
    SizeRule,
    TextRendering,
)
from catalog.rules import AnyPriceRule, FixedPriceRule, PerImageBySizeRule

from .common import AS_OF, MP, usd

_LIFECYCLE_SRC = f"fal.ai model pages, {AS_OF}; they give no release or shutdown dates"
_PRICE_SRC = f"fal.ai model pages and guides, {AS_OF} (per image; no fal answer reports a cost)"

# Qwen Image 2.0: `image_size` {width, height} with 512x512 to 2048x2048 pixels in all [V]; the
# grid step is ours (multiples of 16 suit every diffusion model) [U].
_QWEN_SIZES = PixelGrid(
    step=16,
    min_side=256,
    max_side=None,
    min_pixels=512 * 512,
    max_pixels=4 * MP,
    resolutions=("1K", "2K"),
    limit_note="it goes up to 2048x2048 (2K)",
)
# Seedream 4.5: at least 2560x1440 and at most 4096x4096 pixels in all [V].
_SEEDREAM_SIZES = PixelGrid(
    step=16,
    min_side=1024,
    max_side=4096,
    min_pixels=2560 * 1440,
    max_pixels=16 * MP,
    resolutions=("2K", "4K"),
    limit_note="it makes images of at least 2560x1440 (2K and 4K only)",
)
# Nano Banana 2: `aspect_ratio` (every ratio of ours) and `resolution` 0.5K/1K/2K/4K [V].
_NANO_BANANA_SIZES = RatioOnly(
    aspect_ratios=ASPECT_RATIOS,
    image_sizes={"1K": "1K", "2K": "2K", "4K": "4K"},
    limit_note="it goes up to 4K",
)


def _per_image(model_id: str, amount: str) -> FixedPriceRule:
    return FixedPriceRule(
        name=f"{model_id}-per-image", source=_PRICE_SRC, as_of=AS_OF, trust="V", usd=usd(amount)
    )


def _fal(
    model_id: str,
    endpoint: str,
    name: str,
    *,
    family: Family,
    sizing: SizeRule,
    price: AnyPriceRule,
    references: int,
    text: TextRendering,
    seed: bool,
    good_at: str,
    seconds: int,
) -> CatalogModel:
    return CatalogModel(
        id=model_id,
        api_model=endpoint,
        provider=Provider.FAL,
        display_name=name,
        family=family,
        is_async=True,
        lifecycle=Lifecycle(source=_LIFECYCLE_SRC),
        capabilities=Capabilities(
            sizing=sizing, max_references=references, edits=True, text_rendering=text, seed=seed
        ),
        price=price,
        good_at=good_at,
        typical_seconds=seconds,
    )


# Typical seconds: fal publishes none for these; our estimates.
MODELS: tuple[CatalogModel, ...] = (
    _fal(
        "fal-qwen-image-2",
        "fal-ai/qwen-image-2/text-to-image",
        "Qwen Image 2.0 via fal.ai",
        family=Family.FLUX,  # short descriptive phrases; its edit endpoint takes <= 800 characters
        sizing=_QWEN_SIZES,
        price=_per_image("fal-qwen-image-2", "0.035"),  # text-to-image and edit alike [V]
        references=3,  # the edit endpoint takes 1-3 images [V]
        text=TextRendering.STRONG,
        seed=True,
        good_at="Sharp portraits and crisp lettering, in English or Chinese, at a low price.",
        seconds=10,
    ),
    _fal(
        "fal-qwen-image-2-pro",
        "fal-ai/qwen-image-2/pro/text-to-image",
        "Qwen Image 2.0 Pro via fal.ai",
        family=Family.FLUX,
        sizing=_QWEN_SIZES,
        price=_per_image("fal-qwen-image-2-pro", "0.075"),
        references=3,
        text=TextRendering.STRONG,
        seed=True,
        good_at="Qwen's finest detail and cleanest text, for final pictures.",
        seconds=15,
    ),
    _fal(
        "fal-seedream-4.5",
        "fal-ai/bytedance/seedream/v4.5/text-to-image",
        "Seedream 4.5 via fal.ai",
        family=Family.FLUX,
        sizing=_SEEDREAM_SIZES,
        price=_per_image("fal-seedream-4.5", "0.04"),  # per output image; we ask for one [V]
        references=10,  # the edit endpoint uses up to 10 [V]
        text=TextRendering.GOOD,
        seed=True,
        good_at="Large, detailed 2K-4K portraits that keep a face from up to 10 photos.",
        seconds=20,
    ),
    _fal(
        "fal-nano-banana-2",
        "fal-ai/nano-banana-2",
        "Nano Banana 2 via fal.ai",
        family=Family.GEMINI,
        sizing=_NANO_BANANA_SIZES,
        # $0.08 at 1K, x1.5 at 2K, x2 at 4K (web search and high thinking, which cost more, are
        # never asked for) [V]; dearer than Google's own price for the same model.
        price=PerImageBySizeRule(
            name="fal-nano-banana-2-per-image",
            source=_PRICE_SRC,
            as_of=AS_OF,
            trust="V",
            prices={"1K": usd("0.08"), "2K": usd("0.12"), "4K": usd("0.16")},
        ),
        references=14,  # as Google's Nano Banana 2 [U for fal's edit endpoint]
        text=TextRendering.GOOD,
        seed=False,  # it takes a seed, but Gemini models do not repeat a picture from one
        good_at="Google's Nano Banana 2 on a fal.ai key: natural portraits up to 4K.",
        seconds=12,
    ),
)
