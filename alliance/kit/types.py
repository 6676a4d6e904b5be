"""The shared field types: a country, an e-mail address, a website (and the domain it registers),
a calendar day, a moment and a wall-clock time (the one parser of dates and times, for API fields,
query parameters, console filters and importers alike).

Each is checked by a maintained package, never a hand-copied list: ISO 3166-1 by
pydantic-extra-types (pycountry), addresses by email-validator, registrable domains by
publicsuffixlist, whose Public Suffix List ships inside the package and is read offline.
The API schemas, the web forms and the importers all use these, so one value passes or fails the
same way whichever door it came in by.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time
from functools import cache, lru_cache
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from email_validator import EmailNotValidError, validate_email
from publicsuffixlist import PublicSuffixList
from pydantic import AfterValidator, BeforeValidator, PlainSerializer, StringConstraints, TypeAdapter, ValidationError, WithJsonSchema
from pydantic_core import PydanticCustomError
from pydantic_extra_types.country import CountryAlpha2

from alliance.kit import clock

MAX_WEBSITE = 300
MAX_EMAIL = 320

# What people type instead of the ISO code; and XK (Kosovo), user-assigned but used by CRMs.
COUNTRY_ALIASES = {"UK": "GB"}
EXTRA_COUNTRIES = frozenset({"XK"})

_ALPHA2: TypeAdapter[CountryAlpha2] = TypeAdapter(CountryAlpha2)


def parse_country(value: str) -> str:
    """An ISO 3166-1 alpha-2 code, upper-cased ('uk' is GB); ValueError for anything else."""
    code = value.strip().upper()
    code = COUNTRY_ALIASES.get(code, code)
    if code in EXTRA_COUNTRIES:
        return code
    try:
        return str(_ALPHA2.validate_python(code))
    except ValidationError:
        raise ValueError(f"'{value.strip()}' is not a two-letter country code (ISO 3166-1 alpha-2, e.g. US or DE)") from None


Country = Annotated[
    str,
    # Any length reaches parse_country, so 'Britain' is told what a country code is.
    StringConstraints(strip_whitespace=True, max_length=60),
    AfterValidator(parse_country),
    WithJsonSchema({"type": "string", "minLength": 2, "maxLength": 2, "description": "ISO 3166-1 alpha-2 code, e.g. DE (UK is read as GB)"}),
]


def parse_email(value: str) -> str:
    """An address email-validator accepts (syntax only: no DNS look-up), lower-cased: addresses are
    compared case-insensitively everywhere (logins, importer look-ups)."""
    try:
        return validate_email(value, check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        raise PydanticCustomError("email", "Enter a valid email address: {reason}", {"reason": str(exc)}) from None


Email = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=MAX_EMAIL),
    AfterValidator(parse_email),
    WithJsonSchema({"type": "string", "format": "email", "maxLength": MAX_EMAIL}),
]


# The days a record may name: wide enough for any real business date, narrow enough that every
# database stores it and date arithmetic (a quarter, a day after) never leaves Python's range.
FIRST_DAY = date(1900, 1, 1)
LAST_DAY = date(2999, 12, 31)
DAY_HINT = "Use a date like 2025-01-31 (YYYY-MM-DD)."
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_ISO_MOMENT = re.compile(r"(\d{4}-\d{2}-\d{2})(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?(?:[Zz]|[+-]\d{2}:\d{2})?)?")


def _in_range(day: date) -> date:
    if not FIRST_DAY <= day <= LAST_DAY:
        raise ValueError(f"must be a day from {FIRST_DAY.isoformat()} to {LAST_DAY.isoformat()}")
    return day


def parse_day(value: str | date) -> date:
    """A calendar day, YYYY-MM-DD, from FIRST_DAY to LAST_DAY; ValueError in words for people
    otherwise (a number such as 0 is not read as a timestamp)."""
    if isinstance(value, datetime):
        raise ValueError(DAY_HINT)
    if isinstance(value, date):
        return _in_range(value)
    text = value.strip() if isinstance(value, str) else None
    if text is None or not _ISO_DAY.fullmatch(text):
        raise ValueError(DAY_HINT)
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise ValueError(DAY_HINT) from None  # 2025-02-30
    return _in_range(day)


def parse_moment(value: str | date | datetime) -> datetime:
    """A moment in UTC: from YYYY-MM-DD (the start of that day) or an ISO date and time. A value
    without an offset is read in the configured time zone (clock.zone()), the same for the API,
    the console and importers."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime.combine(value, time.min)
    else:
        text = value.strip() if isinstance(value, str) else ""
        match = _ISO_MOMENT.fullmatch(text)
        if match is None:
            raise ValueError("Use a date like 2025-01-31, or a date and time like 2025-01-31T09:30:00Z.")
        parse_day(match.group(1))
        try:
            moment = datetime.fromisoformat(text.replace("z", "Z"))
        except ValueError:
            raise ValueError("Use a date like 2025-01-31, or a date and time like 2025-01-31T09:30:00Z.") from None
    _in_range(moment.date())
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=clock.zone())
    return moment.astimezone(UTC)


