"""The nine AWS scalars: accept and reject examples from AppSync's documentation.

Sources: "Scalar types in GraphQL" (AWS AppSync developer guide, AWS-SCALARS); the scalar
descriptions AppSync returns by introspection (as exported in awslabs/aws-mobile-appsync-sdk-js#547
and in Amplify codegen output); AppSync responses recorded in public issues, cited per case.
"""

import json
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from graphql import IntValueNode, StringValueNode
from hypothesis import given
from hypothesis import strategies as st

from schema.errors import CoercionError
from schema.scalars import AWS_SCALARS, serialize_builtin


def _parses(name: str, value: Any) -> bool:
    try:
        AWS_SCALARS[name].parse_value(value)
    except CoercionError:
        return False
    return True


@pytest.mark.parametrize(
    "value",
    [
        # AWS-SCALARS: "1970-01-01Z, 1970-01-01-07:00, and 1970-01-01+05:30 are all valid".
        "1970-01-01",
        "1970-01-01Z",
        "1970-01-01-07:00",
        "1970-01-01+05:30",
        # "The seconds field in the time zone offset is considered valid".
        "1970-01-01+05:30:15",
    ],
)
def test_aws_date_accepts_documented_forms(value: str) -> None:
    assert _parses("AWSDate", value)


@pytest.mark.parametrize(
    "value",
    [
        # aws-amplify/amplify-swift#278: AppSync rejected a datetime sent as an AWSDate.
        "2019-12-24T04:15:57.798Z",
        "1970-13-01",
        "1970-02-30",
        "19700101",
        "1970-01-01+5:30",
    ],
)
def test_aws_date_rejects_other_forms(value: str) -> None:
    assert not _parses("AWSDate", value)


@pytest.mark.parametrize(
    "value",
    # AppSync's AWSTime description: "12:30Z, 12:30:24-07:00 and 12:30:24.500+05:30 are all
    # valid"; nanoseconds take 1 to 9 digits; the offset is optional.
    ["12:30Z", "12:30:24-07:00", "12:30:24.500+05:30", "12:30", "12:30:24.1", "12:30:24.123456789"],
)
def test_aws_time_accepts_documented_forms(value: str) -> None:
    assert _parses("AWSTime", value)


@pytest.mark.parametrize(
    "value",
    # Nanoseconds need the seconds field; at most 9 digits; hours up to 23.
    ["12", "12:30.5", "12:30:24.1234567890", "24:00:00", "12:60", "1970-01-01T12:30Z"],
)
def test_aws_time_rejects_other_forms(value: str) -> None:
    assert not _parses("AWSTime", value)


@pytest.mark.parametrize(
    "value",
    [
        # AppSync's AWSDateTime description (awslabs/aws-mobile-appsync-sdk-js#547).
        "-2017-01-01T00:00Z",
        "-9999-01-01T00:00Z",
        "1970-01-01T12:00:00.2Z",
        "1970-01-01T12:00:00.277Z",
        "1970-01-01T12:00:00.123456789Z",
        # aws-amplify/amplify-category-api#1856: accepted by AppSync, rejected by amplify mock.
        "2020-01-01T00:00+00:00",
        "2020-01-01T20:00+00:00",
        "1930-01-01T16:00:00-07:00",
    ],
)
def test_aws_datetime_accepts_documented_forms(value: str) -> None:
    assert _parses("AWSDateTime", value)


@pytest.mark.parametrize(
    "value",
    [
        # aws-amplify/amplify-cli#2033: "Unable to parse `2019` as a valid DateTime Object."
        "2019",
        # "The time zone offset is compulsory for this scalar."
        "1970-01-01T12:00:00",
        # aws-amplify/amplify-js#5963: a one-digit minute is refused.
        "2020-05-23T06:4:37.000Z",
        "1970-01-01",
    ],
)
def test_aws_datetime_rejects_other_forms(value: str) -> None:
    assert not _parses("AWSDateTime", value)


