""" "Check with the provider": what an asynchronous provider says of a flagged image's request
(BFL's get_result by id, fal's request status), asked once when an admin presses the button.

It never collects the picture and never resolves the image by itself: the answer is shown, and
when the provider says it finished, the billed amount is pre-filled for the admin to confirm.
A provider's "finished" is strong evidence of a bill, but a person still looks at the row (and
maybe the provider's dashboard) before money moves, which keeps the audit trail a person's.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from avatarapp.money import usd
from catalog import Usage, actual_cost, resolve_params
from generation.models import CostBasis, Image
from generation.provider_call import prepare_poll
from generation.providers.base import ErrorKind, PendingTask, PermanentError, ProviderError
from generation.providers.registry import REGISTRY


@dataclass(frozen=True)
class ProviderAnswer:
    sentence: str
    billed_usd: Decimal | None = None  # pre-filled as the billed amount when it finished


def can_ask(image: Image) -> bool:
    """The provider can be asked: it tells a task's status, and the request's address is stored
    (an image flagged before its request was recorded has nothing to ask about)."""
    entry = REGISTRY.get(image.provider)
    return entry is not None and entry.tells_status and bool(image.polling_url)


def ask(image: Image) -> ProviderAnswer:
    """One question to the provider, in plain words. `image` needs its job (the creator's keys)."""
    name = REGISTRY[image.provider].display_name
    task = PendingTask(image.provider_request_id, image.polling_url, image.provider_credits)
    try:
        call = prepare_poll(image)
        status = call.status(task)
    except PermanentError as error:
        if error.kind == ErrorKind.RESULT_EXPIRED:
            return ProviderAnswer(
                f"{name} no longer knows this request (it forgets them after a while). Check "
                f"the {name} dashboard or invoice for a charge at that time."
            )
        return ProviderAnswer(f"{name} could not be asked: {error.user_message}")
    except ProviderError as error:
        return ProviderAnswer(f"{name} did not answer: {error.user_message} Ask again later.")
    if not status.finished:
        return ProviderAnswer(f"{name} is still working on it. Ask again in a minute.")
    if status.failed:
        return ProviderAnswer(
            f"{name} says it did not make the image ({status.failed}). Check the {name} "
            "dashboard for a charge before choosing Not billed."
        )
    params = resolve_params(image.model_id, image.aspect_ratio, image.resolution, image.quality)
    cost = actual_cost(
        image.model_id, Usage(credits=status.credits), params, workspace_price=call.workspace_price
    )
    source = CostBasis(cost.basis).label
    return ProviderAnswer(
        f"{name} says it finished the image, so it was billed: {usd(cost.amount_usd)} "
        f"({source}). Confirm below.",
        cost.amount_usd,
    )
