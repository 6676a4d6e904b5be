"""The shared field types: every schema that takes a country, an e-mail or a website uses these."""

from __future__ import annotations

import socket

import pytest
from pydantic import TypeAdapter, ValidationError

from alliance.customers.schemas import CustomerCreate
from alliance.identity.schemas import UserCreate
from alliance.kit import types
from alliance.kit.types import Country, Email, Website, parse_country, registrable_domain
from alliance.partners import schemas as partner_schemas
from alliance.registrations.schemas import CustomerRef

COUNTRY = TypeAdapter(Country)
EMAIL = TypeAdapter(Email)
WEBSITE = TypeAdapter(Website)


class TestCountry:
    @pytest.mark.parametrize(("typed", "code"), [("de", "DE"), (" us ", "US"), ("UK", "GB"), ("uk", "GB"), ("XK", "XK")])
    def test_codes_and_aliases(self, typed, code):
        assert COUNTRY.validate_python(typed) == code
        assert type(COUNTRY.validate_python(typed)) is str  # plain text for the database driver

    @pytest.mark.parametrize("typed", ["ZZ", "XX", "U", "USA", "", "1A"])
    def test_unknown_codes_are_refused(self, typed):
        with pytest.raises(ValidationError):
            COUNTRY.validate_python(typed)

    def test_message_names_the_value(self):
        with pytest.raises(ValueError, match="'zz' is not a two-letter country code"):
            parse_country("zz")


class TestEmail:
    def test_lower_cased_and_stripped(self):
        assert EMAIL.validate_python(" Dana.Whitfield@HarborBridge.Example ") == "dana.whitfield@harborbridge.example"

    @pytest.mark.parametrize("typed", ["dana", "dana@", "dana@localhost", "dana@@a.example", "dana@acme.invalid", "a b@acme.com"])
    def test_not_an_address(self, typed):
        with pytest.raises(ValidationError):
            EMAIL.validate_python(typed)


class TestWebsite:
    @pytest.mark.parametrize(
        ("website", "domain"),
        [
            ("HTTPS://www.Shop.Acme.co.uk:8443/about?x=1", "acme.co.uk"),
            ("shop.acme.com.au", "acme.com.au"),
            ("acme.github.io", "acme.github.io"),
            ("www.acme.com", "acme.com"),
            ("acme.example", "acme.example"),  # unknown TLDs (reserved, new) still name a domain
        ],
    )
    def test_registrable_domain(self, website, domain):
        assert registrable_domain(website) == domain
        assert WEBSITE.validate_python(website) == website.strip()

    @pytest.mark.parametrize("website", ["co.uk", "github.io", "localhost", "10.0.0.1", "not a site"])
    def test_not_a_website(self, website):
        with pytest.raises(ValidationError, match="is not a web address"):
            WEBSITE.validate_python(website)

    def test_suffix_list_is_read_offline(self, monkeypatch):
        """The Public Suffix List ships in the package: building it afresh opens no connection."""

        def no_network(*args, **kwargs):
            raise AssertionError("tried to open a network connection")

        monkeypatch.setattr(socket, "socket", no_network)
        monkeypatch.setattr(socket, "create_connection", no_network)
        types._suffixes.cache_clear()
        types.registrable_domain.cache_clear()
        try:
            assert registrable_domain("https://www.acme.co.uk/") == "acme.co.uk"
            assert registrable_domain("portal.acme.azurewebsites.net") == "acme.azurewebsites.net"
        finally:
            types._suffixes.cache_clear()
            types.registrable_domain.cache_clear()


def test_every_schema_reads_countries_and_websites_alike():
    """Partners, people, customers and registrations: 'uk' is GB, 'ZZ' is refused, same website rule."""
    partner = partner_schemas.PartnerUpdate(hq_country="uk", website="https://www.acme.co.uk/")
    customer = CustomerCreate(name="Acme", country="uk", website="https://www.acme.co.uk/")
    ref = CustomerRef(name="Acme", country="uk", website="https://www.acme.co.uk/")
    assert partner.hq_country == customer.country == ref.country == "GB"
    for build in (
        lambda: partner_schemas.PartnerUpdate(hq_country="ZZ"),
        lambda: CustomerCreate(name="Acme", country="ZZ"),
        lambda: CustomerRef(name="Acme", country="ZZ"),
        lambda: partner_schemas.PartnerUpdate(website="co.uk"),
        lambda: CustomerCreate(name="Acme", website="co.uk"),
    ):
        with pytest.raises(ValidationError):
            build()
    with pytest.raises(ValidationError):
        UserCreate(email="not-an-address", name="X", role="cam", password="x" * 12)
