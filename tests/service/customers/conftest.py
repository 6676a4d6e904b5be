from __future__ import annotations

import pytest

from alliance.customers import service as customer_service
from alliance.customers.schemas import CustomerCreate


@pytest.fixture
def add_customers(unit, actors):  # type: ignore[no-untyped-def]
    """Create customers through the service (as the CAM); returns their ids in order."""

    def add(*customers: dict[str, object]) -> list[int]:
        with unit(actors["cam"]) as session:
            return [customer_service.create_customer(session, actors["cam"], data=CustomerCreate(**c)).id for c in customers]

    return add
