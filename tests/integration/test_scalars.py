"""Every AWS scalar through the wire: accepted values echo back, rejected ones fail validation.

Accepted and rejected examples come from "Scalar types in GraphQL" (AppSync developer guide):
offsets (with seconds) on dates and times, optional seconds and nanoseconds on AWSTime, the
compulsory offset on AWSDateTime, RFC 822 e-mail, JSON parsed into maps for resolvers, NANP
phone numbers with separators, URLs needing a scheme (http, mailto), IPv4 and IPv6. The rejection
text "Unable to parse `<value>` as a valid <noun>." is AppSync's recorded pattern; the
"Variable 'v' has an invalid value." prefix is graphql-java's coercion wording.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.integration.conftest import APIS, Server, serve

KEY = "da2-scalarstestkey0000000000"


@pytest.fixture(scope="module")
def scalars() -> Iterator[Server]:
    with serve(APIS / "scalars" / "appsync.yaml") as server:
        yield server


def _echo(server: Server, field: str, scalar: str, value: Any) -> httpx.Response:
    query = f"query Q($v: {scalar}!) {{ {field}(value: $v) }}"
    return httpx.post(
        server.url,
        json={"query": query, "variables": {"v": value}},
        headers={"x-api-key": KEY},
        timeout=10,
    )


ACCEPTED = [
    ("date", "AWSDate", "1970-01-01"),
    ("date", "AWSDate", "1970-01-01Z"),
    ("date", "AWSDate", "1970-01-01-07:00"),
    ("date", "AWSDate", "1970-01-01+05:30"),
    ("date", "AWSDate", "1970-01-01+05:30:20"),
    ("time", "AWSTime", "12:30:24.500"),
    ("time", "AWSTime", "12:30"),
    ("time", "AWSTime", "12:30:24.123456789"),
    ("time", "AWSTime", "12:30:24-07:00"),
    ("dateTime", "AWSDateTime", "1970-01-01T12:00:00.000Z"),
    ("dateTime", "AWSDateTime", "1930-01-01T16:00:00-07:00"),
    ("timestamp", "AWSTimestamp", 0),
    ("timestamp", "AWSTimestamp", -123),
    ("timestamp", "AWSTimestamp", 1718000000),
    ("email", "AWSEmail", "example@example.com"),
    ("phone", "AWSPhone", "+1 555 764 4377"),
    ("phone", "AWSPhone", "555-764-4377"),
    ("url", "AWSURL", "https://www.amazon.com/dp/B000NZW3KC/"),
    ("url", "AWSURL", "mailto:example@example.com"),
    ("ipAddress", "AWSIPAddress", "127.0.0.1"),
    ("ipAddress", "AWSIPAddress", "2001:db8::1"),
]

REJECTED = [
    ("date", "AWSDate", "1970-13-01", "date"),
    ("date", "AWSDate", "01/01/1970", "date"),
    ("time", "AWSTime", "25:00:00", "time"),
    ("dateTime", "AWSDateTime", "1970-01-01", "DateTime Object"),
    ("dateTime", "AWSDateTime", "1970-01-01T12:00:00", "DateTime Object"),
    ("timestamp", "AWSTimestamp", "yesterday", "timestamp"),
    ("timestamp", "AWSTimestamp", 1.5, "timestamp"),
    ("email", "AWSEmail", "not-an-email", "email address"),
    ("phone", "AWSPhone", "phone", "phone number"),
    ("url", "AWSURL", "www.amazon.com", "URL"),
    ("ipAddress", "AWSIPAddress", "300.1.1.1", "IP address"),
]


@pytest.mark.parametrize(("field", "scalar", "value"), ACCEPTED)
def test_accepted_value_echoes(scalars: Server, field: str, scalar: str, value: Any) -> None:
    response = _echo(scalars, field, scalar, value)
    assert response.status_code == 200
    assert response.json() == {"data": {field: value}}


@pytest.mark.parametrize(("field", "scalar", "value", "noun"), REJECTED)
def test_rejected_value_fails_validation(
    scalars: Server, field: str, scalar: str, value: Any, noun: str
) -> None:
    response = _echo(scalars, field, scalar, value)
    assert response.status_code == 200
    body = response.json()
    assert body["data"] is None
    [error] = body["errors"]
    assert error["path"] is None
    assert error["message"] == (
        f"Variable 'v' has an invalid value. Unable to parse `{value}` as a valid {noun}."
    )


def test_json_argument_reaches_the_resolver_as_a_map(scalars: Server) -> None:
    response = _echo(scalars, "jsonKind", "AWSJSON", '{"a": [1, 2]}')
    assert response.json() == {"data": {"jsonKind": "dict"}}


def test_json_result_is_a_json_string(scalars: Server) -> None:
    response = _echo(scalars, "json", "AWSJSON", '{"a": [1, 2], "b": null}')
    echoed = response.json()["data"]["json"]
    assert isinstance(echoed, str)
    assert json.loads(echoed) == {"a": [1, 2], "b": None}


def test_unquoted_json_is_rejected(scalars: Server) -> None:
    body = _echo(scalars, "json", "AWSJSON", "{unquoted: 1}").json()
    assert body["data"] is None
    assert body["errors"][0]["message"] == (
        "Variable 'v' has an invalid value. Unable to parse `{unquoted: 1}` as valid JSON."
    )


def test_invalid_literal_is_a_validation_error(scalars: Server) -> None:
    response = httpx.post(
        scalars.url,
        json={"query": '{ date(value: "1970-13-01") }'},
        headers={"x-api-key": KEY},
        timeout=10,
    )
    body = response.json()
    assert body["data"] is None
    assert body["errors"][0]["message"].startswith("Validation error of type WrongType:")
