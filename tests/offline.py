"""The offline guard: nothing a test runs reaches outside this machine, and any attempt is seen.

`install()` patches this process's socket module. It refuses, with OfflineError:
- connect / connect_ex / sendto / sendmsg on an internet socket (TCP or UDP) to an address that
  is not this machine;
- name resolution (getaddrinfo, gethostbyname, gethostbyname_ex, gethostbyaddr, getnameinfo) of
  anything but localhost, this machine's own name and numeric addresses: a DNS query leaves the
  machine before any connect does.
Every refusal is also appended to the file named by AVATARAPP_OFFLINE_RECORD. The exception is an
OSError, so the code under test behaves as it would without a network; but that code may swallow
it (a provider adapter turns it into "could not reach", which is what some tests expect), so the
record, read by tests/offline_plugin.py after each test, is what fails the test.

Standard library only: Python child processes load this file too, through
tests/offline_site/sitecustomize.py, before anything else is imported.
"""

from __future__ import annotations

import _socket
import ipaddress
import os
import socket
import sys
from typing import Any, NoReturn

RECORD_ENV = "AVATARAPP_OFFLINE_RECORD"
_INTERNET = (socket.AF_INET, socket.AF_INET6)


class OfflineError(OSError):
    """A test (or a process it started) tried to reach outside the machine."""


def record(attempt: str) -> None:
    """Append one line to the record the test session reads (one write: lines from several
    processes do not interleave)."""
    path = os.environ.get(RECORD_ENV)
    if not path:
        return
    argv = sys.argv or ["?"]  # empty in an embedded interpreter
    command = " ".join([os.path.basename(argv[0]), *argv[1:]])[:100]
    line = f"{attempt}  [pid {os.getpid()}: {command}]\n"
    descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(descriptor, line.encode(errors="replace"))
    finally:
        os.close(descriptor)


def _refuse(attempt: str) -> NoReturn:
    record(attempt)
    raise OfflineError(f"Tests are offline (use the emulator): refused {attempt}")


def _text(host: Any) -> str:
    return host.decode(errors="replace") if isinstance(host, bytes) else str(host)


def numeric_address(host: Any) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The address `host` spells, in any form the C library parses without asking DNS
    (127.1, 0x7f000001, fe80::1%eth0 ...), or None for a name."""
    try:
        # The C function: never the guarded one, even if this file is loaded twice.
        info = _socket.getaddrinfo(_text(host), None, 0, 0, 0, socket.AI_NUMERICHOST)
    except (socket.gaierror, UnicodeError, ValueError):
        return None
    return ipaddress.ip_address(str(info[0][4][0]).split("%")[0])


def is_local_name(host: Any) -> bool:
    """localhost, and this machine's own name, which socket.getfqdn() resolves (Django does, for
    the Message-ID of every email): both name this machine, the answer is in /etc/hosts."""
    name = _text(host).rstrip(".").lower()
    return name in ("localhost", socket.gethostname().lower())


def is_local_host(host: Any) -> bool:
    """A host that is this machine: a loopback name or address (also IPv4-mapped,
    ::ffff:127.0.0.1, whose is_loopback is False on Python 3.11), or the unspecified address
    ("" / 0.0.0.0 / ::), which Linux connects to this machine."""
    if _text(host) == "" or is_local_name(host):
        return True
    address = numeric_address(host)
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address is not None and (address.is_loopback or address.is_unspecified)


def _check_destination(sock: socket.socket, address: Any, action: str) -> None:
    if address is None or sock.family not in _INTERNET:  # Unix sockets, netlink: local
        return
    if not is_local_host(address[0]):
        kind = "UDP" if sock.type == socket.SOCK_DGRAM else "TCP"
        _refuse(f"{kind} {action} to {address!r}")


def _check_lookup(function: str, host: Any, flags: int = 0) -> None:
    """A forward lookup of a number sends no query; a reverse one (an address to its name) does,
    unless the address is this machine's."""
    if function in ("gethostbyaddr", "getnameinfo") and not flags & socket.NI_NUMERICHOST:
        allowed = is_local_host(host)
    else:
        allowed = host is None or is_local_name(host) or numeric_address(host) is not None
    if not allowed:
        _refuse(f"{function}({_text(host)!r}): name resolution")


# Where each guarded socket method takes the destination address (None: it has none).
_DESTINATION = {
    "connect": lambda args: args[0],
    "connect_ex": lambda args: args[0],
    "sendto": lambda args: args[-1],  # sendto(data[, flags], address)
    "sendmsg": lambda args: args[3] if len(args) > 3 else None,  # (buffers, anc, flags, address)
}
_LOOKUPS = ("getaddrinfo", "gethostbyname", "gethostbyname_ex", "gethostbyaddr", "getnameinfo")


def _guard_method(name: str) -> None:
    real = getattr(socket.socket, name)

    def guarded(self: socket.socket, *args: Any) -> Any:
        _check_destination(self, _DESTINATION[name](args), name)
        return real(self, *args)

    guarded.offline_guard = True  # type: ignore[attr-defined]
    setattr(socket.socket, name, guarded)


def _guard_lookup(name: str) -> None:
    real = getattr(socket, name)

    def guarded(host: Any, *args: Any, **kwargs: Any) -> Any:
        if name == "getnameinfo":  # getnameinfo(sockaddr, flags)
            _check_lookup(name, host[0], args[0])
        else:
            _check_lookup(name, host)
        return real(host, *args, **kwargs)

    setattr(socket, name, guarded)


def install() -> None:
    """Patch this process's socket module, once: a pytest started by a guarded test has it from
    sitecustomize already."""
    if getattr(socket.socket.connect, "offline_guard", False):
        return
    for lookup in _LOOKUPS:
        _guard_lookup(lookup)
    for method in _DESTINATION:
        _guard_method(method)
