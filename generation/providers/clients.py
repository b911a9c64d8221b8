"""The HTTP clients provider calls go through: one per kind per worker thread for generations,
and short-lived ones with a hard deadline for key checks. Plain Python, like the adapters.

Generations: each worker thread keeps one client per kind and reuses its connections; all of them
share one SSL context per process. Building a client per image would cost a new SSL context for
the openai SDK (~30 ms of CPU, about a tenth of the worker's CPU per image, and ~0.7 MB) plus a new
TCP (and TLS) connection per call. A thread runs one task at a time, so no connection pool is ever
used by two threads at once. Keys travel per request, never on the client, and the jar accepts no
cookies, so nothing from one customer's call rides along on another's. Made again after a fork.

Key checks: a person waits for the page, so every HTTP operation gets a short timeout that wins
over the adapters' own per-request ones (`DeadlineClient`).
"""

from __future__ import annotations

import os
import ssl
import threading
from collections.abc import Callable
from http.cookiejar import CookieJar, DefaultCookiePolicy
from typing import Any

import httpx
import httpx2
import openai

from generation.providers.http import DEFAULT_TIMEOUT, SDK_TIMEOUT

_local = threading.local()
_ssl_lock = threading.Lock()
_ssl_contexts: dict[int, ssl.SSLContext] = {}  # pid -> the process's context


def _ssl_context() -> ssl.SSLContext:
    with _ssl_lock:
        if os.getpid() not in _ssl_contexts:
            _ssl_contexts.clear()
            _ssl_contexts[os.getpid()] = httpx.create_ssl_context()
        return _ssl_contexts[os.getpid()]


def _no_cookies() -> CookieJar:
    return CookieJar(policy=DefaultCookiePolicy(allowed_domains=[]))


def _per_thread(name: str, make: Callable[[], Any]) -> Any:
    clients: dict[str, tuple[int, Any]] = _local.__dict__.setdefault("clients", {})
    pid, client = clients.get(name, (0, None))
    if client is None or pid != os.getpid() or client.is_closed:
        client = make()
        clients[name] = (os.getpid(), client)
    return client


def thread_sdk_http_client() -> httpx2.Client:
    """For the openai SDK: its own defaults (DefaultHttpxClient), kept for this thread."""
    return _per_thread(
        "sdk",
        lambda: openai.DefaultHttpxClient(
            timeout=SDK_TIMEOUT, verify=_ssl_context(), cookies=_no_cookies()
        ),
    )


def thread_http_client() -> httpx.Client:
    """For the BFL and Gemini adapters: the settings they use on their own, kept for this thread."""
    return _per_thread(
        "plain",
        lambda: httpx.Client(
            timeout=DEFAULT_TIMEOUT,
            follow_redirects=False,
            verify=_ssl_context(),
            cookies=_no_cookies(),
        ),
    )


# --- Key checks ----------------------------------------------------------------------------------


class DeadlineClient(httpx.Client):
    """An httpx client whose own timeout wins over any per-request timeout a caller passes (the
    adapters pass their 20 s poll timeout)."""

    def request(self, method: str, url: Any, **kwargs: Any) -> httpx.Response:
        kwargs["timeout"] = self.timeout
        return super().request(method, url, **kwargs)


def deadline_client(seconds: float) -> DeadlineClient:
    return DeadlineClient(
        timeout=httpx.Timeout(seconds, connect=min(3.0, seconds)), follow_redirects=False
    )


def sdk_deadline(seconds: float) -> httpx2.Timeout:
    """The openai SDK's timeout for a key check: given to the SDK too, which passes it on every
    request."""
    return httpx2.Timeout(seconds, connect=min(3.0, seconds))


def sdk_deadline_client(seconds: float) -> httpx2.Client:
    return httpx2.Client(timeout=sdk_deadline(seconds), follow_redirects=False)
