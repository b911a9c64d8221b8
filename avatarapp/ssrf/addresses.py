"""Which IP addresses a user-supplied server URL may reach: the address half of the SSRF guard.

Classification works on parsed `ipaddress` objects only, never on strings, so every spelling of an
address (decimal, octal, hex, short, mapped into IPv6) lands on the same verdict. The tables are
explicit rather than `ip.is_global` alone because the stdlib's idea of "global" has changed between
Python releases (and calls IPv4 multicast global); `is_global` is kept as the last safety net.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from typing import Final

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# Kinds an operator may allow with ALLOW_PRIVATE_PROVIDER_HOSTS (a self-hosted server on the LAN).
PRIVATE_KINDS: Final = frozenset({"loopback", "private", "shared"})

# Cloud metadata and host-agent endpoints: never allowed, whatever the operator setting.
METADATA_ADDRESSES: Final = frozenset(
    ipaddress.ip_address(a)
    for a in (
        "169.254.169.254",  # AWS, GCP, Azure, Oracle, DigitalOcean, Hetzner, OpenStack
        "169.254.170.2",  # AWS ECS task metadata and credentials
        "169.254.170.23",  # AWS EKS Pod Identity agent
        "fd00:ec2::254",  # AWS IMDS over IPv6
        "fd00:ec2::23",  # AWS EKS Pod Identity agent over IPv6
        "100.100.100.200",  # Alibaba Cloud
        "192.0.0.192",  # Oracle Cloud Classic
        "168.63.129.16",  # Azure WireServer: a public address that only answers inside Azure
    )
)


def _nets(*cidrs: str) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(c) for c in cidrs)


# (kind, networks), checked in order; the first match wins.
_V4_TABLE: Final = (
    ("unspecified", _nets("0.0.0.0/8")),
    ("loopback", _nets("127.0.0.0/8")),
    ("private", _nets("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16")),
    ("shared", _nets("100.64.0.0/10")),
    ("link-local", _nets("169.254.0.0/16")),
    ("multicast", _nets("224.0.0.0/4")),
    ("broadcast", _nets("255.255.255.255/32")),
    (
        "reserved",
        _nets(
            "192.0.0.0/24",  # IETF protocol assignments
            "192.0.2.0/24",  # documentation
            "192.88.99.0/24",  # old 6to4 relay anycast
            "198.18.0.0/15",  # benchmarking
            "198.51.100.0/24",  # documentation
            "203.0.113.0/24",  # documentation
            "240.0.0.0/4",  # future use
        ),
    ),
)

_V6_TABLE: Final = (
    ("unspecified", _nets("::/128")),
    ("loopback", _nets("::1/128")),
    ("private", _nets("fc00::/7")),  # unique local
    ("link-local", _nets("fe80::/10")),
    ("reserved", _nets("fec0::/10")),  # site-local, deprecated since 2004
    ("multicast", _nets("ff00::/8")),
    (
        "reserved",
        _nets(
            "::/96",  # IPv4-compatible, deprecated
            "64:ff9b:1::/48",  # local-use NAT64: translates into the operator's own network
            "100::/64",  # discard
            "2001::/23",  # IETF protocol assignments, including Teredo 2001::/32
            "2001:db8::/32",  # documentation
            "3fff::/20",  # documentation
            "5f00::/16",  # segment routing
        ),
    ),
)

_NAT64: Final = ipaddress.ip_network("64:ff9b::/96")
_SIIT: Final = ipaddress.ip_network("::ffff:0:0:0/96")  # IPv4-translated
_GLOBAL_UNICAST_V6: Final = ipaddress.ip_network("2000::/3")


@dataclass(frozen=True)
class Verdict:
    """Why an address is not a public server. `kind` is one of the table kinds or "metadata"."""

    kind: str

    def allowed(self, *, allow_private: bool) -> bool:
        return allow_private and self.kind in PRIVATE_KINDS


def embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address carries and will be delivered to, if any.

    IPv4-mapped (::ffff:a.b.c.d) reaches the v4 host on a dual-stack socket; NAT64 64:ff9b::/96 and
    SIIT ::ffff:0:a.b.c.d are translated to it by a gateway; 6to4 2002:AABB:CCDD::/48 tunnels to it.
    """
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip in _NAT64 or ip in _SIIT:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return ip.sixtofour


def classify(ip: IPAddress) -> Verdict | None:
    """None for a public unicast address; otherwise the reason it is not one."""
    if isinstance(ip, ipaddress.IPv6Address) and ip.scope_id:
        ip = ipaddress.IPv6Address(int(ip))  # drop the zone id (fe80::1%eth0) before lookups
    if ip in METADATA_ADDRESSES:
        return Verdict("metadata")
    if isinstance(ip, ipaddress.IPv6Address):
        inner = embedded_ipv4(ip)
        if inner is not None:
            return classify(inner)
    table = _V4_TABLE if isinstance(ip, ipaddress.IPv4Address) else _V6_TABLE
    for kind, networks in table:
        if any(ip in net for net in networks):
            return Verdict(kind)
    if isinstance(ip, ipaddress.IPv6Address) and ip not in _GLOBAL_UNICAST_V6:
        return Verdict("reserved")  # everything outside 2000::/3 is unassigned or special
    if not ip.is_global:
        return Verdict("reserved")
    return None


_LEGACY_V4_CHARS: Final = frozenset("0123456789abcdefABCDEFxX.")


def parse_numeric_host(host: str) -> IPAddress | None:
    """The address a numeric URL host denotes, in any spelling the C library accepts; else None.

    `host` is the URL's ASCII host without brackets (what httpx calls `raw_host`). IPv4 uses
    inet_aton, the parser getaddrinfo and connect use, so 2130706433, 0177.0.0.1, 0x7f.1, 127.1 and
    0 all come out as the address the socket would reach. One trailing dot is ignored as DNS does.
    Raises ValueError for a bracketed IPv6 literal that does not parse.
    """
    if ":" in host:
        # A zone id is percent-encoded in URLs (fe80::1%25eth0); ipaddress wants fe80::1%eth0.
        return ipaddress.IPv6Address(host.replace("%25", "%", 1))
    name = host[:-1] if host.endswith(".") else host
    if not name or not set(name) <= _LEGACY_V4_CHARS or not any(c.isdigit() for c in name):
        return None
    try:
        packed = socket.inet_aton(name)
    except OSError:
        return None
    return ipaddress.IPv4Address(packed)
