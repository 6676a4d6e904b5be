"""Enablement journey in a real browser: the program admin creates a track; a partner admin marks
the modules complete and hands in the lab; a CAM grades it; the partner sees the certification.

With ALLIANCE_SCREENSHOTS_DIR set, the portal's certifications page refreshes the docs:

    ALLIANCE_SCREENSHOTS_DIR=docs/screenshots .venv/bin/pytest -q --browser tests/browser/test_enablement_journeys.py
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from alliance.enablement import progress_service
from alliance.enablement.progress_schemas import ExamAttemptCreate
from alliance.identity.scope import Actor, PartnerScope
from alliance.partners import product_line_service

pytestmark = pytest.mark.browser
OPERATOR = Actor.system(label="journey setup")


@pytest.fixture
def lines(db, world):  # type: ignore[no-untyped-def]
    with db.session_scope(PartnerScope.system(reason="journey data")) as session:
        product_line_service.ensure_default_catalog(session, OPERATOR)
    return world


def test_track_to_certification(page, login, world, db, lines, tmp_path):
    shots = Path(os.environ.get("ALLIANCE_SCREENSHOTS_DIR") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    login("admin")
    page.get_by_role("link", name="Enablement").click()
    page.get_by_role("link", name="New track").click()
    page.locator("#f-key").fill("dp-sa-professional")
    page.locator("#f-name").fill("Data Platform Architect Professional")
    page.get_by_label("Delivery role").select_option("solution_architect")
    page.get_by_label("Level").select_option("professional")
    page.get_by_label("Product line").select_option("data-platform")
    page.get_by_label("Major version").fill("8")
    page.get_by_label("Module 1 key").fill("sizing")
    page.get_by_label("Module 1 title").fill("Sizing and capacity")
    page.get_by_label("Module 2 key").fill("security")
    page.get_by_label("Module 2 title").fill("Security design")
    page.get_by_label("Lab grading").select_option("evaluator")
    page.get_by_label("Rubric criterion 1", exact=True).fill("Design")
    page.get_by_label("Rubric criterion 1 points").fill("60")
    page.get_by_label("Rubric criterion 2", exact=True).fill("Build")
    page.get_by_label("Rubric criterion 2 points").fill("40")
    page.get_by_role("button", name="Create track").click()
    page.wait_for_url(re.compile(r"/console/enablement/tracks/\d+$"))
    track_id = int(page.url.rsplit("/", 1)[1])
    assert "created" in page.locator(".flash").inner_text()
    assert page.locator("#modules li").count() == 2

    # The exam arrives from the learning system; record it as the import would.
    person_id = world.a.person_ids[0]
    with db.session_scope(PartnerScope.system(reason="journey exam")) as session:
        progress_service.record_exam_attempt(session, OPERATOR, person_id=person_id, data=ExamAttemptCreate(track_id=track_id, score=88))

    page.context.clear_cookies()
    login("a_admin")
    page.get_by_role("link", name="Certifications").click()
    page.get_by_role("link", name="Ann Architect").first.click()
    page.wait_for_url(re.compile(rf"/portal/people/{person_id}/learning$"))
    card = page.locator(f"#track-{track_id}")
    card.get_by_role("button", name="Mark Sizing and capacity complete").click()
    page.locator(f"#track-{track_id}").get_by_role("button", name="Mark Security design complete").click()
    card = page.locator(f"#track-{track_id}")
    assert "2 of 2 required done" in card.inner_text().lower()
    card.get_by_label("Lab evidence").fill("https://git.example/northwind/ann-lab, walkthrough recorded")
    card.get_by_role("button", name="Submit lab").click()
    assert "waits for a vendor evaluator" in page.locator(".flash").inner_text()
    assert "Waiting for evaluation" in page.locator(f"#track-{track_id}").inner_text()

    page.context.clear_cookies()
    login("cam")
    page.goto("/console/enablement")
    page.get_by_role("link", name="Lab grading queue").click()
    row = page.locator("#lab-queue tr", has_text="Ann Architect")
    assert "Northwind Consulting" in row.inner_text()
    row.get_by_label("Design").fill("50")
    row.get_by_label("Build").fill("35")
    row.get_by_role("button", name="Grade").click()
    assert "is now certified" in page.locator(".flash").inner_text()

    page.context.clear_cookies()
    login("a_user")
    page.get_by_role("link", name="Certifications").click()
    group = page.locator(f"tbody[data-person='{person_id}']")
    assert "Data Platform Architect Professional" in group.inner_text()
    assert "Active" in group.locator(".badge").first.inner_text()
    assert page.locator("#capacity tr[data-role='solution_architect'] svg").count() == 1
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(shots / "portal-certifications.png"), full_page=True)
