"""How a webhook endpoint and each delivery to it stand, and the payload's schema version."""

from __future__ import annotations

from enum import StrEnum

# The version of the JSON payload (docs/webhooks.md): raised when a field changes meaning or goes.
SCHEMA_VERSION = 1


class EndpointStatus(StrEnum):
    ACTIVE = "active"
    DISABLED = "disabled"  # by a program admin, or automatically when a delivery ran out of retries

    @property
    def label(self) -> str:
        return {EndpointStatus.ACTIVE: "Active", EndpointStatus.DISABLED: "Disabled"}[self]


class DeliveryStatus(StrEnum):
    QUEUED = "queued"  # waiting for its first attempt (and for the deliveries before it)
    SENDING = "sending"  # claimed by a worker until next_attempt_at (its lease)
    DELIVERED = "delivered"  # the endpoint answered 2xx
    RETRYING = "retrying"  # an attempt failed; tried again at next_attempt_at, holding back later ones
    FAILED = "failed"  # out of retries (the endpoint was disabled), or given up

    @property
    def label(self) -> str:
        return DELIVERY_LABELS[self]


DELIVERY_LABELS = {
    DeliveryStatus.QUEUED: "Queued",
    DeliveryStatus.SENDING: "Sending",
    DeliveryStatus.DELIVERED: "Delivered",
    DeliveryStatus.RETRYING: "Failed, will retry",
    DeliveryStatus.FAILED: "Failed",
}
# Still to deliver: the first of these for an endpoint holds back the others (order per endpoint).
PENDING = (DeliveryStatus.QUEUED, DeliveryStatus.RETRYING, DeliveryStatus.SENDING)
