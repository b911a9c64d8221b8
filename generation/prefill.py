"""The Generate form filled in from a link: "Reuse these settings" on an image's page, the
Generate button on a persona's page.

A link is a suggestion, never trusted: it may be old (the persona archived since, the model shut
down), made for another workspace, or typed by hand. Every value is checked against what this
workspace offers today; what is not offered is left out and a sentence says so, and the page
opens anyway with the rest chosen.

    /generate/?persona=<uuid>&style=<key>&model=<id>&aspect_ratio=4:5&resolution=1K
              &quality=medium&seed=123&campaign=<uuid>
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.http import QueryDict

from catalog import get_model
from generation.forms import BatchForm, unavailable_reason
from generation.preselect import preselect
from generation.services import MAX_SEED, SEED_RANGE

# Long enough for any key or id we make; a longer value is not ours and is not echoed back whole.
_VALUE_MAX = 80
SETTINGS = ("aspect_ratio", "resolution", "quality")


def prefill(form: BatchForm, query: QueryDict, not_offered: Mapping[str, str]) -> list[str]:
    """Set the unbound `form`'s initial values from `query`; return a sentence for each value
    that was left out. Chosen personas bring their defaults (generation.preselect) for what the
    link does not name: its models and settings win. `not_offered`: model id -> why its
    provider no longer offers it."""
    notes: list[str] = []
    initial: dict[str, Any] = {}
    for name, param, refusal in (
        (
            "personas",
            "persona",
            "A persona in that link is not in this workspace (it may have "
            "been archived or deleted), so it is not chosen.",
        ),
        (
            "styles",
            "style",
            "A style in that link is not in this workspace (it may have been "
            "deleted), so it is not chosen.",
        ),
    ):
        chosen, refused = _offered(form, name, query.getlist(param))
        if chosen:
            initial[name] = chosen
        if refused:
            notes.append(refusal)
    models, refused_models = _offered(form, "models", query.getlist("model"))
    notes += [unavailable_reason(model_id[:_VALUE_MAX]) for model_id in refused_models]
    # On offer, but this member has no key for it (a colleague's link, a key revoked since).
    keyless = {model_id: form.models_field.cannot_run(model_id) for model_id in models}
    notes += list(dict.fromkeys(filter(None, keyless.values())))
    models = [model_id for model_id in models if not keyless[model_id]]
    if models:
        initial["models"] = models
    if initial.get("personas"):
        defaults = preselect(form, initial["personas"], initial.get("styles", []), not_offered)
        if "model" not in query:
            initial["models"] = defaults.models
            notes += defaults.notes
        initial.update(defaults.settings)
    for name in SETTINGS:
        value = query.get(name)
        if value is None:
            continue
        if _offered(form, name, [value])[0]:
            initial[name] = value
        else:
            field = form.fields[name]
            notes.append(
                f"{field.label} “{value[:20]}” is not on offer here, "
                f"so {_label_of(form, name, str(initial.get(name, field.initial)))} is chosen."
            )
    if "campaign" in query:  # the batch's campaign, if it is still this workspace's
        campaign, refused_campaign = _offered(form, "campaign", query.getlist("campaign")[:1])
        if campaign:
            initial["campaign"] = campaign[0]
        if refused_campaign:
            notes.append(
                "The campaign in that link is not in this workspace (it may have been "
                "deleted), so no campaign is chosen."
            )
    if "seed" in query:
        seed, note = _seed(query.get("seed", ""), models)
        if seed is not None:
            initial["seed"] = seed
        if note:
            notes.append(note)
    form.initial = initial
    return notes


def _offered(form: BatchForm, name: str, values: list[str]) -> tuple[list[str], list[str]]:
    """(the values the field offers, the ones it does not), each once, in the link's order."""
    field = form.fields[name]
    offered = {str(value) for value, _label in field.choices}  # type: ignore[attr-defined]
    values = list(dict.fromkeys(values))
    return [v for v in values if v in offered], [v for v in values if v not in offered]


def _label_of(form: BatchForm, name: str, value: str) -> str:
    labels = {str(v): str(label) for v, label in form.fields[name].choices}  # type: ignore[attr-defined]
    return labels.get(value, value)


def _seed(text: str, models: list[str]) -> tuple[int | None, str]:
    """The link's seed, if it is one and a chosen model takes a seed (the others have no use
    for it)."""
    if not (text.isdigit() and int(text) <= MAX_SEED):
        return None, f"That seed could not be used. {SEED_RANGE}"
    # Offered models are all in the catalog.
    if not any(get_model(model_id).capabilities.seed for model_id in models):
        return None, "None of the chosen models takes a seed, so the seed was left out."
    return int(text), ""
