"""AppSync's nine service-defined scalars: input parsing and output serialization.

Rules follow "Scalar types in GraphQL" (AWS AppSync developer guide, AWS-SCALARS) and the scalar
descriptions AppSync itself returns by introspection. Reject texts are AppSync's where a response
recorded them (`Unable to parse `...` as a valid phone number.`, `... as a valid DateTime
Object.`, `... as a valid date.`, `Unable to serialize `...` as a valid DateTime Object.`); the
others follow the same pattern.
"""

from __future__ import annotations

import ipaddress
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from uuid import UUID

from graphql import GraphQLScalarType, GraphQLSchema, IntValueNode, StringValueNode, ValueNode

from schema import json_text
from schema.errors import CoercionError, JsonTextError

# Offsets are `Z` or `±hh:mm` with optional `:ss`, which AppSync accepts though ISO 8601 does not.
_OFFSET = r"(?:Z|[+-](?P<oh>\d{2}):(?P<om>\d{2})(?::(?P<os>\d{2}))?)"
# AppSync accepts negative years ("-9999-01-01T00:00Z", AppSync's AWSDateTime description).
_DATE = r"(?P<year>-?\d{4})-(?P<month>\d{2})-(?P<day>\d{2})"
# Seconds and nanoseconds (1 to 9 digits) are optional; seconds come before nanoseconds.
_TIME = r"(?P<hour>\d{2}):(?P<minute>\d{2})(?::(?P<second>\d{2})(?:\.\d{1,9})?)?"

_DATE_RE = re.compile(rf"{_DATE}{_OFFSET}?")
_TIME_RE = re.compile(rf"{_TIME}{_OFFSET}?")
# The offset is compulsory for AWSDateTime.
_DATETIME_RE = re.compile(rf"{_DATE}T{_TIME}{_OFFSET}")

# RFC 822 addr-spec: a dot-atom or quoted local part, and a domain of dot-separated atoms or a
# domain literal. `a@b` is valid for AppSync (aws-amplify/amplify-js#7717 aligns with AppSync).
_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_EMAIL_RE = re.compile(
    rf"(?:{_ATOM}(?:\.{_ATOM})*|\"(?:[^\"\\\r\n]|\\.)*\")@(?:{_ATOM}(?:\.{_ATOM})*|\[[^\[\]\\\r\n]*\])"
)

# A scheme is required; `mailto:` and `http://localhost/` are valid (AWS-SCALARS).
_URL_RE = re.compile(r"(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*):(?P<rest>\S+)")

_PHONE_CHARS_RE = re.compile(r"\+?[0-9 ()-]+")
# North American Numbering Plan: area code and exchange start with 2-9. AppSync treats numbers
# without a country code as US numbers and rejects `1110004444` (aws-amplify/amplify-flutter#822).
_NANP_RE = re.compile(r"1?[2-9]\d{2}[2-9]\d{6}")

# AWSTimestamp is a Java long in AppSync.
_LONG_MIN = -(2**63)
_LONG_MAX = 2**63 - 1


def _days_in_month(year: int, month: int) -> int:
    if month == 2:
        leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
        return 29 if leap else 28
    return 30 if month in (4, 6, 9, 11) else 31


def _valid_date(match: re.Match[str]) -> bool:
    month, day = int(match["month"]), int(match["day"])
    return 1 <= month <= 12 and 1 <= day <= _days_in_month(int(match["year"]), month)


def _valid_time(match: re.Match[str]) -> bool:
    second = match["second"]
    return (
        int(match["hour"]) <= 23
        and int(match["minute"]) <= 59
        and (second is None or int(second) <= 59)
    )


def _valid_offset(match: re.Match[str]) -> bool:
    if match["oh"] is None:
        return True
    seconds = match["os"]
    return (
        int(match["oh"]) <= 18
        and int(match["om"]) <= 59
        and (seconds is None or int(seconds) <= 59)
    )


def is_aws_date(value: str) -> bool:
    match = _DATE_RE.fullmatch(value)
    return match is not None and _valid_date(match) and _valid_offset(match)


def is_aws_time(value: str) -> bool:
    match = _TIME_RE.fullmatch(value)
    return match is not None and _valid_time(match) and _valid_offset(match)


def is_aws_datetime(value: str) -> bool:
    match = _DATETIME_RE.fullmatch(value)
    return match is not None and _valid_date(match) and _valid_time(match) and _valid_offset(match)


def is_aws_email(value: str) -> bool:
    return _EMAIL_RE.fullmatch(value) is not None


