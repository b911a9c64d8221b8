"""Control API for an emulator running in another process (every host alias answers it).

GET  /_emulator/health              {"ok": true, "urls": {...}}
GET  /_emulator/requests            ?provider=&operation=&alias=  -> {"requests": [...]}
GET  /_emulator/count               ?provider=&operation=&alias=&model=&status=&key_sha256=
GET  /_emulator/submits             {"by_key": {key_sha256: n}}
POST /_emulator/reset
GET|POST /_emulator/config          body: settings to change (EmulatorConfig field names), e.g.
                                    {"gemini_models": [...]} to change what models.list names
GET  /_emulator/models              ?provider=openai|gemini -> {"models": [ids the list names now]}
GET|POST|DELETE /_emulator/faults   body: {"fault", "times", "value", "provider", "key", "model",
                                    "operation"}
GET|POST /_emulator/credits         ?key=  |  body {"key", "credits"}
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

from tests.emulator.recorder import key_hash
from tests.emulator.wire import Request, Response

if TYPE_CHECKING:
    from tests.emulator.server import Emulator

_FILTERS = ("provider", "operation", "alias", "model")


def _error(status: int, message: str) -> Response:
    return Response.json(status, {"error": message})


def handle(emu: Emulator, req: Request) -> Response:
    name = req.path.removeprefix("/_emulator/").strip("/")
    try:
        body: Any = req.json() if req.body else {}
    except ValueError:
        return _error(400, "body must be JSON")
    if not isinstance(body, dict):
        return _error(400, "body must be a JSON object")
    try:
        return _route(emu, req, name, body)
    except (ValueError, TypeError) as problem:
        return _error(400, str(problem))


def _selected(emu: Emulator, req: Request) -> list[Any]:
    records = emu.requests
    for field in _FILTERS:
        wanted = req.query_param(field)
        if wanted is not None:
            records = [r for r in records if getattr(r, field) == wanted]
    status = req.query_param("status")
    if status is not None:
        records = [r for r in records if str(r.status) == status]
    digest = req.query_param("key_sha256")
    if digest is not None:
        records = [r for r in records if key_hash(r.api_key) == digest]
    return records


def _route(emu: Emulator, req: Request, name: str, body: dict[str, Any]) -> Response:
    method = req.method
    if name == "health":
        return Response.json(200, {"ok": True, "urls": emu.base_urls()})
    if name == "requests" and method == "GET":
        return Response.json(200, {"requests": [r.as_dict() for r in _selected(emu, req)]})
    if name == "count" and method == "GET":
        return Response.json(200, {"count": len(_selected(emu, req))})
    if name == "submits" and method == "GET":
        by_key = {key_hash(k): n for k, n in emu.state.recorder.submits_by_key().items()}
        return Response.json(200, {"by_key": by_key})
    if name == "reset" and method == "POST":
        emu.reset()
        return Response.json(200, {"ok": True})
    if name == "config":
        if method == "POST":
            emu.configure(**body)
        return Response.json(200, emu.state.config.as_dict())
    if name == "models" and method == "GET":
        provider = req.query_param("provider")
        if provider not in ("openai", "gemini"):
            return _error(400, "provider must be openai or gemini")
        return Response.json(200, {"models": emu.state.model_list(provider)})
    if name == "faults":
        if method == "POST":
            rule = emu.add_fault(**body)
            return Response.json(200, dataclasses.asdict(rule))
        if method == "DELETE":
            emu.clear_faults()
        return Response.json(200, {"faults": [dataclasses.asdict(r) for r in emu.faults()]})
    if name == "credits":
        if method == "POST":
            emu.set_credits(str(body["key"]), float(body["credits"]))
            return Response.json(200, {"ok": True})
        key = req.query_param("key")
        if not key:
            return _error(400, "key is required")
        return Response.json(200, {"credits": float(emu.credits(key))})
    return _error(404, f"no admin endpoint {method} /_emulator/{name}")
