"""Forms parse into the same Create/Update schemas the API uses; errors come back per field."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from starlette.datastructures import FormData

S = TypeVar("S", bound=BaseModel)


def form_values(form: FormData, *, list_fields: tuple[str, ...] = (), bool_fields: tuple[str, ...] = (), optional: bool = False) -> dict[str, Any]:
    """Plain dict from a submitted form: blank inputs dropped (or None for updates), lists split."""
    values: dict[str, Any] = {}
    for key in form.keys():
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


def parse(schema: type[S], values: dict[str, Any]) -> tuple[S | None, dict[str, str]]:
    try:
        return schema.model_validate(values), {}
    except ValidationError as exc:
        errors: dict[str, str] = {}
        for error in exc.errors():
            loc = [str(p) for p in error["loc"] if not str(p).startswith(("function-", "constrained-"))]
            field = loc[0] if loc else "__all__"
            errors.setdefault(field, str(error["msg"]).removeprefix("Value error, "))
        return None, errors


def errors_from_details(details: list[dict[str, Any]]) -> dict[str, str]:
    return {str(d.get("field", "__all__")).split("[")[0].split(".")[0]: str(d.get("message", "")) for d in details}