def is_aws_url(value: str) -> bool:
    match = _URL_RE.fullmatch(value)
    if match is None:
        return False
    rest = match["rest"]
    # "URLs which contain double slashes are also considered invalid" (AppSync's AWSURL
    # description): only the authority's leading `//` is allowed.
    if rest.startswith("//"):
        rest = rest[2:]
        if not rest or rest.startswith("/"):
            return False
    return "//" not in rest


def is_aws_phone(value: str) -> bool:
    if _PHONE_CHARS_RE.fullmatch(value) is None:
        return False
    digits = re.sub(r"\D", "", value)
    if value.startswith("+"):
        # AWS differs: AppSync validates numbers with a country code by libphonenumber's rules;
        # we check the E.164 shape only (a country code of 1-3 digits and 8-15 digits in all).
        if digits.startswith("1"):
            return _NANP_RE.fullmatch(digits) is not None and len(digits) == 11
        return 8 <= len(digits) <= 15 and not digits.startswith("0")
    return _NANP_RE.fullmatch(digits) is not None


def is_aws_ip_address(value: str) -> bool:
    # AWS differs (unconfirmed): whether AppSync accepts a CIDR suffix is not recorded; we accept
    # an address with an optional prefix length, as in `192.168.0.1/24` or `::1/128`.
    address, _, prefix = value.partition("/")
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return False
    if not _:
        return True
    return prefix.isdigit() and int(prefix) <= parsed.max_prefixlen


@dataclass(frozen=True, slots=True)
class AppSyncScalar:
    """One AWS scalar: how it parses input values and literals and serializes results.

    `noun` completes AppSync's texts `Unable to parse `x` as a valid <noun>.` and
    `Unable to serialize `x` as a valid <noun>.`
    """

    name: str
    noun: str
    accepts_string: Callable[[str], bool] | None

    def parse_value(self, value: Any) -> Any:
        if self.name == "AWSJSON":
            return _parse_json(value)
        if self.name == "AWSTimestamp":
            if _is_long(value):
                return value
            raise CoercionError(self.parse_error(value))
        if self._accepts(value):
            return value
        raise CoercionError(self.parse_error(value))

    def parse_literal(self, node: ValueNode, variables: dict[str, Any] | None = None) -> Any:
        if self.name == "AWSTimestamp":
            if isinstance(node, IntValueNode):
                return self.parse_value(int(node.value))
        elif isinstance(node, StringValueNode):
            return self.parse_value(node.value)
        raise CoercionError(f"Unable to parse a {type(node).__name__} as a valid {self.noun}.")

    def serialize(self, value: Any) -> Any:
        if self.name == "AWSJSON":
            # A resolver's map or list goes out as a JSON string; a string is already one.
            if isinstance(value, str):
                return value
            return json.dumps(
                value, separators=(",", ":"), ensure_ascii=False, default=_json_number
            )
        if self.name == "AWSTimestamp":
            if isinstance(value, int) and not isinstance(value, bool):
                return value
            if isinstance(value, float | Decimal) and _integral(value):
                # DynamoDB numbers arrive as Decimal.
                return int(value)
            if isinstance(value, str) and re.fullmatch(r"-?\d+", value):
                return int(value)
            raise CoercionError(self.serialize_error(value))
        if self._accepts(value):
            return value
        raise CoercionError(self.serialize_error(value))

    def _accepts(self, value: Any) -> bool:
        check = self.accepts_string
        return isinstance(value, str) and check is not None and check(value)

    def parse_error(self, value: Any) -> str:
        return f"Unable to parse `{java_string(value)}` as a valid {self.noun}."

    def serialize_error(self, value: Any) -> str:
        return f"Unable to serialize `{java_string(value)}` as a valid {self.noun}."


def _integral(value: float | Decimal) -> bool:
    if isinstance(value, float):
        return value.is_integer()
    return value.is_finite() and value == value.to_integral_value()


def _json_number(value: Any) -> Any:
    """DynamoDB hands numbers over as Decimal; in AWSJSON output they are JSON numbers."""
    if isinstance(value, Decimal):
        return int(value) if _integral(value) else float(value)
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def _is_long(value: Any) -> bool:
    return (
        isinstance(value, int) and not isinstance(value, bool) and _LONG_MIN <= value <= _LONG_MAX
    )


def _parse_json(value: Any) -> Any:
    # "Unquoted strings or otherwise invalid JSON result in a GraphQL validation error." Text
    # nested deeper than the server reads is refused the same way (schema/json_text.py).
    if not isinstance(value, str):
        raise CoercionError(f"Unable to parse `{java_string(value)}` as valid JSON.")
    try:
        return json_text.loads(value)
    except JsonTextError:
        raise CoercionError(f"Unable to parse `{value}` as valid JSON.") from None


