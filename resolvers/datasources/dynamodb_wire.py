"""DynamoDB's wire JSON as the AMAZON_DYNAMODB data source uses it.

`DynamoDBOperations` is the seam both operation paths fill (the embedded moto backend in
`dynamodb_moto`, a configured endpoint through boto3 in `dynamodb_boto`); values cross it as
DynamoDB's JSON API has them, binary as base64 text. Also here: typed values to and from plain
JSON ("Type system (request mapping)" / "(response mapping)" in AppSync's DynamoDB reference),
AppSync's opaque pagination tokens and expression blocks. DynamoDB's errors are
`resolvers.errors.DynamoDBServiceError`, which AppSync reports as `DynamoDB:<error code>` with
the service's message and the Java SDK v2 suffix, "The conditional request failed (Service:
DynamoDb, Status Code: 400, Request ID: ...)" (aws-appsync-community#343).
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import threading
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Protocol

from resolvers.errors import DataSourceError, DynamoDBServiceError, ResolverError

# moto's default account, the one boto3 reaches with any access key that is not 12 digits.
DEFAULT_ACCOUNT_ID = "123456789012"
# Held around every use of moto's backend in this process (embedded calls, loopback requests).
# Here rather than beside moto's calls (`dynamodb_moto`) so that what holds it need not import
# moto before it calls it.
BACKEND_LOCK = threading.RLock()

MAPPING_TEMPLATE = "MappingTemplate"
_VERSIONS = ("2017-02-28", "2018-05-29")
_INTEGER = re.compile(r"-?\d+")


class DynamoDBOperations(Protocol):
    """DynamoDB's JSON API: `call("GetItem", {"TableName": ..., "Key": ...})`.

    Parameters and results are DynamoDB's wire JSON (binary values as base64 text). A service
    error raises `DynamoDBServiceError`.
    """

    async def call(self, operation: str, params: dict[str, Any]) -> dict[str, Any]: ...


def mapping_error(message: str) -> ResolverError:
    """A request document AppSync refuses before calling DynamoDB.

    Not a `DataSourceError`: nothing reached DynamoDB, so there is no `ctx.error` for a response
    template to look at; the field fails with the MappingTemplate error itself.
    """
    return ResolverError(message, MAPPING_TEMPLATE)


def unsupported_elements(block: Mapping[str, Any], allowed: tuple[str, ...], where: str) -> None:
    """A MappingTemplate error for the first element of `block` (at `where`) not in `allowed`."""
    for key in block:
        if key not in allowed:
            raise mapping_error(f"Unsupported element '{where}[{key}]'.")


def request_field(request: Mapping[str, Any], name: str, kind: type, where: str = "$") -> Any:
    """The `name` element of a request document block, which must be there and be a `kind`."""
    value = request.get(name)
    if value is None:
        raise mapping_error(f"Value for field '{where}[{name}]' not found.")
    if not isinstance(value, kind):
        raise mapping_error(f"Expected a {kind.__name__} for '{where}[{name}]'.")
    return value


def typed_field(request: Mapping[str, Any], name: str, where: str = "$") -> dict[str, Any]:
    """A map of typed values (`key`, `attributeValues`) as DynamoDB takes it."""
    return typed_map(request_field(request, name, dict, where))


async def call_data_source(
    operations: DynamoDBOperations, operation: str, params: dict[str, Any]
) -> dict[str, Any]:
    """`operations.call`, a service error becoming AppSync's field error for it (`ctx.error`)."""
    try:
        return await operations.call(operation, params)
    except DynamoDBServiceError as error:
        raise error.as_data_source_error() from error


# Wire values ------------------------------------------------------------------------------


