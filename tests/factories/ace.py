"""boto3 `partnercentral-selling` clients for a live test server, and a CreateOpportunity body."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import boto3
from botocore.config import Config

from alliance.kit import clock


def ace_client(base_url: str, token: str, *, secret: str | None = None, validate: bool = True) -> Any:
    """A client signing with `token` as access key id and secret (`secret`: sign with another one;
    `validate=False`: skip boto3's own parameter checks, so the server's are what answers)."""
    return boto3.client(
        "partnercentral-selling",
        endpoint_url=base_url + "/ace",
        region_name="us-east-1",
        aws_access_key_id=token,
        aws_secret_access_key=secret or token,
        config=Config(retries={"max_attempts": 1, "mode": "standard"}, parameter_validation=validate),
    )


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
