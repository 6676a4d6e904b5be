import hashlib
import hmac
from datetime import UTC, datetime, timedelta

import pytest

from alliance.enablement import lab_signature
from alliance.enablement.lab_signature import NONCE_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, InvalidLabSignature

SECRET = "a" * 64
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
BODY = b'{"person_id": 1, "score": 88}'


def headers(at: datetime = NOW, nonce: str = "nonce-0001", secret: str = SECRET, body: bytes = BODY) -> dict[str, str]:
    return lab_signature.signed_headers(secret=secret, body=body, now=at, nonce=nonce)


class TestVerify:
    def test_valid_post_answers_its_nonce(self):
        assert lab_signature.verify(headers(), BODY, SECRET, now=NOW + timedelta(seconds=30)) == "nonce-0001"

    def test_signature_is_hmac_sha256_over_timestamp_nonce_body(self):
        expected = hmac.new(SECRET.encode(), f"{int(NOW.timestamp())}.nonce-0001.".encode() + BODY, hashlib.sha256).hexdigest()
        assert headers()[SIGNATURE_HEADER] == expected

    def test_header_names_are_case_insensitive(self):
        lowered = {k.lower(): v for k, v in headers().items()}
        assert lab_signature.verify(lowered, BODY, SECRET, now=NOW) == "nonce-0001"

    def test_bad_signature(self):
        with pytest.raises(InvalidLabSignature, match="signature does not match"):
            lab_signature.verify(headers(secret="b" * 64), BODY, SECRET, now=NOW)

    def test_tampered_body(self):
        with pytest.raises(InvalidLabSignature, match="signature does not match"):
            lab_signature.verify(headers(), BODY.replace(b"88", b"98"), SECRET, now=NOW)

    def test_stale_timestamp(self):
        with pytest.raises(InvalidLabSignature, match="stale"):
            lab_signature.verify(headers(at=NOW - timedelta(seconds=301)), BODY, SECRET, now=NOW)

    def test_future_timestamp(self):
        with pytest.raises(InvalidLabSignature, match="in the future"):
            lab_signature.verify(headers(at=NOW + timedelta(seconds=301)), BODY, SECRET, now=NOW)

    def test_within_the_window(self):
        assert lab_signature.verify(headers(at=NOW - timedelta(seconds=300)), BODY, SECRET, now=NOW)

    @pytest.mark.parametrize("missing", [TIMESTAMP_HEADER, NONCE_HEADER, SIGNATURE_HEADER])
    def test_missing_header(self, missing):
        partial = {k: v for k, v in headers().items() if k != missing}
        with pytest.raises(InvalidLabSignature, match=f"missing {missing}") as caught:
            lab_signature.verify(partial, BODY, SECRET, now=NOW)
        assert caught.value.details == [{"field": missing, "message": "missing"}]

    def test_malformed_timestamp_and_nonce(self):
        bad = headers() | {TIMESTAMP_HEADER: "2026-03-02T09:00:00"}
        with pytest.raises(InvalidLabSignature, match="unix seconds"):
            lab_signature.verify(bad, BODY, SECRET, now=NOW)
        with pytest.raises(InvalidLabSignature, match="nonce"):
            lab_signature.verify(headers(nonce="short"), BODY, SECRET, now=NOW)
