"""An httpx client that can only reach the addresses validate_base_url checked.

How the pinning works: httpx.HTTPTransport drives an httpcore connection pool, and the pool opens
sockets through a "network backend" (`connect_tcp(host, port, ...)`). We give the pool a backend
that ignores DNS and dials the checked IPs instead. Everything above the socket still sees the
original URL, so the Host header is the user's host name, TLS sends it as SNI and verifies the
certificate against it, and the connection pool is keyed by it. There is no second DNS lookup, so a
resolver that answers differently at connect time (DNS rebinding) changes nothing.

Two more locks: the transport refuses any request whose scheme, host or port is not the checked
one (the openai SDK builds URLs from base_url, so it never should), and the client never follows
redirects, even when a caller asks it to per request; a 3xx comes back to the caller as a response.

The same classes exist for httpx2 (the fork the openai SDK 3.x is typed for) in
sdk_transport; the checks they share live here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

import httpcore
import httpx

from avatarapp.ssrf.url import DEFAULT_PORTS, CheckedURL, UnsafeURLError

DEFAULT_LIMITS = httpx.Limits(max_connections=100, max_keepalive_connections=20)

_Stream = TypeVar("_Stream")


def connect_pinned(
    checked: CheckedURL,
    host: str,
    port: int,
    connect: Callable[[str], _Stream],
    connect_error: type[Exception],
) -> _Stream:
    """Dial `checked.addresses` in order for `host:port`, which must be the checked origin.
    Shared by the httpx and httpx2 backends; `connect_error` is their library's ConnectError."""
    if host != checked.host or port != checked.port:
        raise connect_error("Refusing to connect to an address that was not checked.")
    error: Exception | None = None
    for address in checked.addresses:
        try:
            return connect(address)
        except connect_error as exc:  # a timeout propagates: the deadline is spent
            error = exc
    raise error or connect_error("No address to connect to.")


def require_checked_origin(
    checked: CheckedURL, scheme: str, raw_host: bytes, port: int | None
) -> None:
    """Refuse a request for any origin but the checked one (the SDK builds URLs from base_url)."""
    effective_port = DEFAULT_PORTS.get(scheme, 0) if port is None else port
    if (scheme, raw_host.decode("ascii"), effective_port) != (
        checked.scheme,
        checked.host,
        checked.port,
    ):
        raise UnsafeURLError(
            f"This connection may only reach {checked.scheme}://{checked.host}:{checked.port}; "
            "the server URL was checked for that host only.",
            reason="origin",
        )


class PinnedBackend(httpcore.NetworkBackend):
    """An httpcore network backend that connects `checked.host:checked.port` to the checked IPs,
    in resolver order (the next one if a connect fails), and refuses every other destination."""

    def __init__(self, checked: CheckedURL, inner: httpcore.NetworkBackend | None = None) -> None:
        self._checked = checked
        self._inner = inner or httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        def connect(address: str) -> httpcore.NetworkStream:
            return self._inner.connect_tcp(
                address, port, timeout, local_address, socket_options=socket_options
            )

        return connect_pinned(self._checked, host, port, connect, httpcore.ConnectError)

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        raise httpcore.ConnectError("Unix sockets are not allowed for provider hosts.")

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


class PinnedTransport(httpx.HTTPTransport):
    """httpx.HTTPTransport whose connections go only to the checked addresses of one origin."""

    def __init__(
        self,
        checked: CheckedURL,
        *,
        verify: Any = True,
        limits: httpx.Limits = DEFAULT_LIMITS,
    ) -> None:
        # SSL_CERT_FILE / SSL_CERT_DIR are the operator's CA settings: honour them. Proxies and
        # netrc (the rest of trust_env) are not: a proxy would resolve the name itself.
        ssl_context = httpx.create_ssl_context(verify=verify, trust_env=True)
        super().__init__(verify=ssl_context, trust_env=False, limits=limits)
        self._checked = checked
        # HTTPTransport has no parameter for httpcore's network backend, so replace the pool it
        # built with the same settings plus ours. Pinned to httpx 0.28 / httpcore 1 by uv.lock;
        # tests/keys/test_ssrf.py fails loudly if an upgrade changes this.
        self._pool = httpcore.ConnectionPool(
            ssl_context=ssl_context,
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            http1=True,
            http2=False,
            retries=0,
            network_backend=PinnedBackend(checked),
        )

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        url = request.url
        require_checked_origin(self._checked, url.scheme, url.raw_host, url.port)
        # TLS must verify the user's host name; a request may not swap in another one.
        request.extensions.pop("sni_hostname", None)
        return super().handle_request(request)


class PinnedClient(httpx.Client):
    """httpx.Client that never follows redirects, even if a caller asks per request."""

    def send(
        self,
        request: httpx.Request,
        *,
        stream: bool = False,
        auth: Any = httpx.USE_CLIENT_DEFAULT,
        follow_redirects: Any = httpx.USE_CLIENT_DEFAULT,
    ) -> httpx.Response:
        return super().send(request, stream=stream, auth=auth, follow_redirects=False)


def pinned_client(
    checked: CheckedURL, *, timeout: httpx.Timeout | float = 60.0, verify: Any = True
) -> httpx.Client:
    """An httpx client for `checked`'s server: pinned to its checked IPs, no redirects, no proxies
    or netrc from the environment; `verify` takes an ssl.SSLContext (tests). For the openai SDK 3.x,
    which is typed for its httpx2 fork, use sdk_transport.pinned_sdk_client (this one works at
    run time too, through the SDK's legacy-httpx path, but does not type-check)."""
    return PinnedClient(
        transport=PinnedTransport(checked, verify=verify),
        base_url=checked.url,
        timeout=timeout,
        follow_redirects=False,
        trust_env=False,
    )
