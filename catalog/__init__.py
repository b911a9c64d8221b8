"""The model catalog: every model as data with a lifecycle, parameter mapping and exact prices.

Public API (plain Python, no Django):

    get_model(model_id) -> CatalogModel
    check_available(model_id, today) -> str | None        # raises ModelUnavailableError
    available_models(today) -> tuple[CatalogModel, ...]
    resolve_params(model_id, aspect_ratio, resolution, quality) -> ResolvedParams
    check_references(model_id, count) -> None
    estimate(model_id, params, n_images=1, reference_count=0, *, prompt=None,
             reference_sizes=None, workspace_price=None) -> CostEstimate
    actual_cost(model_id, usage, params, *, n_images=1, workspace_price=None) -> Cost
    credits_usd(credits) -> Decimal                                 # BFL credits in dollars
    usd_credits(amount) -> Decimal                                  # and dollars in credits
    model_name(model_id) -> str                                     # what people read

Typical use before a job: check_available -> resolve_params -> estimate (reserve the budget);
after the provider answers: actual_cost (settle).
"""

from .data import (
    AS_OF,
    BUILTIN_MODEL_ID,
    CATALOG,
    DEFAULT_MODEL_ID,
    MODELS,
    SELF_HOSTED_MODEL_ID,
)
from .lifecycle import Status, available_models, check_available, get_model, status
from .models import (
    ASPECT_RATIOS,
    QUALITIES,
    RESOLUTIONS,
    Capabilities,
    CatalogError,
    CatalogModel,
    Cost,
    CostEstimate,
    Family,
    Lifecycle,
    ModelUnavailableError,
    Provider,
    ResolvedParams,
    TextRendering,
    UnknownModelError,
    UnsupportedParamsError,
)
from .names import model_name
from .params import check_references, resolve_params
from .pricing import actual_cost, credits_usd, estimate, prompt_token_bound, usd_credits
from .usage import Usage

__all__ = [
    "ASPECT_RATIOS",
    "AS_OF",
    "BUILTIN_MODEL_ID",
    "CATALOG",
    "DEFAULT_MODEL_ID",
    "MODELS",
    "QUALITIES",
    "RESOLUTIONS",
    "SELF_HOSTED_MODEL_ID",
    "Capabilities",
    "CatalogError",
    "CatalogModel",
    "Cost",
    "CostEstimate",
    "Family",
    "Lifecycle",
    "ModelUnavailableError",
    "Provider",
    "ResolvedParams",
    "Status",
    "TextRendering",
    "UnknownModelError",
    "UnsupportedParamsError",
    "Usage",
    "actual_cost",
    "available_models",
    "check_available",
    "check_references",
    "credits_usd",
    "estimate",
    "get_model",
    "model_name",
    "prompt_token_bound",
    "resolve_params",
    "status",
    "usd_credits",
]
