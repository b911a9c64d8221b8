"""Retired models are refused with their replacement named; deprecated ones warn."""

from __future__ import annotations

from datetime import date

import pytest

from catalog import (
    DEFAULT_MODEL_ID,
    ModelUnavailableError,
    Status,
    UnknownModelError,
    available_models,
    check_available,
    get_model,
    status,
)

TODAY = date(2026, 11, 24)


def test_retired_model_is_refused_with_its_replacement_named():
    with pytest.raises(ModelUnavailableError) as caught:
        check_available("gpt-image-1", TODAY)
    assert str(caught.value) == "gpt-image-1 was shut down on 2026-10-23; use GPT Image 2 instead."
    assert caught.value.user_message == str(caught.value)
    assert caught.value.replacement == "gpt-image-2"


@pytest.mark.parametrize("model_id", ["dall-e-2", "dall-e-3"])
def test_dall_e_retired_in_may(model_id):
    with pytest.raises(ModelUnavailableError, match="shut down on 2026-05-12; use GPT Image 2"):
        check_available(model_id, TODAY)
    assert check_available(model_id, date(2026, 5, 11)) is not None  # deprecated the day before


@pytest.mark.parametrize("model_id", ["gpt-image-1.5", "gpt-image-1-mini"])
def test_deprecated_model_warns_until_its_shutdown_day(model_id):
    warning = check_available(model_id, TODAY)
    assert warning == (
        f"{model_id} will be shut down on 2026-12-01; switch to GPT Image 2 before then."
    )
    assert status(model_id, TODAY) is Status.DEPRECATED
    with pytest.raises(ModelUnavailableError, match="was shut down on 2026-12-01"):
        check_available(model_id, date(2026, 12, 1))


def test_current_model_is_available_without_warning():
    assert check_available(DEFAULT_MODEL_ID, TODAY) is None
    assert check_available("flux-2-pro", TODAY) is None
    assert check_available("builtin", date(2030, 1, 1)) is None


def test_model_is_refused_before_its_release():
    with pytest.raises(ModelUnavailableError, match="not available before 2026-11-04"):
        check_available("gpt-image-2.6-flare", date(2026, 11, 3))
    assert check_available("gpt-image-2.6-flare", date(2026, 11, 4)) is None


def test_unknown_model_is_a_clear_error():
    with pytest.raises(UnknownModelError, match="Unknown model 'gpt-image-9'"):
        check_available("gpt-image-9", TODAY)
    with pytest.raises(UnknownModelError):
        get_model("")


def test_retired_models_stay_in_the_catalog_but_not_in_the_picker():
    assert get_model("gpt-image-1").display_name == "GPT Image 1"
    ids = {m.id for m in available_models(TODAY)}
    assert {"gpt-image-2", "gpt-image-1.5", "builtin", "openai-compatible"} <= ids
    assert ids.isdisjoint({"gpt-image-1", "dall-e-2", "dall-e-3"})
    assert "gpt-image-1.5" not in {m.id for m in available_models(date(2026, 12, 1))}
