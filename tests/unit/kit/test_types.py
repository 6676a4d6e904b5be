"""The shared field types: every schema that takes a country, an e-mail or a website uses these."""

from __future__ import annotations

import socket
from datetime import UTC, date, datetime
from typing import Annotated, get_args, get_origin

import pytest
from pydantic import TypeAdapter, ValidationError

from alliance.customers.schemas import CustomerCreate
from alliance.identity.schemas import UserCreate
from alliance.kit import clock, types
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


class TestDay:
    @pytest.mark.parametrize("text", ["2026-01-31", " 1900-01-01 ", "2999-12-31"])
    def test_iso_days(self, text):
        assert types.parse_day(text).isoformat() == text.strip()

    @pytest.mark.parametrize("text", ["0", "20260131", "2026-1-1", "2026-02-30", "2026-01-31T00:00:00", "yesterday", ""])
    def test_anything_else_is_refused_in_words(self, text):
        with pytest.raises(ValueError, match="Use a date like"):
            types.parse_day(text)

    @pytest.mark.parametrize("text", ["0001-01-01", "1899-12-31", "3000-01-01", "9999-12-31"])
    def test_days_outside_the_kept_calendar(self, text):
        with pytest.raises(ValueError, match="from 1900-01-01 to 2999-12-31"):
            types.parse_day(text)

    def test_a_number_is_not_a_timestamp_in_a_schema(self):
        with pytest.raises(ValidationError):
            TypeAdapter(types.Day).validate_python(0)
        with pytest.raises(ValidationError):
            TypeAdapter(types.Day).validate_python("0")


class TestMoment:
    def test_a_date_is_the_start_of_that_day_in_the_configured_zone(self):
        assert types.parse_moment("2026-01-01") == datetime(2026, 1, 1, tzinfo=UTC)
        clock.use_zone("Europe/Berlin")
        try:
            assert types.parse_moment("2026-01-01") == datetime(2025, 12, 31, 23, tzinfo=UTC)
            assert types.parse_moment("2026-07-01T12:00:00") == datetime(2026, 7, 1, 10, tzinfo=UTC)
            assert types.parse_moment("2026-07-01T12:00:00Z") == datetime(2026, 7, 1, 12, tzinfo=UTC)
            assert TypeAdapter(types.Moment).validate_python("2026-07-01 12:00") == datetime(2026, 7, 1, 10, tzinfo=UTC)
        finally:
            clock.use_zone(None)

    def test_offsets_are_honoured(self):
        assert types.parse_moment("2026-01-01T10:00:00+02:00") == datetime(2026, 1, 1, 8, tzinfo=UTC)

    @pytest.mark.parametrize("text", ["0", "1767225600", "2026-01-01T25:00", "01/02/2026", "0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00"])
    def test_anything_else_is_refused(self, text):
        with pytest.raises(ValueError):
            types.parse_moment(text)


def test_every_input_date_is_a_day_or_a_moment():
    """Dates and times reach the services through the one parser, bounded, strict and zone-aware:
    every field of every input schema and every query parameter of every route."""
    from fastapi.routing import APIRoute, iter_route_contexts

    from alliance.kit.schemas import InputSchema
    from tests.app_shape import bare_app

    app = bare_app()  # imports every schema module

    def subclasses(cls):  # type: ignore[no-untyped-def]
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    loose = [
        f"{cls.__module__}.{cls.__name__}.{name}"
        for cls in subclasses(InputSchema)
        for name, info in cls.model_fields.items()
        if _bare_dates(info.annotation, info.metadata)
    ]
    for context in iter_route_contexts(app.routes):
        route = context.original_route
        if isinstance(route, APIRoute):
            params = [p for dependant in _dependants(route.dependant) for p in dependant.query_params]
            loose += [f"{context.path} ?{p.name}" for p in params if _bare_dates(p.field_info.annotation, p.field_info.metadata)]
    assert not loose, f"use kit.types.Day / Moment: {loose}"


def _dependants(dependant):  # type: ignore[no-untyped-def]
    yield dependant
    for sub in dependant.dependencies:
        yield from _dependants(sub)


def _bare_dates(annotation: object, metadata: list[object]) -> bool:
    """Whether a date or datetime in the annotation escapes the Day/Moment parser."""
    parsers = {types._day_input, types._moment_input}
    if annotation in (date, datetime):
        return not any(getattr(m, "func", None) in parsers for m in metadata)
    if get_origin(annotation) is Annotated:
        base, *extra = get_args(annotation)
        return _bare_dates(base, [*metadata, *extra])
    return any(_bare_dates(arg, []) for arg in get_args(annotation))
