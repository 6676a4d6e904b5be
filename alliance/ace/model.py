"""The `partnercentral-selling` service model as botocore ships it, and a validator that reads its
shapes: required members, unknown members, types, enums, full-match patterns, lengths, list sizes
and ranges. Every request body is checked here before an operation sees it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from botocore.loaders import Loader

from alliance.ace.errors import FieldError
from alliance.kit import clock

SERVICE = "partnercentral-selling"
API_VERSION = "2022-07-26"

# Smithy patterns are ECMAScript regular expressions; Python's `re` lacks Unicode property classes.
# Inside a character class: letters and numbers (\w: those plus "_", which the classes allow anyway)
# and the separators (Unicode category Z).
_PROPERTY_CLASSES = {r"\p{L}": r"\w", r"\p{N}": r"\w", r"\p{Z}": " \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"}


@cache
def service_model() -> dict[str, Any]:
    model: dict[str, Any] = Loader().load_service_model(SERVICE, "service-2", api_version=API_VERSION)
    return model


def target_prefix() -> str:
    return str(service_model()["metadata"]["targetPrefix"])


def input_shape(operation: str) -> str | None:
    found = service_model()["operations"].get(operation)
    return None if found is None else str(found["input"]["shape"])


@cache
def _pattern(source: str) -> re.Pattern[str]:
    for name, replacement in _PROPERTY_CLASSES.items():
        source = source.replace(name, replacement)
    return re.compile(source)


@dataclass
class _Walk:
    shapes: dict[str, Any]
    errors: list[FieldError]

    def value(self, shape_name: str, value: Any, path: str) -> None:
        shape = self.shapes[shape_name]
        kind = shape["type"]
        check = getattr(self, f"_{kind}", None)
        if check is not None:
            check(shape, value, path)

    def fail(self, path: str, message: str, code: str) -> None:
        self.errors.append(FieldError(path or "(body)", message, code))

    def _structure(self, shape: dict[str, Any], value: Any, path: str) -> None:
        if not isinstance(value, dict):
            self.fail(path, "must be an object", "INVALID_VALUE")
            return
        members: dict[str, Any] = shape["members"]
        for name in shape.get("required", []):
            if value.get(name) is None:
                self.fail(_join(path, name), "is required", "REQUIRED_FIELD_MISSING")
        for name in sorted(set(value) - set(members)):
            self.fail(_join(path, name), "is not a member of " + (path or "the request"), "INVALID_VALUE")
        present = [name for name in members if value.get(name) is not None]
        if shape.get("union") and len(present) != 1:
            self.fail(path, f"must set exactly one of {', '.join(members)}", "INVALID_VALUE")
        for name in present:
            self.value(members[name]["shape"], value[name], _join(path, name))

    def _list(self, shape: dict[str, Any], value: Any, path: str) -> None:
        if not isinstance(value, list):
            self.fail(path, "must be a list", "INVALID_VALUE")
            return
        if "min" in shape and len(value) < shape["min"]:
            self.fail(path, f"must have at least {shape['min']} entries", "NOT_ENOUGH_VALUES")
        if "max" in shape and len(value) > shape["max"]:
            self.fail(path, f"must have at most {shape['max']} entries", "TOO_MANY_VALUES")
        for index, item in enumerate(value):
            self.value(shape["member"]["shape"], item, f"{path}[{index}]")

    def _map(self, shape: dict[str, Any], value: Any, path: str) -> None:
        if not isinstance(value, dict):
            self.fail(path, "must be an object", "INVALID_VALUE")
            return
        for key, item in value.items():
            self.value(shape["key"]["shape"], key, f"{path}.{key}")
            self.value(shape["value"]["shape"], item, f"{path}.{key}")

    def _string(self, shape: dict[str, Any], value: Any, path: str) -> None:
        if not isinstance(value, str):
            self.fail(path, "must be a string", "INVALID_VALUE")
            return
        if "\x00" in value:
            self.fail(path, "must not contain NUL characters", "INVALID_STRING_FORMAT")
            return
        if "enum" in shape and value not in shape["enum"]:
            self.fail(path, f"must be one of: {', '.join(shape['enum'])}", "INVALID_ENUM_VALUE")
            return
        if "min" in shape and len(value) < shape["min"]:
            self.fail(path, f"must be at least {shape['min']} characters", "INVALID_VALUE")
        if "max" in shape and len(value) > shape["max"]:
            self.fail(path, f"must be at most {shape['max']} characters", "INVALID_VALUE")
        if "pattern" in shape and _pattern(shape["pattern"]).fullmatch(value) is None:
            self.fail(path, f"must match the pattern {shape['pattern']}", "INVALID_STRING_FORMAT")

    def _number(self, shape: dict[str, Any], value: Any, path: str, *, integral: bool) -> None:
        if isinstance(value, bool) or not isinstance(value, int if integral else (int, float)):
            self.fail(path, "must be an integer" if integral else "must be a number", "INVALID_VALUE")
            return
        if "min" in shape and value < shape["min"]:
            self.fail(path, f"must be at least {shape['min']}", "INVALID_VALUE")
        if "max" in shape and value > shape["max"]:
            self.fail(path, f"must be at most {shape['max']}", "INVALID_VALUE")

    def _integer(self, shape: dict[str, Any], value: Any, path: str) -> None:
        self._number(shape, value, path, integral=True)

    _long = _integer

    def _double(self, shape: dict[str, Any], value: Any, path: str) -> None:
        self._number(shape, value, path, integral=False)

    _float = _double

    def _boolean(self, shape: dict[str, Any], value: Any, path: str) -> None:
        if not isinstance(value, bool):
            self.fail(path, "must be true or false", "INVALID_VALUE")

    def _timestamp(self, shape: dict[str, Any], value: Any, path: str) -> None:
        if parse_timestamp(value) is None:
            self.fail(path, "must be an ISO 8601 date and time or epoch seconds", "INVALID_STRING_FORMAT")


def parse_timestamp(value: Any) -> datetime | None:
    """A timestamp member as clients send it (ISO 8601 with an offset or Z, or epoch seconds), in UTC."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        try:
            return datetime.fromtimestamp(value, clock.UTC)
        except (OverflowError, OSError, ValueError):
            return None
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00") if value.endswith("Z") else value)
    except ValueError:
        return None
    return parsed.astimezone(clock.UTC) if parsed.tzinfo is not None else None


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def validate(operation: str, body: Any) -> list[FieldError]:
    """What is wrong with `body` as the input of `operation` (empty: valid)."""
    shape = input_shape(operation)
    assert shape is not None, operation
    walk = _Walk(service_model()["shapes"], [])
    walk.value(shape, body, "")
    return walk.errors
