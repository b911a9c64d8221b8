"""Provider messages are scrubbed where they come into the app: a provider that echoes part of a
key in an error ("Incorrect API key provided: sk-...") never gets it stored on an image or shown.
The adapters pass messages on as written (the redaction patterns are built from the registry,
which is built from the adapters), so the dispatch is where it happens, for every kind of call."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from generation.provider_call import ProviderCall
from generation.providers.base import (
    AmbiguousError,
    ErrorKind,
    PendingTask,
    PermanentError,
    ProviderError,
    RetryableError,
)
from tests.keys.factories import google_key, openai_key

TASK = PendingTask(task_id="t1", polling_url="https://api.bfl.ai/v1/get_result?id=t1")


def _raises(error: ProviderError) -> Callable[..., Any]:
    def answer(*_: Any) -> Any:
        raise error

    return answer


@pytest.mark.parametrize("how", ["generate", "submit", "poll"])
@pytest.mark.parametrize(
    "error_class", [PermanentError, RetryableError, AmbiguousError], ids=lambda c: c.__name__
)
def test_a_key_echoed_by_the_provider_is_redacted_before_the_pipeline_sees_it(
    how: str, error_class: type[ProviderError]
) -> None:
    leaked, other = openai_key(), google_key()
    message = f"Incorrect API key provided: {leaked} (or was it {other}?)"
    error = (
        error_class(message, kind=ErrorKind.AUTH)  # type: ignore[call-arg]
        if error_class is PermanentError
        else error_class(message)
    )
    call = ProviderCall(
        asynchronous=how != "generate",
        _generate=_raises(error),
        _submit=_raises(error),
        _poll=_raises(error),
    )
    run = {"generate": call.generate, "submit": call.submit, "poll": lambda: call.poll(TASK)}
    with pytest.raises(error_class) as caught:
        run[how]()
    for key in (leaked, other):
        assert key[4:] not in caught.value.user_message
        assert key[4:] not in str(caught.value)
    assert caught.value.user_message.startswith("Incorrect API key provided: sk-[redacted]")
