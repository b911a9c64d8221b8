"""OpenAI image models: the GPT Image family and the retired DALL-E models."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from catalog.models import (
    Capabilities,
    CatalogModel,
    Family,
    FixedSizes,
    Lifecycle,
    PixelGrid,
    Provider,
    TextRendering,
)
from catalog.rules import (
    OpenAITokenRule,
    PerImageTableRule,
    TokenPrices,
    Trust,
)

from .common import AS_OF, usd

_LIFECYCLE_SRC = f"OpenAI model lifecycle documentation, {AS_OF}"
_TOKEN_SRC = f"OpenAI pricing page, {AS_OF} (GPT image models, token prices)"
_REPLACEMENT = "gpt-image-2"

_BASIC = ("low", "medium", "high")
_IDENTITY = {q: q for q in _BASIC}
_EXTENDED = {**_IDENTITY, "xhigh": "xhigh", "max": "max"}  # 2.5 / 2.6 [T]

# gpt-image-2 and later: any WxH on a 16 px grid, ratio 1:3..3:1, 655,360..8,294,400 px,
# longest side <= 3840 (OpenAI's documentation; the OpenAPI `size` description agrees).
_FREE_SIZES = PixelGrid(
    step=16,
    min_side=16,
    max_side=3840,
    min_pixels=655_360,
    max_pixels=8_294_400,
    max_ratio=3,
    resolutions=("1K", "2K", "4K"),
    limit_note="it goes up to 3840 px a side and 8.3 megapixels",
)

# gpt-image-1 / 1-mini / 1.5 take only these three sizes (plus `auto`, which we never send).
_THREE_SIZES = FixedSizes(
    sizes={"1:1": (1024, 1024), "3:2": (1536, 1024), "2:3": (1024, 1536)},
    limit_note="it makes only 1024x1024, 1536x1024 and 1024x1536",
)

# Output tokens per image for gpt-image-1 and gpt-image-1.5 (OpenAI's pricing page).
_GPT_IMAGE_1_TOKENS = {
    "1024x1024": {"low": 272, "medium": 1056, "high": 4160},
    "1024x1536": {"low": 408, "medium": 1584, "high": 6240},
    "1536x1024": {"low": 400, "medium": 1568, "high": 6208},
}

_MINI_LIST_PRICES = {
    "1024x1024": {"low": usd("0.005"), "medium": usd("0.011"), "high": usd("0.036")},
    "1024x1536": {"low": usd("0.006"), "medium": usd("0.015"), "high": usd("0.052")},
    "1536x1024": {"low": usd("0.006"), "medium": usd("0.015"), "high": usd("0.052")},
}


def _prices(text_in: str, image_in: str, image_out: str) -> TokenPrices:
    return TokenPrices(
        text_in=Decimal(text_in), image_in=Decimal(image_in), image_out=Decimal(image_out)
    )


def _gpt_image_2_family(
    model_id: str, name: str, released: date, trust: Trust, *, extended: bool, good_at: str
) -> CatalogModel:
    return CatalogModel(
        id=model_id,
        api_model=model_id,
        provider=Provider.OPENAI,
        display_name=name,
        family=Family.GPT_IMAGE,
        is_async=False,
        lifecycle=Lifecycle(released=released, source=_LIFECYCLE_SRC),
        capabilities=Capabilities(
            sizing=_FREE_SIZES,
            quality_map=_EXTENDED if extended else _IDENTITY,
            max_references=16,
            edits=True,
            input_fidelity=True,
            transparent_background=True,  # "in preview" for gpt-image-2 (OpenAPI spec)
            text_rendering=TextRendering.STRONG,
        ),
        price=OpenAITokenRule(
            name=f"openai-{model_id}-tokens",
            source=_TOKEN_SRC + "; output tokens by the gpt-image-2 formula",
            as_of=AS_OF,
            trust=trust,
            prices=_prices("5.00", "8.00", "30.00"),
        ),
        good_at=good_at,
        typical_seconds=_GPT_IMAGE_2_SECONDS,
    )


def _gpt_image_1_family(
    model_id: str,
    name: str,
    *,
    shutdown: date,
    rule: OpenAITokenRule,
    text: TextRendering,
    good_at: str,
    seconds: int,
    input_fidelity: bool = True,
) -> CatalogModel:
    return CatalogModel(
        id=model_id,
        api_model=model_id,
        provider=Provider.OPENAI,
        display_name=name,
        family=Family.GPT_IMAGE,
        is_async=False,
        lifecycle=Lifecycle(shutdown=shutdown, replacement=_REPLACEMENT, source=_LIFECYCLE_SRC),
        capabilities=Capabilities(
            sizing=_THREE_SIZES,
            quality_map=_IDENTITY,
            max_references=16,
            edits=True,
            input_fidelity=input_fidelity,
            transparent_background=True,
            text_rendering=text,
        ),
        price=rule,
        good_at=good_at,
        typical_seconds=seconds,
    )


def _dall_e(
    model_id: str, name: str, caps: Capabilities, prices: PerImageTableRule, seconds: int
) -> CatalogModel:
    return CatalogModel(
        id=model_id,
        api_model=model_id,
        provider=Provider.OPENAI,
        display_name=name,
        family=Family.GPT_IMAGE,  # prompt styling closest to the GPT image models
        is_async=False,
        lifecycle=Lifecycle(
            shutdown=date(2026, 5, 12), replacement=_REPLACEMENT, source=_LIFECYCLE_SRC
        ),
        capabilities=caps,
        price=prices,
        good_at="Retired: GPT Image 2 makes better pictures for a similar price.",
        typical_seconds=seconds,
    )


# Measured latency: GPT Image 2 about 59 s mean (38.8-96.4 s); the 2.5 and 2.6
# releases are taken to be alike (no figures of their own).
_GPT_IMAGE_2_SECONDS = 60
# The Flare and Sunburst tunings differ in ways our contracts do not describe: say what is known.
_NEWER = "long briefs, reference photos, clean text"
_NEWER_RELEASES: tuple[tuple[str, date, Trust, str], ...] = (
    ("2.5", date(2026, 9, 8), "T", "GPT Image 2, newer"),
    ("2.6", date(2026, 11, 4), "V", "The newest GPT Image"),
)

_DALL_E_SRC = f"OpenAI pricing page, {AS_OF} (DALL-E, per image)"

MODELS: tuple[CatalogModel, ...] = (
    _gpt_image_2_family(
        "gpt-image-2",
        "GPT Image 2",
        date(2026, 4, 21),
        "T",
        extended=False,
        good_at="Follows long briefs and up to 16 reference photos closely; clean text in images.",
    ),
    *(
        _gpt_image_2_family(
            f"gpt-image-{version}-{tuning}",
            f"GPT Image {version} {tuning.capitalize()}",
            released,
            trust,
            extended=True,
            good_at=f"{lead} ({released:%B %Y}, {tuning.capitalize()}): {_NEWER}.",
        )
        for version, released, trust, lead in _NEWER_RELEASES
        for tuning in ("flare", "sunburst")
    ),
    _gpt_image_1_family(
        "gpt-image-1.5",
        "GPT Image 1.5",
        shutdown=date(2026, 12, 1),
        text=TextRendering.GOOD,
        good_at="Retired: GPT Image 2 does the same with more sizes.",
        seconds=30,
        rule=OpenAITokenRule(
            name="openai-gpt-image-1.5-tokens",
            source=_TOKEN_SRC + "; output-token table",
            as_of=AS_OF,
            trust="T",
            prices=_prices("5.00", "8.00", "32.00"),
            output_tokens=_GPT_IMAGE_1_TOKENS,
        ),
    ),
    _gpt_image_1_family(
        "gpt-image-1-mini",
        "GPT Image 1 Mini",
        shutdown=date(2026, 12, 1),
        text=TextRendering.FAIR,
        good_at="Retired: the FLUX.2 [klein] models are the cheap, quick choice now.",
        seconds=15,
        input_fidelity=False,  # the spec: "unsupported for gpt-image-1-mini"
        rule=OpenAITokenRule(
            name="openai-gpt-image-1-mini-tokens",
            source=_TOKEN_SRC + "; per-image list prices for estimates",
            as_of=AS_OF,
            trust="V",
            prices=_prices("2.00", "2.50", "8.00"),
            list_prices=_MINI_LIST_PRICES,
        ),
    ),
    _gpt_image_1_family(
        "gpt-image-1",
        "GPT Image 1",
        shutdown=date(2026, 10, 23),
        text=TextRendering.GOOD,
        good_at="Retired: GPT Image 2 replaces it.",
        seconds=45,
        rule=OpenAITokenRule(
            name="openai-gpt-image-1-tokens",
            source=_TOKEN_SRC + "; output-token table",
            as_of=AS_OF,
            trust="V",
            prices=_prices("5.00", "10.00", "40.00"),
            output_tokens=_GPT_IMAGE_1_TOKENS,
        ),
    ),
    _dall_e(
        "dall-e-3",
        "DALL-E 3",
        Capabilities(
            sizing=FixedSizes(
                # 1792x1024 is 1.75:1, the closest DALL-E 3 has to 16:9
                sizes={"1:1": (1024, 1024), "16:9": (1792, 1024), "9:16": (1024, 1792)},
                limit_note="it makes only 1024x1024, 1792x1024 and 1024x1792",
            ),
            quality_map={"low": "standard", "medium": "standard", "high": "hd"},
            text_rendering=TextRendering.FAIR,
        ),
        PerImageTableRule(
            name="openai-dall-e-3-per-image",
            source=_DALL_E_SRC,
            as_of=AS_OF,
            trust="T",  # the price list gives no trust mark: taken as third party
            prices={
                "1024x1024": {"standard": usd("0.040"), "hd": usd("0.080")},
                "1792x1024": {"standard": usd("0.080"), "hd": usd("0.120")},
                "1024x1792": {"standard": usd("0.080"), "hd": usd("0.120")},
            },
        ),
        15,
    ),
    _dall_e(
        "dall-e-2",
        "DALL-E 2",
        Capabilities(
            sizing=FixedSizes(
                sizes={"1:1": (1024, 1024)},  # 256 and 512 exist but are below our 1K class
                limit_note="it makes only 1024x1024 (and smaller squares)",
            ),
            quality_map={"low": "standard", "medium": "standard", "high": "standard"},
            max_references=1,
            edits=True,
            text_rendering=TextRendering.WEAK,
        ),
        PerImageTableRule(
            name="openai-dall-e-2-per-image",
            source=_DALL_E_SRC,
            as_of=AS_OF,
            trust="T",  # the price list gives no trust mark: taken as third party
            prices={
                "256x256": {"standard": usd("0.016")},
                "512x512": {"standard": usd("0.018")},
                "1024x1024": {"standard": usd("0.020")},
            },
        ),
        10,
    ),
)
