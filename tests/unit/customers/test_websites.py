from __future__ import annotations

import pytest

from alliance.customers.websites import domain_label, matching_domain, registrable_domain


@pytest.mark.parametrize(
    "website",
    [
        "acme.com",
        "ACME.COM",
        "www.acme.com",
        "https://www.acme.com",
        "http://acme.com/",
        "https://shop.eu.acme.com/about?x=1#top",
        "HTTPS://WWW.Acme.com:8443/path",
        "//acme.com",
        "https://user:secret@acme.com",
        "acme.com.",
        "ftp://files.acme.com",
    ],
)
def test_variants_give_the_registered_domain(website):
    assert registrable_domain(website) == "acme.com"


@pytest.mark.parametrize(
    ("website", "domain"),
    [
        ("www.acme.co.uk", "acme.co.uk"),
        ("https://shop.acme.com.au/", "acme.com.au"),
        ("acme.co.jp", "acme.co.jp"),
        ("https://acme.github.io/site", "acme.github.io"),
        ("müller.de", "xn--mller-kva.de"),
    ],
)
def test_country_and_hosting_suffixes(website, domain):
    assert registrable_domain(website) == domain


@pytest.mark.parametrize("website", ["", "acme", "localhost", "192.168.0.1", "co.uk", "acme..com", "-acme.com", "http:/acme.com", "ht tp://acme.com"])
def test_not_a_website(website):
    assert registrable_domain(website) is None


def test_mailbox_domains_say_nothing_about_the_company():
    assert registrable_domain("gmail.com") == "gmail.com"
    assert matching_domain("https://gmail.com") is None
    assert matching_domain(None) is None


def test_domain_label():
    assert domain_label("acme-analytics.co.uk") == domain_label("acmeanalytics.com") == "acmeanalytics"
