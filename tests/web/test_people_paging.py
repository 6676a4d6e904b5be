"""Large partners' people lists are paged on the console profile and in the portal."""

from __future__ import annotations

import pytest

from alliance.identity.scope import Actor, PartnerScope
from alliance.partners import service as partner_service
from alliance.partners.schemas import PersonCreate
from alliance.partners.vocabulary import DeliveryRole
from tests.web.client import soup


@pytest.fixture
def big_team(db, world):
    with db.session_scope(PartnerScope.system(reason="test data")) as session:
        for n in range(57):
            data = PersonCreate(name=f"Zed Consultant {n:02d}", email=f"zed{n}@a.example", delivery_role=DeliveryRole.IMPLEMENTATION_ENGINEER)
            partner_service.add_person(session, Actor.system(), partner_id=world.a.id, data=data)
    return world


def _rows(page) -> int:
    return len(page.select("#people-table tbody tr"))


@pytest.mark.parametrize(("who", "url"), [("admin", "/console/partners/{id}"), ("a_user", "/portal/people")])
def test_people_paged(login, big_team, who, url):
    client = login(who)
    first = soup(client.get(url.format(id=big_team.a.id)))
    assert _rows(first) == 50
    assert "of 60 people" in first.select_one("nav.pager").get_text(" ", strip=True)
    next_link = first.select_one('nav.pager a[rel="next"]')["href"]
    second = soup(client.get(url.format(id=big_team.a.id) + next_link))
    assert _rows(second) == 10
    assert second.select_one('nav.pager a[rel="next"]') is None


def test_unknown_page_keeps_the_navigation(login, world):
    client = login("admin")
    response = client.get("/console/nowhere")
    assert response.status_code == 404
    page = soup(response)
    assert page.select_one("nav.mainnav a[href='/console/partners']") is not None
