"""The inbox in the console and the portal, and the bell with the unread count on every page."""

from __future__ import annotations

from tests.service.notifications.test_inbox import tell
from tests.web.client import post, soup


def bell(page) -> str:  # type: ignore[no-untyped-def]
    found = page.find(id="inbox-bell")
    assert found is not None
    count = found.find(class_="bell-count")
    return count.get_text(strip=True) if count else ""


class TestBell:
    def test_the_bell_counts_unread_items_on_every_page(self, client, login, world):
        tell(world, "a_user")
        tell(world, "a_user", entity_id=8)
        login("a_user")
        for url in ("/portal", "/portal/people", "/portal/registrations", "/portal/notifications"):
            page = soup(client.get(url))
            assert bell(page) == "2", url
            assert page.find(id="inbox-bell")["href"] == "/portal/inbox"

    def test_no_count_when_nothing_is_unread_and_staff_go_to_the_console_inbox(self, client, login, world):
        tell(world, "a_user")  # someone else's
        login("cam")
        page = soup(client.get("/console"))
        assert bell(page) == "" and page.find(id="inbox-bell")["href"] == "/console/inbox"


class TestInboxPage:
    def test_items_show_the_emails_subject_when_and_unread(self, client, login, world):
        tell(world, "a_user", title="First")
        tell(world, "a_user", title="Second", entity_id=8)
        tell(world, "b_user", title="Blue Harbor secret")
        login("a_user")
        page = soup(client.get("/portal/inbox"))
        items = page.find(id="inbox-items").find_all("li")
        assert [i.find(class_="subject").get_text() for i in items] == ["Approved: Second", "Approved: First"]
        assert all("unread" in i["class"] for i in items)
        assert "Blue Harbor secret" not in page.get_text()

    def test_opening_an_item_marks_it_read_and_follows_its_link(self, client, login, world):
        tell(world, "a_user", title="First", entity_id=7)
        login("a_user")
        item = soup(client.get("/portal/inbox")).find(id="inbox-items").find("li")
        response = post(client, f"/portal/inbox/{item['data-id']}/open", token_from="/portal/inbox")
        assert (response.status_code, response.headers["location"]) == (303, "/portal/registrations/7")
        page = soup(client.get("/portal/inbox"))
        assert "read" in page.find(id="inbox-items").find("li")["class"] and bell(page) == ""
        assert soup(client.get("/portal/inbox?show=unread")).find(id="inbox-items") is None

    def test_mark_all_read(self, client, login, world):
        tell(world, "cam")
        tell(world, "cam", entity_id=8)
        tell(world, "cam2")
        login("cam")
        response = post(client, "/console/inbox/read-all", token_from="/console/inbox")
        assert (response.status_code, response.headers["location"]) == (303, "/console/inbox")
        page = soup(client.get("/console/inbox"))
        assert "2 items marked read." in page.get_text() and bell(page) == ""
        assert [li["class"] for li in page.find(id="inbox-items").find_all("li")] == [["inbox-item", "read"]] * 2

    def test_filter_by_kind_and_paging(self, client, login, world):
        for n in range(3):
            tell(world, "a_user", title=f"Deal {n}", entity_id=10 + n)
        login("a_user")
        page = soup(client.get("/portal/inbox?limit=2"))
        assert len(page.find(id="inbox-items").find_all("li")) == 2
        assert soup(client.get("/portal/inbox?event=registration.info_requested")).find(id="inbox-items") is None
        assert len(soup(client.get("/portal/inbox?event=registration.decided")).find(id="inbox-items").find_all("li")) == 3
        assert client.get("/portal/inbox?show=bogus&event=bogus").status_code == 200

    def test_another_persons_item_is_not_found(self, client, login, world):
        tell(world, "b_user")
        login("b_user")
        item = soup(client.get("/portal/inbox")).find(id="inbox-items").find("li")
        login("a_admin")
        assert post(client, f"/portal/inbox/{item['data-id']}/open", token_from="/portal/inbox").status_code == 404
        login("b_user")
        assert bell(soup(client.get("/portal"))) == "1"


def test_the_page_and_the_api_give_the_same_inbox(client, login, world):
    tell(world, "a_admin", title="First")
    tell(world, "a_admin", title="Second", entity_id=8)
    api = client.get("/api/v1/inbox", headers=world.headers("a_admin")).json()["items"]
    client.post(f"/api/v1/inbox/{api[0]['id']}/read", headers=world.headers("a_admin"))
    login("a_admin")
    page = soup(client.get("/portal/inbox"))
    shown = [(int(li["data-id"]), li.find(class_="subject").get_text(), "unread" in li["class"]) for li in page.find(id="inbox-items").find_all("li")]
    again = client.get("/api/v1/inbox", headers=world.headers("a_admin")).json()["items"]
    assert shown == [(i["id"], i["subject"], i["unread"]) for i in again] and [u for *_, u in shown] == [False, True]
    assert bell(page) == str(client.get("/api/v1/inbox/unread-count", headers=world.headers("a_admin")).json()["unread"])