def java_string(value: Any) -> str:
    """A value as Java's `toString` prints it inside AppSync's messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        inner = ", ".join(f"{key}={java_string(item)}" for key, item in value.items())
        return "{" + inner + "}"
    if isinstance(value, list):
        return "[" + ", ".join(java_string(item) for item in value) + "]"
    return str(value)


def java_type_name(value: Any) -> str:
    """The Java class graphql-java names for a JSON value, as in `but was 'String'`."""
    if isinstance(value, bool):
        return "Boolean"
    if isinstance(value, int):
        # Jackson reads a JSON integer as the smallest of Integer, Long and BigInteger.
        if -(2**31) <= value < 2**31:
            return "Integer"
        return "Long" if -(2**63) <= value < 2**63 else "BigInteger"
    if isinstance(value, float | Decimal):
        return "Double" if isinstance(value, float) else "BigDecimal"
    if isinstance(value, str):
        return "String"
    if isinstance(value, dict):
        return "LinkedHashMap"
    if isinstance(value, list):
        return "ArrayList"
    return type(value).__name__


def _number(value: Any) -> Decimal | None:
    """graphql-java's `isNumberIsh` then `new BigDecimal(input.toString())`."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal | str):
        return None
    try:
        number = Decimal(str(value).strip() if isinstance(value, str) else value)
    except ArithmeticError:
        return None
    return number if number.is_finite() else None


def _serialize_int(value: Any) -> int | None:
    number = _number(value)
    if number is None or number != number.to_integral_value():
        return None
    result = int(number)
    return result if -(2**31) <= result < 2**31 else None


def _serialize_float(value: Any) -> float | None:
    number = _number(value)
    return float(number) if number is not None else None


def _serialize_boolean(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        lowered = value.lower()
        return True if lowered == "true" else False if lowered == "false" else None
    number = _number(value)
    return number != 0 if number is not None else None


def _serialize_id(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, UUID):
        return str(value)
    return None


def _serialize_string(value: Any) -> str:
    # graphql-java's String serializes anything by `toString()`: a map becomes `{a=1}`.
    return java_string(value)


# graphql-java's result coercion for the five GraphQL scalars (its Scalars' `serialize`), which
# AppSync applies where graphql-core would refuse: "42" for an Int, a Decimal from DynamoDB, a
# map for a String. None means graphql-java throws "Expected type 'Int' but was 'String'.".
BUILTIN_SERIALIZERS: dict[str, Callable[[Any], Any]] = {
    "Int": _serialize_int,
    "Float": _serialize_float,
    "Boolean": _serialize_boolean,
    "ID": _serialize_id,
    "String": _serialize_string,
}


def serialize_builtin(type_name: str, value: Any) -> Any:
    """A value of one of the five GraphQL scalars as AppSync returns it; CoercionError otherwise."""
    result = BUILTIN_SERIALIZERS[type_name](value)
    if result is None:
        raise CoercionError(f"Expected type '{type_name}' but was '{java_type_name(value)}'.")
    return result


# Nouns recorded from AppSync responses: "phone number", "DateTime Object", "date". The rest
# are AWS differs (unrecorded): AppSync's own noun for them is not in any recorded response.
AWS_SCALARS: dict[str, AppSyncScalar] = {
    scalar.name: scalar
    for scalar in (
        AppSyncScalar("AWSDate", "date", is_aws_date),
        AppSyncScalar("AWSTime", "time", is_aws_time),
        AppSyncScalar("AWSDateTime", "DateTime Object", is_aws_datetime),
        AppSyncScalar("AWSTimestamp", "timestamp", None),
        AppSyncScalar("AWSEmail", "email address", is_aws_email),
        AppSyncScalar("AWSJSON", "JSON", None),
        AppSyncScalar("AWSURL", "URL", is_aws_url),
        AppSyncScalar("AWSPhone", "phone number", is_aws_phone),
        AppSyncScalar("AWSIPAddress", "IP address", is_aws_ip_address),
    )
}


def install_scalars(schema: GraphQLSchema) -> None:
    """Give the schema's AWS scalar types AppSync's parsing and serialization, in place."""
    for name, scalar in AWS_SCALARS.items():
        type_ = schema.type_map.get(name)
        if not isinstance(type_, GraphQLScalarType):
            continue
        type_.serialize = scalar.serialize  # type: ignore[method-assign]
        type_.coerce_output_value = scalar.serialize
        type_.parse_value = scalar.parse_value  # type: ignore[method-assign]
        type_.coerce_input_value = scalar.parse_value
        type_.parse_literal = scalar.parse_literal  # type: ignore[method-assign]
        type_.coerce_input_literal = scalar.parse_literal
        type_.extensions = {**type_.extensions, "appsync_scalar": scalar}
