"""Google's entries follow PROVIDERS-2.md section 5: Imagen shut down on 2026-08-17 with its
replacement named, the Gemini image ids of 5.4 with their dates, and Nano Banana 2.1's price."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from catalog import (
    ModelUnavailableError,
    Status,
    actual_cost,
    available_models,
    check_available,
    estimate,
    resolve_params,
    status,
)
from catalog.usage import Usage

TODAY = date(2026, 12, 6)
IMAGEN_SHUTDOWN = date(2026, 8, 17)


@pytest.mark.parametrize(
    ("model_id", "replacement"),
    [
        ("imagen-4-fast", "Gemini Nano Banana 2.1"),
        ("imagen-4", "Gemini Nano Banana 2.1"),
        ("imagen-4-ultra", "Gemini 3 Pro Image (Nano Banana Pro)"),
    ],
)
def test_imagen_is_refused_since_its_shutdown_with_its_replacement_named(
    model_id: str, replacement: str
) -> None:
    with pytest.raises(ModelUnavailableError) as caught:
        check_available(model_id, TODAY)
    assert caught.value.user_message == (
        f"{model_id} was shut down on 2026-08-17; use {replacement} instead."
    )
    assert status(model_id, IMAGEN_SHUTDOWN) is Status.RETIRED
    # The day before, it still worked and said what was coming.
    warning = check_available(model_id, date(2026, 8, 16))
    assert (
        warning
        == f"{model_id} will be shut down on 2026-08-17; switch to {replacement} before then."
    )


def test_the_gemini_ids_of_section_5_4() -> None:
    with pytest.raises(ModelUnavailableError, match="was shut down on 2026-10-29; use Gemini Nano"):
        check_available("gemini-3.1-flash-image", TODAY)
    assert check_available("gemini-2.5-flash-image", TODAY) == (
        "gemini-2.5-flash-image will be shut down on 2027-03-15; switch to Gemini Nano Banana 2.1 "
        "before then."
    )
    assert status("gemini-2.5-flash-image", date(2027, 3, 15)) is Status.RETIRED
    for current in ("gemini-nano-banana-2.1", "gemini-3-pro-image"):
        assert check_available(current, TODAY) is None
    offered = {m.id for m in available_models(TODAY) if m.provider == "google"}
    assert offered == {
        "gemini-nano-banana-2.1",
        "gemini-3-pro-image",
        "gemini-2.5-flash-image",
        # Superseded with no date published: the workspace's live model list decides.
        "gemini-3-pro-image-preview",
        "gemini-3.1-flash-image-preview",
    }


def test_nano_banana_2_1_is_priced_by_its_image_tokens() -> None:
    params = resolve_params("gemini-nano-banana-2.1", "4:5", "1K", "medium")
    assert (params.aspect_ratio, params.image_size) == ("4:5", "1K")
    assert estimate("gemini-nano-banana-2.1", params).amount_usd == Decimal("0.0336")
    cost = actual_cost("gemini-nano-banana-2.1", Usage(output_tokens=1120), params)
    assert (cost.amount_usd, cost.basis) == (Decimal("0.0336"), "provider_usage")
    big = resolve_params("gemini-nano-banana-2.1", "1:1", "4K", "medium")
    assert estimate("gemini-nano-banana-2.1", big).amount_usd == Decimal("0.0756")
