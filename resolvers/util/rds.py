"""`$util.rds`: "Amazon RDS helpers in $util.rds" (AppSync developer guide).

The RDS Data API's raw result (`sqlStatementResults`, each with `records` of typed fields and
`columnMetadata`) becomes one list per statement of records keyed by column name, so
`$util.rds.toJsonObject($ctx.result)[0]` is the first statement's rows, as AppSync's Aurora
Serverless tutorial reads it. A statement without records (INSERT, UPDATE, DELETE) gives [].
"""

from __future__ import annotations

import json
from typing import Any

from resolvers.errors import ResolverError
from resolvers.util.core import MAPPING_TEMPLATE, Helper, to_json

_SCALAR_FIELDS = ("stringValue", "longValue", "doubleValue", "booleanValue", "blobValue")


def _field_value(cell: Any) -> Any:
    if not isinstance(cell, dict):
        return cell
    if cell.get("isNull"):
        return None
    for name in _SCALAR_FIELDS:
        if name in cell:
            return cell[name]
    if "arrayValue" in cell:
        array = cell["arrayValue"]
        if "arrayValues" in array:
            return [_field_value({"arrayValue": a}) for a in array["arrayValues"]]
        for values in array.values():
            return list(values)
    return None


def records(result: Any) -> list[list[dict[str, Any]]]:
    """Each statement's records as maps of column name to value."""
    document = json.loads(result) if isinstance(result, str) else result
    if not isinstance(document, dict) or "sqlStatementResults" not in document:
        raise ResolverError(
            "Expected an RDS Data API result with sqlStatementResults", MAPPING_TEMPLATE
        )
    statements: list[list[dict[str, Any]]] = []
    for statement in document["sqlStatementResults"]:
        columns = [c.get("name") or c.get("label") for c in statement.get("columnMetadata", [])]
        rows = statement.get("records") or []
        statements.append(
            [
                {column: _field_value(cell) for column, cell in zip(columns, row, strict=False)}
                for row in rows
            ]
        )
    return statements


class RdsHelpers(Helper):
    """The `rds` member of `$util`."""

    __slots__ = ()

    def toJsonObject(self, result: Any) -> list[list[dict[str, Any]]]:
        return records(result)

    def toJsonString(self, result: Any) -> str:
        return to_json(records(result))
