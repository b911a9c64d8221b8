"""Checking a user-supplied base URL, and provider download URLs, before anything connects.

The URL is parsed with httpx, the parser the client that later connects will use, so the host we
check is the host it would dial. Numeric hosts are read the way the C library reads them; names go
through the resolver and every address it answers is checked. The addresses are kept on the result
so the connection can be pinned to them (see transport), which closes the DNS rebinding gap.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Final
from urllib.parse import urlsplit

import httpx

from avatarapp.ssrf.addresses import (
    PRIVATE_KINDS,
    IPAddress,
    classify,
    embedded_ipv4,
    parse_numeric_host,
)

# Called like getaddrinfo(host, port); answers [(family, type, proto, name, sockaddr), ...].
Resolver = Callable[[str, int], Iterable[tuple[Any, ...]]]

DEFAULT_PORTS: Final = {"http": 80, "https": 443}

_PUBLIC_HINT = "Use a public URL of your server."
_OPERATOR_HINT = (
    "Use a public URL of your server, or ask the operator to allow private provider hosts."
)
_KIND_TEXT: Final = {
    "loopback": "That address points to this server itself ({})",
    "private": "That address points inside a private network ({})",
    "shared": "That address points inside a carrier-grade NAT network ({})",
    "link-local": "That address is link-local ({}), reachable only on the local network segment",
    "metadata": "That address belongs to a cloud metadata service ({}), which is never allowed",
    "unspecified": "That address is the unspecified address ({}), which means this machine",
    "multicast": "That address is a multicast address ({}), not a server",
    "broadcast": "That address is the broadcast address ({}), not a server",
    "reserved": "That address is reserved for special use ({}) and is not a public server",
}


class UnsafeURLError(ValueError):
    """A URL we will not connect to. The message is a sentence for the user and echoes no secret
    (never the userinfo, query string or the raw input); `reason` is a short code for tests/logs."""

    def __init__(self, message: str, *, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True)
class CheckedURL:
    """A base URL that passed validate_base_url, with the addresses it was checked against.

    `host` is the ASCII host as httpx sends it (IDNA-encoded, lower case, IPv6 without brackets);
    `addresses` are the checked IPs in resolver order: the only ones a pinned client will dial.
    """

    url: str
    scheme: str
    host: str
    port: int
    addresses: tuple[str, ...]


def system_resolver(host: str, port: int) -> list[tuple[Any, ...]]:
    return list(socket.getaddrinfo(host, port, type=socket.SOCK_STREAM))


def _refuse(kind: str, subject: str) -> UnsafeURLError:
    hint = _OPERATOR_HINT if kind in PRIVATE_KINDS else _PUBLIC_HINT
    return UnsafeURLError(f"{_KIND_TEXT[kind].format(subject)}. {hint}", reason=kind)


def _invalid() -> UnsafeURLError:
    return UnsafeURLError(
        "That is not a valid server URL. Use an address like https://images.example.com/v1.",
        reason="invalid",
    )


def _check(ip: IPAddress, subject: str, *, allow_private: bool) -> None:
    verdict = classify(ip)
    if verdict is not None and not verdict.allowed(allow_private=allow_private):
        inner = embedded_ipv4(ip) if isinstance(ip, ipaddress.IPv6Address) else None
        raise _refuse(verdict.kind, subject if inner is None else f"{subject}, which is {inner}")


def _parse(url: str, *, allow_private: bool) -> httpx.URL:
    if any(ord(c) < 0x21 or ord(c) == 0x7F for c in url):
        raise _invalid()
    try:
        return httpx.URL(url)
    except (httpx.InvalidURL, TypeError, ValueError, UnicodeError):
        # httpx rejects some legacy spellings (0177.0.0.1) that the C library would still dial;
        # name the address they denote, which is what the user can act on.
        try:
            host = urlsplit(url).hostname or ""
            ip = parse_numeric_host(host)
        except ValueError:
            ip = None
        if ip is not None:
            _check(ip, str(ip), allow_private=allow_private)
        raise _invalid() from None


def validate_base_url(
    url: str, *, allow_private: bool = False, resolver: Resolver = system_resolver
) -> CheckedURL:
    """Check a user-supplied provider base URL; raise UnsafeURLError unless it is a public server.

    http(s) only, no user:password@, no #fragment, a host that is not (and does not resolve to) a
    loopback, private, shared, link-local, metadata, multicast or reserved address. With
    `allow_private` (operator setting ALLOW_PRIVATE_PROVIDER_HOSTS) loopback, RFC 1918, CGNAT and
    unique-local addresses pass; metadata, link-local and the rest never do.
    """
    url = url.strip()
    parsed = _parse(url, allow_private=allow_private)
    if parsed.scheme not in DEFAULT_PORTS:
        raise UnsafeURLError(
            "Use an http:// or https:// address for the server.",
            reason="scheme",
        )
    if parsed.userinfo or "@" in urlsplit(url).netloc:
        raise UnsafeURLError(
            "Remove the user name and password from the URL; the API key belongs in the key field.",
            reason="userinfo",
        )
    if parsed.fragment or "#" in url:
        raise UnsafeURLError("Remove the #fragment from the server URL.", reason="fragment")
    host = parsed.raw_host.decode("ascii")
    if not host:
        raise UnsafeURLError(
            "The URL has no host name. Use an address like https://images.example.com/v1.",
            reason="host",
        )
    port = DEFAULT_PORTS[parsed.scheme] if parsed.port is None else parsed.port
    if not 0 < port < 65536:
        raise UnsafeURLError("The port in the URL must be between 1 and 65535.", reason="port")

    try:
        literal = parse_numeric_host(host)
    except ValueError:
        raise _invalid() from None
    if literal is not None:
        _check(literal, str(literal), allow_private=allow_private)
        if isinstance(literal, ipaddress.IPv6Address) and literal.scope_id:
            raise UnsafeURLError("Remove the %zone from the IPv6 address.", reason="zone")
        if isinstance(literal, ipaddress.IPv4Address) and host != str(literal):
            raise UnsafeURLError(
                f"Write the IP address in the usual dotted form ({literal}).", reason="spelling"
            )
        addresses: tuple[str, ...] = (str(literal),)
    else:
        addresses = _resolve(host, port, allow_private=allow_private, resolver=resolver)
    return CheckedURL(str(parsed), parsed.scheme, host, port, addresses)


def _is_localhost(host: str) -> bool:
    name = host.rstrip(".")
    return name == "localhost" or name.endswith(".localhost")


def _resolve(host: str, port: int, *, allow_private: bool, resolver: Resolver) -> tuple[str, ...]:
    if _is_localhost(host) and not allow_private:
        # RFC 6761: these names are loopback whatever a resolver says; no need to ask one.
        raise _refuse("loopback", "localhost")
    try:
        infos = list(resolver(host, port))
    except (OSError, UnicodeError):
        infos = []
    seen: dict[str, IPAddress] = {}
    for info in infos:
        try:
            ip = ipaddress.ip_address(info[4][0])
        except (ValueError, IndexError, TypeError):
            continue
        seen.setdefault(str(ip), ip)
    if not seen:
        raise UnsafeURLError(
            "We could not find that server. Check the host name in the URL.",
            reason="resolve",
        )
    for text, ip in seen.items():
        # Every answer is checked: a name with one public and one private address is refused.
        _check(ip, f"the name resolves to {text}", allow_private=allow_private)
    return tuple(seen)


def is_allowed_download_host(
    url: str, allowed_suffixes: Iterable[str], *, extra_origins: Iterable[str] = ()
) -> bool:
    """May we fetch a provider result from `url`? (BFL delivery URLs and the like.)

    https only, no userinfo, no IP literal in any spelling, and the host must be one of
    `allowed_suffixes` or under it ("bfl.ai" and ".bfl.ai" both allow delivery-eu1.bfl.ai and
    bfl.ai, never evilbfl.ai). `extra_origins` lists exact origins such as "http://127.0.0.1:8123"
    that the caller allows explicitly (the emulator's delivery host in tests); nothing is read from
    settings here. The caller must still fetch without following redirects.
    """
    try:
        parsed = httpx.URL(url.strip())
    except (httpx.InvalidURL, TypeError, ValueError, UnicodeError):
        return False
    if parsed.userinfo or "@" in urlsplit(url.strip()).netloc or not parsed.raw_host:
        return False
    origin = _origin(parsed)
    if any(origin == _origin(httpx.URL(extra)) for extra in extra_origins):
        return True
    host = parsed.raw_host.decode("ascii")
    if parsed.scheme != "https":
        return False
    try:
        if parse_numeric_host(host) is not None:
            return False
    except ValueError:
        return False
    name = host.removesuffix(".")
    for suffix in allowed_suffixes:
        domain = suffix.strip().lower().strip(".")
        if domain and (name == domain or name.endswith("." + domain)):
            return True
    return False


def _origin(url: httpx.URL) -> tuple[str, str, int]:
    port = DEFAULT_PORTS.get(url.scheme, 0) if url.port is None else url.port
    return (url.scheme, url.raw_host.decode("ascii"), port)
