"""Estimates before a job and actual costs after it, in Decimal USD, from the catalog's price rules.

Estimates are the WORST case a budget must reserve, per image, summed over `n_images` (every image
is assumed to be its own provider call, so inputs are counted once per image):
- GPT image models: the output side by the model's rule (gpt-image-2 formula, gpt-image-1/1.5
  token table, gpt-image-1-mini list price; xhigh/max as high), plus an input allowance:
  prompt text tokens <= the prompt's UTF-8 byte count + 64 (a byte-level tokenizer never makes more
  tokens than bytes; PROMPT_TOKEN_ALLOWANCE when the prompt is not given) at the text-in price, and
  REFERENCE_IMAGE_TOKEN_ALLOWANCE image tokens per reference at the image-in price.
- FLUX.2: the megapixel rule, with the first megapixel charged in full, and each reference at its
  real size when `reference_sizes` is given, else at REFERENCE_MP_ALLOWANCE (BFL's 4 MP cap).
- Everything else: the fixed table. Google's input tokens have no published price we rely on and are
  not included (a known gap).
Actuals: provider numbers win (dollars the provider says it billed, OpenRouter's `usage.cost`, over
any rule; OpenAI `usage` tokens x prices, BFL `cost` credits, Gemini 2.5 image-output tokens x
$30/1M); the table is the fallback when a provider reported nothing, and `Cost.basis` says which
was used. Amounts are quantized to 1e-8 USD, exact for every contract rule.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal

from catalog.usage import Usage

from .formulas import flux2_credits, gpt_image_2_output_tokens, megapixels, per_token
from .lifecycle import get_model
from .models import (
    Basis,
    CatalogError,
    Cost,
    CostEstimate,
    ResolvedParams,
)
from .params import check_references
from .rules import (
    AnyPriceRule,
    FixedCreditsRule,
    FixedPriceRule,
    FluxMegapixelRule,
    OpenAITokenRule,
    PerImageBySizeRule,
    PerImageTableRule,
    WorkspacePriceRule,
)

PROMPT_TOKEN_ALLOWANCE = 4096
PROMPT_TOKEN_OVERHEAD = 64
# gpt-image-2 reads references at high fidelity; a 1024x1024 input is about 3,050 image tokens
# [T: fal.ai's gpt-image-1/1.5 pricing pages]. Twice that covers references up to about 2 MP.
REFERENCE_IMAGE_TOKEN_ALLOWANCE = 6144
REFERENCE_MP_ALLOWANCE = Decimal("4.00")
CREDIT_USD = Decimal("0.01")
QUANTUM = Decimal("0.00000001")


def credits_usd(credits: Decimal) -> Decimal:
    """What BFL credits cost in dollars (1 credit = $0.01): the one place credits become money."""
    return credits * CREDIT_USD


def usd_credits(amount: Decimal) -> Decimal:
    """How many BFL credits `amount` dollars is: the inverse of credits_usd."""
    return amount / CREDIT_USD


def _tidy(amount: Decimal, rounding: str) -> Decimal:
    """Quantize to 1e-8 USD, then drop trailing zeros without exponent notation ("0.21072", "0")."""
    amount = amount.quantize(QUANTUM, rounding=rounding).normalize()
    return amount.quantize(Decimal(1)) if amount == amount.to_integral_value() else amount


def prompt_token_bound(prompt: str) -> int:
    return len(prompt.encode("utf-8")) + PROMPT_TOKEN_OVERHEAD


def _need_size(params: ResolvedParams) -> tuple[int, int, str]:
    if params.width is None or params.height is None:
        raise CatalogError(f"{params.model_id} is priced by size, but no size was resolved.")
    return params.width, params.height, f"{params.width}x{params.height}"


def _lookup(table: object, *keys: str) -> Decimal | int:
    value = table
    for key in keys:
        if not isinstance(value, Mapping) or key not in value:
            raise CatalogError(f"No price for {' '.join(keys)} in the price table.")
        value = value[key]
    assert isinstance(value, Decimal | int)
    return value


def _openai_output(rule: OpenAITokenRule, params: ResolvedParams) -> tuple[Decimal, str]:
    """USD and a description for one image's output."""
    w, h, size = _need_size(params)
    quality = params.quality or "high"
    if rule.list_prices is not None:
        price = Decimal(_lookup(rule.list_prices, size, quality))
        return price, f"list price ${price} ({size} {quality})"
    if rule.output_tokens is not None:
        tokens = int(_lookup(rule.output_tokens, size, quality))
    else:
        tokens = gpt_image_2_output_tokens(w, h, quality)
    return per_token(tokens, rule.prices.image_out), (
        f"{tokens} output tokens x ${rule.prices.image_out}/1M"
    )


