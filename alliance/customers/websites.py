"""Websites reduced to the domain a company registered.

`registrable_domain("HTTPS://www.Shop.Acme.co.uk:8443/about?x=1")` is "acme.co.uk": scheme, user
info, port, path, query, case and subdomains are dropped, and country second-level suffixes
(co.uk, com.au, co.jp ...) and shared hosting platforms (github.io, azurewebsites.net ...) count as
part of the suffix. A compact subset of the Public Suffix List, kept offline on purpose.
"""

from __future__ import annotations

import re
from functools import lru_cache

_SCHEME_NAME = re.compile(r"[a-z][a-z0-9+.-]*\Z")
_HOST_END = re.compile(r"[/?#\\\s]")
# Dot-separated labels of letters, digits and inner hyphens, ending in an alphabetic (or IDN) TLD.
_HOST = re.compile(r"(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})\Z")

_COUNTRY_SECOND_LEVEL = """
co.uk org.uk ac.uk gov.uk ltd.uk plc.uk me.uk net.uk nhs.uk sch.uk com.au net.au org.au edu.au gov.au asn.au id.au
co.nz org.nz net.nz govt.nz ac.nz co.jp ne.jp or.jp ac.jp go.jp gr.jp co.kr or.kr ne.kr re.kr com.br net.br org.br gov.br
com.mx org.mx gob.mx net.mx com.ar org.ar gob.ar com.co org.co com.pe com.ve com.ec com.uy com.py com.bo com.gt com.do
com.cn net.cn org.cn gov.cn com.hk org.hk net.hk com.tw org.tw com.sg org.sg edu.sg com.my org.my co.in net.in org.in
firm.in gen.in ind.in co.id or.id web.id co.th or.th in.th com.ph com.vn com.tr org.tr gen.tr co.za org.za gov.za co.il
org.il com.sa com.eg com.pk com.ng co.ke com.ua co.at or.at com.pl net.pl org.pl com.gr com.cy com.mt com.qa com.kw
com.om com.bh com.lb com.jo co.ma com.tn com.dz co.tz co.ug com.gh co.zw com.np com.bd com.lk co.nl co.no
"""
_HOSTING_PLATFORMS = """
github.io gitlab.io herokuapp.com azurewebsites.net cloudapp.net blogspot.com wordpress.com wixsite.com squarespace.com
myshopify.com netlify.app vercel.app pages.dev web.app firebaseapp.com appspot.com cloudfront.net amazonaws.com
sharepoint.com weebly.com webflow.io business.site godaddysites.com notion.site carrd.co
"""
PUBLIC_SUFFIXES = frozenset(_COUNTRY_SECOND_LEVEL.split()) | frozenset(_HOSTING_PLATFORMS.split())
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


@lru_cache(maxsize=4096)  # validation and storage ask about the same website one after the other
def registrable_domain(website: str) -> str | None:
    """The registered domain of a website or host name, or None when it is not one."""
    text = website.strip().lower()
    if "://" in text:
        scheme, _, text = text.partition("://")
        if not _SCHEME_NAME.match(scheme):
            return None
    elif text.startswith("//"):
        text = text[2:]
    end = _HOST_END.search(text)
    host = text[: end.start()] if end else text
    if "@" in host:
        host = host.rpartition("@")[2]
    host = host.partition(":")[0].strip(".")
    if not host.isascii():
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError:
            return None
    if not _HOST.match(host):
        return None
    labels = host.split(".")
    size = 3 if f"{labels[-2]}.{labels[-1]}" in PUBLIC_SUFFIXES else 2
    if len(labels) < size:
        return None
    return ".".join(labels[-size:])


def matching_domain(website: str | None) -> str | None:
    """The domain that identifies the company: None for no website or a shared mailbox domain."""
    if not website:
        return None
    domain = registrable_domain(website)
    return None if domain in SHARED_DOMAINS else domain


def domain_label(domain: str) -> str:
    """'acme-analytics.co.uk' -> 'acmeanalytics': the name part, to spot one company's regional sites."""
    return domain.split(".", 1)[0].replace("-", "")
