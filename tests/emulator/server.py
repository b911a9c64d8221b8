"""The emulator: one threaded HTTP server per host alias, all sharing one state.

Host aliases: the whole 127.0.0.0/8 is loopback on Linux, so with host 127.0.0.1 the aliases are
127.0.0.1 (OpenAI, Gemini, admin), .2 BFL global, .3 BFL EU, .4 BFL US, .5-.7 the regional BFL
poll hosts, .8 the BFL delivery host, .9-.11 fal's queue, platform API and CDN hosts, .12
OpenRouter, .13 HiAPI, .14 APIMart and .15 the gateways' result CDN, all on the same port. Where
extra loopback addresses are not available (another OS, or a non-loopback host such as 0.0.0.0
in a container), the "port" mode puts every alias on the same host with consecutive ports
instead.
"""

from __future__ import annotations

import contextlib
import ipaddress
import logging
import socket
import threading
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from tests.emulator import (
    admin,
    bfl_api,
    fal_api,
    gateway_api,
    gemini_api,
    openai_api,
    openrouter_api,
    schemas,
)
from tests.emulator.config import EmulatorConfig
from tests.emulator.faults import FaultRule
from tests.emulator.recorder import RecordedRequest
from tests.emulator.routes import ALIASES, api_key, classify
from tests.emulator.state import EmulatorState
from tests.emulator.wire import Request, Response

log = logging.getLogger("tests.emulator")


class _Server(ThreadingHTTPServer):
    daemon_threads = True  # a hung client must not keep the process alive
    block_on_close = False
    request_queue_size = 1024  # the benchmark opens hundreds of connections at once
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], emulator: Emulator, alias: str) -> None:
        self.emulator = emulator
        self.alias = alias
        super().__init__(address, _Handler)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as the SDKs' connection pools expect
    server_version = "avatarapp-emulator/1.0"
    # Headers and body go out in two writes; with Nagle on, keep-alive clients would wait for a
    # delayed ACK (~40 ms) on every response.
    disable_nagle_algorithm = True
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("%s %s", self.address_string(), format % args)

    def _body(self) -> bytes:
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            chunks: list[bytes] = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    self.rfile.readline()
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _serve(self) -> None:
        try:
            path, _, query = self.path.partition("?")
            headers = {name.lower(): value for name, value in self.headers.items()}
            req = Request(self.command, path, query, headers, self._body(), self.server.alias)
            self._send(self.server.emulator.handle(req))
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client gave up (e.g. its read timeout)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _serve

    def _send(self, response: Response) -> None:
        if response.drop:
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
            return
        self.send_response(response.status)
        for name, value in response.headers:
            self.send_header(name, value)
        if response.chunks is not None:  # SSE: stream, then close (no length known up front)
            self.send_header("Connection", "close")
            self.end_headers()
            for chunk in response.chunks:
                self.wfile.write(chunk)
                self.wfile.flush()
            self.close_connection = True
            return
        self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        self.wfile.write(response.body)


