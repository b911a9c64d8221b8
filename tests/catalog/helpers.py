"""Small builders shared by the catalog tests."""

from __future__ import annotations

from catalog import ResolvedParams, get_model


def sized(model_id: str, width: int, height: int, quality: str | None) -> ResolvedParams:
    """Parameters for an exact size, as a past job (or a provider example) would have had them."""
    return ResolvedParams(
        model_id=model_id,
        api_model=get_model(model_id).api_model,
        aspect_ratio_choice="1:1",
        resolution="1K",
        quality_choice=quality or "medium",
        width=width,
        height=height,
        quality=quality,
    )
