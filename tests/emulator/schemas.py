"""Request validation against the project's own request schemas (tests/emulator/schemas/*.json).

The emulator validates every request with these, and other tests can validate what an adapter
sent (a captured request) the same way:

    from tests.emulator.schemas import assert_valid_request, validate_request
    issues = validate_request("openai", "images.generate", {"model": "gpt-image-2", ...})
    assert_valid_request("bfl", "flux-2-pro", payload)       # BFL: the operation is the model
    assert_valid_request("gemini", "generateContent", body, model="gemini-2.5-flash-image")
    for record in emulator.requests: assert not validate_recorded(record)

Operations: openai "images.generate", "images.edit" (multipart fields, files as placeholder
strings), "images.edit.json"; bfl: one per model (catalog.BFL_MODELS); gemini "generateContent";
fal: one per endpoint id (fal_wire.FAL_ENDPOINTS).
Besides the JSON schema, the model-specific rules of rules.py run (size grids, ratio limits...).
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jsonschema  # type: ignore[import-untyped]

from tests.emulator.catalog import BFL_MODELS
from tests.emulator.fal_wire import FAL_ENDPOINTS

if TYPE_CHECKING:
    from tests.emulator.recorder import RecordedRequest

SCHEMA_DIR = Path(__file__).parent / "schemas"

SCHEMA_FOR_OPERATION = {
    ("openai", "images.generate"): "openai.images.generations",
    ("openai", "images.edit"): "openai.images.edits.multipart",
    ("openai", "images.edit.json"): "openai.images.edits.jsonbody",
    ("gemini", "generateContent"): "gemini.generateContent",
    ("openrouter", "chat.completions"): "openrouter.chatCompletions",
    ("hiapi", "submit"): "hiapi.tasks",
    ("hiapi", "images.generate"): "hiapi.images.generations",
    ("apimart", "submit"): "apimart.images.generations",
}

# Lower sorts first: the provider reports the first issue, and unknown fields come first on
# every provider we emulate (a misspelt field is the most useful message).
_PRIORITY = {"unknown_field": 0, "missing": 1, "type": 2}


@dataclass(frozen=True)
class Issue:
    loc: tuple[str | int, ...]  # path of the offending field inside the payload
    kind: str  # unknown_field, missing, type, enum, minimum, maximum, multiple_of, min_length,
    # max_length, min_items, max_items, pattern, invalid, value_error
    message: str
    expected: Any = None
    got: Any = None

    @property
    def field(self) -> str:
        return ".".join(str(part) for part in self.loc)


def schema_name(provider: str, operation: str) -> str:
    if provider == "bfl":
        if operation not in BFL_MODELS:
            raise KeyError(f"no schema for BFL model {operation!r}")
        return BFL_MODELS[operation].schema
    if provider == "fal":  # the operation is the endpoint id
        if operation not in FAL_ENDPOINTS:
            raise KeyError(f"no schema for fal endpoint {operation!r}")
        return FAL_ENDPOINTS[operation].schema
    try:
        return SCHEMA_FOR_OPERATION[(provider, operation)]
    except KeyError:
        raise KeyError(f"no schema for {provider} operation {operation!r}") from None


@cache
def load_schema(name: str) -> dict[str, Any]:
    with (SCHEMA_DIR / f"{name}.json").open() as handle:
        data: dict[str, Any] = json.load(handle)
    return data


_VALIDATORS: dict[str, jsonschema.Draft202012Validator] = {}
_VALIDATORS_LOCK = threading.Lock()


def _validator(name: str) -> jsonschema.Draft202012Validator:
    # Locked so a burst of first requests builds each validator once, not once per thread.
    with _VALIDATORS_LOCK:
        if name not in _VALIDATORS:
            schema = load_schema(name)
            jsonschema.Draft202012Validator.check_schema(schema)
            _VALIDATORS[name] = jsonschema.Draft202012Validator(schema)
        return _VALIDATORS[name]


def warm_up() -> None:
    """Build every validator and run each once (jsonschema compiles lazily on first use)."""
    names = {
        *SCHEMA_FOR_OPERATION.values(),
        *(info.schema for info in BFL_MODELS.values()),
        *(endpoint.schema for endpoint in FAL_ENDPOINTS.values()),
    }
    for name in names:
        list(_validator(name).iter_errors({}))


def _convert(error: jsonschema.ValidationError) -> list[Issue]:
    loc = tuple(error.absolute_path)
    kind = str(error.validator)
    value = error.validator_value
    if kind == "additionalProperties":
        known = set(error.schema.get("properties", {}))
        extra = sorted(set(error.instance) - known) if isinstance(error.instance, dict) else []
        return [Issue((*loc, name), "unknown_field", f"Unknown field {name!r}") for name in extra]
    if kind == "required":
        present = error.instance if isinstance(error.instance, dict) else {}
        return [
            Issue((*loc, name), "missing", f"Missing required field {name!r}")
            for name in value
            if name not in present
        ]
    if kind in ("anyOf", "oneOf") and error.context:
        # Report the branch that fits the value's type best (e.g. the array branch for a list).
        branches: dict[Any, list[jsonschema.ValidationError]] = {}
        for sub in error.context:
            branches.setdefault(sub.relative_schema_path[0], []).append(sub)
        best = min(branches.values(), key=lambda subs: any(s.validator == "type" for s in subs))
        return [issue for sub in best for issue in _convert(sub)]
    names = {
        "multipleOf": "multiple_of",
        "minLength": "min_length",
        "maxLength": "max_length",
        "minItems": "min_items",
        "maxItems": "max_items",
        "exclusiveMinimum": "minimum",
        "exclusiveMaximum": "maximum",
    }
    if kind in ("type", "enum", "minimum", "maximum", "pattern", *names):
        return [Issue(loc, names.get(kind, kind), error.message, value, error.instance)]
    return [Issue(loc, "invalid", error.message, None, error.instance)]


def schema_issues(name: str, payload: Any) -> list[Issue]:
    issues = [issue for error in _validator(name).iter_errors(payload) for issue in _convert(error)]
    best: dict[tuple[str | int, ...], Issue] = {}
    for issue in issues:
        current = best.get(issue.loc)
        if current is None or _PRIORITY.get(issue.kind, 9) < _PRIORITY.get(current.kind, 9):
            best[issue.loc] = issue
    return sorted(best.values(), key=lambda i: (_PRIORITY.get(i.kind, 9), [str(p) for p in i.loc]))


def validate_request(
    provider: str, operation: str, payload: Any, *, model: str | None = None
) -> list[Issue]:
    """Every problem the emulator would reject `payload` for ([] when it is acceptable)."""
    from tests.emulator import rules  # rules imports Issue from here

    issues = schema_issues(schema_name(provider, operation), payload)
    if issues:
        return issues
    return rules.check(provider, operation, payload, model)


def assert_valid_request(
    provider: str, operation: str, payload: Any, *, model: str | None = None
) -> None:
    issues = validate_request(provider, operation, payload, model=model)
    if issues:
        lines = "\n".join(f"  {i.field or '<body>'}: {i.kind}: {i.message}" for i in issues)
        raise AssertionError(f"{provider} {operation} request rejected:\n{lines}")


def validate_recorded(record: RecordedRequest) -> list[Issue]:
    """Validate a request the emulator captured (only image requests have a schema)."""
    operation = record.operation
    if record.provider == "bfl" and operation == "submit":
        operation = record.path.rsplit("/", 1)[-1]
    elif record.provider == "fal" and operation == "submit":
        operation = record.path.strip("/")
    elif operation == "images.edit" and record.form is None:
        operation = "images.edit.json"
    return validate_request(record.provider, operation, record.payload, model=record.model)
