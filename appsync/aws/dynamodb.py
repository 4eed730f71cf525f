"""DynamoDB's API on the AWS endpoint: the embedded DynamoDB the resolvers use, answered by our
own code calling moto's backend directly, with moto_server's answers.

moto's server spends most of a request outside DynamoDB: werkzeug, Flask, its request parser,
and its response serializer (about 0.4 ms of a GetItem's 0.45 ms in moto's own handler). Here:
* item operations (GetItem, PutItem, Query ...) take the resolvers' path, `MotoDynamoDB`
  (moto's handler and backend, in process), and the result is cut to the operation's output
  shape in botocore's model, which is what moto's serializer keeps of it (it drops, say, the
  `ConsumedCapacityUnits` moto's DeleteItem adds);
* every other operation (CreateTable, DescribeTable ...) goes through moto's own handler and
  serializer, so its answer is moto_server's to the byte.
Errors are moto's JSON errors as moto_server sends them; a target that names no DynamoDB
operation is DynamoDB's `UnknownOperationException`. Every answer carries `x-amz-crc32`, the
CRC32 of the body that botocore checks for DynamoDB.

`query_by_partition()` makes moto's Query of a base table read the one partition it asks for:
moto 5.2.5's `Table.query` sorts every item of the table on each call (`all_items()`) and then
keeps those with the queried hash key, so a Query costs the whole table (15 ms at 1,100 items,
3 ms with the partition alone). The hook hands moto's own `Table.query` a view of the table
whose `all_items()` is that partition, sorted as moto sorts; everything else (validation,
range conditions, paging, size limits, projection) is moto's code. It is process-wide, as the
backend is: the resolvers' Queries take it too.

The tests compare both answers with moto_server's for the same requests, and the DynamoDB
conformance suite runs through boto3 against this endpoint and moto_server alike.
"""

from __future__ import annotations

import json
import logging
import re
import zlib
from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING, Any

from appsync.aws.errors import json_error, request_id
from appsync.aws.requests import AwsRequest, AwsResponse, ServiceCall
from resolvers.datasources.dynamodb_wire import BACKEND_LOCK, DEFAULT_ACCOUNT_ID
from resolvers.errors import DynamoDBServiceError, TableStoreError

# moto and botocore are imported by the first request (or `query_by_partition`): `serve` makes
# this route at every start, and may answer its first GraphQL request before any AWS one
# (issue 19).
if TYPE_CHECKING:
    from botocore.model import Shape

    from resolvers.datasources.dynamodb_moto import MotoDynamoDB

logger = logging.getLogger(__name__)

CONTENT_TYPE = "application/x-amz-json-1.0"
_CORAL = "com.amazon.coral.service#"
_CAMEL = re.compile(r"(?<!^)(?=[A-Z])")
# The operations answered by the resolvers' path (their results hold items, which moto's
# serializer walks value by value: the cost this route exists to avoid).
_ITEM_OPERATIONS = frozenset(
    {
        "GetItem",
        "PutItem",
        "UpdateItem",
        "DeleteItem",
        "Query",
        "Scan",
        "BatchGetItem",
        "BatchWriteItem",
        "TransactGetItems",
        "TransactWriteItems",
    }
)

# A shape kept whole (None), or the members of a structure to keep and how to cut each.
_Cut = dict[str, Any] | tuple[str, Any] | None


