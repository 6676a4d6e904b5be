"""Where a webhook may be posted: http(s) URLs only, and never to an address inside the network the
server runs in (loopback, private, link-local, reserved, multicast ...) unless a program admin
allowed it for that endpoint. The worker connects to the address checked here, so a name that
resolves differently a second later (DNS rebinding) cannot redirect the post."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], list[str]]


class RefusedTarget(ValueError):
    """A URL the platform will not post to; the message says why."""


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str  # as written in the URL (the Host header, and the name TLS checks)
    port: int
    path: str  # path and query


def parse(url: str) -> Target:
    url = url.strip()
    if any(c.isspace() or ord(c) < 32 or ord(c) == 127 for c in url):
        raise RefusedTarget("the URL must not contain spaces or control characters")
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError as error:
        raise RefusedTarget("the URL is not well-formed") from error
    if parts.scheme not in ("http", "https"):
        raise RefusedTarget("the URL must start with http:// or https://")
    if not host:
        raise RefusedTarget("the URL has no host")
    if parts.username or parts.password:
        raise RefusedTarget("the URL must not carry a user name or password")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as error:
        raise RefusedTarget("the URL's port is not a number from 1 to 65535") from error
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return Target(scheme=parts.scheme, host=host, port=port, path=path)


def is_public(address: IPAddress) -> bool:
    """Reachable on the internet: not loopback, private, link-local, shared, reserved or multicast
    (an IPv4-mapped IPv6 address is judged as the IPv4 address it carries)."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_global and not (address.is_multicast or address.is_reserved or address.is_loopback or address.is_link_local)


def system_resolver(host: str, port: int) -> list[str]:
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise RefusedTarget(f"the host {host} cannot be resolved") from error
    return list(dict.fromkeys(str(info[4][0]) for info in found))


def resolve(target: Target, *, allow_private: bool, resolver: Resolver = system_resolver) -> str:
    """The address to connect to: the first the host resolves to, when every one is allowed."""
    addresses = [ipaddress.ip_address(a.split("%", 1)[0]) for a in resolver(target.host, target.port)]
    if not addresses:
        raise RefusedTarget(f"the host {target.host} cannot be resolved")
    if not allow_private:
        refused = [a for a in addresses if not is_public(a)]
        if refused:
            raise RefusedTarget(
                f"{target.host} resolves to {refused[0]}, a private-network address; a program admin must allow private networks for this endpoint"
            )
    return str(addresses[0])