def _estimate_one(
    rule: AnyPriceRule,
    params: ResolvedParams,
    references: int,
    prompt: str | None,
    reference_sizes: Sequence[tuple[int, int]] | None,
    workspace_price: Decimal | None,
) -> tuple[Decimal, str]:
    match rule:
        case OpenAITokenRule():
            output, detail = _openai_output(rule, params)
            text = PROMPT_TOKEN_ALLOWANCE if prompt is None else prompt_token_bound(prompt)
            images = references * REFERENCE_IMAGE_TOKEN_ALLOWANCE
            inputs = per_token(text, rule.prices.text_in) + per_token(images, rule.prices.image_in)
            return output + inputs, (
                f"{detail} + up to {text} text tokens x ${rule.prices.text_in}/1M"
                f" + up to {images} reference image tokens x ${rule.prices.image_in}/1M"
            )
        case PerImageTableRule():
            _, _, size = _need_size(params)
            price = Decimal(_lookup(rule.prices, size, params.quality or ""))
            return price, f"${price} per image ({size} {params.quality})"
        case FluxMegapixelRule():
            w, h, size = _need_size(params)
            out_mp = megapixels(w, h)
            if reference_sizes is not None:
                in_mp = sum((megapixels(rw, rh) for rw, rh in reference_sizes), Decimal(0))
            else:
                in_mp = references * REFERENCE_MP_ALLOWANCE
            credits = flux2_credits(rule.first_mp, rule.extra_mp, out_mp, in_mp)
            return credits_usd(credits), (
                f"{credits} credits ({size} = {out_mp} MP out, {in_mp} MP in: "
                f"{rule.first_mp} first MP + {rule.extra_mp} per extra MP)"
            )
        case FixedCreditsRule():
            return credits_usd(rule.credits), f"{rule.credits} credits per image"
        case PerImageBySizeRule():
            price = Decimal(_lookup(rule.prices, params.resolution))
            return price, f"${price} per {params.resolution} image (input tokens not priced)"
        case FixedPriceRule():
            return rule.usd, f"${rule.usd} per image"
        case WorkspacePriceRule():
            price = _workspace_price(rule, workspace_price)
            return price, f"${price} per image (set by the workspace)"


def _workspace_price(rule: WorkspacePriceRule, price: Decimal | None) -> Decimal:
    return rule.default_usd if price is None else _checked_price(price)


def _checked_price(price: object) -> Decimal:
    if not isinstance(price, Decimal) or price < 0:
        raise CatalogError("A workspace price must be a Decimal amount of USD, zero or more.")
    return price


def _check_params(model_id: str, params: ResolvedParams) -> AnyPriceRule:
    model = get_model(model_id)
    if params.model_id != model.id:
        raise CatalogError(f"These parameters were resolved for {params.model_id}, not {model_id}.")
    return model.price


def estimate(
    model_id: str,
    params: ResolvedParams,
    n_images: int = 1,
    reference_count: int = 0,
    *,
    prompt: str | None = None,
    reference_sizes: Sequence[tuple[int, int]] | None = None,
    workspace_price: Decimal | None = None,
    margin: Decimal = Decimal(1),
) -> CostEstimate:
    """The most `n_images` images can cost (what a budget must reserve).

    `reference_sizes` (width, height of each reference), when given, replaces `reference_count`.
    `margin` (>= 1) multiplies each image's estimate: the studio passes the worst actual /
    estimate ratio it has seen billed for the model (generation.estimate_margins).
    Raises CatalogError subclasses for unknown models, too many references or bad arguments.
    """
    rule = _check_params(model_id, params)
    if n_images < 1:
        raise CatalogError("A job makes at least one image.")
    references = len(reference_sizes) if reference_sizes is not None else reference_count
    if references < 0:
        raise CatalogError("The reference count cannot be negative.")
    check_references(model_id, references)
    if not isinstance(margin, Decimal) or margin < 1:
        raise CatalogError("An estimate margin must be a Decimal of 1 or more.")
    if workspace_price is not None and not isinstance(rule, WorkspacePriceRule):
        each, detail = _entered(workspace_price)
    else:
        each, detail = _estimate_one(
            rule, params, references, prompt, reference_sizes, workspace_price
        )
    if margin != 1:
        each, detail = each * margin, f"{detail} x {margin} (this model has billed above it)"
    amount = _tidy(each * n_images, ROUND_CEILING)
    return CostEstimate(amount, rule.name, rule.as_of, rule.source, f"{n_images} x ({detail})")


