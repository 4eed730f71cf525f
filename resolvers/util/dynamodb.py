"""`$util.dynamodb` / `util.dynamodb`: values to DynamoDB attribute values and back.

Follows "DynamoDB helpers in $util.dynamodb" (AppSync developer guide): every helper has an
object form and a `...Json` form equal to `$util.toJson` of the object form. Numbers stay JSON
numbers (`{ "N" : 12345 }`) and lists become "L", never sets, unless a set helper is asked for.
"""

from __future__ import annotations

import base64
import json
from typing import Any

from resolvers.errors import ResolverError
from resolvers.util.core import MAPPING_TEMPLATE, Helper, is_number, to_json


def to_dynamodb(value: Any) -> dict[str, Any]:
    """The attribute value for any JSON value: S, N, BOOL, NULL, L or M."""
    if value is None:
        return {"NULL": None}
    if isinstance(value, bool):
        return {"BOOL": value}
    if is_number(value):
        return {"N": value}
    if isinstance(value, str):
        return {"S": value}
    if isinstance(value, bytes):
        return {"B": base64.b64encode(value).decode("ascii")}
    if isinstance(value, dict):
        return {"M": {str(k): to_dynamodb(v) for k, v in value.items()}}
    if isinstance(value, list | tuple | set | frozenset):
        return {"L": [to_dynamodb(v) for v in value]}
    raise ResolverError(
        f"Unable to convert a {type(value).__name__} to a DynamoDB attribute value",
        MAPPING_TEMPLATE,
    )


def to_map_values(value: Any) -> dict[str, Any]:
    """Each value of a map converted, the map itself kept: `toMap($m).get("M")`."""
    if not isinstance(value, dict):
        raise ResolverError("toMapValues expects a Map", MAPPING_TEMPLATE)
    return {str(k): to_dynamodb(v) for k, v in value.items()}


def from_dynamodb(attribute: Any) -> Any:
    """The plain value an attribute value stands for (the inverse of `to_dynamodb`, sets as
    lists); numbers in string form are read as int or float."""
    if not isinstance(attribute, dict) or len(attribute) != 1:
        raise ResolverError(f"Not a DynamoDB attribute value: {attribute!r}", MAPPING_TEMPLATE)
    ((kind, value),) = attribute.items()
    if kind in ("S", "B", "BOOL"):
        return value
    if kind == "NULL":
        return None
    if kind == "N":
        return _number(value)
    if kind in ("SS", "BS"):
        return list(value)
    if kind == "NS":
        return [_number(v) for v in value]
    if kind == "L":
        return [from_dynamodb(v) for v in value]
    if kind == "M":
        return {k: from_dynamodb(v) for k, v in value.items()}
    raise ResolverError(f"Unknown DynamoDB attribute type {kind!r}", MAPPING_TEMPLATE)


def _number(value: Any) -> Any:
    if is_number(value):
        return value
    text = str(value)
    try:
        return int(text)
    except ValueError:
        return float(text)


def _list_argument(values: Any, helper: str) -> list[Any]:
    if not isinstance(values, list | tuple | set | frozenset):
        raise ResolverError(f"{helper} expects a List", MAPPING_TEMPLATE)
    return list(values)


def to_s3_object(key: str, bucket: str, region: str, version: str | None = None) -> dict[str, Any]:
    """An S3 object stored as a string attribute: `{"S": "{\\"s3\\":{...}}"}`."""
    s3: dict[str, Any] = {"key": key, "bucket": bucket, "region": region}
    if version is not None:
        s3["version"] = version
    return {"S": to_json({"s3": s3})}


def from_s3_object_json(value: Any) -> dict[str, Any]:
    """The key, bucket, region (and version) of an S3 object attribute or its string."""
    text: Any = value["S"] if isinstance(value, dict) and "S" in value else value
    try:
        document: Any = json.loads(text) if isinstance(text, str) else text
        s3 = document["s3"]
    except (json.JSONDecodeError, TypeError, KeyError) as error:
        raise ResolverError(
            f"Unable to read an S3 object from {value!r}", MAPPING_TEMPLATE
        ) from error
    if not isinstance(s3, dict):
        raise ResolverError(f"Unable to read an S3 object from {value!r}", MAPPING_TEMPLATE)
    return dict(s3)


class DynamoDBHelpers(Helper):
    """The `dynamodb` member of `$util`."""

    __slots__ = ()

    def toDynamoDB(self, value: Any) -> dict[str, Any]:
        return to_dynamodb(value)

    def toDynamoDBJson(self, value: Any) -> str:
        return to_json(to_dynamodb(value))

    def toString(self, value: Any) -> dict[str, Any]:
        return {"S": value}

    def toStringJson(self, value: Any) -> str:
        return to_json(self.toString(value))

    def toStringSet(self, values: Any) -> dict[str, Any]:
        return {"SS": _list_argument(values, "toStringSet")}

    def toStringSetJson(self, values: Any) -> str:
        return to_json(self.toStringSet(values))

    def toNumber(self, value: Any) -> dict[str, Any]:
        return {"N": value}

    def toNumberJson(self, value: Any) -> str:
        return to_json(self.toNumber(value))

    def toNumberSet(self, values: Any) -> dict[str, Any]:
        return {"NS": _list_argument(values, "toNumberSet")}

    def toNumberSetJson(self, values: Any) -> str:
        return to_json(self.toNumberSet(values))

    def toBinary(self, value: Any) -> dict[str, Any]:
        return {"B": value}

    def toBinaryJson(self, value: Any) -> str:
        return to_json(self.toBinary(value))

    def toBinarySet(self, values: Any) -> dict[str, Any]:
        return {"BS": _list_argument(values, "toBinarySet")}

    def toBinarySetJson(self, values: Any) -> str:
        return to_json(self.toBinarySet(values))

    def toBoolean(self, value: Any) -> dict[str, Any]:
        return {"BOOL": value}

    def toBooleanJson(self, value: Any) -> str:
        return to_json(self.toBoolean(value))

    def toNull(self) -> dict[str, Any]:
        return {"NULL": None}

    def toNullJson(self) -> str:
        return to_json(self.toNull())

    def toList(self, values: Any) -> dict[str, Any]:
        return {"L": [to_dynamodb(v) for v in _list_argument(values, "toList")]}

    def toListJson(self, values: Any) -> str:
        return to_json(self.toList(values))

    def toMap(self, value: Any) -> dict[str, Any]:
        return {"M": to_map_values(value)}

    def toMapJson(self, value: Any) -> str:
        return to_json(self.toMap(value))

    def toMapValues(self, value: Any) -> dict[str, Any]:
        return to_map_values(value)

    def toMapValuesJson(self, value: Any) -> str:
        return to_json(to_map_values(value))

    def toS3Object(
        self, key: str, bucket: str, region: str, version: str | None = None
    ) -> dict[str, Any]:
        return to_s3_object(key, bucket, region, version)

    def toS3ObjectJson(self, key: str, bucket: str, region: str, version: str | None = None) -> str:
        return to_json(to_s3_object(key, bucket, region, version))

    def fromS3ObjectJson(self, value: Any) -> dict[str, Any]:
        return from_s3_object_json(value)

    def fromDynamoDB(self, value: Any) -> Any:
        """APPSYNC_JS's `util.dynamodb.fromDynamoDB`: an attribute value back to a value."""
        return from_dynamodb(value)
