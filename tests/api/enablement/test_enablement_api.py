"""The enablement API: catalog, progress, labs, and the signed lab-environment endpoint."""

from __future__ import annotations

import hashlib
import hmac
import json
import time

import pytest

RUBRIC = [{"criterion": "Design", "max_points": 50}, {"criterion": "Build", "max_points": 50}]


def track_body(key: str, level: str = "associate", **extra: object) -> dict[str, object]:
    return {
        "key": key,
        "name": f"Solution Architect {level.capitalize()} (Data Platform 8)",
        "delivery_role": "solution_architect",
        "level": level,
        "product_line": "data-platform",
        "product_version": "8",
        "modules": [{"key": "m1", "title": "Architecture"}, {"key": "m2", "title": "Sizing"}, {"key": "m3", "title": "Elective", "required": False}],
        **extra,
    }


@pytest.fixture
def catalog(client, world):  # type: ignore[no-untyped-def]
    world.registrations()  # brings the product-line catalog
    return world


def create_track(client, world, body):  # type: ignore[no-untyped-def]
    response = client.post("/api/v1/certification-tracks", headers=world.headers("admin"), json=body)
    assert response.status_code == 201, response.text
    return response.json()


class TestCatalog:
    def test_anonymous(self, client, world):
        assert client.get("/api/v1/certification-tracks").status_code == 401

    def test_create_read_update(self, client, catalog):
        created = create_track(client, catalog, track_body("dp-sa-associate"))
        assert [m["key"] for m in created["modules"]] == ["m1", "m2", "m3"] and created["lab_secret"] is None
        listed = client.get("/api/v1/certification-tracks?product_line=data-platform", headers=catalog.headers("a_user")).json()
        assert listed["total"] == 1 and "lab_secret" not in listed["items"][0]
        patched = client.patch(f"/api/v1/certification-tracks/{created['id']}", headers=catalog.headers("admin"), json={"exam_pass_mark": 80})
        assert patched.status_code == 200 and patched.json()["exam_pass_mark"] == 80
        assert client.get(f"/api/v1/certification-tracks/{created['id']}", headers=catalog.headers("b_user")).json()["exam_pass_mark"] == 80

    def test_partners_cannot_change_the_catalog(self, client, catalog):
        assert client.post("/api/v1/certification-tracks", headers=catalog.headers("a_admin"), json=track_body("x-track")).status_code == 403

    def test_422_names_the_fields(self, client, catalog):
        body = track_body("dp-sa-bad", exam_pass_mark=120, exam_max_attempts=0)
        response = client.post("/api/v1/certification-tracks", headers=catalog.headers("admin"), json=body)
        assert response.status_code == 422
        assert {d["field"] for d in response.json()["error"]["details"]} == {"exam_pass_mark", "exam_max_attempts"}
        response = client.post("/api/v1/certification-tracks", headers=catalog.headers("admin"), json=track_body("dp-sa-bad", product_line="nope"))
        assert response.status_code == 422 and response.json()["error"]["details"][0]["field"] == "product_line"

    def test_environment_lab_secret_shown_on_creation_and_rotation_only(self, client, catalog):
        created = create_track(client, catalog, track_body("dp-sa-expert", "expert", lab_grading="environment", lab_rubric=RUBRIC))
        assert len(created["lab_secret"]) == 64
        assert "lab_secret" not in client.get(f"/api/v1/certification-tracks/{created['id']}", headers=catalog.headers("admin")).json()
        url = f"/api/v1/certification-tracks/{created['id']}/lab-secret"
        assert client.post(url, headers=catalog.headers("cam")).status_code == 403
        rotated = client.post(url, headers=catalog.headers("admin")).json()
        assert rotated["lab_secret"] != created["lab_secret"]

    def test_releases(self, client, catalog):
        response = client.post(
            "/api/v1/product-releases", headers=catalog.headers("admin"), json={"product_line": "data-platform", "version": "8.2", "released_on": "2026-05-01"}
        )
        assert response.status_code == 201 and response.json()["major"] == 8
        assert client.get("/api/v1/product-releases", headers=catalog.headers("a_user")).json()["total"] == 1
        bad = client.post(
            "/api/v1/product-releases", headers=catalog.headers("admin"), json={"product_line": "data-platform", "version": "v8", "released_on": "2026-05-01"}
        )
        assert bad.status_code == 422 and bad.json()["error"]["details"][0]["field"] == "version"


