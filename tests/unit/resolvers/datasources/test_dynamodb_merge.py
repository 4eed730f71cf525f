"""Automerge's rules and the preview of an update, on DynamoDB's typed values.

The merges are the worked example of "Conflict detection and resolution in AWS AppSync",
Automerge (https://docs.aws.amazon.com/appsync/latest/devguide/conflict-detection-and-resolution.html):
Nadia's jersey, her interests (a set) and points (a list), and her stats (a map)."""

from __future__ import annotations

from typing import Any

import pytest

from resolvers.datasources.dynamodb_merge import automerge, preview_update
from resolvers.datasources.dynamodb_wire import marshall_item, unmarshall_item
from resolvers.errors import DynamoDBServiceError


def typed(**values: Any) -> dict[str, Any]:
    return marshall_item(values)


def with_set(item: dict[str, Any], name: str, values: list[str]) -> dict[str, Any]:
    return {**item, name: {"SS": values}}


def test_a_scalar_conflict_keeps_the_servers_value() -> None:
    stored = typed(id=1, name="Nadia", jersey=5, _version=4)
    merged = automerge(stored, typed(id=1, name="Nadia", jersey=55, _version=2))
    assert unmarshall_item(merged) == {"id": 1, "name": "Nadia", "jersey": 5, "_version": 4}


def test_new_fields_are_added_and_scalar_changes_rejected() -> None:
    stored = typed(id=1, name="Nadia", jersey=5, _version=5)
    incoming = with_set(
        typed(id=1, name="Shaggy", jersey=5, points=[24, 30, 27], _version=3),
        "interests",
        ["breakfast", "lunch", "dinner"],
    )
    merged = automerge(stored, incoming)
    assert merged["name"] == {"S": "Nadia"}
    assert merged["interests"] == {"SS": ["breakfast", "lunch", "dinner"]}
    assert unmarshall_item({"points": merged["points"]}) == {"points": [24, 30, 27]}
    # The version is the caller's to set: Automerge leaves the server's metadata as it is.
    assert merged["_version"] == {"N": "5"}


def test_a_list_is_appended_to_and_a_set_joined_without_duplicates() -> None:
    stored = with_set(
        typed(id=1, points=[24, 30, 27]), "interests", ["breakfast", "lunch", "dinner"]
    )
    # A GraphQL list arrives as a DynamoDB list: against a stored set it is a set union.
    incoming = typed(id=1, points=[30, 35], interests=["breakfast", "lunch", "brunch"])
    merged = automerge(stored, incoming)
    assert merged["interests"] == {"SS": ["breakfast", "lunch", "dinner", "brunch"]}
    assert unmarshall_item({"points": merged["points"]}) == {"points": [24, 30, 27, 30, 35]}


def test_a_map_is_merged_by_the_same_rules_and_omitted_fields_stay() -> None:
    stored = typed(id=1, name="Nadia", jersey=5, stats={"ppg": "35.4", "apg": "6.3"})
    incoming = typed(id=1, name="Nadia", stats={"ppg": "25.7", "rpg": "6.9"})
    assert unmarshall_item(automerge(stored, incoming)) == {
        "id": 1,
        "name": "Nadia",
        "jersey": 5,
        "stats": {"ppg": "35.4", "apg": "6.3", "rpg": "6.9"},
    }


def test_a_null_on_the_server_takes_the_incoming_value() -> None:
    stored = typed(id=1, nickname=None, jersey=5)
    merged = automerge(stored, typed(id=1, nickname="Nad", jersey=None))
    # jersey: an incoming null against a stored number is a scalar conflict.
    assert unmarshall_item(merged) == {"id": 1, "nickname": "Nad", "jersey": 5}


def test_the_preview_is_the_stored_item_as_the_update_leaves_it() -> None:
    stored = typed(id="1", title="Old", tags=["a"], views=3)
    preview = preview_update(
        stored,
        typed(id="1"),
        "SET #t = :t, tags = list_append(tags, :more), #v = #v + :one REMOVE gone",
        {"#t": "title", "#v": "views"},
        {":t": {"S": "New"}, ":more": {"L": [{"S": "b"}]}, ":one": {"N": "1"}},
    )
    assert unmarshall_item(preview) == {"id": "1", "title": "New", "tags": ["a", "b"], "views": 4}
    # The stored item itself is not touched.
    assert stored["title"] == {"S": "Old"}


def test_a_preview_dynamodb_would_refuse_is_its_validation_error() -> None:
    with pytest.raises(DynamoDBServiceError) as refused:
        preview_update(typed(id="1"), typed(id="1"), "SET id = :v", {}, {":v": {"S": "2"}})
    assert refused.value.code == "ValidationException"
    assert "part of the key" in refused.value.message
