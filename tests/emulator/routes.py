"""Which provider and operation a request is, from the host alias that received it and its path."""

from __future__ import annotations

import re

from tests.emulator import fal_api
from tests.emulator.wire import Request

# Host aliases in binding order. "main" serves OpenAI, Gemini and the admin API.
ALIASES = (
    "main",
    "bfl",
    "bfl-eu",
    "bfl-us",
    "bfl-poll-global",
    "bfl-poll-eu",
    "bfl-poll-us",
    "bfl-delivery",
    "fal-queue",
    "fal-api",
    "fal-delivery",
    "openrouter",
    "hiapi",
    "apimart",
    "gateway-cdn",
)
BFL_SUBMIT_ALIASES = {"bfl", "bfl-eu", "bfl-us"}
BFL_POLL_ALIASES = {"bfl-poll-global", "bfl-poll-eu", "bfl-poll-us"}
FAL_ALIASES = {"fal-queue", "fal-api", "fal-delivery"}

_GENERATE_CONTENT = re.compile(r"/v1beta/models/[^/:]+:generateContent")
_PREDICT = re.compile(r"/v1beta/models/[^/:]+:predict")  # Imagen's, shut down: always 404
_OPENAI_MODEL = re.compile(r"/v1/models/[^/]+")
_BFL_SUBMIT = re.compile(r"/v1/[A-Za-z0-9.\-]+")
_FAL_REQUEST = re.compile(r"/.+/requests/[^/]+(/status|/cancel)?")
OPENROUTER_ROUTES = {
    ("POST", "/api/v1/chat/completions"): "chat.completions",
    ("GET", "/api/v1/key"): "key",
    ("GET", "/api/v1/models"): "models.list",
}
_GATEWAY_TASK = re.compile(r"/v1/tasks/[^/]+")
# (gateway, method, path) -> operation; task polls are matched by _GATEWAY_TASK.
_GATEWAY_OPERATIONS = {
    ("hiapi", "POST", "/v1/tasks"): "submit",
    ("hiapi", "GET", "/v1/tasks"): "tasks.list",
    ("hiapi", "POST", "/v1/images/generations"): "images.generate",
    ("apimart", "POST", "/v1/images/generations"): "submit",
    ("apimart", "GET", "/v1/models"): "models.list",
}


def classify(alias: str, method: str, path: str) -> tuple[str, str]:
    """(provider, operation); operation "unknown" for paths the provider does not serve."""
    if alias in FAL_ALIASES:
        return "fal", _fal_operation(alias, method, path)
    if alias == "main":
        if path.startswith("/v1beta/"):
            if path == "/v1beta/models" and method == "GET":
                return "gemini", "models.list"
            if _GENERATE_CONTENT.fullmatch(path) and method == "POST":
                return "gemini", "generateContent"
            if _PREDICT.fullmatch(path) and method == "POST":
                return "gemini", "predict"
            return "gemini", "unknown"
        table = {
            ("POST", "/v1/images/generations"): "images.generate",
            ("POST", "/v1/images/edits"): "images.edit",
            ("GET", "/v1/models"): "models.list",
        }
        if (method, path) in table:
            return "openai", table[(method, path)]
        if method == "GET" and _OPENAI_MODEL.fullmatch(path):
            return "openai", "models.get"
        return "openai", "unknown"
    if alias == "openrouter":
        return "openrouter", OPENROUTER_ROUTES.get((method, path), "unknown")
    if alias in ("hiapi", "apimart"):
        if method == "GET" and _GATEWAY_TASK.fullmatch(path):
            return alias, "poll"
        return alias, _GATEWAY_OPERATIONS.get((alias, method, path), "unknown")
    if alias == "gateway-cdn":  # /<gateway>/<task id>.png
        gateway = path.strip("/").split("/", 1)[0]
        known = gateway in ("hiapi", "apimart") and method == "GET"
        return (gateway, "delivery") if known else ("hiapi", "unknown")
    if alias == "bfl-delivery":
        return "bfl", "delivery" if method == "GET" else "unknown"
    if path == "/v1/get_result" and method == "GET":
        return "bfl", "poll"
    if alias in BFL_SUBMIT_ALIASES:
        if path == "/v1/credits" and method == "GET":
            return "bfl", "credits"
        if _BFL_SUBMIT.fullmatch(path) and method == "POST":
            return "bfl", "submit"
    return "bfl", "unknown"


def _fal_operation(alias: str, method: str, path: str) -> str:
    if alias == "fal-delivery":
        return "delivery" if method == "GET" else "unknown"
    if alias == "fal-api":
        return "pricing" if (method, path) == ("GET", "/v1/models/pricing") else "unknown"
    match = _FAL_REQUEST.fullmatch(path)
    if match is None:
        return "submit" if method == "POST" else "unknown"
    table = {("GET", "/status"): "poll", ("GET", None): "result", ("PUT", "/cancel"): "cancel"}
    return table.get((method, match.group(1)), "unknown")


def api_key(provider: str, req: Request) -> str | None:
    if provider in ("openai", "openrouter", "hiapi", "apimart"):
        auth = req.header("authorization") or ""
        return auth[7:].strip() or None if auth.lower().startswith("bearer ") else None
    if provider == "bfl":
        return req.header("x-key")
    if provider == "gemini":
        return req.header("x-goog-api-key") or req.query_param("key")
    if provider == "fal":
        return fal_api.key_of(req)
    return None
