"""Reading and checking API requests: fields, names, ARNs, page tokens, and the API's errors.

Error codes, HTTP statuses and message texts follow the Step Functions API reference and the
messages AWS returns (LocalStack's AWS-validated snapshots record the same texts):
"Invalid Arn: 'Resource type not valid in this context: execution'", "State Machine Does Not
Exist: '<arn>'", "Invalid Name: '<name>'", and the Coral validation text
"1 validation error detected: Value '<v>' at '<field>' failed to satisfy constraint: ...".
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from stepfunctions.service.errors import ApiError

T = TypeVar("T")

DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000

# Names of state machines, executions, activities: 1-80 characters without whitespace, brackets,
# wildcards, the listed punctuation or control characters (API reference: CreateStateMachine).
_FORBIDDEN_NAME_CHARS = frozenset(' <>{}[]?*"#%\\^|~`$&,;:/') | {
    chr(c) for c in (*range(0x00, 0x20), *range(0x7F, 0xA0))
}
_ALIAS_NAME = re.compile(r"^(?=.*[a-zA-Z_\-\.])[a-zA-Z0-9_\-\.]+$")
_ARN = re.compile(
    r"^arn:(?P<partition>aws[a-zA-Z-]*):states:(?P<region>[a-z0-9-]+):(?P<account>\d{12}):"
    r"(?P<type>[A-Za-z]+):(?P<rest>.+)$"
)


def validation_error(
    value: object, field: str, constraint: str, *, sensitive: bool = False
) -> ApiError:
    """The Coral-style ValidationException for one field; a sensitive value is not echoed."""
    shown = "Value" if sensitive else f"Value '{value}'"
    return ApiError(
        "ValidationException",
        f"1 validation error detected: {shown} at '{field}' failed to satisfy "
        f"constraint: {constraint}",
    )


def check_sensitive_size(text: str, field: str, max_bytes: int) -> None:
    """Reject a sensitive member (definition, input, output) over `max_bytes` of UTF-8.

    The member is sensitive, so the ValidationException does not echo it.
    """
    if len(text.encode()) > max_bytes:
        raise validation_error(
            None,
            field,
            f"Member must have length less than or equal to {max_bytes}",
            sensitive=True,
        )


def missing_parameter(field: str) -> ApiError:
    return validation_error(None, field, "Member must not be null")


@dataclass(frozen=True, slots=True)
class Arn:
    """A Step Functions ARN: `arn:<partition>:states:<region>:<account>:<type>:<rest>`."""

    text: str
    partition: str
    region: str
    account: str
    type: str
    parts: tuple[str, ...]


def parse_arn(text: str) -> Arn:
    """Split a Step Functions ARN or raise InvalidArn."""
    match = _ARN.match(text)
    if match is None:
        raise ApiError("InvalidArn", f"Invalid Arn: '{text}'")
    return Arn(
        text,
        match["partition"],
        match["region"],
        match["account"],
        match["type"],
        tuple(match["rest"].split(":")),
    )


def arn_of_type(text: str, *types: str) -> Arn:
    """An ARN whose resource type is one of `types` (AWS's InvalidArn text otherwise)."""
    arn = parse_arn(text)
    if arn.type not in types:
        raise ApiError(
            "InvalidArn",
            f"Invalid Arn: 'Resource type not valid in this context: {arn.type.lower()}'",
        )
    if not all(arn.parts):
        raise ApiError("InvalidArn", f"Invalid Arn: '{text}'")
    return arn


def check_name(name: str, *, field: str = "name") -> str:
    """A state machine, execution or activity name; InvalidName when it breaks AWS's rules."""
    if len(name) > 80:
        raise validation_error(name, field, "Member must have length less than or equal to 80")
    if not name or any(c in _FORBIDDEN_NAME_CHARS for c in name):
        raise ApiError("InvalidName", f"Invalid Name: '{name}'")
    return name


def check_alias_name(name: str) -> str:
    if len(name) > 80:
        raise validation_error(name, "name", "Member must have length less than or equal to 80")
    if not _ALIAS_NAME.match(name):
        raise validation_error(
            name,
            "name",
            "Member must satisfy regular expression pattern: "
            "^(?=.*[a-zA-Z_\\-\\.])[a-zA-Z0-9_\\-\\.]+$",
        )
    return name


class Request:
    """A request body's fields with typed accessors; botocore already checked most shapes."""

    def __init__(self, body: dict[str, Any]) -> None:
        self.body = body

    def __contains__(self, field: str) -> bool:
        return self.body.get(field) is not None

    def text(self, field: str) -> str:
        value = self.body.get(field)
        if value is None:
            raise missing_parameter(field)
        if not isinstance(value, str):
            raise ApiError("SerializationException", f"Expected a string for '{field}'")
        return value

    def optional_text(self, field: str) -> str | None:
        return None if self.body.get(field) is None else self.text(field)

    def flag(self, field: str, default: bool = False) -> bool:
        value = self.body.get(field)
        if value is None:
            return default
        if not isinstance(value, bool):
            raise ApiError("SerializationException", f"Expected a boolean for '{field}'")
        return value

    def integer(self, field: str) -> int | None:
        value = self.body.get(field)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise ApiError("SerializationException", f"Expected an integer for '{field}'")
        return value

    def mapping(self, field: str) -> dict[str, Any] | None:
        value = self.body.get(field)
        if value is None:
            return None
        if not isinstance(value, dict):
            raise ApiError("SerializationException", f"Expected an object for '{field}'")
        return value

    def items(self, field: str) -> list[Any]:
        value = self.body.get(field)
        if value is None:
            return []
        if not isinstance(value, list):
            raise ApiError("SerializationException", f"Expected a list for '{field}'")
        return value

    def page_size(self, field: str = "maxResults") -> int:
        """maxResults: 0 or absent means the default of 100; at most 1000."""
        size = self.integer(field)
        if size is None or size == 0:
            return DEFAULT_PAGE_SIZE
        if size < 0:
            raise validation_error(size, field, "Member must have value greater than or equal to 0")
        if size > MAX_PAGE_SIZE:
            raise validation_error(size, field, "Member must have value less than or equal to 1000")
        return size


def encode_token(index: int, key: str) -> str:
    """An opaque page token: where the next page starts and the key of its first item."""
    return base64.urlsafe_b64encode(f"{index}:{key}".encode()).decode()


def _decode_token(token: str) -> tuple[int, str]:
    try:
        index, _, key = base64.urlsafe_b64decode(token.encode()).decode().partition(":")
        return int(index), key
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise ApiError("InvalidToken", f"Invalid Token: '{token}'") from None


def paginate(
    items: Sequence[T], key: Callable[[T], str], size: int, token: str | None
) -> tuple[list[T], str | None]:
    """One page of `items`, resuming at the item the token names.

    The token carries the position and the key of the next item, so a page costs its own size;
    when items were added or dropped since (a newer execution, retention), the key is looked up.
    """
    start = 0
    if token is not None:
        start, anchor = _decode_token(token)
        if not (0 <= start < len(items) and key(items[start]) == anchor):
            keys = [key(item) for item in items]
            if anchor not in keys:
                raise ApiError("InvalidToken", f"Invalid Token: '{token}'")
            start = keys.index(anchor)
    page = list(items[start : start + size])
    following = start + size
    next_token = encode_token(following, key(items[following])) if following < len(items) else None
    return page, next_token


def to_wire(value: Any) -> Any:
    """Make a response JSON-ready: JSON 1.0 sends timestamps as epoch seconds."""
    if isinstance(value, datetime):
        return value.timestamp()
    if isinstance(value, dict):
        return {k: to_wire(v) for k, v in value.items() if v is not None}
    if isinstance(value, list | tuple):
        return [to_wire(v) for v in value]
    return value
