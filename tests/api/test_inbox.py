"""GET /api/v1/inbox and friends: the caller's own items only, as the pages show them."""

from __future__ import annotations

from tests.service.notifications.test_inbox import tell


class TestInboxApi:
    def test_anonymous(self, client):
        assert client.get("/api/v1/inbox").status_code == 401

    def test_lists_own_items_marks_one_and_all_read(self, client, world):
        tell(world, "a_user", title="First")
        tell(world, "a_user", title="Second", entity_id=8)
        tell(world, "b_user", title="Blue Harbor secret")
        headers = world.headers("a_user")
        body = client.get("/api/v1/inbox", headers=headers).json()
        assert body["total"] == 2
        assert [(i["subject"], i["link"], i["unread"]) for i in body["items"]] == [
            ("Approved: Second", "/portal/registrations/8", True),
            ("Approved: First", "/portal/registrations/7", True),
        ]
        assert client.get("/api/v1/inbox/unread-count", headers=headers).json() == {"unread": 2}
        read = client.post(f"/api/v1/inbox/{body['items'][1]['id']}/read", headers=headers).json()
        assert read["unread"] is False and read["read_at"]
        assert [i["subject"] for i in client.get("/api/v1/inbox?unread=true", headers=headers).json()["items"]] == ["Approved: Second"]
        assert client.post("/api/v1/inbox/read-all", headers=headers).json() == {"marked": 1}
        assert client.get("/api/v1/inbox/unread-count", headers=headers).json() == {"unread": 0}
        assert client.get("/api/v1/inbox/unread-count", headers=world.headers("b_user")).json() == {"unread": 1}

    def test_another_persons_item_is_404(self, client, world):
        tell(world, "b_user")
        [item] = client.get("/api/v1/inbox", headers=world.headers("b_user")).json()["items"]
        assert client.post(f"/api/v1/inbox/{item['id']}/read", headers=world.headers("a_user")).status_code == 404
        assert client.post(f"/api/v1/inbox/{item['id']}/read", headers=world.headers("admin")).status_code == 404
        assert client.get("/api/v1/inbox?event_type=registration.decided", headers=world.headers("b_user")).json()["total"] == 1
        assert client.get("/api/v1/inbox?event_type=bogus", headers=world.headers("b_user")).status_code == 422
