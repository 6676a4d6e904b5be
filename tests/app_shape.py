"""The app's routes and OpenAPI document, built once per test process: building them costs seconds
and needs no database, and the route-enumerating tests only read them."""

from __future__ import annotations

from functools import cache
from typing import Any

from fastapi import FastAPI

from alliance.app import create_app


@cache
def bare_app() -> FastAPI:
    return create_app()


def api_document() -> dict[str, Any]:
    return bare_app().openapi()  # FastAPI keeps the document on the app after the first call
