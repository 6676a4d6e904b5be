"""SigV4 in front of every operation: boto3 signs, the server signs again with the token."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx2 as httpx
import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from botocore.exceptions import ClientError

from alliance.kit import clock
from tests.factories.world import World

TARGET = "AWSPartnerCentralSelling.ListOpportunities"


def _code(exc: pytest.ExceptionInfo[ClientError]) -> tuple[str, int]:
    return exc.value.response["Error"]["Code"], exc.value.response["ResponseMetadata"]["HTTPStatusCode"]


def _signed(url: str, token: str, body: bytes, *, secret: str | None = None) -> dict[str, str]:
    request = AWSRequest(method="POST", url=url, data=body, headers={"Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": TARGET})
    SigV4Auth(Credentials(token, secret or token), "partnercentral-selling", "eu-west-1").add_auth(request)
    return dict(request.headers.items())


def test_a_signed_request_is_answered(ace: Any) -> None:
    assert ace("a_user").list_opportunities(Catalog="AWS")["OpportunitySummaries"] == []


@pytest.mark.parametrize("path", ["/ace", "/ace/"])
def test_both_paths_answer_without_a_redirect(live_server: str, world: World, path: str) -> None:
    body = b'{"Catalog": "AWS"}'
    response = httpx.post(live_server + path, content=body, headers=_signed(live_server + path, world.tokens["a_user"], body))
    assert response.status_code == 200, response.text
    assert response.json() == {"OpportunitySummaries": []}


def test_wrong_secret_is_an_invalid_signature(ace: Any) -> None:
    with pytest.raises(ClientError) as exc:
        ace("a_user", secret="not-the-token").list_opportunities(Catalog="AWS")
    assert _code(exc) == ("InvalidSignatureException", 403)


def test_unknown_access_key_is_unrecognized(live_server: str, ace: Any, world: World) -> None:
    import boto3

    client = boto3.client(
        "partnercentral-selling", endpoint_url=live_server + "/ace", region_name="us-east-1", aws_access_key_id="alk_nobody", aws_secret_access_key="alk_nobody"
    )
    with pytest.raises(ClientError) as exc:
        client.list_opportunities(Catalog="AWS")
    assert _code(exc) == ("UnrecognizedClientException", 403)


def test_unsigned_request_is_missing_the_token(live_server: str, world: World) -> None:
    response = httpx.post(live_server + "/ace", content=b'{"Catalog": "AWS"}', headers={"X-Amz-Target": TARGET, "Content-Type": "application/x-amz-json-1.0"})
    assert response.status_code == 403
    assert response.json()["__type"] == "MissingAuthenticationTokenException"


def test_a_bearer_token_alone_is_not_enough(live_server: str, world: World) -> None:
    response = httpx.post(live_server + "/ace", content=b'{"Catalog": "AWS"}', headers={**world.headers("a_user"), "X-Amz-Target": TARGET})
    assert response.status_code == 403
    assert response.json()["__type"] == "MissingAuthenticationTokenException"


def test_a_tampered_body_is_an_invalid_signature(live_server: str, world: World) -> None:
    headers = _signed(live_server + "/ace", world.tokens["a_user"], b'{"Catalog": "AWS"}')
    response = httpx.post(live_server + "/ace", content=b'{"Catalog": "AWS", "MaxResults": 1}', headers=headers)
    assert response.status_code == 403
    assert response.json()["__type"] == "InvalidSignatureException"


def test_a_stale_date_is_refused(live_server: str, world: World) -> None:
    headers = _signed(live_server + "/ace", world.tokens["a_user"], b'{"Catalog": "AWS"}')
    clock.freeze(clock.now() + timedelta(minutes=16))  # the server's clock: the signature is 16 minutes old
    response = httpx.post(live_server + "/ace", content=b'{"Catalog": "AWS"}', headers=headers)
    assert response.status_code == 403
    assert response.json()["__type"] == "InvalidSignatureException"
    assert "expired" in response.json()["message"]


def test_vendor_staff_are_denied(ace: Any) -> None:
    with pytest.raises(ClientError) as exc:
        ace("admin").list_opportunities(Catalog="AWS")
    assert _code(exc) == ("AccessDeniedException", 403)


def test_an_operation_not_offered_is_named(ace: Any) -> None:
    with pytest.raises(ClientError) as exc:
        ace("a_user").list_engagements(Catalog="AWS")
    assert _code(exc)[0] == "UnknownOperationException"
