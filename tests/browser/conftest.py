"""Browser journeys: a real uvicorn server on a free port and Debian's Chromium (never downloaded).

Without Chromium the tests skip, or fail when ALLIANCE_TEST_REQUIRE_BROWSER=1 (CI)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from alliance.db import Database
from tests.factories.world import PASSWORD, World

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"]


def _unavailable(reason: str) -> None:
    if os.environ.get("ALLIANCE_TEST_REQUIRE_BROWSER", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"browser required but unavailable: {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    executable = shutil.which("chromium")
    if executable is None:
        _unavailable("chromium is not installed (Debian package 'chromium')")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is not installed")
    with sync_playwright() as playwright:
        try:
            chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
        except Exception as exc:  # a broken local Chromium is an environment problem, reported in one line
            _unavailable(f"chromium did not start: {str(exc).splitlines()[0]}")
        yield chromium
        chromium.close()


@pytest.fixture
def server(live_server: str, db: Database) -> str:
    """The base URL of the worker's server, on this test's (emptied afterwards) database."""
    return live_server


@pytest.fixture
def page(browser: Any, server: str) -> Iterator[Any]:
    context = browser.new_context(base_url=server, viewport={"width": 1360, "height": 900})
    context.set_default_timeout(8000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def login(page: Any, world: World) -> Callable[[str], Any]:
    def log_in(who: str) -> Any:
        page.goto("/login")
        page.get_by_label("Email").fill(world.emails[who])
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url(lambda url: "/login" not in url)
        return page

    return log_in
