"""Driving the web portal from tests: parse pages, find inline errors, post forms with the CSRF token."""

from __future__ import annotations

from typing import Any

from bs4 import BeautifulSoup
from fastapi.testclient import TestClient


def soup(response: Any) -> BeautifulSoup:
    return BeautifulSoup(response.text, "html.parser")


def csrf_token(client: TestClient, url: str = "/login") -> str:
    """The CSRF token rendered into a page of the current session."""
    token = soup(client.get(url)).find("input", {"name": "csrf_token"})
    assert token is not None, f"no csrf_token on {url}"
    return str(token["value"])


def post(client: TestClient, url: str, data: dict[str, Any] | None = None, *, token_from: str = "/") -> Any:
    """POST a form the way the browser does: with the session's CSRF token, without following the
    redirect. A list value sends the field once per item (checkboxes)."""
    # The token lives as long as the session; logging in starts a new one (see the login fixture).
    token = getattr(client, "csrf_token", None) or csrf_token(client, token_from)
    client.csrf_token = token  # type: ignore[attr-defined]
    return client.post(url, data={**(data or {}), "csrf_token": token}, follow_redirects=False)


def field_error(page: BeautifulSoup, field_id: str) -> str:
    """The inline error text shown next to the input with this id."""
    control = page.find(id=field_id)
    assert control is not None, f"no control #{field_id}"
    container = control.find_parent(class_="field-error")
    assert container is not None, f"#{field_id} is not marked as an error"
    error = container.find(class_="error")
    return error.get_text(" ", strip=True) if error else ""
