"""Forms parse into the same Create/Update schemas the API uses; errors come back per field."""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Depends, Request
from pydantic import BaseModel, ValidationError
from sqlalchemy.exc import DataError
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from alliance.errors import AllianceError, Conflict, PermissionDenied, RuleViolation
from alliance.http.errors import status_for
from alliance.kit.schemas import MAX_ROW_ID, describe_errors
from alliance.kit.types import parse_day

S = TypeVar("S", bound=BaseModel)
R = TypeVar("R")


def form_values(form: FormData, *, list_fields: tuple[str, ...] = (), bool_fields: tuple[str, ...] = (), optional: bool = False) -> dict[str, Any]:
    """Plain dict from a submitted form: blank inputs dropped (or None for updates), lists split."""
    values: dict[str, Any] = {}
    for key in form:
        if key == "csrf_token" or key in bool_fields:
            continue
        if key in list_fields:
            raw = [str(v) for v in form.getlist(key)]
            items = [item.strip() for value in raw for item in value.split(",") if item.strip()]
            values[key] = items
            continue
        value = str(form.get(key, "")).strip()
        if value == "":
            if optional:
                values[key] = None
            continue
        values[key] = value
    for key in bool_fields:
        values[key] = form.get(key) in ("on", "true", "1")
    return values


# Pattern errors in plain words; the schema's regex means nothing to someone filling in a form.
PATTERN_HINTS = {
    "hq_country": "Use a two-letter country code, such as US or DE.",
    "country": "Use a two-letter country code, such as US or DE.",
    "email": "Enter a valid email address, such as name@company.com.",
    "website": "Enter a web address, such as https://example.com.",
}


async def submitted_form(request: Request) -> FormData:
    """The parsed form body (Starlette caches it, so CSRF checking has already read it)."""
    return await request.form()


FormBody = Annotated[FormData, Depends(submitted_form)]


def form_rows(
    form: FormData, name: str, columns: Sequence[str], *, limit: int, separator: str = ".", lists: Collection[str] = ()
) -> list[tuple[int, dict[str, Any]]]:
    """A form's repeated rows, inputs named `<name>.<n>.<column>` (or `<name>-<n>-<column>` with
    separator "-"), in row order: (n, {column: stripped text, "" when absent}) for n < limit; a
    column in `lists` is a multi-select and gives its non-empty values. Callers drop blank rows."""
    key = re.compile(rf"^{re.escape(name)}{re.escape(separator)}(\d+){re.escape(separator)}(.+)$")
    rows: dict[int, dict[str, Any]] = {}
    for field_name in form:
        match = key.match(field_name)
        if match is None or match[2] not in columns or int(match[1]) >= limit:
            continue
        row = rows.setdefault(int(match[1]), {column: [] if column in lists else "" for column in columns})
        row[match[2]] = [str(v) for v in form.getlist(field_name) if str(v)] if match[2] in lists else str(form.get(field_name, "")).strip()
    return sorted(rows.items())


def echo(form: FormData, *, list_fields: tuple[str, ...] = ()) -> dict[str, Any]:
    """What the user typed, to put back into a re-rendered form."""
    values: dict[str, Any] = {key: str(form.get(key, "")) for key in form if key != "csrf_token"}
    for key in list_fields:
        values[key] = [str(v) for v in form.getlist(key) if str(v)]
    return values


def parse(schema: type[S], values: dict[str, Any]) -> tuple[S | None, dict[str, str]]:
    """The schema, or errors in plain words keyed by field path (name, or criteria.0.metric)."""
    try:
        return schema.model_validate(values), {}
    except ValidationError as exc:
        errors: dict[str, str] = {}
        for error in describe_errors(exc.errors(), default="__all__"):
            message = error.message
            name = error.field.rsplit(".", 1)[-1]
            if error.type == "string_pattern_mismatch" and name in PATTERN_HINTS:
                message = PATTERN_HINTS[name]
            elif error.type == "extra_forbidden":
                message = "This field cannot be changed here."
            errors.setdefault(error.field, message)
        return None, errors


def refused(session: Session, exc: AllianceError) -> tuple[int, dict[str, str]]:
    """A service refused the change: undo its partial work, then say why, field by field."""
    # The request session commits when the route returns; without this a half-applied change
    # that the service rejected midway would be saved with the re-rendered form.
    session.rollback()
    errors = {_dotted(str(d.get("field", "__all__"))): str(d.get("message", "")) for d in exc.details}
    errors["__all__"] = exc.message
    return status_for(exc), errors


def _dotted(field: str) -> str:
    return field.replace("[", ".").replace("]", "")


@dataclass
class Submission(Generic[R]):
    """The outcome of a submitted form: the service's result, or what to show again and why."""

    values: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    status: int = 200
    result: R | None = None

    @property
    def ok(self) -> bool:
        return not self.errors


def submit(session: Session, schema: type[S], values: dict[str, Any], action: Callable[[S], R], *, shown: dict[str, Any]) -> Submission[R]:
    """Validate `values` into `schema` and hand it to `action` (one service call). `shown` is what
    the form displays again when the input or the service refuses."""
    data, errors = parse(schema, values)
    if data is None:
        return Submission(values=shown, errors=errors, status=422)
    try:
        result = action(data)
    except (RuleViolation, Conflict, PermissionDenied) as exc:
        status, errors = refused(session, exc)
        return Submission(values=shown, errors=errors, status=status)
    except (DataError, OverflowError):
        # A value the schema allows but the column cannot hold: the user's input, not our fault.
        session.rollback()
        return Submission(values=shown, errors={"__all__": "A value is too large to store; check the numbers."}, status=422)
    return Submission(values=shown, result=result)


def query_int(value: str | None) -> int | None:
    """An id from a filter box: blank, junk or out-of-range filters nothing instead of failing."""
    text = (value or "").strip()
    if not text.isdigit() or not 1 <= int(text) <= MAX_ROW_ID:
        return None
    return int(text)


def query_day(value: str | None, name: str, errors: dict[str, str]) -> date | None:
    """A date filter, read by the API's parser (kit.types.parse_day): None when blank; a malformed or
    out-of-range one is reported under `name` and not applied."""
    text = (value or "").strip()
    if not text:
        return None
    try:
        return parse_day(text)
    except ValueError as exc:
        message = str(exc)
        errors[name] = message[:1].upper() + message[1:]
        return None


def query_choice(value: str | None, allowed: Iterable[str]) -> str | None:
    text = (value or "").strip()
    return text if text in set(allowed) else None
