"""Websites as a company's identity: the registered domain, minus shared mailbox providers.

The registrable domain itself is alliance.kit.types.registrable_domain (the Public Suffix List).
"""

from __future__ import annotations

from alliance.kit.types import registrable_domain

__all__ = ["SHARED_DOMAINS", "domain_core", "domain_label", "matching_domain", "registrable_domain"]

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
        "yahoo.co.uk",
        "yahoo.fr",
        "yahoo.de",
        "yahoo.co.jp",
        "yahoo.co.in",
        "hotmail.co.uk",
        "hotmail.fr",
        "hotmail.de",
        "hotmail.it",
        "outlook.de",
        "outlook.fr",
        "live.co.uk",
        "live.fr",
        "gmx.com",
        "gmx.at",
        "gmx.ch",
        "mail.com",
        "email.com",
        "t-online.de",
        "freenet.de",
        "libero.it",
        "virgilio.it",
        "tiscali.it",
        "orange.fr",
        "wanadoo.fr",
        "free.fr",
        "laposte.net",
        "sfr.fr",
        "btinternet.com",
        "sky.com",
        "virginmedia.com",
        "comcast.net",
        "verizon.net",
        "att.net",
        "sbcglobal.net",
        "bigpond.com",
        "optusnet.com.au",
        "shaw.ca",
        "rogers.com",
        "sympatico.ca",
        "yandex.com",
        "rambler.ru",
        "bk.ru",
        "list.ru",
        "inbox.ru",
        "ukr.net",
        "seznam.cz",
        "wp.pl",
        "o2.pl",
        "onet.pl",
        "interia.pl",
        "bol.com.br",
        "uol.com.br",
        "terra.com.br",
        "ig.com.br",
        "naver.com",
        "daum.net",
        "hanmail.net",
        "sina.com",
        "sohu.com",
        "rediffmail.com",
        "fastmail.com",
        "tutanota.com",
        "hey.com",
        "pm.me",
    ]
)

# Words a company adds to its name to get a free domain: getacme.com, acmehq.com, theacme.com.
_DOMAIN_PREFIXES = ("get", "the", "try", "my", "go", "join", "use", "hello", "we", "meet")
_DOMAIN_SUFFIXES = ("hq", "online", "group", "global", "inc", "app", "corp", "co", "official", "web", "world", "intl", "usa", "uk", "labs", "now")


def matching_domain(website: str | None) -> str | None:
    """The domain that identifies the company: None for no website or a shared mailbox domain."""
    if not website:
        return None
    domain = registrable_domain(website)
    return None if domain in SHARED_DOMAINS else domain


def domain_label(domain: str) -> str:
    """'acme-analytics.co.uk' -> 'acmeanalytics': the name part, to spot one company's regional sites."""
    return domain.split(".", 1)[0].replace("-", "")


def domain_core(domain: str) -> str:
    """The company's name in its domain: 'getacme.com', 'acme-hq.de', 'theacme.co.uk' -> 'acme'
    (one affix off either end, when at least four letters remain)."""
    label = domain_label(domain)
    for prefix in _DOMAIN_PREFIXES:
        if label.startswith(prefix) and len(label) - len(prefix) >= 4:
            label = label[len(prefix) :]
            break
    for suffix in _DOMAIN_SUFFIXES:
        if label.endswith(suffix) and len(label) - len(suffix) >= 4:
            label = label[: -len(suffix)]
            break
    return label