def wire_json(value: Any) -> Any:
    """DynamoDB results with `bytes` (botocore, moto) turned into the wire's base64 text."""
    if isinstance(value, bytes | bytearray):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, dict):
        return {key: wire_json(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set):
        return [wire_json(item) for item in value]
    if isinstance(value, Decimal):
        return str(value)
    return value


def _number(text: str) -> int | float:
    if _INTEGER.fullmatch(text):
        return int(text)
    number = float(text)
    return int(number) if number.is_integer() and "e" not in text.lower() else number


def unmarshall(value: Mapping[str, Any]) -> Any:
    """One typed value (`{"S": "x"}`) as plain JSON (Type system, response mapping)."""
    ((kind, inner),) = value.items()
    if kind in ("S", "B", "BOOL"):
        return inner
    if kind == "N":
        return _number(inner)
    if kind == "NULL":
        return None
    if kind == "M":
        return {key: unmarshall(item) for key, item in inner.items()}
    if kind == "L":
        return [unmarshall(item) for item in inner]
    if kind == "NS":
        return [_number(item) for item in inner]
    if kind in ("SS", "BS"):
        return list(inner)
    raise mapping_error(f"Unsupported DynamoDB type {kind!r}.")


def unmarshall_item(item: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if item is None:
        return None
    return {name: unmarshall(value) for name, value in item.items()}


def _number_text(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal | str):
        raise mapping_error(f"Expected a number for a DynamoDB N value, got {value!r}.")
    return str(value)


# What each DynamoDB type holds in a request document (Type system, request mapping); numbers
# may be JSON numbers, and NULL's value is ignored.
_SHAPES: dict[str, type | tuple[type, ...]] = {
    "S": str,
    "N": (str, int, float, Decimal),
    "B": str,
    "BOOL": bool,
    "NULL": object,
    "SS": list,
    "NS": list,
    "BS": list,
    "L": list,
    "M": Mapping,
}


def typed_value(value: Any) -> Any:
    """A typed value of a request document as DynamoDB's API takes it.

    AppSync's templates may write numbers as JSON numbers (`$util.dynamodb.toDynamoDBJson(1)` is
    `{ "N" : 1 }`) and null as `{ "NULL" : null }`; DynamoDB wants `"1"` and `true`.
    """
    if type(value) is dict and len(value) == 1:
        # A string, the usual key attribute, needs no checks beyond its type (hot path).
        ((kind, inner),) = value.items()
        if kind == "S" and type(inner) is str:
            return {"S": inner}
    if not isinstance(value, Mapping) or len(value) != 1:
        raise mapping_error(f"Expected a DynamoDB typed value, got {json.dumps(value)}.")
    ((kind, inner),) = value.items()
    expected = _SHAPES.get(kind)
    if expected is None or not isinstance(inner, expected):
        raise mapping_error(f"Unable to read the DynamoDB typed value {json.dumps(value)}.")
    if kind == "N":
        return {"N": _number_text(inner)}
    if kind == "NS" and isinstance(inner, list):
        return {"NS": [_number_text(item) for item in inner]}
    if kind == "NULL":
        return {"NULL": True}
    if kind == "M" and isinstance(inner, Mapping):
        return {"M": typed_map(inner)}
    if kind == "L" and isinstance(inner, list):
        return {"L": [typed_value(item) for item in inner]}
    return {kind: inner}


def typed_map(values: Any) -> dict[str, Any]:
    if type(values) is not dict and not isinstance(values, Mapping):
        raise mapping_error(f"Expected a map of DynamoDB typed values, got {json.dumps(values)}.")
    return {str(name): typed_value(value) for name, value in values.items()}


def marshall(value: Any) -> dict[str, Any]:
    """A plain JSON value as a typed value, as `$util.dynamodb.toDynamoDB` builds it."""
    if value is None:
        return {"NULL": True}
    if isinstance(value, bool):
        return {"BOOL": value}
    if isinstance(value, int | float | Decimal):
        return {"N": str(value)}
    if isinstance(value, str):
        return {"S": value}
    if isinstance(value, bytes | bytearray):
        return {"B": base64.b64encode(bytes(value)).decode("ascii")}
    if isinstance(value, Mapping):
        return {"M": {str(key): marshall(item) for key, item in value.items()}}
    if isinstance(value, list | tuple):
        return {"L": [marshall(item) for item in value]}
    raise TypeError(f"cannot store a {type(value).__name__} in DynamoDB")


def marshall_item(values: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    return {name: marshall(value) for name, value in values.items()}


# Pagination tokens ------------------------------------------------------------------------


def encode_token(last_evaluated_key: Mapping[str, Any] | None, **extra: Any) -> str | None:
    """AppSync's opaque `nextToken` for a `LastEvaluatedKey`.

    AppSync "encrypts and obfuscates the pagination token returned from DynamoDB" (Query
    reference); ours is base64 JSON, opaque to clients in the same way.
    """
    if not last_evaluated_key and not extra:
        return None
    body = {"version": 1, "token": dict(last_evaluated_key or {}), **extra}
    payload = json.dumps(body, sort_keys=True)
    return base64.b64encode(payload.encode()).decode("ascii")


def decode_token(token: Any) -> dict[str, Any]:
    """The decoded token body; a token this server did not issue is a DynamoDB validation error."""
    try:
        body = json.loads(base64.b64decode(str(token).encode("ascii"), validate=True))
    except (ValueError, binascii.Error, UnicodeError):
        body = None
    if not isinstance(body, dict) or not isinstance(body.get("token"), dict):
        # AWS differs: AppSync's wording for a foreign token is unknown; the type is DynamoDB's.
        raise DataSourceError("Invalid pagination token given.", "DynamoDB:ValidationException")
    return body


# Expressions ------------------------------------------------------------------------------


class Expressions:
    """Collects the expression attribute names and values shared by one DynamoDB call."""

    __slots__ = ("names", "values")

    def __init__(self) -> None:
        self.names: dict[str, str] = {}
        self.values: dict[str, Any] = {}

    def take(self, block: Mapping[str, Any], where: str, values: bool = True) -> str:
        """The `expression` of an AppSync expression block; keeps its names and values."""
        expression = block.get("expression")
        if not isinstance(expression, str):
            raise mapping_error(f"Value for field '$[{where}][expression]' not found.")
        names = block.get("expressionNames") or {}
        self.names.update({str(key): str(item) for key, item in names.items()})
        if values:
            self.values.update(typed_map(block.get("expressionValues") or {}))
        return expression

    def into(self, params: dict[str, Any]) -> dict[str, Any]:
        # DynamoDB rejects empty ExpressionAttributeNames / Values maps.
        if self.names:
            params["ExpressionAttributeNames"] = self.names
        if self.values:
            params["ExpressionAttributeValues"] = self.values
        return params


def key_of(item: Mapping[str, Any], key_names: tuple[str, ...]) -> dict[str, Any]:
    return {name: item[name] for name in key_names if name in item}