WALL_TIME_HINT = "Use a time of day like 09:00 or 17:30:00, without an offset (the calendar's time_zone says where)."
_WALL_TIME = re.compile(r"(?:[01]\d|2[0-3]):[0-5]\d(?::[0-5]\d)?")


def parse_wall_time(value: str | time) -> time:
    """A time of day on the wall clock of some zone named elsewhere: HH:MM or HH:MM:SS, never with an
    offset (JSON Schema's `format: time` demands one, so the API documents a pattern instead)."""
    if isinstance(value, time):
        if value.tzinfo is not None:
            raise ValueError(WALL_TIME_HINT)
        return value.replace(microsecond=0)
    text = value.strip() if isinstance(value, str) else ""
    if not _WALL_TIME.fullmatch(text):
        raise ValueError(WALL_TIME_HINT)
    return time.fromisoformat(text)


def _wall_time_input(value: Any) -> time:
    return parse_wall_time(value)


def _day_input(value: Any) -> date:
    return parse_day(value)


def _moment_input(value: Any) -> datetime:
    return parse_moment(value)


Day = Annotated[
    date,
    BeforeValidator(_day_input),
    WithJsonSchema({"type": "string", "format": "date", "description": f"YYYY-MM-DD, from {FIRST_DAY} to {LAST_DAY}"}),
]
Moment = Annotated[
    datetime,
    BeforeValidator(_moment_input),
    WithJsonSchema(
        {
            "type": "string",
            "format": "date-time",
            "description": "ISO 8601 date and time (a date alone is the start of that day); without an offset it is read in the server's time zone",
        }
    ),
]


_SCHEME_NAME = re.compile(r"[a-z][a-z0-9+.-]*\Z")
_HOST_END = re.compile(r"[/?#\\\s]")
# Dot-separated labels of letters, digits and inner hyphens, ending in an alphabetic (or IDN) TLD.
_HOST = re.compile(r"(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})\Z")


@cache
def _suffixes() -> PublicSuffixList:
    # The list bundled with the package: no download, ever (a self-hosted install may be offline).
    return PublicSuffixList()


@lru_cache(maxsize=4096)  # validation and storage ask about the same website one after the other
def registrable_domain(website: str) -> str | None:
    """The registered domain of a website or host name, or None when it is not one.

    `registrable_domain("HTTPS://www.Shop.Acme.co.uk:8443/about?x=1")` is "acme.co.uk": scheme,
    user info, port, path, query, case and subdomains are dropped; public suffixes (co.uk, com.au,
    and hosting platforms such as github.io) come from the Public Suffix List."""
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
    domain: str | None = _suffixes().privatesuffix(host)
    return domain


def check_website(value: str) -> str:
    if registrable_domain(value) is None:
        raise ValueError("is not a web address (e.g. acme.com or https://www.acme.com/)")
    return value


Website = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_WEBSITE), AfterValidator(check_website)]
WallTime = Annotated[
    time,
    BeforeValidator(_wall_time_input),
    PlainSerializer(lambda value: value.strftime("%H:%M:%S"), return_type=str, when_used="json"),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": "^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$",
            "description": "Time of day on the calendar's wall clock, HH:MM or HH:MM:SS, without an offset",
            "examples": ["09:00:00"],
        }
    ),
]


# --- time zones --------------------------------------------------------------------------------


def parse_time_zone(value: str) -> str:
    """An IANA time zone name the tz database knows (e.g. Europe/Berlin); ValueError otherwise."""
    name = value.strip()
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"{value!r} is not a known IANA time zone (e.g. Europe/Berlin)") from None
    return name


@cache
def time_zone_names() -> list[str]:
    """Every zone a person can choose, sorted (the console's list)."""
    return sorted(name for name in available_timezones() if "/" in name or name == "UTC")


TimeZoneName = Annotated[str, StringConstraints(min_length=1, max_length=64), AfterValidator(parse_time_zone)]
