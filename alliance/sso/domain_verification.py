"""Proving a connection's e-mail domain: the organisation publishes a DNS TXT record carrying the
domain's token at the domain itself, as Google Workspace and Okta ask. The rule is pure
(`proven_by`); `txt_records` asks DNS with dnspython, at the configured server and port."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass

import dns.exception
import dns.resolver

from alliance.config import get_settings

RECORD_PREFIX = "alliance-domain-verification="


class LookupFailed(Exception):
    """DNS did not answer (timeout, server failure): nothing is known either way."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Check:
    domain: str
    expected: str
    found: list[str]  # the domain's TXT records starting with RECORD_PREFIX, for the person to compare

    @property
    def proven(self) -> bool:
        return self.expected in self.found


def new_token() -> str:
    return secrets.token_urlsafe(24)


def record_value(token: str) -> str:
    """What to paste as the TXT record's value."""
    return RECORD_PREFIX + token


def proven_by(domain: str, token: str, records: Iterable[str]) -> Check:
    """Which of the domain's TXT records are verification records, and whether one carries this token."""
    found = [record.strip() for record in records if record.strip().startswith(RECORD_PREFIX)]
    return Check(domain=domain, expected=record_value(token), found=found)


def txt_records(domain: str) -> list[str]:
    """The TXT records at `domain` (an absent name or record is an empty list)."""
    settings = get_settings()
    resolver = dns.resolver.Resolver(configure=not settings.sso_dns_nameserver)
    if settings.sso_dns_nameserver:
        resolver.nameservers = [settings.sso_dns_nameserver]
        resolver.port = settings.sso_dns_port
    resolver.lifetime = settings.sso_dns_timeout_seconds
    try:
        answer = resolver.resolve(domain.rstrip(".") + ".", "TXT", search=False)
    except (dns.resolver.NXDOMAIN, dns.resolver.NoAnswer):
        return []
    except dns.exception.DNSException as exc:
        raise LookupFailed(f"DNS did not answer for {domain} ({type(exc).__name__}); try again in a few minutes.") from exc
    return [b"".join(rdata.strings).decode(errors="replace") for rdata in answer]
