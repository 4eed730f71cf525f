"""Request helpers: page tokens walk a listing exactly once; ARNs, names and the Coral texts."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stepfunctions.service.errors import ApiError
from stepfunctions.service.requests import (
    arn_of_type,
    check_alias_name,
    check_name,
    paginate,
    to_wire,
)


@given(st.lists(st.uuids().map(str), unique=True, max_size=60), st.integers(1, 25))
def test_pages_visit_every_item_once_in_order(keys: list[str], size: int) -> None:
    seen: list[str] = []
    page, token = paginate(keys, str, size, None)
    seen += page
    while token is not None:
        assert len(page) == size
        page, token = paginate(keys, str, size, token)
        seen += page
    assert seen == keys


def test_a_token_survives_items_added_in_front() -> None:
    keys = [f"k{n}" for n in range(10)]
    first, token = paginate(keys, str, 4, None)
    # A newer execution is listed first after the first page was served.
    rest, _ = paginate(["new", *keys], str, 100, token)
    assert first + rest == keys


def test_a_token_for_a_dropped_item_is_invalid() -> None:
    keys = [f"k{n}" for n in range(10)]
    _, token = paginate(keys, str, 4, None)
    assert token is not None
    with pytest.raises(ApiError) as raised:
        paginate(keys[5:], str, 4, token)
    assert raised.value.code == "InvalidToken"


def test_arn_parts_and_resource_type_checks() -> None:
    arn = arn_of_type("arn:aws:states:eu-west-1:123456789012:stateMachine:m:live", "stateMachine")
    assert (arn.region, arn.account, arn.type, arn.parts) == (
        "eu-west-1",
        "123456789012",
        "stateMachine",
        ("m", "live"),
    )
    with pytest.raises(ApiError) as raised:
        arn_of_type("arn:aws:states:eu-west-1:123456789012:activity:a", "stateMachine")
    assert (
        raised.value.message == "Invalid Arn: 'Resource type not valid in this context: activity'"
    )


@pytest.mark.parametrize("name", ["ok-name_1", "a.b", "x" * 80, "ünïcode"])
def test_names_aws_accepts(name: str) -> None:
    assert check_name(name) == name


def test_alias_names_need_a_letter_or_symbol() -> None:
    assert check_alias_name("live") == "live"
    with pytest.raises(ApiError) as raised:
        check_alias_name("123")
    assert raised.value.code == "ValidationException"


def test_wire_values_drop_nulls_and_send_dates_as_epoch_seconds() -> None:
    when = datetime(2024, 1, 1, tzinfo=UTC)
    assert to_wire({"a": None, "b": [when], "c": {"d": None, "e": 1}}) == {
        "b": [1704067200.0],
        "c": {"e": 1},
    }
