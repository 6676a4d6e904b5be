"""UpdateOpportunity and SubmitOpportunity: whole-payload replace, the optimistic lock, what each
review status allows, and submission onto the registration lifecycle (co-sell needs included)."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError
from sqlalchemy.orm import selectinload

from alliance.audit.models import AuditEvent
from alliance.cosell.models import ResourceRequest
from alliance.db import Database
from alliance.identity.scope import Actor, PartnerScope, Role
from alliance.registrations import service as registration_service
from alliance.registrations.models import Registration
from tests.factories.ace import opportunity
from tests.factories.world import World
from tests.service.cosell.requests_fixtures import routing  # noqa: F401

# Co-sell routing (teams, calendars) as every deployment has it.
pytestmark = pytest.mark.usefixtures("routing")

Client = Any


def _error(exc: pytest.ExceptionInfo[ClientError]) -> tuple[str, int]:
    return exc.value.response["Error"]["Code"], exc.value.response["ResponseMetadata"]["HTTPStatusCode"]


def _decide(db: Database, world: World, registration_id: int, action: str, reason: str | None = None) -> None:
    reviewer = Actor(user_id=world.users["admin"], role=Role.PROGRAM_ADMIN, partner_id=None, label="admin")
    with db.session_scope(PartnerScope.system(reason="test")) as session:
        registration_service.act(session, reviewer, registration_id=registration_id, action=action, reason=reason)


def _registration(db: Database, registration_id: int) -> Registration:
    with db.session_scope(PartnerScope.system(reason="test")) as session:
        found = session.get(Registration, registration_id, options=[selectinload(Registration.products)])
        assert found is not None
        session.expunge(found)
        return found


class TestUpdateOpportunity:
    def test_replaces_the_whole_payload(self, ace: Any, db: Database) -> None:
        client = ace("a_user")
        sent = opportunity(Marketing={"Source": "None"})
        created = client.create_opportunity(**sent)
        changed = opportunity(title="Bigger platform")
        changed["Project"]["ExpectedCustomerSpend"][0]["Amount"] = "2000.00"
        updated = client.update_opportunity(
            Catalog="AWS",
            Identifier=created["Id"],
            LastModifiedDate=created["LastModifiedDate"],
            Customer=changed["Customer"],
            Project=changed["Project"],
            LifeCycle=changed["LifeCycle"],
        )
        assert updated["Id"] == created["Id"] and updated["LastModifiedDate"] > created["LastModifiedDate"]
        got = client.get_opportunity(Catalog="AWS", Identifier=created["Id"])
        assert got["Project"]["Title"] == "Bigger platform"
        assert "Marketing" not in got and "PartnerOpportunityIdentifier" not in got  # omitted: cleared
        registration = _registration(db, int(created["Id"][1:]))
        assert (registration.title, str(registration.amount)) == ("Bigger platform", "24000.00")
        with db.session_scope(PartnerScope.system(reason="test")) as session:
            events = session.query(AuditEvent).filter_by(entity_type="registration", entity_id=str(registration.id)).all()
            actions = [e.action for e in events]
        assert actions.count("opportunity.created") == 1 and actions.count("opportunity.updated") == 1
        assert "registration.updated" in actions

    def test_a_stale_last_modified_date_is_a_conflict(self, ace: Any) -> None:
        client = ace("a_user")
        created = client.create_opportunity(**opportunity())
        body = opportunity()
        kwargs = {"Customer": body["Customer"], "Project": body["Project"], "LifeCycle": body["LifeCycle"]}
        client.update_opportunity(Catalog="AWS", Identifier=created["Id"], LastModifiedDate=created["LastModifiedDate"], **kwargs)
        with pytest.raises(ClientError) as exc:
            client.update_opportunity(Catalog="AWS", Identifier=created["Id"], LastModifiedDate=created["LastModifiedDate"], **kwargs)
        assert _error(exc) == ("ConflictException", 409)

    def test_refused_while_submitted(self, ace: Any, db: Database, world: World) -> None:
        client = ace("a_user")
        created = client.create_opportunity(**opportunity())
        client.submit_opportunity(Catalog="AWS", Identifier=created["Id"], InvolvementType="For Visibility Only")
        current = client.get_opportunity(Catalog="AWS", Identifier=created["Id"])
        body = opportunity()
        with pytest.raises(ClientError) as exc:
            client.update_opportunity(
                Catalog="AWS",
                Identifier=created["Id"],
                LastModifiedDate=current["LastModifiedDate"],
                Customer=body["Customer"],
                Project=body["Project"],
                LifeCycle=body["LifeCycle"],
            )
        assert _error(exc) == ("ConflictException", 409)

    def test_under_action_required_the_customer_stays(self, ace: Any, db: Database, world: World) -> None:
        client = ace("a_user")
        created = client.create_opportunity(**opportunity())
        client.submit_opportunity(Catalog="AWS", Identifier=created["Id"], InvolvementType="For Visibility Only")
        _decide(db, world, int(created["Id"][1:]), "request_info", "Which region?")
        current = client.get_opportunity(Catalog="AWS", Identifier=created["Id"])
        assert current["LifeCycle"]["ReviewStatus"] == "Action Required"
        assert current["LifeCycle"]["ReviewComments"] == "Which region?"  # what the partner must answer
        body = opportunity(company="Somebody Else Ltd")
        with pytest.raises(ClientError) as exc:
            client.update_opportunity(
                Catalog="AWS",
                Identifier=created["Id"],
                LastModifiedDate=current["LastModifiedDate"],
                Customer=body["Customer"],
                Project=body["Project"],
                LifeCycle=body["LifeCycle"],
            )
        error = exc.value.response
        assert [(e["FieldName"], e["Code"]) for e in error["ErrorList"]] == [("Customer.Account.CompanyName", "ACTION_NOT_PERMITTED")]
        body = opportunity(title="With the region")
        updated = client.update_opportunity(
            Catalog="AWS",
            Identifier=created["Id"],
            LastModifiedDate=current["LastModifiedDate"],
            Customer=body["Customer"],
            Project=body["Project"],
            LifeCycle=body["LifeCycle"],
        )
        assert client.get_opportunity(Catalog="AWS", Identifier=created["Id"])["Project"]["Title"] == "With the region"
        assert updated["LastModifiedDate"] > current["LastModifiedDate"]

    def test_the_review_status_is_not_the_partners_to_set(self, ace: Any) -> None:
        client = ace("a_user")
        created = client.create_opportunity(**opportunity())
        body = opportunity()
        body["LifeCycle"]["ReviewStatus"] = "Approved"
        with pytest.raises(ClientError) as exc:
            client.update_opportunity(
                Catalog="AWS",
                Identifier=created["Id"],
                LastModifiedDate=created["LastModifiedDate"],
                Customer=body["Customer"],
                Project=body["Project"],
                LifeCycle=body["LifeCycle"],
            )
        assert [(e["FieldName"], e["Code"]) for e in exc.value.response["ErrorList"]] == [("LifeCycle.ReviewStatus", "ACTION_NOT_PERMITTED")]
        body["LifeCycle"]["ReviewStatus"] = "Pending Submission"  # what it is: a round trip of GetOpportunity
        client.update_opportunity(
            Catalog="AWS",
            Identifier=created["Id"],
            LastModifiedDate=created["LastModifiedDate"],
            Customer=body["Customer"],
            Project=body["Project"],
            LifeCycle=body["LifeCycle"],
        )

    def test_another_partners_opportunity_is_not_found(self, ace: Any) -> None:
        created = ace("b_user").create_opportunity(**opportunity())
        body = opportunity()
        with pytest.raises(ClientError) as exc:
            ace("a_user").update_opportunity(
                Catalog="AWS",
                Identifier=created["Id"],
                LastModifiedDate=created["LastModifiedDate"],
                Customer=body["Customer"],
                Project=body["Project"],
                LifeCycle=body["LifeCycle"],
            )
        assert _error(exc) == ("ResourceNotFoundException", 404)

    def test_an_approved_deal_reported_closed_lost(self, ace: Any, db: Database, world: World) -> None:
        client = ace("a_user")
        created = client.create_opportunity(**opportunity())
        client.submit_opportunity(Catalog="AWS", Identifier=created["Id"], InvolvementType="For Visibility Only")
        _decide(db, world, int(created["Id"][1:]), "approve", "Good fit")
        current = client.get_opportunity(Catalog="AWS", Identifier=created["Id"])
        assert current["LifeCycle"]["ReviewStatus"] == "Approved"
        assert current["LifeCycle"]["ReviewStatusReason"] == "Good fit"
        body = opportunity()
        body["LifeCycle"].update(Stage="Closed Lost", ClosedLostReason="Price")
        client.update_opportunity(
            Catalog="AWS",
            Identifier=created["Id"],
            LastModifiedDate=current["LastModifiedDate"],
            Customer=body["Customer"],
            Project=body["Project"],
            LifeCycle=body["LifeCycle"],
        )
        assert _registration(db, int(created["Id"][1:])).status == "lost"
        assert client.get_opportunity(Catalog="AWS", Identifier=created["Id"])["LifeCycle"]["Stage"] == "Closed Lost"


class TestSubmitOpportunity:
    def test_submits_the_registration(self, ace: Any, db: Database) -> None:
        client = ace("a_user")
        created = client.create_opportunity(**opportunity())
        client.submit_opportunity(Catalog="AWS", Identifier=created["Id"], InvolvementType="For Visibility Only", Visibility="Full")
        registration = _registration(db, int(created["Id"][1:]))
        assert registration.status == "submitted" and registration.customer_id is not None
        assert client.get_opportunity(Catalog="AWS", Identifier=created["Id"])["LifeCycle"]["ReviewStatus"] == "Submitted"
        with db.session_scope(PartnerScope.system(reason="test")) as session:
            assert session.query(ResourceRequest).count() == 0

    def test_co_sell_files_one_request_per_need(self, ace: Any, db: Database) -> None:
        client = ace("a_user")
        needs = ["Co-Sell - Architectural Validation", "Co-Sell - Technical Consultation"]
        created = client.create_opportunity(**opportunity(PrimaryNeedsFromAws=needs))
        client.submit_opportunity(Catalog="AWS", Identifier=created["Id"], InvolvementType="Co-Sell")
        with db.session_scope(PartnerScope.system(reason="test")) as session:
            requests = session.query(ResourceRequest).filter_by(registration_id=int(created["Id"][1:])).all()
            assert sorted(r.request_type for r in requests) == ["architecture_validation", "technical_specialist"]
            assert all(r.team_id is not None for r in requests)

    def test_submitting_twice_is_a_conflict(self, ace: Any) -> None:
        client = ace("a_user")
        created = client.create_opportunity(**opportunity())
        client.submit_opportunity(Catalog="AWS", Identifier=created["Id"], InvolvementType="For Visibility Only")
        with pytest.raises(ClientError) as exc:
            client.submit_opportunity(Catalog="AWS", Identifier=created["Id"], InvolvementType="For Visibility Only")
        assert _error(exc) == ("ConflictException", 409)

    def test_another_partners_opportunity_is_not_found(self, ace: Any) -> None:
        created = ace("b_user").create_opportunity(**opportunity())
        with pytest.raises(ClientError) as exc:
            ace("a_user").submit_opportunity(Catalog="AWS", Identifier=created["Id"], InvolvementType="Co-Sell")
        assert _error(exc) == ("ResourceNotFoundException", 404)


def _solutions(client: Client) -> dict[str, str]:
    """Solution id by product-line key."""
    return {s["Name"].rsplit("(", 1)[1].rstrip(")"): s["Id"] for s in client.list_solutions(Catalog="AWS", MaxResults=100)["SolutionSummaries"]}


class TestAssociateOpportunity:
    def test_a_solution_is_a_product_line_of_the_registration(self, ace: Any, db: Database) -> None:
        client = ace("a_user")
        solutions = _solutions(client)
        other = next(key for key in solutions if key != "analytics")
        created = client.create_opportunity(**opportunity())
        ids = {"Catalog": "AWS", "OpportunityIdentifier": created["Id"], "RelatedEntityType": "Solutions"}
        client.associate_opportunity(**ids, RelatedEntityIdentifier=solutions[other])
        got = client.get_opportunity(Catalog="AWS", Identifier=created["Id"])
        assert sorted(got["RelatedEntityIdentifiers"]["Solutions"]) == sorted([solutions["analytics"], solutions[other]])
        assert sorted(_registration(db, int(created["Id"][1:])).product_lines) == sorted(["analytics", other])
        client.disassociate_opportunity(**ids, RelatedEntityIdentifier=solutions["analytics"])
        assert _registration(db, int(created["Id"][1:])).product_lines == [other]
        with pytest.raises(ClientError) as exc:
            client.disassociate_opportunity(**ids, RelatedEntityIdentifier=solutions[other])  # the last one
        assert exc.value.response["Error"]["Code"] == "ValidationException" and exc.value.response["Reason"] == "BUSINESS_VALIDATION_FAILED"
        assert exc.value.response["ErrorList"][0]["FieldName"] == "RelatedEntityIdentifier"
        with pytest.raises(ClientError) as exc:
            client.associate_opportunity(**ids, RelatedEntityIdentifier="S-999999")
        assert _error(exc) == ("ResourceNotFoundException", 404)
        with pytest.raises(ClientError) as exc:
            client.associate_opportunity(**ids, RelatedEntityIdentifier="analytics")
        assert exc.value.response["ErrorList"][0]["FieldName"] == "RelatedEntityIdentifier"

    def test_other_entities_are_kept_as_sent(self, ace: Any) -> None:
        client = ace("a_user")
        created = client.create_opportunity(**opportunity())
        ids = {"Catalog": "AWS", "OpportunityIdentifier": created["Id"], "RelatedEntityType": "AwsProducts"}
        client.associate_opportunity(**ids, RelatedEntityIdentifier="AmazonRedshift")
        got = client.get_opportunity(Catalog="AWS", Identifier=created["Id"])
        assert got["RelatedEntityIdentifiers"]["AwsProducts"] == ["AmazonRedshift"]
        client.disassociate_opportunity(**ids, RelatedEntityIdentifier="AmazonRedshift")
        assert client.get_opportunity(Catalog="AWS", Identifier=created["Id"])["RelatedEntityIdentifiers"].get("AwsProducts", []) == []
        with pytest.raises(ClientError) as exc:
            client.disassociate_opportunity(**ids, RelatedEntityIdentifier="AmazonRedshift")
        assert _error(exc) == ("ResourceNotFoundException", 404)

    def test_a_submitted_registrations_solutions_stay(self, ace: Any) -> None:
        client = ace("a_user")
        solutions = _solutions(client)
        created = client.create_opportunity(**opportunity())
        client.submit_opportunity(Catalog="AWS", Identifier=created["Id"], InvolvementType="For Visibility Only")
        other = next(key for key in solutions if key != "analytics")
        with pytest.raises(ClientError) as exc:
            client.associate_opportunity(
                Catalog="AWS", OpportunityIdentifier=created["Id"], RelatedEntityType="Solutions", RelatedEntityIdentifier=solutions[other]
            )
        assert _error(exc) == ("ConflictException", 409)
