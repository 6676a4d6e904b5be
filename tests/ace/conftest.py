"""boto3 `partnercentral-selling` clients pointed at a live test server: a partner user's API
token is both the access key id and the secret."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import boto3
import pytest
from botocore.config import Config

from alliance.kit import clock
from tests.factories.world import World

Client = Any


@pytest.fixture
def ace(live_server: str, world: World) -> Callable[..., Client]:
    """`ace("a_user")`: a client for that user of the test world (`validate=False` skips boto3's own checks)."""
    world.registrations()  # the product-line catalog

    def make(who: str, *, secret: str | None = None, validate: bool = True) -> Client:
        token = world.tokens[who]
        return boto3.client(
            "partnercentral-selling",
            endpoint_url=live_server + "/ace",
            region_name="us-east-1",
            aws_access_key_id=token,
            aws_secret_access_key=secret or token,
            config=Config(retries={"max_attempts": 1, "mode": "standard"}, parameter_validation=validate),
        )

    return make


def opportunity(title: str = "Data platform", company: str = "Northwind Traders", **extra: Any) -> dict[str, Any]:
    """A CreateOpportunity request for a deal on the analytics product line."""
    body: dict[str, Any] = {
        "Catalog": "AWS",
        "ClientToken": f"token-{title}-{company}",
        "Origin": "Partner Referral",
        "OpportunityType": "Net New Business",
        "PartnerOpportunityIdentifier": "CRM-1",
        "Customer": {
            "Account": {"CompanyName": company, "Industry": "Healthcare", "WebsiteUrl": "https://northwind.example", "Address": {"CountryCode": "US"}},
            "Contacts": [{"Email": "cto@northwind.example", "FirstName": "Nora", "LastName": "Wind"}],
        },
        "Project": {
            "Title": title,
            "CustomerBusinessProblem": "Their reporting takes a week to run every month end.",
            "DeliveryModels": ["Professional Services"],
            "ExpectedCustomerSpend": [{"Amount": "1000.00", "CurrencyCode": "USD", "Frequency": "Monthly", "TargetCompany": "AWS"}],
        },
        "LifeCycle": {"Stage": "Qualified", "TargetCloseDate": (clock.today() + timedelta(days=60)).isoformat(), "NextSteps": "Workshop"},
        "PrimaryNeedsFromAws": ["Co-Sell - Architectural Validation"],
        "Tags": [{"Key": "alliance:product-lines", "Value": "analytics"}],
    }
    body.update(extra)
    return body
