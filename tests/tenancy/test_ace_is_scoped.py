"""Partner isolation through the ACE door (/ace): every operation it offers is classified, and
partner A aiming each at partner B's opportunity gets 404, its own rows only, or its own record."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from alliance.ace.operations import OPERATIONS
from tests.factories.ace import ace_client, opportunity
from tests.factories.world import World
from tests.service.cosell.requests_fixtures import routing  # noqa: F401

pytestmark = pytest.mark.usefixtures("routing")

# owned: names an opportunity, B's is 404 like a missing one; list: A's rows only;
# create: files for the caller's own partner whatever the body says; shared: vendor data for all.
ACE_OPERATIONS = {
    "CreateOpportunity": "create",
    "GetOpportunity": "owned",
    "ListOpportunities": "list",
    "UpdateOpportunity": "owned",
    "SubmitOpportunity": "owned",
    "ListSolutions": "shared",
    "AssociateOpportunity": "owned",
    "DisassociateOpportunity": "owned",  # the vendor's product lines, the same for every partner
    "AssignOpportunity": "owned",
}


def test_every_ace_operation_is_classified() -> None:
    assert set(OPERATIONS) == set(ACE_OPERATIONS)


def _call(client: Any, operation: str, target: dict[str, Any]) -> Any:
    body = opportunity()
    identifier = {"Catalog": "AWS", "Identifier": target["Id"]}
    related = {"Catalog": "AWS", "OpportunityIdentifier": target["Id"], "RelatedEntityType": "AwsProducts"}
    calls = {
        "CreateOpportunity": lambda: client.create_opportunity(**body),  # B's very ClientToken
        "GetOpportunity": lambda: client.get_opportunity(**identifier),
        "ListOpportunities": lambda: client.list_opportunities(Catalog="AWS", Identifier=[target["Id"]]),
        "UpdateOpportunity": lambda: client.update_opportunity(
            **identifier, LastModifiedDate=target["LastModifiedDate"], Customer=body["Customer"], Project=body["Project"], LifeCycle=body["LifeCycle"]
        ),
        "SubmitOpportunity": lambda: client.submit_opportunity(**identifier, InvolvementType="Co-Sell"),
        "ListSolutions": lambda: client.list_solutions(Catalog="AWS"),
        "AssociateOpportunity": lambda: client.associate_opportunity(**related, RelatedEntityIdentifier="AmazonRedshift"),
        "DisassociateOpportunity": lambda: client.disassociate_opportunity(**related, RelatedEntityIdentifier="AmazonRedshift"),
        "AssignOpportunity": lambda: client.assign_opportunity(
            **identifier, Assignee={"Email": "someone@partner.example", "FirstName": "A", "LastName": "Admin", "BusinessTitle": "OpportunityOwner"}
        ),
    }
    return calls[operation]()


def test_partner_a_cannot_reach_partner_b(live_server: str, world: World) -> None:
    world.registrations()  # the product-line catalog
    b_client, a_client = ace_client(live_server, world.tokens["b_user"]), ace_client(live_server, world.tokens["a_admin"])
    target = b_client.create_opportunity(**opportunity())
    before = b_client.get_opportunity(Catalog="AWS", Identifier=target["Id"])
    problems = []
    for operation, kind in sorted(ACE_OPERATIONS.items()):
        try:
            answer = _call(a_client, operation, target)
        except ClientError as exc:
            code = exc.response["Error"]["Code"]
            if kind != "owned" or code != "ResourceNotFoundException":
                problems.append(f"{operation}: {code}")
            continue
        if kind == "owned":
            problems.append(f"{operation}: answered {answer} for partner B's opportunity")
        elif kind == "list" and answer["OpportunitySummaries"]:
            problems.append(f"{operation}: listed partner B's opportunity")
        elif kind == "shared" and not answer["SolutionSummaries"]:
            problems.append(f"{operation}: the shared catalog came back empty")
        elif kind == "create" and answer["Id"] == target["Id"]:
            problems.append(f"{operation}: B's ClientToken answered B's opportunity")
    assert not problems, "\n".join(problems)
    after = b_client.get_opportunity(Catalog="AWS", Identifier=target["Id"])
    assert {k: v for k, v in after.items() if k != "ResponseMetadata"} == {k: v for k, v in before.items() if k != "ResponseMetadata"}, (
        "partner B's opportunity changed"
    )