def _entered(workspace_price: Decimal) -> tuple[Decimal, str]:
    """A price the workspace entered on its key for a gateway whose table price we hold only
    as reported elsewhere ([T] in the contracts): the workspace knows its own contract, so its
    figure wins over our table (never over the provider's own usage or credits)."""
    price = _checked_price(workspace_price)
    return price, f"${price} per image (the price you entered)"


def _table_fallback(
    rule: AnyPriceRule, params: ResolvedParams, n_images: int, workspace_price: Decimal | None
) -> tuple[Decimal, str]:
    if isinstance(rule, OpenAITokenRule):
        each, detail = _openai_output(rule, params)
    else:
        each, detail = _estimate_one(rule, params, 0, None, None, workspace_price)
    return each * n_images, f"{n_images} x ({detail})"


def actual_cost(
    model_id: str,
    usage: Usage,
    params: ResolvedParams,
    *,
    n_images: int = 1,
    workspace_price: Decimal | None = None,
) -> Cost:
    """What one provider call cost, from the provider's own numbers when it gave any.

    `n_images` is the number of images the call returned (for per-image rules and fallbacks).
    """
    rule = _check_params(model_id, params)
    if n_images < 0:
        raise CatalogError("The image count cannot be negative.")
    basis: Basis
    match rule:
        # Dollars the provider says it billed (OpenRouter's usage.cost) need no price of ours.
        case _ if usage.cost_usd is not None:
            amount, basis = usage.cost_usd, "provider_usage"
            detail = f"${usage.cost_usd} reported by the provider (its usage.cost)"
        case OpenAITokenRule() if (
            usage.input_text_tokens or usage.input_image_tokens or usage.output_tokens
        ):
            prices = rule.prices
            amount = (
                per_token(usage.input_text_tokens, prices.text_in)
                + per_token(usage.input_image_tokens, prices.image_in)
                + per_token(usage.output_tokens, prices.image_out)
            )
            basis = "provider_usage"
            detail = (
                f"{usage.input_text_tokens} text x ${prices.text_in}/1M + "
                f"{usage.input_image_tokens} image in x ${prices.image_in}/1M + "
                f"{usage.output_tokens} out x ${prices.image_out}/1M"
            )
        case FluxMegapixelRule() | FixedCreditsRule() if usage.credits is not None:
            amount = credits_usd(usage.credits)
            basis, detail = "provider_credits", f"{usage.credits} credits reported by BFL"
        case PerImageBySizeRule(image_out_per_million=Decimal() as price) if usage.output_tokens:
            amount = per_token(usage.output_tokens, price)
            basis = "provider_usage"
            detail = f"{usage.output_tokens} image output tokens x ${price}/1M"
        case WorkspacePriceRule():
            amount, detail = _table_fallback(rule, params, n_images, workspace_price)
            # Nothing entered: the catalog's own default stood in for it.
            basis = "price_table" if workspace_price is None else "workspace_price"
        case _ if workspace_price is not None:
            each, detail = _entered(workspace_price)
            amount, detail = each * n_images, f"{n_images} x ({detail})"
            basis = "workspace_price"
        case _:
            amount, detail = _table_fallback(rule, params, n_images, workspace_price)
            basis = "price_table"
            if isinstance(rule, OpenAITokenRule | FluxMegapixelRule | FixedCreditsRule):
                detail += "; the provider reported no usage"
    amount = _tidy(amount, ROUND_HALF_UP)
    return Cost(amount, rule.name, rule.as_of, rule.source, basis, detail)
