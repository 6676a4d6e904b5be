"""The model-driven validator on its own: every rule read from the service model's shapes."""

from __future__ import annotations

from alliance.ace import model


def _found(operation: str, body: object) -> set[tuple[str, str]]:
    return {(e.field_name, e.code) for e in model.validate(operation, body)}


def test_a_valid_body_passes() -> None:
    assert model.validate("GetOpportunity", {"Catalog": "AWS", "Identifier": "O12"}) == []


def test_unknown_members_and_wrong_types_are_named() -> None:
    assert _found("ListOpportunities", {"Catalog": "AWS", "Bogus": 1, "MaxResults": "10", "Identifier": "O1"}) == {
        ("Bogus", "INVALID_VALUE"),
        ("MaxResults", "INVALID_VALUE"),
        ("Identifier", "INVALID_VALUE"),
    }


def test_patterns_match_the_whole_value() -> None:
    assert _found("GetOpportunity", {"Catalog": "AWS1", "Identifier": "xO12"}) == {
        ("Catalog", "INVALID_STRING_FORMAT"),
        ("Identifier", "INVALID_STRING_FORMAT"),
    }


def test_list_sizes_and_nested_paths() -> None:
    found = _found("ListOpportunities", {"Catalog": "AWS", "Identifier": [f"O{n}" for n in range(21)], "Sort": {"SortBy": "Nope"}})
    assert found == {("Identifier", "TOO_MANY_VALUES"), ("Sort.SortBy", "INVALID_ENUM_VALUE"), ("Sort.SortOrder", "REQUIRED_FIELD_MISSING")}


def test_unicode_property_classes_of_tag_patterns() -> None:
    body = {"Catalog": "AWS", "ClientToken": "t", "Tags": [{"Key": "Région 1", "Value": "ok"}, {"Key": "bad,key", "Value": "x"}]}
    assert _found("CreateOpportunity", body) == {("Tags[1].Key", "INVALID_STRING_FORMAT")}


def test_nul_characters_are_refused() -> None:
    assert _found("GetOpportunity", {"Catalog": "AWS", "Identifier": "O1\x00"}) == {("Identifier", "INVALID_STRING_FORMAT")}


def test_timestamps_and_body_shape() -> None:
    assert _found("ListOpportunities", {"Catalog": "AWS", "LastModifiedDate": {"AfterLastModifiedDate": "yesterday"}}) == {
        ("LastModifiedDate.AfterLastModifiedDate", "INVALID_STRING_FORMAT")
    }
    assert _found("ListOpportunities", []) == {("(body)", "INVALID_VALUE")}
