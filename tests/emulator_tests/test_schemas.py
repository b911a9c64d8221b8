"""The project's own request schemas, and the validation helpers other tests use."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import jsonschema  # type: ignore[import-untyped]
import openai
import pytest

from tests.emulator import Emulator, assert_valid_request, validate_recorded, validate_request
from tests.emulator.catalog import BFL_MODELS, OPENAI_MODELS
from tests.emulator.schemas import SCHEMA_DIR, load_schema
from tests.emulator_tests.helpers import (
    OPENAI_KEY,
    bfl_submit,
    gemini_body,
    gemini_post,
    png_bytes,
)

# Copies of the providers' official documents, with their source and date (README.md there).
CONTRACTS = Path(__file__).resolve().parent.parent / "emulator" / "contracts"


@pytest.mark.parametrize("path", sorted(SCHEMA_DIR.glob("*.json")), ids=lambda p: p.name)
def test_schema_files_are_valid_and_say_where_they_come_from(path: Path) -> None:
    schema = json.loads(path.read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    assert "Source" in schema["$comment"] or "PROVIDERS.md" in schema["$comment"]
    assert schema["additionalProperties"] is False


def test_every_bfl_model_has_a_schema_that_lists_it() -> None:
    for model, info in BFL_MODELS.items():
        assert model in load_schema(info.schema)["x-models"]


@pytest.mark.parametrize(
    ("provider", "operation", "payload", "model"),
    [
        (
            "openai",
            "images.generate",
            {
                "model": "gpt-image-2",
                "prompt": "x",
                "size": "1536x864",
                "quality": "high",
                "output_format": "jpeg",
                "output_compression": 80,
                "moderation": "low",
            },
            None,
        ),
        (
            "openai",
            "images.edit",
            {
                "model": "gpt-image-1.5",
                "prompt": "x",
                "image": ["<f>", "<g>"],
                "input_fidelity": "high",
            },
            None,
        ),
        (
            "openai",
            "images.edit.json",
            {"model": "gpt-image-2", "prompt": "x", "images": [{"file_id": "file-1"}]},
            None,
        ),
        (
            "bfl",
            "flux-2-pro",
            {
                "prompt": "x",
                "width": 1024,
                "height": 1536,
                "seed": 1,
                "input_image": "https://example.com/a.png",
            },
            None,
        ),
        ("bfl", "flux-pro-1.1-ultra", {"prompt": "x", "aspect_ratio": "21:9", "raw": True}, None),
        (
            "gemini",
            "generateContent",
            gemini_body(responseModalities=["IMAGE"], imageConfig={"aspectRatio": "4:5"}),
            "gemini-2.5-flash-image",
        ),
    ],
)
def test_valid_requests_pass(
    provider: str, operation: str, payload: dict[str, Any], model: str | None
) -> None:
    assert validate_request(provider, operation, payload, model=model) == []
    assert_valid_request(provider, operation, payload, model=model)


@pytest.mark.parametrize(
    ("provider", "operation", "payload", "field", "kind"),
    [
        ("openai", "images.generate", {"prompt": "x", "colour": 1}, "colour", "unknown_field"),
        ("openai", "images.generate", {"model": "gpt-image-2"}, "prompt", "missing"),
        ("openai", "images.generate", {"prompt": "x", "n": "1"}, "n", "type"),
        ("openai", "images.generate", {"prompt": "x", "quality": "best"}, "quality", "enum"),
        (
            "openai",
            "images.generate",
            {"model": "gpt-image-2", "prompt": "x", "size": "1000x1000"},
            "size",
            "value_error",
        ),
        (
            "openai",
            "images.generate",
            {"model": "gpt-image-2", "prompt": "x", "response_format": "url"},
            "response_format",
            "unknown_field",
        ),
        ("openai", "images.edit", {"prompt": "x", "image": ["<f>"] * 17}, "image", "max_items"),
        (
            "openai",
            "images.edit",
            {"prompt": "x", "image": "<f>", "moderation": "low"},
            "moderation",
            "unknown_field",
        ),  # not in the official multipart schema
        (
            "bfl",
            "flux-2-klein-9b",
            {"prompt": "x", "input_image_6": "a"},
            "input_image_6",
            "unknown_field",
        ),
        ("bfl", "flux-2-max", {"prompt": "x", "width": 100}, "width", "multiple_of"),
        ("bfl", "flux-dev", {"prompt": "x", "steps": 0}, "steps", "minimum"),
        (
            "gemini",
            "generateContent",
            gemini_body(imageConfig={"aspectRatio": "2:1"}),
            "generationConfig.imageConfig.aspectRatio",
            "enum",
        ),
    ],
)
def test_invalid_requests_are_flagged(
    provider: str, operation: str, payload: dict[str, Any], field: str, kind: str
) -> None:
    issues = validate_request(provider, operation, payload)
    assert (issues[0].field, issues[0].kind) == (field, kind)
    with pytest.raises(AssertionError, match=field.split(".")[-1]):
        assert_valid_request(provider, operation, payload)


def test_unknown_operation() -> None:
    with pytest.raises(KeyError):
        validate_request("openai", "images.variations", {})
    with pytest.raises(KeyError):
        validate_request("bfl", "flux-9", {})


def test_captured_requests_validate(emulator: Emulator) -> None:
    client = openai.OpenAI(api_key=OPENAI_KEY, base_url=emulator.openai_base_url, max_retries=0)
    client.images.generate(model="gpt-image-2", prompt="x", size="1024x1024", quality="low")
    client.images.edit(model="gpt-image-2", image=("a.png", png_bytes(), "image/png"), prompt="x")
    reference = base64.b64encode(png_bytes()).decode()
    bfl_submit(emulator, "flux-2-pro", input_image=reference)
    gemini_post(emulator, gemini_body())
    image_requests = [r for r in emulator.requests if r.operation != "poll"]
    assert len(image_requests) == 4
    for record in image_requests:
        assert validate_recorded(record) == [], record.path


OFFICIAL_SCHEMAS = [
    ("openai-images.openapi.json", "CreateImageRequest", "openai.images.generations"),
    ("openai-images.openapi.json", "CreateImageEditRequest", "openai.images.edits.multipart"),
    ("openai-images.openapi.json", "EditImageBodyJsonParam", "openai.images.edits.jsonbody"),
    *[
        ("bfl.openapi.json", info.schema.removeprefix("bfl."), info.schema)
        for info in BFL_MODELS.values()
    ],
]
# OpenAI's `model` and `size` are open strings with a list of known values beside them
# (anyOf [string, enum]): ours are open strings too, so their values are checked against the
# emulator's model table and size rules below instead of as enums.
OPEN_STRING_FIELDS = ("model", "size")
OPENAI_OPERATIONS = {
    "CreateImageRequest": "images.generate",
    "CreateImageEditRequest": "images.edit",
    "EditImageBodyJsonParam": "images.edit.json",
}
# Official `size` values that no model the emulator serves accepts, each with its reason.
SIZE_EXCEPTIONS = {
    "256x256": "DALL-E 2 only (shut down 2026-05-12); below GPT Image 2's 655,360-pixel minimum",
    "512x512": "DALL-E 2 only (shut down 2026-05-12); below GPT Image 2's 655,360-pixel minimum",
}


def official_schema(document: str, name: str) -> dict[str, Any]:
    schemas = json.loads((CONTRACTS / document).read_text())["components"]["schemas"]
    return dict(schemas[name])


def listed_values(spec: dict[str, Any]) -> list[Any]:
    return [
        value
        for variant in (spec, *spec.get("anyOf", []))
        for value in variant.get("enum", [])
        if value is not None
    ]


def test_the_official_documents_are_in_the_repository_with_their_source() -> None:
    readme = (CONTRACTS / "README.md").read_text()
    for document in {document for document, _, _ in OFFICIAL_SCHEMAS}:
        assert (CONTRACTS / document).is_file()
        assert document in readme
    assert "openai/openai-openapi" in readme
    assert "2026-04-23" in readme


@pytest.mark.parametrize(("document", "official", "ours"), OFFICIAL_SCHEMAS)
def test_schemas_match_the_official_documents(document: str, official: str, ours: str) -> None:
    """Same field names, and every official enum value and numeric bound is kept."""
    source = official_schema(document, official)
    mine = load_schema(ours)
    assert set(mine["properties"]) == set(source["properties"])
    assert set(mine.get("required", [])) == set(source.get("required", []))
    for name, spec in source["properties"].items():
        variants = [spec, *spec.get("anyOf", [])]
        for variant in variants:
            for bound in ("minimum", "maximum", "multipleOf", "maxLength", "maxItems"):
                if bound in variant and name not in ("image",):
                    assert mine["properties"][name][bound] == variant[bound], (name, bound)
            if "enum" in variant and name not in OPEN_STRING_FIELDS:
                assert set(variant["enum"]) <= set(mine["properties"][name]["enum"]), name


def _request(operation: str, model: str, size: str) -> dict[str, Any]:
    payload: dict[str, Any] = {"model": model, "prompt": "x", "size": size}
    if operation == "images.edit":
        payload["image"] = "<f>"
    elif operation == "images.edit.json":
        payload["images"] = [{"file_id": "file-1"}]
    return payload


@pytest.mark.parametrize("official", sorted(OPENAI_OPERATIONS))
def test_every_official_model_id_is_known_to_the_emulator(official: str) -> None:
    source = official_schema("openai-images.openapi.json", official)["properties"]["model"]
    models = listed_values(source)
    assert models, "the official document lists model ids"
    assert [model for model in models if model not in OPENAI_MODELS] == []


def _size_refused(operation: str, model: str, size: str) -> bool:
    issues = validate_request("openai", operation, _request(operation, model, size))
    return any(issue.field == "size" for issue in issues)


@pytest.mark.parametrize("official", sorted(OPENAI_OPERATIONS))
def test_every_official_size_is_accepted_for_some_live_model_or_excepted(official: str) -> None:
    properties = official_schema("openai-images.openapi.json", official)["properties"]
    operation = OPENAI_OPERATIONS[official]
    live = [m for m in listed_values(properties["model"]) if OPENAI_MODELS[m].family != "dalle"]
    assert validate_request("openai", operation, _request(operation, "gpt-image-2", "auto")) == []
    sizes = listed_values(properties["size"])
    refused = {size for size in sizes if all(_size_refused(operation, m, size) for m in live)}
    assert refused == {size for size in sizes if size in SIZE_EXCEPTIONS}
