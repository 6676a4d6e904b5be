"""The OpenAPI document names closed vocabularies and conflict views as types, not bare strings or dicts."""

from __future__ import annotations


def _schemas(client) -> dict:  # type: ignore[no-untyped-def]
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    return response.json()["components"]["schemas"]


def test_conflict_views_are_typed(client) -> None:  # type: ignore[no-untyped-def]
    schemas = _schemas(client)
    conflicts = schemas["RegistrationRead"]["properties"]["conflicts"]
    refs = {variant["$ref"].rsplit("/", 1)[-1] for variant in conflicts["items"]["anyOf"]}
    assert refs == {"PartnerConflictView", "VendorConflictView"}
    assert set(schemas["PartnerConflictView"]["properties"]) == {"kind", "score", "detected_at", "message"}
    assert "other_partner_name" in schemas["VendorConflictView"]["properties"]


def test_enum_fields_list_their_values(client) -> None:  # type: ignore[no-untyped-def]
    schemas = _schemas(client)

    def values(schema: str, field: str) -> list[str]:
        prop = schemas[schema]["properties"][field]
        ref = prop.get("$ref") or next(v["$ref"] for v in prop.get("anyOf", []) if "$ref" in v)
        return schemas[ref.rsplit("/", 1)[-1]]["enum"]

    assert values("ProgramRead", "influence_credit_split") == ["full", "equal"]
    assert values("TierRead", "criteria_mode") == ["all", "any"]
    assert values("RegistrationEventRead", "actor_side") == ["partner", "vendor", "system"]
    assert values("CustomerRead", "employee_band")[0] == "1-10"