def test_aws_datetime_reject_text_is_appsyncs() -> None:
    # aws-amplify/amplify-cli#2033 (AppSync response).
    with pytest.raises(CoercionError) as caught:
        AWS_SCALARS["AWSDateTime"].parse_value("2019")
    assert caught.value.detail == "Unable to parse `2019` as a valid DateTime Object."


def test_aws_date_reject_text_is_appsyncs() -> None:
    # aws-amplify/amplify-swift#278 (AppSync response).
    with pytest.raises(CoercionError) as caught:
        AWS_SCALARS["AWSDate"].parse_value("2019-12-24T04:15:57.798Z")
    assert caught.value.detail == "Unable to parse `2019-12-24T04:15:57.798Z` as a valid date."


def test_aws_datetime_serialize_error_is_appsyncs() -> None:
    # aws-amplify/amplify-js#5963: "Unable to serialize `2020-05-23T06:4:37.000Z` as a valid
    # DateTime Object."
    with pytest.raises(CoercionError) as caught:
        AWS_SCALARS["AWSDateTime"].serialize("2020-05-23T06:4:37.000Z")
    assert caught.value.detail == (
        "Unable to serialize `2020-05-23T06:4:37.000Z` as a valid DateTime Object."
    )


@pytest.mark.parametrize("value", [0, 1567449600, -123123, -(2**63), 2**63 - 1])
def test_aws_timestamp_accepts_integers_before_and_after_the_epoch(value: int) -> None:
    # "An integer value representing the number of seconds before or after 1970-01-01-T00:00Z";
    # "Negative values are also accepted".
    assert AWS_SCALARS["AWSTimestamp"].parse_value(value) == value


@pytest.mark.parametrize("value", ["1567449600", 1.5, True, 2**63])
def test_aws_timestamp_rejects_non_integers(value: Any) -> None:
    assert not _parses("AWSTimestamp", value)


def test_aws_timestamp_literal_must_be_an_int() -> None:
    scalar = AWS_SCALARS["AWSTimestamp"]
    assert scalar.parse_literal(IntValueNode(value="-5")) == -5
    with pytest.raises(CoercionError):
        scalar.parse_literal(StringValueNode(value="5"))


@pytest.mark.parametrize(
    # AppSync's AWSEmail description: username@example.com; `a@b` and `a@b.c` are valid for
    # AppSync (aws-amplify/amplify-js#7717, which aligned DataStore's validation with AppSync).
    "value",
    ["username@example.com", "a@b", "a@b.c", "jeff@amazon.com", "first.last+tag@sub.example.org"],
)
def test_aws_email_accepts_rfc822_addresses(value: str) -> None:
    assert _parses("AWSEmail", value)


@pytest.mark.parametrize("value", ["username", "@example.com", "user@", "a b@example.com", "a@@b"])
def test_aws_email_rejects_non_addresses(value: str) -> None:
    assert not _parses("AWSEmail", value)


@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        # AppSync's AWSJSON description: maps, lists and scalar values are accepted and
        # "automatically parsed and loaded in the resolver mapping templates".
        ('{"upvotes": 10}', {"upvotes": 10}),
        ("[1,2,3]", [1, 2, 3]),
        ('"AWSJSON example string"', "AWSJSON example string"),
        ("1", 1),
        ("true", True),
    ],
)
def test_aws_json_input_is_parsed_for_resolvers(text: str, parsed: Any) -> None:
    assert AWS_SCALARS["AWSJSON"].parse_value(text) == parsed


@pytest.mark.parametrize(
    # "Invalid JSON strings like {a: 1}, {'a': 1} and Unquoted string will throw GraphQL
    # validation errors."
    "text",
    ["{a: 1}", "{'a': 1}", "Unquoted string"],
)
def test_aws_json_rejects_invalid_json(text: str) -> None:
    assert not _parses("AWSJSON", text)


