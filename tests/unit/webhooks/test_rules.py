"""The pure webhook rules: Standard Webhooks signatures, where a webhook may go, the retry
schedule and the payload."""

from __future__ import annotations

import base64
import ipaddress
import json
from datetime import UTC, datetime, timedelta

import pytest

from alliance.webhooks import payloads, signing, ssrf
from alliance.webhooks.schedule import Attempt, RetrySchedule

T0 = datetime(2030, 3, 4, 10, 0, tzinfo=UTC)


class TestSigning:
    def test_the_published_standard_webhooks_vector(self):
        # From the Standard Webhooks specification's reference libraries: a receiver's library
        # accepts what we send only if we reproduce it exactly.
        signature = signing.sign(
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", message_id="msg_p5jXN8AQM9LWM0D4loKWxJek", timestamp=1614265330, body='{"test": 2432232314}'
        )
        assert signature == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="

    def test_a_new_secret_is_whsec_and_32_random_bytes(self):
        first, second = signing.new_secret(), signing.new_secret()
        assert first.startswith("whsec_") and len(base64.b64decode(first[6:])) == 32 and first != second

    def test_every_secret_in_use_signs(self):
        old, new = signing.new_secret(), signing.new_secret()
        headers = signing.headers([new, old], message_id="msg_1", timestamp=1, body="{}")
        assert headers["webhook-signature"].split(" ") == [signing.sign(s, message_id="msg_1", timestamp=1, body="{}") for s in (new, old)]
        assert (headers["webhook-id"], headers["webhook-timestamp"]) == ("msg_1", "1")

    def test_a_stable_key_gives_a_stable_id(self):
        assert signing.message_id_for("x/1/30d") == signing.message_id_for("x/1/30d") != signing.message_id_for("x/1/60d")
        assert signing.new_message_id() != signing.new_message_id()


def resolver(*addresses: str) -> ssrf.Resolver:
    return lambda host, port: list(addresses)


class TestTargets:
    @pytest.mark.parametrize(
        ("url", "why"),
        [
            ("ftp://hooks.example/x", "must start with http:// or https://"),
            ("file:///etc/passwd", "must start with http:// or https://"),
            ("https://user:pw@hooks.example/", "user name or password"),
            ("https:///path", "has no host"),
            ("https://hooks.example:99999/", "port"),
            ("http://[::1/", "not well-formed"),
            ("https://hooks.example/a b", "spaces or control characters"),
        ],
    )
    def test_urls_that_are_refused(self, url, why):
        with pytest.raises(ssrf.RefusedTarget, match=why):
            ssrf.parse(url)

    def test_a_url_in_parts(self):
        assert ssrf.parse("https://Hooks.example/in?x=1") == ssrf.Target("https", "hooks.example", 443, "/in?x=1")
        assert ssrf.parse("http://hooks.example:8080") == ssrf.Target("http", "hooks.example", 8080, "/")

    @pytest.mark.parametrize(
        "address",
        [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "224.0.0.1",
            "::1",
            "fe80::1",
            "fc00::1",
            "::ffff:127.0.0.1",
            "240.0.0.1",
        ],
    )
    def test_private_addresses_are_refused_unless_allowed(self, address):
        target = ssrf.parse("https://hooks.example/")
        with pytest.raises(ssrf.RefusedTarget, match="private-network address; a program admin must allow private networks"):
            ssrf.resolve(target, allow_private=False, resolver=resolver(address))
        assert ssrf.resolve(target, allow_private=True, resolver=resolver(address)) == str(ipaddress.ip_address(address))

    def test_one_private_address_among_public_ones_is_refused(self):
        with pytest.raises(ssrf.RefusedTarget):
            ssrf.resolve(ssrf.parse("https://hooks.example/"), allow_private=False, resolver=resolver("93.184.216.34", "10.0.0.1"))

    def test_a_public_address_is_the_one_to_connect_to(self):
        assert (
            ssrf.resolve(ssrf.parse("https://hooks.example/"), allow_private=False, resolver=resolver("93.184.216.34", "2606:2800:220:1::1")) == "93.184.216.34"
        )

    def test_an_ip_literal_resolves_to_itself(self):
        with pytest.raises(ssrf.RefusedTarget, match=r"127\.0\.0\.1"):
            ssrf.resolve(ssrf.parse("http://127.0.0.1:9/"), allow_private=False)


class TestSchedule:
    def test_the_default_spans_about_a_day(self):
        schedule = RetrySchedule()
        assert schedule.max_attempts == 8 and timedelta(hours=24) <= schedule.total <= timedelta(hours=28)

    def test_each_failure_waits_the_next_delay_then_gives_up(self):
        schedule = RetrySchedule.of_seconds((5, 300))
        assert schedule.next_attempt(attempts=1, now=T0) == T0 + timedelta(seconds=5)
        assert schedule.next_attempt(attempts=2, now=T0) == T0 + timedelta(minutes=5)
        assert schedule.next_attempt(attempts=3, now=T0) is None
        with pytest.raises(ValueError):
            schedule.next_attempt(attempts=0, now=T0)
        with pytest.raises(ValueError):
            RetrySchedule.of_seconds((5, 0))

    def test_only_a_2xx_answer_is_a_success(self):
        assert Attempt(1, "", response_status=204).ok
        assert not Attempt(1, "", response_status=302).ok and Attempt(1, "", response_status=302).failure == "HTTP 302"
        assert not Attempt(1, "", error="timed out").ok


def test_the_payload():
    body = payloads.body(event_type="registration.decided", occurred_at=T0, entity_type="registration", entity_id=7, facts={"title": "Déal"})
    assert json.loads(body) == {
        "type": "registration.decided",
        "timestamp": "2030-03-04T10:00:00Z",
        "version": 1,
        "data": {"entity_type": "registration", "entity_id": 7, "facts": {"title": "Déal"}},
    }
    assert "Déal" in body  # UTF-8, not escaped
