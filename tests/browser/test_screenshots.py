"""Key pages render in a real browser; with ALLIANCE_SCREENSHOTS_DIR set the shots refresh the docs:

ALLIANCE_SCREENSHOTS_DIR=docs/screenshots .venv/bin/pytest -q --browser tests/browser/test_screenshots.py
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest

from alliance.identity.scope import Actor, PartnerScope
from alliance.partners import service as partner_service
from alliance.partners.schemas import PartnerCreate, PartnerUpdate, PersonCreate
from alliance.partners.vocabulary import DeliveryRole, PartnerStatus, PartnerType, SISubtype

pytestmark = pytest.mark.browser

PORTFOLIO = [
    ("Globex Digital Services", PartnerType.SYSTEMS_INTEGRATOR, SISubtype.GSI, "IN", ["APAC", "EMEA", "NA"], 42000, PartnerStatus.ACTIVE),
    ("Meridian Health Partners", PartnerType.SYSTEMS_INTEGRATOR, SISubtype.VERTICAL, "US", ["NA"], 640, PartnerStatus.ACTIVE),
    ("Cumulus Cloud Engineering", PartnerType.SYSTEMS_INTEGRATOR, SISubtype.TECHNOLOGY, "GB", ["EMEA"], 310, PartnerStatus.ACTIVE),
    ("Andes Integradores", PartnerType.SYSTEMS_INTEGRATOR, SISubtype.REGIONAL, "CL", ["LATAM"], 95, PartnerStatus.PROSPECT),
    ("Nordlys Managed IT", PartnerType.MSP, None, "NO", ["EMEA"], 120, PartnerStatus.ACTIVE),
    ("Pacific Rim Distribution", PartnerType.DISTRIBUTOR, None, "SG", ["APAC"], 40, PartnerStatus.ACTIVE),
    ("Keystone Resellers", PartnerType.RESELLER, None, "CA", ["NA"], 25, PartnerStatus.SUSPENDED),
]


@pytest.fixture
def showcase(db, world):  # type: ignore[no-untyped-def]
    operator = Actor.system(label="showcase")
    with db.session_scope(PartnerScope.system(reason="screenshot data")) as session:
        for index, (name, kind, subtype, country, regions, headcount, status) in enumerate(PORTFOLIO):
            partner = partner_service.create_partner(
                session,
                operator,
                data=PartnerCreate(
                    legal_name=f"{name} Ltd",
                    display_name=name,
                    partner_type=kind,
                    si_subtype=subtype,
                    hq_country=country,
                    regions=regions,
                    consultant_headcount=headcount,
                    status=status,
                    enrolled_on=date(2022, 1 + index, 1 + 3 * index),
                    cam_user_id=world.users["cam" if index % 2 else "cam2"],
                ),
            )
            partner_service.add_person(
                session,
                operator,
                partner_id=partner.id,
                data=PersonCreate(name=f"Lead {index}", email=f"lead{index}@p{index}.example", delivery_role=DeliveryRole.PRACTICE_LEAD),
            )
        partner_service.update_partner(
            session, operator, partner_id=world.a.id, data=PartnerUpdate(consultant_headcount=215, enrolled_on=date(2021, 6, 1), reason="Annual partner review")
        )
    return world


def test_capture_key_pages(page, login, showcase, tmp_path):
    out = Path(os.environ.get("ALLIANCE_SCREENSHOTS_DIR") or tmp_path)
    out.mkdir(parents=True, exist_ok=True)
    login("admin")
    page.screenshot(path=str(out / "console-dashboard.png"), full_page=True)
    page.goto("/console/partners?sort=-headcount")
    page.screenshot(path=str(out / "console-partners.png"), full_page=True)
    page.goto(f"/console/partners/{showcase.a.id}")
    page.screenshot(path=str(out / "console-partner-profile.png"), full_page=True)
    page.context.clear_cookies()
    login("a_admin")
    page.goto("/portal/tier")
    page.screenshot(path=str(out / "portal-tier.png"), full_page=True)
    shots = ["console-dashboard.png", "console-partner-profile.png", "console-partners.png", "portal-tier.png"]
    assert all((out / name).stat().st_size > 20_000 for name in shots), "a screenshot is suspiciously small (blank page?)"


def test_capture_cosell_pages(page, login, world, db, tmp_path):
    from alliance.cosell.disputes import service as dispute_service
    from alliance.cosell.disputes.schemas import DisputeCreate
    from alliance.identity.scope import Role, scope_for
    from tests.factories.cosell import build_cosell

    built = build_cosell(db, world)["a"]
    admin = Actor(user_id=world.a.admin_user_id, role=Role.PARTNER_ADMIN, partner_id=world.a.id, label=world.emails["a_admin"])
    with db.session_scope(scope_for(admin)) as session:
        data = DisputeCreate(plan_id=built["plan_id"], activity_id=built["activity_id"], subject="We scoped the implementation; vendor PS wants to lead it")
        dispute_service.open_dispute(session, admin, data=data)
    out = Path(os.environ.get("ALLIANCE_SCREENSHOTS_DIR") or tmp_path)
    out.mkdir(parents=True, exist_ok=True)
    login("admin")
    shots = {
        "console-cosell-queue.png": "/console/cosell",
        "console-cosell-routing.png": "/console/cosell/routing",
        "console-cosell-report.png": "/console/cosell/report?group_by=partner",
        "console-codelivery-plan.png": f"/console/cosell/plans/{built['plan_id']}",
        "console-disputes.png": "/console/disputes",
    }
    for name, url in shots.items():
        page.goto(url)
        page.screenshot(path=str(out / name), full_page=True)
    assert all((out / name).stat().st_size > 20_000 for name in shots), "a screenshot is suspiciously small (blank page?)"