class TestProgress:
    def test_learning_exam_lab_and_award(self, client, catalog):
        track = create_track(client, catalog, track_body("dp-sa-professional", "professional", lab_grading="evaluator", lab_rubric=RUBRIC))
        person = catalog.a.person_ids[0]
        admin = catalog.headers("a_admin")
        for module in track["modules"][:2]:
            response = client.post(f"/api/v1/people/{person}/module-completions", headers=admin, json={"module_id": module["id"]})
            assert response.status_code == 201, response.text
        exam = client.post(f"/api/v1/people/{person}/exam-attempts", headers=admin, json={"track_id": track["id"], "score": 55})
        assert exam.status_code == 201 and exam.json()["passed"] is False
        again = client.post(f"/api/v1/people/{person}/exam-attempts", headers=admin, json={"track_id": track["id"], "score": 90})
        assert again.status_code == 422 and "cool-down" in again.json()["error"]["message"]
        lab = client.post(
            f"/api/v1/people/{person}/lab-submissions", headers=catalog.headers("a_user"), json={"track_id": track["id"], "evidence": "https://git.example/x"}
        )
        assert lab.status_code == 201 and lab.json()["status"] == "pending"
        assert client.get("/api/v1/lab-submissions", headers=catalog.headers("a_user")).status_code == 403
        queue = client.get("/api/v1/lab-submissions?status=pending", headers=catalog.headers("ps_lead")).json()
        assert [item["person_name"] for item in queue["items"]] == ["Ann Architect"]
        graded = client.post(
            f"/api/v1/lab-submissions/{lab.json()['id']}/grade",
            headers=catalog.headers("ps_lead"),
            json={"scores": [{"criterion": "Design", "points": 45}, {"criterion": "Build", "points": 40}]},
        )
        assert graded.status_code == 200 and (graded.json()["status"], graded.json()["score"]) == ("passed", 85)
        view = client.get(f"/api/v1/people/{person}/progress", headers=catalog.headers("a_user")).json()
        mine = next(t for t in view["tracks"] if t["track_id"] == track["id"])
        assert (mine["modules_done"], mine["modules_required"], mine["exam_attempts"], mine["lab_status"]) == (2, 2, 1, "passed")
        assert mine["missing"] == ["exam not passed"] and mine["certification"] is None

    def test_other_partners_person_is_not_found(self, client, catalog):
        track = create_track(client, catalog, track_body("dp-sa-associate"))
        person = catalog.b.person_ids[0]
        for path, body in (
            ("module-completions", {"module_id": track["modules"][0]["id"]}),
            ("exam-attempts", {"track_id": track["id"], "score": 80}),
            ("lab-submissions", {"track_id": track["id"], "evidence": "x"}),
        ):
            assert client.post(f"/api/v1/people/{person}/{path}", headers=catalog.headers("a_admin"), json=body).status_code == 404
        assert client.get(f"/api/v1/people/{person}/progress", headers=catalog.headers("a_user")).status_code == 404

    def test_422_names_fields(self, client, catalog):
        person = catalog.a.person_ids[0]
        response = client.post(f"/api/v1/people/{person}/exam-attempts", headers=catalog.headers("a_admin"), json={"track_id": 0, "score": 101})
        assert response.status_code == 422
        assert {d["field"] for d in response.json()["error"]["details"]} == {"track_id", "score"}


class TestLabEnvironmentEndpoint:
    @pytest.fixture
    def lab(self, client, catalog):  # type: ignore[no-untyped-def]
        return create_track(client, catalog, track_body("dp-sa-expert", "expert", lab_grading="environment", lab_rubric=RUBRIC, lab_pass_mark=80))

    def send(self, client, secret, payload, *, timestamp=None, nonce="lab-nonce-0001", signature=None, track="dp-sa-expert"):  # type: ignore[no-untyped-def]
        body = json.dumps(payload).encode()
        timestamp = timestamp or int(time.time())
        digest = hmac.new(secret.encode(), f"{timestamp}.{nonce}.".encode() + body, hashlib.sha256).hexdigest()
        headers = {
            "Content-Type": "application/json",
            "X-Alliance-Lab-Timestamp": str(timestamp),
            "X-Alliance-Lab-Nonce": nonce,
            "X-Alliance-Lab-Signature": signature or digest,
        }
        return client.post(f"/api/v1/labs/{track}/results", content=body, headers=headers)

    def test_valid_post_without_a_bearer_token(self, client, catalog, lab):
        response = self.send(client, lab["lab_secret"], {"person_email": "ann.architect@a.example", "score": 92, "external_ref": "run-1"})
        assert response.status_code == 201, response.text
        assert (response.json()["status"], response.json()["source"], response.json()["partner_id"]) == ("passed", "lab_environment", catalog.a.id)

    def test_bad_signature(self, client, lab):
        response = self.send(client, lab["lab_secret"], {"person_email": "ann.architect@a.example", "score": 92}, signature="ab" * 32)
        assert response.status_code == 401 and response.json()["error"]["code"] == "invalid_lab_signature"

    def test_stale(self, client, lab):
        response = self.send(client, lab["lab_secret"], {"person_email": "ann.architect@a.example", "score": 92}, timestamp=int(time.time()) - 600)
        assert response.status_code == 401 and "stale" in response.json()["error"]["message"]

    def test_unsigned(self, client, lab):
        response = client.post("/api/v1/labs/dp-sa-expert/results", json={"person_id": 1, "score": 92})
        assert response.status_code == 401

    def test_replay(self, client, lab):
        payload = {"person_email": "ann.architect@a.example", "score": 50}
        assert self.send(client, lab["lab_secret"], payload).status_code == 201
        replay = self.send(client, lab["lab_secret"], payload)
        assert replay.status_code == 409 and "replayed" in replay.json()["error"]["message"]

    def test_unknown_person(self, client, lab):
        assert self.send(client, lab["lab_secret"], {"person_email": "ghost@x.example", "score": 92}).status_code == 404

    def test_unknown_track_answers_like_a_bad_signature(self, client, lab):
        """Probing track keys reveals nothing: the same 401 and message as a forged post."""
        payload = {"person_email": "ann.architect@a.example", "score": 92}
        forged = self.send(client, lab["lab_secret"], payload, signature="ab" * 32)
        unknown = self.send(client, lab["lab_secret"], payload, track="unknown-track", nonce="lab-nonce-0002")
        assert unknown.status_code == forged.status_code == 401
        assert unknown.json()["error"] == forged.json()["error"]
        assert client.post("/api/v1/labs/unknown-track/results", content=b"{}").status_code == 401
