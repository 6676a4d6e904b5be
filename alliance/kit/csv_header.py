"""The header line of an imported CSV file, checked once for every importer."""

from __future__ import annotations

import csv
from collections.abc import Sequence


def read_header(line: str | None, *, required: Sequence[str], optional: Sequence[str], error: type[Exception]) -> tuple[list[str], list[str]]:
    """The header's column names (lower-cased; unknown columns become '') and the ignored ones.

    `error` is raised, with a message saying what the header needs, for an empty file, a header
    that is not CSV, a missing required column or a column named twice."""
    expected = ",".join(required)
    if line is None or not line.strip():
        raise error(f"The file is empty: the first line must be a header with at least {expected}.")
    try:
        header = next(csv.reader([line]))
    except csv.Error as exc:
        raise error(f"The header line cannot be read as CSV ({exc}).") from None
    names = [h.strip().lower() for h in header]
    known = set(required) | set(optional)
    missing = [c for c in required if c not in names]
    if missing:
        raise error(f"The header has no {', '.join(missing)} column: it must have at least {expected} (optional: {','.join(optional)}).")
    repeated = sorted({n for n in names if n in known and names.count(n) > 1})
    if repeated:
        raise error(f"The header names {', '.join(repeated)} more than once.")
    ignored = [h for h, n in zip(header, names, strict=True) if n not in known]
    return [n if n in known else "" for n in names], ignored
