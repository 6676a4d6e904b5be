"""AssignOpportunity (the owner of an opportunity's registration) and opportunities of every
registration kind (the tag `alliance:kind`), each kind's required fields named in ACE's words."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from botocore.exceptions import ClientError
from sqlalchemy import select

from alliance.audit.models import AuditEvent
from alliance.db import Database
from alliance.identity.scope import PartnerScope
from alliance.kit import clock
from alliance.registrations.models import Registration
from tests.factories.ace import opportunity
from tests.factories.world import World


def _field_errors(exc: pytest.ExceptionInfo[ClientError]) -> list[tuple[str, str]]:
    response = exc.value.response
    assert response["Error"]["Code"] == "ValidationException", response
    return [(e["FieldName"], e["Code"]) for e in response["ErrorList"]]


def _registration(db: Database, opportunity_id: str) -> Registration:
    with db.session_scope(PartnerScope.system(reason="test"), write=False) as session:
        found = session.get(Registration, int(opportunity_id[1:]))
        assert found is not None
        session.expunge(found)
        return found


def _assignee(world: World, who: str, title: str = "OpportunityOwner") -> dict[str, str]:
    return {"Email": world.emails[who], "FirstName": "Anna", "LastName": "Admin", "BusinessTitle": title}


def _tagged(body: dict[str, Any], **tags: str) -> dict[str, Any]:
    body["Tags"] = [*body["Tags"], *({"Key": k.replace("_", ":", 1).replace("_", "-"), "Value": v} for k, v in tags.items())]
    return body


class TestAssignOpportunity:
    def test_hands_the_opportunity_to_a_colleague(self, ace: Any, db: Database, world: World) -> None:
        client = ace("a_user")
        team = [{"Email": "old.owner@partner.example", "FirstName": "Old", "LastName": "Owner", "BusinessTitle": "OpportunityOwner"}]
        created = client.create_opportunity(**opportunity(OpportunityTeam=team))
        client.assign_opportunity(Catalog="AWS", Identifier=created["Id"], Assignee=_assignee(world, "a_admin"))
        got = client.get_opportunity(Catalog="AWS", Identifier=created["Id"])
        assert got["OpportunityTeam"] == [_assignee(world, "a_admin")]  # the new owner took the old one's place
        assert got["LastModifiedDate"] > created["LastModifiedDate"]
        registration = _registration(db, created["Id"])
        assert registration.registrant_user_id == world.users["a_admin"]
        with db.session_scope(PartnerScope.system(reason="test"), write=False) as session:
            events = session.scalars(select(AuditEvent).where(AuditEvent.entity_type == "registration", AuditEvent.entity_id == str(registration.id)))
            reassigned = {e.action: e for e in events}
        assert {"registration.reassigned", "opportunity.assigned"} <= set(reassigned)
        change = reassigned["registration.reassigned"]
        assert (change.before["registrant_user_id"], change.after["registrant_user_id"]) == (world.users["a_user"], world.users["a_admin"])

    def test_only_an_active_colleague_can_be_assigned(self, ace: Any, world: World) -> None:
        client = ace("a_user")
        created = client.create_opportunity(**opportunity())
        for who in ("b_user", "cam"):  # another partner's user, vendor staff
            with pytest.raises(ClientError) as exc:
                client.assign_opportunity(Catalog="AWS", Identifier=created["Id"], Assignee=_assignee(world, who))
            assert _field_errors(exc) == [("Assignee.Email", "INVALID_VALUE")]
        with pytest.raises(ClientError) as exc:
            client.assign_opportunity(Catalog="AWS", Identifier=created["Id"], Assignee={**_assignee(world, "a_admin"), "Email": "nobody@partner.example"})
        assert _field_errors(exc) == [("Assignee.Email", "INVALID_VALUE")]
        unchecked = ace("a_user", validate=False)
        with pytest.raises(ClientError) as exc:
            unchecked.assign_opportunity(Catalog="AWS", Identifier=created["Id"], Assignee={"Email": world.emails["a_admin"]})
        assert sorted(_field_errors(exc)) == [(f"Assignee.{m}", "REQUIRED_FIELD_MISSING") for m in ("BusinessTitle", "FirstName", "LastName")]
        with pytest.raises(ClientError) as exc:
            client.assign_opportunity(Catalog="AWS", Identifier="O999999", Assignee=_assignee(world, "a_admin"))
        assert exc.value.response["Error"]["Code"] == "ResourceNotFoundException"


def _project(**tags: str) -> dict[str, Any]:
    starts, ends = clock.today() + timedelta(days=30), clock.today() + timedelta(days=200)
    window = {"alliance_delivery": f"{starts.isoformat()}/{ends.isoformat()}", "alliance_kind": "project"}
    return _tagged(opportunity("Data platform rollout"), **{**window, **tags})


def _influence(**changes: Any) -> dict[str, Any]:
    lifecycle = {
        "TargetCloseDate": (clock.today() + timedelta(days=45)).isoformat(),
        "NextStepsHistory": [{"Value": "Architecture workshop with the CTO", "Time": clock.now() - timedelta(days=2)}],
    }
    body = opportunity("Platform decision", LifeCycle=lifecycle, **changes)
    body["Project"] = {**body["Project"], "CompetitorName": "Microsoft Azure", "OtherCompetitorNames": "Snowflake, Databricks"}
    return _tagged(body, alliance_kind="influence", alliance_registrant_role="lead_architect")


class TestKinds:
    def test_a_project_opportunity_files_a_project_registration(self, ace: Any, db: Database) -> None:
        client = ace("a_user")
        body = _project()
        body["Tags"].append({"Key": "alliance:phase:Design", "Value": body["Tags"][-2]["Value"]})
        created = client.create_opportunity(**body)
        registration = _registration(db, created["Id"])
        assert (registration.kind, registration.title, str(registration.amount)) == ("project", "Data platform rollout", "12000.00")
        assert registration.details["scope_description"] == body["Project"]["CustomerBusinessProblem"]
        assert [p["name"] for p in registration.details["phases"]] == ["Design"]
        assert client.get_opportunity(Catalog="AWS", Identifier=created["Id"])["Project"] == body["Project"]

        without = _project()
        without["Tags"] = [t for t in without["Tags"] if t["Key"] != "alliance:delivery"]
        del without["Project"]["CustomerBusinessProblem"]
        with pytest.raises(ClientError) as exc:
            client.create_opportunity(**without)
        assert sorted(_field_errors(exc)) == [
            ("Project.CustomerBusinessProblem", "REQUIRED_FIELD_MISSING"),
            ("Tags[alliance:delivery]", "REQUIRED_FIELD_MISSING"),
        ]
        with pytest.raises(ClientError) as exc:
            client.create_opportunity(**_project(alliance_delivery="next spring"))
        assert _field_errors(exc) == [("Tags[alliance:delivery]", "INVALID_STRING_FORMAT")]

    def test_an_influence_opportunity_files_an_architecture_engagement(self, ace: Any, db: Database) -> None:
        client = ace("a_user")
        created = client.create_opportunity(**_influence())
        registration = _registration(db, created["Id"])
        assert (registration.kind, registration.expected_close_on) == ("influence", clock.today() + timedelta(days=45))
        details = registration.details
        assert (details["registrant_role"], details["competitors"]) == ("lead_architect", ["Microsoft Azure", "Snowflake", "Databricks"])
        assert [(e["kind"], e["on"]) for e in details["evidence"]] == [("meeting", (clock.today() - timedelta(days=2)).isoformat())]

        changed = _influence()
        changed["Project"]["CustomerBusinessProblem"] = "Choosing the analytics platform for the next five years."
        client.update_opportunity(
            Catalog="AWS",
            Identifier=created["Id"],
            LastModifiedDate=created["LastModifiedDate"],
            Customer=changed["Customer"],
            Project=changed["Project"],
            LifeCycle=changed["LifeCycle"],
        )
        assert _registration(db, created["Id"]).details["architecture_decision"] == changed["Project"]["CustomerBusinessProblem"]

        missing = _influence()
        missing["Tags"] = [t for t in missing["Tags"] if t["Key"] != "alliance:registrant-role"]
        del missing["LifeCycle"]["NextStepsHistory"]
        with pytest.raises(ClientError) as exc:
            client.create_opportunity(**missing)
        assert sorted(_field_errors(exc)) == [
            ("LifeCycle.NextStepsHistory", "REQUIRED_FIELD_MISSING"),
            ("Tags[alliance:registrant-role]", "REQUIRED_FIELD_MISSING"),
        ]
        with pytest.raises(ClientError) as exc:
            client.create_opportunity(**_tagged(opportunity(), alliance_kind="referral"))
        assert _field_errors(exc) == [("Tags[alliance:kind]", "INVALID_VALUE")]