class DynamoDBRoute:
    """`ServiceRoute` for `X-Amz-Target: DynamoDB_20120810.<Operation>`, in moto's default
    account (the one the resolvers use) and the region the request is signed for.

    `created_tables` holds the (region, name) of the tables made through it and not deleted
    since: what a reset drops (moto's backend is process-wide, so it cannot tell them apart)."""

    __slots__ = ("_account_id", "_operations", "created_tables")

    def __init__(self, account_id: str = DEFAULT_ACCOUNT_ID) -> None:
        self._account_id = account_id
        self._operations: dict[str, MotoDynamoDB] = {}
        self.created_tables: set[tuple[str, str]] = set()

    async def handle(self, request: AwsRequest, call: ServiceCall) -> AwsResponse:
        operation = call.operation or ""
        if operation not in _operation_names():
            return _unknown_operation()
        try:
            params = json.loads(request.body or b"{}")
        except ValueError:
            return _answer(
                400,
                _error_body(
                    "SerializationException", "Start of structure or map found where not expected."
                ),
            )
        if not isinstance(params, dict):
            return _answer(
                400,
                _error_body(
                    "SerializationException", "Start of structure or map found where not expected."
                ),
            )
        return self._respond(call.region, operation, params)

    def call(
        self, region: str, operation: str, params: dict[str, Any]
    ) -> tuple[int, dict[str, Any]]:
        """One operation without HTTP, answered as `handle` answers it: the status and the
        JSON body (the console's DynamoDB pages read what boto3 would)."""
        if operation not in _operation_names():
            return 400, {"__type": f"{_CORAL}UnknownOperationException"}
        response = self._respond(region, operation, params)
        body: dict[str, Any] = json.loads(response.body)
        return response.status, body

    def _respond(self, region: str, operation: str, params: dict[str, Any]) -> AwsResponse:
        if operation in _ITEM_OPERATIONS:
            return self._item_operation(region, operation, params)
        status, body = self._moto_operation(region, operation, params)
        if status == 200 and operation in ("CreateTable", "DeleteTable"):
            table = (region, str(params.get("TableName")))
            if operation == "CreateTable":
                self.created_tables.add(table)
            else:
                self.created_tables.discard(table)
        return _answer(status, body)

    def _item_operation(self, region: str, operation: str, params: dict[str, Any]) -> AwsResponse:
        operations = self._operations.get(region)
        if operations is None:
            from resolvers.datasources.dynamodb_moto import MotoDynamoDB

            operations = self._operations[region] = MotoDynamoDB(region, self._account_id)
        try:
            result = operations.call_now(operation, params)
        except DynamoDBServiceError as error:
            body = error.body if error.body is not None else _error_fields(error)
            return _answer(error.status, json.dumps(body).encode())
        return _answer(200, json.dumps(_cut(result, _output_cut(operation))).encode())

    def _moto_operation(
        self, region: str, operation: str, params: dict[str, Any]
    ) -> tuple[int, bytes]:
        """moto's handler and serializer, as moto_server's `call_action` runs them."""
        from moto.core.exceptions import JsonRESTError, ServiceException
        from moto.core.responses import ActionResult
        from moto.dynamodb.responses import DynamoHandler

        from resolvers.datasources.dynamodb_moto import moto_parameters, record_write

        handler = DynamoHandler()
        handler.current_account = self._account_id
        handler.region = region
        # What BaseResponse.setup_class would have filled in from an HTTP request.
        handler.querystring = {}
        handler.headers = {
            "X-Amz-Target": f"DynamoDB_20120810.{operation}",
            "Content-Type": CONTENT_TYPE,
        }
        handler.response_headers = {}
        handler.body = handler.params = moto_parameters(params)
        method: Callable[[], Any] = getattr(handler, _CAMEL.sub("_", operation).lower())
        try:
            with BACKEND_LOCK:
                try:
                    result = method()
                finally:
                    # Written through (with a data directory) before the answer is made.
                    record_write(self._account_id, region, operation, handler.body)
                status, _, body = handler.serialized(result)
        except TableStoreError as error:
            logger.error("DynamoDB %s was not written through: %s", operation, error.message)
            return 500, _error_body("InternalServerError", f"Internal server error: {error}")
        except JsonRESTError as error:
            return int(error.code), error.description.encode()
        except ServiceException as error:
            with BACKEND_LOCK:
                status, _, body = handler.serialized(ActionResult(error))
        except Exception as error:  # moto is third-party code: its own bugs must not escape
            # A request moto cannot take is a client's mistake more often than not: no
            # traceback in the log unless asked for.
            logger.warning("moto failed on DynamoDB %s: %r", operation, error)
            logger.debug("moto's traceback", exc_info=True)
            return 500, _error_body("InternalServerError", f"Internal server error: {error}")
        return int(status), body.encode() if isinstance(body, str) else bytes(body)


def _answer(status: int, body: bytes) -> AwsResponse:
    headers = [
        ("content-type", CONTENT_TYPE),
        ("x-amzn-requestid", request_id()),
        ("x-amz-crc32", str(zlib.crc32(body))),
        ("server", "amazon.com"),
    ]
    return AwsResponse(status, body, headers)