def test_aws_json_output_is_a_json_string() -> None:
    scalar = AWS_SCALARS["AWSJSON"]
    assert json.loads(scalar.serialize({"a": [1, 2]})) == {"a": [1, 2]}
    # DynamoDB numbers arrive as Decimal.
    assert json.loads(scalar.serialize({"n": Decimal("2"), "f": Decimal("2.5")})) == {
        "n": 2,
        "f": 2.5,
    }
    assert scalar.serialize('{"already":"json"}') == '{"already":"json"}'


def test_aws_json_literal_must_be_a_string() -> None:
    # awslabs/aws-mobile-appsync-sdk-js#554: an object literal is "not a valid 'AWSJSON'".
    scalar = AWS_SCALARS["AWSJSON"]
    assert scalar.parse_literal(StringValueNode(value='{"a":1}')) == {"a": 1}
    with pytest.raises(CoercionError):
        scalar.parse_literal(IntValueNode(value="10"))


@pytest.mark.parametrize(
    # AppSync's AWSURL description: any scheme, local URLs such as http://localhost/; the
    # developer guide names http and mailto.
    "value",
    ["http://localhost/", "https://www.amazon.com/dp/B000NZW3KC/", "mailto:example@example.com"],
)
def test_aws_url_accepts_urls_with_a_scheme(value: str) -> None:
    assert _parses("AWSURL", value)


@pytest.mark.parametrize(
    # "URLs without schemes are considered invalid. URLs which contain double slashes are also
    # considered invalid."
    "value",
    ["www.amazon.com", "/relative/path", "https://www.amazon.com//dp", "http:///path"],
)
def test_aws_url_rejects_missing_scheme_and_double_slashes(value: str) -> None:
    assert not _parses("AWSURL", value)


@pytest.mark.parametrize(
    # "Phone numbers provided may be whitespace delimited or hyphenated. The number can specify
    # a country code at the beginning but this is not required."
    "value",
    ["+1 555 764 4377", "206-555-0100", "206 555 0100", "2065550100", "+44 20 7946 0958"],
)
def test_aws_phone_accepts_delimited_numbers(value: str) -> None:
    assert _parses("AWSPhone", value)


def test_aws_phone_rejects_an_impossible_us_number_with_appsyncs_text() -> None:
    # aws-amplify/amplify-flutter#822: "Unable to parse `1110004444` as a valid phone number."
    with pytest.raises(CoercionError) as caught:
        AWS_SCALARS["AWSPhone"].parse_value("1110004444")
    assert caught.value.detail == "Unable to parse `1110004444` as a valid phone number."


@pytest.mark.parametrize("value", ["phone", "555-CALL-NOW", "12", ""])
def test_aws_phone_rejects_non_numbers(value: str) -> None:
    assert not _parses("AWSPhone", value)


@pytest.mark.parametrize(
    "value", ["127.0.0.1", "123.12.34.56", "1a2b:3c4b::1234:4567", "::1", "127.0.0.1/8"]
)
def test_aws_ip_address_accepts_ipv4_and_ipv6(value: str) -> None:
    # "a valid IPv4 or IPv6 address string" (AppSync's AWSIPAddress description).
    assert _parses("AWSIPAddress", value)


@pytest.mark.parametrize("value", ["256.1.1.1", "1.2.3", "localhost", "127.0.0.1/33", "::g"])
def test_aws_ip_address_rejects_other_strings(value: str) -> None:
    assert not _parses("AWSIPAddress", value)


@pytest.mark.parametrize("name", sorted(AWS_SCALARS))
def test_every_string_scalar_round_trips_a_valid_value(name: str) -> None:
    samples = {
        "AWSDate": "1970-01-01Z",
        "AWSTime": "12:30:24.500+05:30",
        "AWSDateTime": "1970-01-01T12:00:00.277Z",
        "AWSTimestamp": 1567449600,
        "AWSEmail": "username@example.com",
        "AWSJSON": '{"upvotes":10}',
        "AWSURL": "http://localhost/",
        "AWSPhone": "+1 555 764 4377",
        "AWSIPAddress": "127.0.0.1",
    }
    scalar = AWS_SCALARS[name]
    value = samples[name]
    parsed = scalar.parse_value(value)
    assert scalar.serialize(parsed) == value


