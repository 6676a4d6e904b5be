"""CreateOpportunity, GetOpportunity and ListOpportunities driven by boto3 against a live server."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from botocore.exceptions import ClientError

from alliance.db import Database
from alliance.identity.scope import PartnerScope
from alliance.registrations import service as registration_service
from alliance.registrations.models import Registration
from tests.factories.ace import opportunity
from tests.factories.world import World


def _error(exc: pytest.ExceptionInfo[ClientError]) -> dict[str, Any]:
    return {**exc.value.response["Error"], "status": exc.value.response["ResponseMetadata"]["HTTPStatusCode"], **exc.value.response}


def _registration(db: Database, opportunity_id: str) -> Registration:
    with db.session_scope(PartnerScope.system(reason="test")) as session:
        found = session.get(Registration, int(opportunity_id[1:]))
        assert found is not None
        session.expunge(found)
        return found


class TestCreateOpportunity:
    def test_files_a_draft_deal_registration(self, ace: Any, db: Database, world: World) -> None:
        created = ace("a_user").create_opportunity(**opportunity())
        assert created["Id"].startswith("O") and created["PartnerOpportunityIdentifier"] == "CRM-1"
        assert isinstance(created["LastModifiedDate"], datetime)
        registration = _registration(db, created["Id"])
        assert (registration.partner_id, registration.kind, registration.status) == (world.a.id, "deal", "draft")
        assert (registration.title, registration.customer_name, registration.customer_country) == ("Data platform", "Northwind Traders", "US")
        assert str(registration.amount) == "12000.00"  # 1,000 a month over the default 12 months
        assert registration.details["stage"] == "discovery"

    def test_get_returns_what_was_sent(self, ace: Any) -> None:
        client = ace("a_user")
        sent = opportunity(Marketing={"Source": "None", "AwsFundingUsed": "No"}, NationalSecurity="No")
        created = client.create_opportunity(**sent)
        got = client.get_opportunity(Catalog="AWS", Identifier=created["Id"])
        for name in ("Customer", "Project", "Marketing", "NationalSecurity", "PrimaryNeedsFromAws", "OpportunityType", "PartnerOpportunityIdentifier"):
            assert got[name] == sent[name], name
        assert got["LifeCycle"] == {**sent["LifeCycle"], "ReviewStatus": "Pending Submission"}
        assert got["Id"] == created["Id"] and got["Catalog"] == "AWS"
        assert got["LastModifiedDate"] == created["LastModifiedDate"]

    def test_a_reused_client_token_with_the_same_body_answers_the_same_opportunity(self, ace: Any) -> None:
        client = ace("a_user")
        first = client.create_opportunity(**opportunity())
        again = client.create_opportunity(**opportunity())
        assert again["Id"] == first["Id"]
        assert len(client.list_opportunities(Catalog="AWS")["OpportunitySummaries"]) == 1

    def test_a_reused_client_token_with_another_body_is_a_conflict(self, ace: Any) -> None:
        client = ace("a_user")
        client.create_opportunity(**opportunity())
        changed = opportunity()
        changed["Project"]["Title"] = "Something else"
        with pytest.raises(ClientError) as exc:
            client.create_opportunity(**changed)
        assert (_error(exc)["Code"], _error(exc)["status"]) == ("ConflictException", 409)

    def test_the_same_client_token_of_two_partners_makes_two_opportunities(self, ace: Any) -> None:
        assert ace("a_user").create_opportunity(**opportunity())["Id"] != ace("b_user").create_opportunity(**opportunity())["Id"]

    def test_the_model_is_checked_on_the_server(self, ace: Any) -> None:
        body = opportunity(NationalSecurity="Maybe")
        body["Customer"]["Account"]["CompanyName"] = "x" * 121
        body["Customer"]["Contacts"][0]["Phone"] = "555-1234"
        body["LifeCycle"]["TargetCloseDate"] = "2026-13-01"
        body["Tags"] = []
        with pytest.raises(ClientError) as exc:
            ace("a_user", validate=False).create_opportunity(**body)
        error = _error(exc)
        assert (error["Code"], error["status"], error["Reason"]) == ("ValidationException", 400, "REQUEST_VALIDATION_FAILED")
        found = {(e["FieldName"], e["Code"]) for e in error["ErrorList"]}
        assert found >= {
            ("NationalSecurity", "INVALID_ENUM_VALUE"),
            ("Customer.Account.CompanyName", "INVALID_STRING_FORMAT"),
            ("Customer.Contacts[0].Phone", "INVALID_STRING_FORMAT"),
            ("LifeCycle.TargetCloseDate", "INVALID_STRING_FORMAT"),
            ("Tags", "NOT_ENOUGH_VALUES"),
        }

    def test_a_missing_required_member_is_named(self, ace: Any) -> None:
        body = opportunity()
        del body["Catalog"]  # (boto3 fills in a missing ClientToken itself)
        del body["Customer"]["Account"]["CompanyName"]
        with pytest.raises(ClientError) as exc:
            ace("a_user", validate=False).create_opportunity(**body)
        found = {(e["FieldName"], e["Code"]) for e in _error(exc)["ErrorList"]}
        assert found == {("Catalog", "REQUIRED_FIELD_MISSING"), ("Customer.Account.CompanyName", "REQUIRED_FIELD_MISSING")}

    def test_what_a_registration_needs_is_a_business_validation_error(self, ace: Any) -> None:
        body = opportunity(Tags=[{"Key": "alliance:product-lines", "Value": "no-such-line"}])
        del body["Project"]["Title"]
        with pytest.raises(ClientError) as exc:
            ace("a_user").create_opportunity(**body)
        error = _error(exc)
        assert (error["Code"], error["Reason"]) == ("ValidationException", "BUSINESS_VALIDATION_FAILED")
        assert "Project.Title" in {e["FieldName"] for e in error["ErrorList"]}

    def test_an_unknown_product_line_is_named(self, ace: Any) -> None:
        with pytest.raises(ClientError) as exc:
            ace("a_user").create_opportunity(**opportunity(Tags=[{"Key": "alliance:product-lines", "Value": "no-such-line"}]))
        error = _error(exc)
        assert (error["Code"], error["Reason"]) == ("ValidationException", "BUSINESS_VALIDATION_FAILED")
        assert "no-such-line" in error["Message"]

    def test_the_partner_never_sets_the_review_status(self, ace: Any) -> None:
        body = opportunity()
        body["LifeCycle"]["ReviewStatus"] = "Approved"
        with pytest.raises(ClientError) as exc:
            ace("a_user").create_opportunity(**body)
        assert [(e["FieldName"], e["Code"]) for e in _error(exc)["ErrorList"]] == [("LifeCycle.ReviewStatus", "ACTION_NOT_PERMITTED")]


class TestGetOpportunity:
    def test_another_partners_opportunity_is_not_found(self, ace: Any) -> None:
        created = ace("b_user").create_opportunity(**opportunity())
        with pytest.raises(ClientError) as exc:
            ace("a_user").get_opportunity(Catalog="AWS", Identifier=created["Id"])
        assert (_error(exc)["Code"], _error(exc)["status"]) == ("ResourceNotFoundException", 404)

    def test_a_missing_opportunity_is_not_found(self, ace: Any) -> None:
        with pytest.raises(ClientError) as exc:
            ace("a_user").get_opportunity(Catalog="AWS", Identifier="O999999")
        assert _error(exc)["Code"] == "ResourceNotFoundException"

    def test_the_review_shows_as_review_status(self, ace: Any, db: Database, world: World) -> None:
        from alliance.identity.scope import Actor, Role

        client = ace("a_user")
        created = client.create_opportunity(**opportunity())
        registration_id = int(created["Id"][1:])
        partner = Actor(user_id=world.users["a_user"], role=Role.PARTNER_USER, partner_id=world.a.id, label="a")
        reviewer = Actor(user_id=world.users["admin"], role=Role.PROGRAM_ADMIN, partner_id=None, label="admin")
        with db.session_scope(PartnerScope(partner_ids=frozenset({world.a.id}), reason="test")) as session:
            registration_service.act(session, partner, registration_id=registration_id, action="submit")
        assert client.get_opportunity(Catalog="AWS", Identifier=created["Id"])["LifeCycle"]["ReviewStatus"] == "Submitted"
        with db.session_scope(PartnerScope.system(reason="test")) as session:
            registration_service.act(session, reviewer, registration_id=registration_id, action="request_info", reason="Which region?")
        got = client.get_opportunity(Catalog="AWS", Identifier=created["Id"])
        assert got["LifeCycle"]["ReviewStatus"] == "Action Required"
        assert got["LastModifiedDate"] > created["LastModifiedDate"]


class TestListOpportunities:
    def test_lists_only_the_callers_partner(self, ace: Any) -> None:
        mine = ace("a_user").create_opportunity(**opportunity())
        ace("b_user").create_opportunity(**opportunity())
        summaries = ace("a_admin").list_opportunities(Catalog="AWS")["OpportunitySummaries"]
        assert [s["Id"] for s in summaries] == [mine["Id"]]
        assert summaries[0]["Customer"]["Account"]["CompanyName"] == "Northwind Traders"
        assert summaries[0]["LifeCycle"]["ReviewStatus"] == "Pending Submission"
        assert "Contacts" not in summaries[0]["Customer"]  # a summary, not the record

    def test_the_paginator_walks_every_page(self, ace: Any) -> None:
        client = ace("a_user")
        ids = [client.create_opportunity(**opportunity(title=f"Deal {n}"))["Id"] for n in range(5)]
        pages = list(client.get_paginator("list_opportunities").paginate(Catalog="AWS", PaginationConfig={"PageSize": 2}))
        assert [len(p["OpportunitySummaries"]) for p in pages] == [2, 2, 1]
        assert "NextToken" not in pages[-1]
        assert sorted(s["Id"] for p in pages for s in p["OpportunitySummaries"]) == sorted(ids)

    def test_no_token_when_the_page_is_the_last(self, ace: Any) -> None:
        client = ace("a_user")
        for n in range(2):
            client.create_opportunity(**opportunity(title=f"Deal {n}"))
        assert "NextToken" not in client.list_opportunities(Catalog="AWS", MaxResults=2)

    def test_a_forged_token_is_refused(self, ace: Any) -> None:
        with pytest.raises(ClientError) as exc:
            ace("a_user").list_opportunities(Catalog="AWS", NextToken="eyJvIjoxMH0=")
        assert (_error(exc)["Code"], _error(exc)["ErrorList"][0]["FieldName"]) == ("ValidationException", "NextToken")

    def test_a_token_of_another_query_is_refused(self, ace: Any) -> None:
        client = ace("a_user")
        for n in range(3):
            client.create_opportunity(**opportunity(title=f"Deal {n}"))
        token = client.list_opportunities(Catalog="AWS", MaxResults=1)["NextToken"]
        with pytest.raises(ClientError) as exc:
            client.list_opportunities(Catalog="AWS", MaxResults=1, NextToken=token, CustomerCompanyName=["Other"])
        assert _error(exc)["Code"] == "ValidationException"

    def test_filters_and_sort(self, ace: Any) -> None:
        client = ace("a_user")
        a = client.create_opportunity(**opportunity(title="Alpha", company="Aardvark Inc"))["Id"]
        b = client.create_opportunity(**opportunity(title="Beta", company="Zebra Corp"))["Id"]
        by_name = client.list_opportunities(Catalog="AWS", Sort={"SortBy": "CustomerCompanyName", "SortOrder": "DESCENDING"})
        assert [s["Id"] for s in by_name["OpportunitySummaries"]] == [b, a]
        named = client.list_opportunities(Catalog="AWS", CustomerCompanyName=["aardvark inc"])
        assert [s["Id"] for s in named["OpportunitySummaries"]] == [a]
        by_id = client.list_opportunities(Catalog="AWS", Identifier=[b])
        assert [s["Id"] for s in by_id["OpportunitySummaries"]] == [b]
        staged = client.list_opportunities(Catalog="AWS", LifeCycleStage=["Qualified"], LifeCycleReviewStatus=["Pending Submission"])
        assert len(staged["OpportunitySummaries"]) == 2
        assert client.list_opportunities(Catalog="AWS", LifeCycleStage=["Launched"])["OpportunitySummaries"] == []
        assert client.list_opportunities(Catalog="AWS", LifeCycleReviewStatus=["Submitted"])["OpportunitySummaries"] == []

    def test_max_results_out_of_range_is_refused(self, ace: Any) -> None:
        with pytest.raises(ClientError) as exc:
            ace("a_user", validate=False).list_opportunities(Catalog="AWS", MaxResults=500)
        assert [(e["FieldName"], e["Code"]) for e in _error(exc)["ErrorList"]] == [("MaxResults", "INVALID_VALUE")]


def test_concurrent_creates_with_one_client_token_make_one_opportunity(ace: Any, db: Database, world: World) -> None:
    import threading

    clients = [ace("a_user") for _ in range(6)]
    answers: list[str] = []
    failures: list[Exception] = []
    start = threading.Barrier(len(clients))

    def create(client: Any) -> None:
        start.wait()
        try:
            answers.append(client.create_opportunity(**opportunity())["Id"])
        except Exception as exc:  # every thread's outcome is asserted below
            failures.append(exc)

    threads = [threading.Thread(target=create, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not failures, failures
    assert len(answers) == len(clients) and len(set(answers)) == 1
    with db.session_scope(PartnerScope.system(reason="test")) as session:
        assert session.query(Registration).filter_by(partner_id=world.a.id, title="Data platform").count() == 1


class TestListSolutions:
    def test_the_product_lines_are_the_solutions(self, ace: Any, db: Database) -> None:
        client = ace("a_user")
        pages = list(client.get_paginator("list_solutions").paginate(Catalog="AWS", PaginationConfig={"PageSize": 2}))
        solutions = [s for p in pages for s in p["SolutionSummaries"]]
        assert len(pages) > 1 and "NextToken" not in pages[-1]
        names = [s["Name"] for s in solutions]
        assert "Analytics (analytics)" in names and len({s["Id"] for s in solutions}) == len(solutions)
        assert all(s["Id"].startswith("S-") and s["Status"] == "Active" and s["Category"] == "Product line" for s in solutions)
        one = solutions[0]["Id"]
        assert [s["Id"] for s in client.list_solutions(Catalog="AWS", Identifier=[one])["SolutionSummaries"]] == [one]
        assert client.list_solutions(Catalog="AWS", Status=["Inactive"])["SolutionSummaries"] == []
        by_name = client.list_solutions(Catalog="AWS", Sort={"SortBy": "Name", "SortOrder": "DESCENDING"})["SolutionSummaries"]
        assert [s["Name"] for s in by_name] == sorted(names, reverse=True)
