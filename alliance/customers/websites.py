"""Websites as a company's identity: the registered domain, minus shared mailbox providers.

The registrable domain itself is alliance.kit.types.registrable_domain (the Public Suffix List).
"""

from __future__ import annotations

from alliance.kit.types import registrable_domain

__all__ = ["SHARED_DOMAINS", "domain_label", "matching_domain", "registrable_domain"]

# Mailbox providers: a shared domain says nothing about which company someone works for.
SHARED_DOMAINS = frozenset(
    [
        "gmail.com",
        "googlemail.com",
        "yahoo.com",
        "ymail.com",
        "hotmail.com",
        "outlook.com",
        "live.com",
        "msn.com",
        "aol.com",
        "icloud.com",
        "me.com",
        "mac.com",
        "gmx.de",
        "gmx.net",
        "web.de",
        "yandex.ru",
        "mail.ru",
        "qq.com",
        "163.com",
        "126.com",
        "proton.me",
        "protonmail.com",
        "zoho.com",
    ]
)


def matching_domain(website: str | None) -> str | None:
    """The domain that identifies the company: None for no website or a shared mailbox domain."""
    if not website:
        return None
    domain = registrable_domain(website)
    return None if domain in SHARED_DOMAINS else domain


def domain_label(domain: str) -> str:
    """'acme-analytics.co.uk' -> 'acmeanalytics': the name part, to spot one company's regional sites."""
    return domain.split(".", 1)[0].replace("-", "")
