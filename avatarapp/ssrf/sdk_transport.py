"""The pinned client for the openai SDK 3.x, which is typed for httpx2 (a fork of httpx 0.28).

Same design as transport (read its docstring): an httpcore2 network backend that dials only the
checked addresses, a transport that refuses other origins, a client that never follows redirects.

    checked = validate_base_url(url, allow_private=settings.ALLOW_PRIVATE_PROVIDER_HOSTS)
    client = OpenAI(api_key=key, base_url=checked.url, http_client=pinned_sdk_client(checked))
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import httpcore2
import httpx2

from avatarapp.ssrf.transport import connect_pinned, require_checked_origin
from avatarapp.ssrf.url import CheckedURL

DEFAULT_LIMITS = httpx2.Limits(max_connections=100, max_keepalive_connections=20)


class SDKPinnedBackend(httpcore2.NetworkBackend):
    """httpcore2 network backend: `checked.host:checked.port` goes to the checked IPs, nothing else
    goes anywhere."""

    def __init__(self, checked: CheckedURL, inner: httpcore2.NetworkBackend | None = None) -> None:
        self._checked = checked
        self._inner = inner or httpcore2.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore2.NetworkStream:
        def connect(address: str) -> httpcore2.NetworkStream:
            return self._inner.connect_tcp(
                address, port, timeout, local_address, socket_options=socket_options
            )

        return connect_pinned(self._checked, host, port, connect, httpcore2.ConnectError)

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore2.NetworkStream:
        raise httpcore2.ConnectError("Unix sockets are not allowed for provider hosts.")

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


class SDKPinnedTransport(httpx2.HTTPTransport):
    """httpx2.HTTPTransport whose connections go only to the checked addresses of one origin."""

    def __init__(
        self,
        checked: CheckedURL,
        *,
        verify: Any = True,
        limits: httpx2.Limits = DEFAULT_LIMITS,
    ) -> None:
        ssl_context = httpx2.create_ssl_context(verify=verify, trust_env=True)
        super().__init__(verify=ssl_context, trust_env=False, limits=limits)
        self._checked = checked
        # As in transport: swap in a pool that uses our backend (no constructor parameter).
        self._pool = httpcore2.ConnectionPool(
            ssl_context=ssl_context,
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            http1=True,
            http2=False,
            retries=0,
            network_backend=SDKPinnedBackend(checked),
        )

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        url = request.url
        require_checked_origin(self._checked, url.scheme, url.raw_host, url.port)
        request.extensions.pop("sni_hostname", None)  # TLS verifies the user's host name only
        return super().handle_request(request)


class SDKPinnedClient(httpx2.Client):
    """httpx2.Client that never follows redirects, even when the SDK asks per request."""

    def send(
        self,
        request: httpx2.Request,
        *,
        stream: bool = False,
        auth: Any = httpx2.USE_CLIENT_DEFAULT,
        follow_redirects: Any = httpx2.USE_CLIENT_DEFAULT,
    ) -> httpx2.Response:
        return super().send(request, stream=stream, auth=auth, follow_redirects=False)


def pinned_sdk_client(
    checked: CheckedURL, *, timeout: httpx2.Timeout | float = 60.0, verify: Any = True
) -> httpx2.Client:
    """An httpx2 client for `checked`'s server, for `OpenAI(http_client=...)`: pinned to the checked
    IPs, no redirects, no proxies or netrc from the environment."""
    return SDKPinnedClient(
        transport=SDKPinnedTransport(checked, verify=verify),
        base_url=checked.url,
        timeout=timeout,
        follow_redirects=False,
        trust_env=False,
    )
