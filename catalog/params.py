"""Map the one user vocabulary (aspect ratio, resolution class, quality) onto each model's API.

Everything a model cannot do is refused here, before any provider is called, with a sentence
saying what it can do. Models without a quality setting (FLUX, Gemini, Imagen, built-in,
self-hosted) accept any quality of the vocabulary and ignore it, so one batch can span models.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from .lifecycle import get_model
from .models import (
    ASPECT_RATIOS,
    QUALITIES,
    RESOLUTIONS,
    CatalogModel,
    FixedSizes,
    Param,
    PixelGrid,
    RatioOnly,
    ResolvedParams,
    UnsupportedParamsError,
)
from .sizing import fit_size


def _either(options: Sequence[str], word: str = "or") -> str:
    if len(options) == 1:
        return options[0]
    return f"{', '.join(options[:-1])} {word} {options[-1]}"


def _check_vocabulary(aspect_ratio: str, resolution: str, quality: str) -> None:
    checks: tuple[tuple[str, tuple[str, ...], Param], ...] = (
        (aspect_ratio, ASPECT_RATIOS, "aspect_ratio"),
        (resolution, RESOLUTIONS, "resolution"),
        (quality, QUALITIES, "quality"),
    )
    for value, allowed, param in checks:
        if value not in allowed:
            what = param.replace("_", " ")
            raise UnsupportedParamsError(
                f"Unknown {what} '{value}'; choose {_either(allowed)}.", param=param
            )


def _api_quality(model: CatalogModel, quality: str) -> str | None:
    quality_map = model.capabilities.quality_map
    if not quality_map:
        return None
    if quality not in quality_map:
        raise UnsupportedParamsError(
            f"{model.display_name} has no '{quality}' quality; "
            f"choose {_either(list(quality_map))}.",
            param="quality",
        )
    return quality_map[quality]


def _refuse_ratio(model: CatalogModel, aspect_ratio: str, allowed: Sequence[str]) -> None:
    if aspect_ratio not in allowed:
        raise UnsupportedParamsError(
            f"{model.display_name} cannot make {aspect_ratio} images; it makes "
            f"{_either(allowed, 'and')} only. Choose one of those.",
            param="aspect_ratio",
        )


def resolve_params(
    model_id: str, aspect_ratio: str, resolution: str, quality: str
) -> ResolvedParams:
    """The provider-vocabulary fields of ImageRequest for these choices on this model.

    Raises UnknownModelError or UnsupportedParamsError. Pure and deterministic; it does not look
    at the model's lifecycle (use check_available for that).
    """
    model = get_model(model_id)
    _check_vocabulary(aspect_ratio, resolution, quality)
    sizing = model.capabilities.sizing
    if resolution not in sizing.resolutions:
        raise UnsupportedParamsError(
            f"{model.display_name} cannot make {resolution} images; {sizing.limit_note}. "
            f"Choose {_either(sizing.resolutions)}.",
            param="resolution",
        )
    base = ResolvedParams(
        model_id=model.id,
        api_model=model.api_model,
        aspect_ratio_choice=aspect_ratio,
        resolution=resolution,
        quality_choice=quality,
        quality=_api_quality(model, quality),
    )
    match sizing:
        case PixelGrid():
            size = fit_size(sizing, aspect_ratio, resolution)
            if size is None:  # pragma: no cover - every grid in the catalog fits every ratio
                raise UnsupportedParamsError(
                    f"{model.display_name} cannot make {aspect_ratio} images at {resolution}.",
                    param="aspect_ratio",
                )
            return replace(base, width=size[0], height=size[1])
        case FixedSizes():
            _refuse_ratio(model, aspect_ratio, list(sizing.sizes))
            width, height = sizing.sizes[aspect_ratio]
            return replace(base, width=width, height=height)
        case RatioOnly():
            _refuse_ratio(model, aspect_ratio, sizing.aspect_ratios)
            return replace(
                base, aspect_ratio=aspect_ratio, image_size=sizing.image_sizes[resolution]
            )


def check_references(model_id: str, count: int) -> None:
    """Refuse more reference images than the model takes."""
    model = get_model(model_id)
    limit = model.capabilities.max_references
    if count <= limit:
        return
    if limit == 0:
        raise UnsupportedParamsError(
            f"{model.display_name} cannot use reference images; remove them or choose "
            "another model.",
            param="references",
        )
    plural = "image" if limit == 1 else "images"
    raise UnsupportedParamsError(
        f"{model.display_name} takes at most {limit} reference {plural}; this job has {count}.",
        param="references",
    )