class Emulator:
    """Start with `Emulator(...).start()` or as a context manager; see README.md."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        config: EmulatorConfig | None = None,
        alias_mode: str = "auto",
        advertise_host: str | None = None,
    ) -> None:
        self.host, self.port = host, port
        self.state = EmulatorState(config or EmulatorConfig())
        self.alias_mode = alias_mode if alias_mode != "auto" else _auto_mode(host)
        self.advertise_host = advertise_host
        self._servers: dict[str, _Server] = {}
        self._threads: list[threading.Thread] = []

    # --- lifecycle ---------------------------------------------------------------------------

    def start(self) -> Emulator:
        schemas.warm_up()  # before the first burst of requests, not during it
        for _attempt in range(20):
            try:
                self._bind()
                break
            except OSError:
                self._close_servers()
                if self.port:  # a fixed port that is taken: nothing to retry
                    raise
        else:
            raise OSError("could not bind the emulator's host aliases")
        for server in self._servers.values():
            thread = threading.Thread(
                target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True
            )
            thread.start()
            self._threads.append(thread)
        return self

    def _bind(self) -> None:
        port = self.port
        for index, alias in enumerate(ALIASES):
            if self.alias_mode == "ip":
                address = (str(ipaddress.IPv4Address(self.host) + index), port)
            else:
                address = (self.host, self.port + index if self.port else 0)
            server = _Server(address, self, alias)
            self._servers[alias] = server
            if index == 0 and self.alias_mode == "ip":
                port = server.server_address[1]  # every alias on the port the first one got

    def _close_servers(self) -> None:
        for server in self._servers.values():
            server.server_close()
        self._servers.clear()

    def stop(self) -> None:
        self.state.stopping.set()
        stoppers = [threading.Thread(target=s.shutdown) for s in self._servers.values()]
        for thread in stoppers:
            thread.start()
        for thread in stoppers:
            thread.join()
        self._close_servers()

    def __enter__(self) -> Emulator:
        return self.start() if not self._servers else self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- addresses ---------------------------------------------------------------------------

    def url(self, alias: str) -> str:
        address = self._servers[alias].server_address
        host, port = str(address[0]), int(address[1])
        if self.alias_mode == "port":
            host = self.advertise_host or ("127.0.0.1" if host == "0.0.0.0" else host)  # noqa: S104
        return f"http://{host}:{port}"

    @property
    def openai_base_url(self) -> str:
        return f"{self.url('main')}/v1"

    @property
    def gemini_base_url(self) -> str:
        return f"{self.url('main')}/v1beta"

    @property
    def bfl_base_url(self) -> str:
        return self.url("bfl")

    @property
    def bfl_eu_base_url(self) -> str:
        return self.url("bfl-eu")

    @property
    def bfl_us_base_url(self) -> str:
        return self.url("bfl-us")

    @property
    def fal_queue_url(self) -> str:
        return self.url("fal-queue")

    @property
    def fal_api_url(self) -> str:
        return f"{self.url('fal-api')}/v1"

    @property
    def openrouter_base_url(self) -> str:
        return f"{self.url('openrouter')}/api/v1"

    @property
    def hiapi_base_url(self) -> str:
        return self.url("hiapi")

    @property
    def apimart_base_url(self) -> str:
        return self.url("apimart")

    @property
    def admin_url(self) -> str:
        return f"{self.url('main')}/_emulator"

    def base_urls(self) -> dict[str, str]:
        return {
            "openai": self.openai_base_url,
            "gemini": self.gemini_base_url,
            "bfl": self.bfl_base_url,
            "bfl_eu": self.bfl_eu_base_url,
            "bfl_us": self.bfl_us_base_url,
            "admin": self.admin_url,
            "fal_queue": self.fal_queue_url,
            "fal_api": self.fal_api_url,
            "openrouter": self.openrouter_base_url,
            "hiapi": self.hiapi_base_url,
            "apimart": self.apimart_base_url,
            **{f"alias:{alias}": self.url(alias) for alias in self._servers},
        }

    # --- requests ----------------------------------------------------------------------------

    def handle(self, req: Request) -> Response:
        if req.path.startswith("/_emulator/"):
            return admin.handle(self, req)
        provider, operation = classify(req.alias, req.method, req.path)
        req.record = self.state.recorder.record(req, provider, operation, api_key(provider, req))
        try:
            if provider == "openai":
                response = openai_api.handle(self.state, req)
            elif provider == "gemini":
                response = gemini_api.handle(self.state, req)
            elif provider == "fal":
                response = fal_api.handle(self, req)
            elif provider == "openrouter":
                response = openrouter_api.handle(self.state, req)
            elif provider in ("hiapi", "apimart"):
                response = gateway_api.handle(self, req)
            else:
                response = bfl_api.handle(self, req)
        except Exception:
            log.exception("emulator bug on %s %s", req.method, req.path)
            response = Response.json(500, {"error": {"message": "emulator internal error"}})
        req.record.status = 0 if response.drop else response.status
        return response

    # --- control (the same operations as the admin API) --------------------------------------

    def reset(self) -> None:
        """Forget requests, faults, credits and tasks; restore the starting configuration."""
        self.state.reset()

    def configure(self, **settings: Any) -> None:
        self.state.config.update(**settings)

    def add_fault(self, fault: str, times: int | None = None, **match: Any) -> FaultRule:
        return self.state.faults.add(FaultRule(fault, times, **match))

    def faults(self) -> list[FaultRule]:
        return self.state.faults.rules()

    def clear_faults(self) -> None:
        self.state.faults.clear()

    def model_list(self, provider: str) -> list[str]:
        """What `provider`'s ("openai" / "gemini") free model list names now. Change it with
        `configure(openai_models=[...])` / `configure(gemini_models=[...])` (None: the default)."""
        return self.state.model_list(provider)

    def set_credits(self, key: str, credits: float) -> None:
        self.state.bfl.set_credits(key, credits)

    def credits(self, key: str) -> Decimal:
        return self.state.bfl.credits(key)

    @property
    def requests(self) -> list[RecordedRequest]:
        return self.state.recorder.all()

    def count(self, **match: Any) -> int:
        """Recorded requests whose attributes equal `match` (provider, operation, alias, model,
        status, api_key, method, path)."""
        return sum(1 for r in self.requests if all(getattr(r, k) == v for k, v in match.items()))

    def submit_count(self, key: str) -> int:
        """Image requests (generate, edit, BFL submit, generateContent) sent with `key`."""
        return self.state.recorder.submits(key)


def _auto_mode(host: str) -> str:
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return "port"
    return "ip" if address.version == 4 and address.is_loopback else "port"