@pytest.mark.parametrize(
    ("type_name", "value", "expected"),
    [
        # graphql-java's Scalars (the `serialize` AppSync runs on results): number-ish input is
        # converted through BigDecimal; Boolean takes "true"/"false" in any case and numbers.
        ("Int", 7, 7),
        ("Int", 7.0, 7),
        ("Int", " 12 ", 12),
        ("Float", 2, 2.0),
        ("Float", "2.5", 2.5),
        ("Boolean", "TRUE", True),
        ("Boolean", 0, False),
        ("Boolean", Decimal("3"), True),
        ("ID", 12, "12"),
        ("String", 1.5, "1.5"),
        ("String", [1, {"a": None}], "[1, {a=null}]"),
    ],
)
def test_builtin_scalar_results_coerce_as_graphql_java(
    type_name: str, value: Any, expected: Any
) -> None:
    assert serialize_builtin(type_name, value) == expected


@pytest.mark.parametrize(
    ("type_name", "value", "java_type"),
    [
        ("Int", 1.5, "Double"),
        ("Int", 2**31, "Long"),
        ("Int", True, "Boolean"),
        ("Float", "abc", "String"),
        ("Float", {"a": 1}, "LinkedHashMap"),
        ("Boolean", "yes", "String"),
        ("ID", 1.5, "Double"),
        ("ID", [1], "ArrayList"),
    ],
)
def test_builtin_scalar_rejects_name_the_java_type(
    type_name: str, value: Any, java_type: str
) -> None:
    with pytest.raises(CoercionError) as caught:
        serialize_builtin(type_name, value)
    assert caught.value.detail == f"Expected type '{type_name}' but was '{java_type}'."


@pytest.mark.parametrize(
    ("value", "expected"), [(5, 5), (5.0, 5), ("-5", -5), (Decimal("1567449600"), 1567449600)]
)
def test_aws_timestamp_results_take_integral_numbers(value: Any, expected: int) -> None:
    assert AWS_SCALARS["AWSTimestamp"].serialize(value) == expected


def test_aws_timestamp_result_rejects_fractions() -> None:
    with pytest.raises(CoercionError):
        AWS_SCALARS["AWSTimestamp"].serialize(1.5)


@given(
    st.datetimes(min_value=datetime(1, 1, 1), timezones=st.timezones() | st.just(UTC)).filter(
        lambda moment: moment.utcoffset() is not None
    ),
    st.sampled_from(["auto", "minutes", "seconds", "milliseconds", "microseconds"]),
)
def test_iso_8601_datetimes_with_an_offset_are_aws_datetimes(
    moment: datetime, timespec: str
) -> None:
    # AWS-SCALARS: extended ISO 8601 with a compulsory offset; seconds and fractions optional.
    text = moment.isoformat(timespec=timespec)
    offset = moment.utcoffset()
    if offset is not None and offset.microseconds:
        return  # ISO offsets never carry fractions of a second.
    assert AWS_SCALARS["AWSDateTime"].parse_value(text) == text
    assert AWS_SCALARS["AWSDate"].parse_value(text[:10]) == text[:10]
    assert AWS_SCALARS["AWSTime"].parse_value(text[11:]) == text[11:]


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: st.lists(children) | st.dictionaries(st.text(), children),
    max_leaves=20,
)


@given(_JSON)
def test_any_json_text_is_an_aws_json_input(value: Any) -> None:
    # "Any valid JSON construct is automatically parsed" (AWS-SCALARS).
    assert AWS_SCALARS["AWSJSON"].parse_value(json.dumps(value)) == value
