"""Look models up and decide whether a new job may use one on a given day."""

from __future__ import annotations

import enum
from datetime import date

from .data import CATALOG
from .models import CatalogModel, ModelUnavailableError, UnknownModelError


class Status(enum.StrEnum):
    UNRELEASED = "unreleased"
    AVAILABLE = "available"
    DEPRECATED = "deprecated"  # works today; a shutdown date is announced
    RETIRED = "retired"  # shut down: kept for history, refused for new jobs


def get_model(model_id: str) -> CatalogModel:
    try:
        return CATALOG[model_id]
    except KeyError:
        raise UnknownModelError(
            f"Unknown model '{model_id}'. Choose a model from the catalog."
        ) from None


def status(model_id: str, today: date) -> Status:
    life = get_model(model_id).lifecycle
    if life.shutdown is not None and today >= life.shutdown:
        return Status.RETIRED
    if life.released is not None and today < life.released:
        return Status.UNRELEASED
    if life.shutdown is not None:
        return Status.DEPRECATED
    return Status.AVAILABLE


def _replacement_name(model: CatalogModel) -> str | None:
    replacement = model.lifecycle.replacement
    if replacement is None or replacement not in CATALOG:
        return None
    return CATALOG[replacement].display_name


def check_available(model_id: str, today: date) -> str | None:
    """Refuse a model that cannot take new jobs today; return a warning for a deprecated one.

    Raises UnknownModelError or ModelUnavailableError (its message names the replacement).
    Returns None for a model in good standing.
    """
    model = get_model(model_id)
    life = model.lifecycle
    replacement = _replacement_name(model)
    match status(model_id, today):
        case Status.RETIRED:
            assert life.shutdown is not None
            message = f"{model.id} was shut down on {life.shutdown.isoformat()}"
            message += f"; use {replacement} instead." if replacement else "."
            raise ModelUnavailableError(message, replacement=life.replacement)
        case Status.UNRELEASED:
            assert life.released is not None
            raise ModelUnavailableError(
                f"{model.display_name} is not available before {life.released.isoformat()}.",
                replacement=None,
            )
        case Status.DEPRECATED:
            assert life.shutdown is not None
            warning = f"{model.id} will be shut down on {life.shutdown.isoformat()}"
            warning += f"; switch to {replacement} before then." if replacement else "."
            return warning
    return None


def available_models(today: date) -> tuple[CatalogModel, ...]:
    """The models a new job may use today (deprecated ones included), in catalog order."""
    return tuple(
        m for m in CATALOG.values() if status(m.id, today) in (Status.AVAILABLE, Status.DEPRECATED)
    )
