"""Layout at a common laptop size (1400×900): the console navigation stays on one line and review
queues show their decision column without sideways scrolling (issue 10, defect 6)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

FITS = """() => {
  const nav = document.querySelector('.mainnav');
  // What shows in the bar: its links and the Admin menu's summary (not the closed menu's links).
  const links = [...nav.querySelectorAll('a, summary')].filter(a => a.checkVisibility()).map(a => a.getBoundingClientRect().top);
  const wraps = [...document.querySelectorAll('.table-wrap')].map(w => w.scrollWidth - w.clientWidth);
  return {navRows: new Set(links.map(Math.round)).size, overflow: Math.max(0, ...wraps), page: document.documentElement.scrollWidth};
}"""


def test_console_fits_a_1400_pixel_screen(page, login, world):
    world.registrations()  # submitted registrations for the review queue
    page.set_viewport_size({"width": 1400, "height": 900})
    login("admin")  # the program admin sees every section, the audit trail included
    for url in ("/console", "/console/registrations/review", "/console/tiers/review"):
        page.goto(url)
        found = page.evaluate(FITS)
        assert found == {"navRows": 1, "overflow": 0, "page": 1400}, f"{url}: {found}"
    page.goto("/console/registrations/review")
    assert page.locator("#review-queue td.decision button", has_text="Approve").first.is_visible()
    shots = os.environ.get("ALLIANCE_SCREENSHOTS_DIR")
    if shots:
        page.screenshot(path=str(Path(shots) / "console-review-queue-1400.png"))