def _unknown_operation() -> AwsResponse:
    # DynamoDB's answer to a target it does not know: the type alone, no message.
    body = json.dumps({"__type": f"{_CORAL}UnknownOperationException"}).encode()
    return AwsResponse(400, body, json_error(400, "UnknownOperationException", "").headers)


def _error_body(code: str, message: str) -> bytes:
    return json.dumps({"__type": f"{_CORAL}{code}", "message": message}).encode()


def _error_fields(error: DynamoDBServiceError) -> dict[str, Any]:
    return {"__type": f"com.amazonaws.dynamodb.v20120810#{error.code}", "message": error.message}


@cache
def _model() -> Any:
    import botocore.session

    return botocore.session.get_session().get_service_model("dynamodb")


@cache
def _operation_names() -> frozenset[str]:
    return frozenset(str(name) for name in _model().operation_names)


@cache
def _output_cut(operation: str) -> _Cut:
    shape = _model().operation_model(operation).output_shape
    return _shape_cut(shape) if shape is not None else {}


def _shape_cut(shape: Shape) -> _Cut:
    """How to cut a value to `shape`: items (`AttributeValue`) and scalars are kept whole."""
    from botocore.model import ListShape, MapShape, StructureShape

    if shape.name == "AttributeValue":
        return None
    if isinstance(shape, StructureShape):
        return {name: _shape_cut(member) for name, member in shape.members.items()}
    if isinstance(shape, ListShape):
        inner = _shape_cut(shape.member)
        return None if inner is None else ("list", inner)
    if isinstance(shape, MapShape):
        inner = _shape_cut(shape.value)
        return None if inner is None else ("map", inner)
    return None


def _cut(value: Any, cut: _Cut) -> Any:
    if cut is None:
        return value
    if isinstance(cut, tuple):
        kind, inner = cut
        if kind == "list" and isinstance(value, list):
            return [_cut(item, inner) for item in value]
        if kind == "map" and isinstance(value, dict):
            return {key: _cut(item, inner) for key, item in value.items()}
        return value
    if not isinstance(value, dict):
        return value
    return {key: _cut(item, cut[key]) for key, item in value.items() if key in cut}


class _Partition:
    """A table as moto's `Table.query` reads it, with `all_items()` cut to one partition."""

    __slots__ = ("_items", "_table")

    def __init__(self, table: Any, items: list[Any]) -> None:
        self._table = table
        self._items = items

    def all_items(self) -> list[Any]:
        return self._items

    def __getattr__(self, name: str) -> Any:
        return getattr(self._table, name)


_moto_query: Callable[..., Any] | None = None


def original_table_query() -> Callable[..., Any]:
    """moto's own `Table.query`, whether or not the hook is in place (tests compare them)."""
    from moto.dynamodb.models.table import Table

    return _moto_query if _moto_query is not None else Table.query


def query_by_partition() -> None:
    """Install the hook (once per process; see the module's docstring)."""
    global _moto_query
    if _moto_query is not None:
        return
    from moto.dynamodb.models.table import Table

    original: Callable[..., Any] = Table.query
    _moto_query = original

    def query(
        self: Any,
        hash_key: Any,
        range_comparison: Any,
        range_objs: Any,
        limit: Any,
        exclusive_start_key: Any,
        scan_index_forward: Any,
        projection_expressions: Any,
        index_name: str | None = None,
        *args: Any,
        **kwargs: Any,
    ) -> Any:
        # moto 5.2.5's parameters, named: the backend passes `index_name` by position.
        given = (
            hash_key,
            range_comparison,
            range_objs,
            limit,
            exclusive_start_key,
            scan_index_forward,
            projection_expressions,
            index_name,
            *args,
        )
        if index_name is not None or hash_key is None:
            return original(self, *given, **kwargs)
        # DynamoType hashes and compares by (type, cast value): the dict lookup finds exactly
        # the items moto's `item.hash_key == hash_key` would keep.
        found = self.items.get(hash_key)
        items: list[Any]
        if found is None:
            items = []
        elif self.range_key_attr:
            # moto's own order: by range key (`all_items` sorts by hash key, then range key).
            items = sorted(found.values(), key=lambda item: item.range_key.cast_value)
        else:
            items = [found]
        return original(_Partition(self, items), *given, **kwargs)

    Table.query = query  # type: ignore[method-assign]  # the hook itself
