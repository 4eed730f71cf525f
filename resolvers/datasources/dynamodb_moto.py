"""The embedded DynamoDB: moto's DynamoDB backend, called in this process without HTTP or boto3.

boto3 costs about a millisecond of CPU per call whatever is behind it (issue 4), so the embedded
path hands DynamoDB's JSON parameters straight to moto's own request handler
(`moto.dynamodb.responses.DynamoHandler`, moto 5.2.5): the same object moto's HTTP server uses
after it has parsed a request, so validation, expressions and errors are moto's in both places.
The backend is moto's process-wide `dynamodb_backends[account][region]`, which is also what
`dynamodb_tables.start_loopback_endpoint` serves over HTTP to boto3 and the AWS CLI.

GetItem, the call every `get` query makes, skips the handler's result layer (it turned each
DynamoType into JSON twice and cost four times the backend lookup itself, issue 4):
`_get_item` runs the handler's own checks, in its order and with its exceptions, against the
backend, and writes the item's wire JSON in one pass. A GetItem with a parameter that path does
not take goes through the handler.

Parameters reach moto as its HTTP server hands them over (`moto_parameters`): a private copy
with binary values decoded from base64, so what a resolver writes and what a boto3 client
writes through the loopback endpoint are stored alike.

moto's backend is plain Python data with no locking of its own. Every embedded call holds
`BACKEND_LOCK`, and so does every request of the loopback server (`dynamodb_tables`), so a
resolver and a boto3 client never change the same table at once.

moto keeps every model object it ever made: `BaseModel.__new__` appends each instance to its
class's `instances_tracked` list (moto/core/common_models.py, 5.2.5), for nothing but the
server-mode dashboard (`/moto-api/`, moto's docs "Server mode: Dashboard") and its reset. Every
PutItem makes an `Item`, UpdateItem a second one (its copy of the old item), every write to a
table with a stream a `StreamRecord`, and TransactWriteItems deep-copies each table it touches
(every item in it) to roll back with: all of it held for the life of the process (issue 12,
about 1 KiB per PutItem). moto has no setting for this; `reset_model_data` (the reset's own
hook, moto/core/model_instances.py) shows the contract, a fresh `instances_tracked` per model
class. `keep_instances_weakly` puts there a container of weak references instead, for the
DynamoDB and DynamoDB Streams models: the dashboard still lists every live model, and what the
tables no longer hold is freed. A reset puts plain lists back, so every call checks first.

Every operation that may write, here and on the server's AWS endpoint, ends with
`record_write` under the lock: with a data directory, the `WriteJournal` attached by
`journal_writes` (`dynamodb_store.TableStore`) has written the change to disk before the
operation answers.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import re
import secrets
import string
import weakref
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, Protocol

from moto.core.exceptions import JsonRESTError, ServiceException
from moto.core.model_instances import model_data
from moto.dynamodb.exceptions import (
    KeyIsEmptyStringException,
    MockValidationException,
    ProvidedKeyDoesNotExist,
)
from moto.dynamodb.models import dynamodb_backends
from moto.dynamodb.models.dynamo_type import Item
from moto.dynamodb.responses import (
    DynamoHandler,
    ProjectionExpressionParser,
    validate_attributes_used,
)

# Imported for its side effect: its model (ShardIterator) joins `model_data` before
# `keep_instances_weakly` runs, rather than when the loopback endpoint first serves a stream.
from moto.dynamodbstreams import models as _dynamodbstreams_models  # noqa: F401

from resolvers.datasources.dynamodb_wire import BACKEND_LOCK as BACKEND_LOCK
from resolvers.datasources.dynamodb_wire import DEFAULT_ACCOUNT_ID as DEFAULT_ACCOUNT_ID
from resolvers.datasources.dynamodb_wire import wire_json
from resolvers.errors import DynamoDBServiceError, TableStoreError

logger = logging.getLogger(__name__)

_REQUEST_ID_ALPHABET = string.ascii_uppercase + string.digits
_CAMEL = re.compile(r"(?<!^)(?=[A-Z])")
# The moto services (`model_data` keys) whose model instances are kept weakly.
UNTRACKED_SERVICES = ("dynamodb", "dynamodbstreams")
# The operations that never change the backend: nothing to write through after them.
READ_OPERATIONS = frozenset(
    {
        "GetItem",
        "BatchGetItem",
        "Query",
        "Scan",
        "TransactGetItems",
        "DescribeTable",
        "DescribeTimeToLive",
        "DescribeContinuousBackups",
        "DescribeEndpoints",
        "DescribeLimits",
        "DescribeBackup",
        "DescribeGlobalTable",
        "DescribeKinesisStreamingDestination",
        "DescribeContributorInsights",
        "DescribeImport",
        "DescribeExport",
        "DescribeTableReplicaAutoScaling",
        "GetResourcePolicy",
        "ListTables",
        "ListTagsOfResource",
        "ListBackups",
        "ListGlobalTables",
        "ListImports",
        "ListExports",
        "ListContributorInsights",
    }
)


class WriteJournal(Protocol):
    """Where each write to the backend is recorded before it is answered."""

    def written(
        self, account_id: str, region: str, operation: str, params: Mapping[str, Any]
    ) -> None:
        """`operation` ran (or failed) with `params` (as moto received them); raises
        `TableStoreError` when the change cannot be recorded."""
        ...


_journal: list[WriteJournal] = []


def journal_writes(journal: WriteJournal | None) -> None:
    """Record every write of this process's backend in `journal` from now on (None: nowhere).
    The backend is one per process, so is its journal."""
    _journal[:] = [journal] if journal is not None else []


def record_write(account_id: str, region: str, operation: str, params: Mapping[str, Any]) -> None:
    """Called under `BACKEND_LOCK` right after an operation ran on the backend, whether it
    succeeded or not (a failed batch or transaction may have changed what it touched)."""
    if _journal and operation not in READ_OPERATIONS:
        _journal[0].written(account_id, region, operation, params)


class LiveInstances:
    """A model class's `instances_tracked`, holding each instance by a weak reference.

    moto appends every new instance (`append`) and its dashboard iterates the live ones;
    an instance nothing else holds is freed and leaves the container.
    """

    __slots__ = ("__weakref__", "_references")

    def __init__(self, instances: Iterable[Any] = ()) -> None:
        self._references: dict[int, weakref.ref[Any]] = {}
        for instance in instances:
            self.append(instance)

    def append(self, instance: Any) -> None:
        key = id(instance)
        self._references[key] = weakref.ref(instance, lambda _: self._references.pop(key, None))

    def __iter__(self) -> Iterator[Any]:
        for reference in list(self._references.values()):
            instance = reference()
            if instance is not None:
                yield instance

    def __len__(self) -> int:
        return len(self._references)


def keep_instances_weakly() -> None:
    """Make the DynamoDB models' `instances_tracked` weak (see the module docstring); the live
    instances a plain list held stay listed."""
    for service in UNTRACKED_SERVICES:
        for model in model_data[service].values():
            tracked = model.instances_tracked  # type: ignore[attr-defined]
            if not isinstance(tracked, LiveInstances):
                model.instances_tracked = LiveInstances(tracked)  # type: ignore[attr-defined]


def _request_id() -> str:
    # DynamoDB's request ids are 52 upper-case letters and digits.
    return "".join(secrets.choice(_REQUEST_ID_ALPHABET) for _ in range(52))


def _method_name(operation: str) -> str:
    return _CAMEL.sub("_", operation).lower()


# The GetItem parameters `_get_item` takes. ReturnConsumedCapacity and AttributesToGet (which the
# data source never sends) and any unknown name go through moto's handler instead.
_GET_ITEM_PARAMETERS = frozenset(
    ("TableName", "Key", "ConsistentRead", "ProjectionExpression", "ExpressionAttributeNames")
)


class MotoDynamoDB:
    """`DynamoDBOperations` over moto's in-process backend for one account and region."""

    __slots__ = ("_account_id", "_handler", "_methods", "_region")

    def __init__(self, region: str, account_id: str = DEFAULT_ACCOUNT_ID) -> None:
        self._region = region
        self._account_id = account_id
        # One handler, reused: building one costs more than a GetItem, and calls never overlap
        # (each runs start to end without yielding the event loop).
        self._handler = DynamoHandler()
        self._handler.current_account = account_id
        self._handler.region = region
        # The handler's bound method per operation name, looked up once.
        self._methods: dict[str, Callable[[], Any] | None] = {}

    @property
    def region(self) -> str:
        return self._region

    @property
    def account_id(self) -> str:
        return self._account_id

    async def call(self, operation: str, params: dict[str, Any]) -> dict[str, Any]:
        return self.call_now(operation, params)

    def call_now(self, operation: str, params: dict[str, Any]) -> dict[str, Any]:
        """The same call, synchronously: for setup code that runs before the loop."""
        # moto may keep parameters inside stored items: it gets a private copy, so a request
        # document the resolver still holds can never change stored data afterwards.
        if operation == "GetItem" and _GET_ITEM_PARAMETERS.issuperset(params):
            # A lookup keeps nothing of its parameters: only binary key values need decoding.
            if not _binary_key(params.get("Key")):
                return self._run(operation, self._get_item, params)
            return self._run(operation, self._get_item, moto_parameters(params))
        params = moto_parameters(params)
        try:
            method = self._methods[operation]
        except KeyError:
            method = getattr(self._handler, _method_name(operation), None)
            self._methods[operation] = method
        if method is None:
            raise DynamoDBServiceError(
                "UnknownOperationException", f"Unknown operation {operation}", 400, _request_id()
            )
        # What BaseResponse.setup_class would have filled in from an HTTP request.
        self._handler.body = params
        return self._run(operation, _handler_call(method), params)

    def _get_item(self, params: dict[str, Any]) -> dict[str, Any]:
        # Looked up on each call: moto's reset (tests, `mock_aws`) replaces the backends.
        return _get_item(dynamodb_backends[self._account_id][self._region], params)

    def _run(
        self,
        operation: str,
        call: Callable[[dict[str, Any]], dict[str, Any]],
        params: dict[str, Any],
    ) -> dict[str, Any]:
        """`call(params)` under the backend's lock, moto's exceptions as DynamoDB's errors."""
        try:
            with BACKEND_LOCK:
                if not isinstance(Item.instances_tracked, LiveInstances):  # type: ignore[attr-defined]
                    keep_instances_weakly()  # the first call, or the first since a moto reset
                try:
                    return call(params)
                finally:
                    record_write(self._account_id, self._region, operation, params)
        except TableStoreError as error:
            # Not written to disk, so not acknowledged: the caller sees DynamoDB's 500.
            logger.error("DynamoDB %s was not written through: %s", operation, error.message)
            raise DynamoDBServiceError(
                "InternalServerError", f"Internal server error: {error.message}", 500, _request_id()
            ) from error
        except JsonRESTError as error:
            raise _service_error(error) from error
        except ServiceException as error:
            raise DynamoDBServiceError(
                str(error.code), error.message, 400, _request_id()
            ) from error
        except Exception as error:  # moto is third-party code: its own bugs must not escape
            logger.exception("moto failed on %s", operation)
            raise DynamoDBServiceError(
                "InternalServerError", f"Internal server error: {error}", 500, _request_id()
            ) from error


def moto_parameters(value: Any) -> Any:
    """A copy of DynamoDB's wire JSON as moto's HTTP server hands it to the handler: binary
    values (`B`, `BS`) as bytes, which its request parser decodes from base64 (moto 5.2.5).

    Items written here and through the loopback endpoint are then stored alike: a binary key
    one side wrote is found by the other, and moto can project binary sets.
    """
    if isinstance(value, dict):
        if len(value) == 1:
            ((kind, inner),) = value.items()
            if kind == "B" and isinstance(inner, str):
                return {"B": _binary(inner)}
            if kind == "BS" and isinstance(inner, list) and all(isinstance(i, str) for i in inner):
                return {"BS": [_binary(item) for item in inner]}
        return {key: moto_parameters(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [moto_parameters(item) for item in value]
    return value


def _binary_key(key: Any) -> bool:
    """Whether a `Key` holds a binary value (or is not the map of typed values it should be,
    which moto's checks then report)."""
    if not isinstance(key, dict):
        return True
    for value in key.values():
        if not isinstance(value, dict) or "B" in value or "BS" in value:
            return True
    return False


def _binary(text: str) -> bytes | str:
    try:
        return base64.b64decode(text)
    except binascii.Error:
        # Not base64: left as the text it is, which moto stores and compares as given.
        return text


def _handler_call(method: Callable[[], Any]) -> Callable[[dict[str, Any]], dict[str, Any]]:
    def call(_: dict[str, Any]) -> dict[str, Any]:
        return wire_json(method().result)  # type: ignore[no-any-return]

    return call


def _get_item(backend: Any, params: dict[str, Any]) -> dict[str, Any]:
    """GetItem as moto 5.2.5's `DynamoHandler.get_item` runs it: the same checks in the same
    order, raising the same exceptions, then the backend's own lookup."""
    name = params["TableName"]
    table = backend.get_table(name)
    key = params["Key"]
    empty_keys = [k for k, v in key.items() if not next(iter(v.values()))]
    if empty_keys:
        raise KeyIsEmptyStringException(empty_keys[0])
    projection = params.get("ProjectionExpression")
    if projection == "":
        raise MockValidationException(
            "Invalid ProjectionExpression: The expression can not be empty;"
        )
    names = params.get("ExpressionAttributeNames")
    if projection is None and names:
        raise MockValidationException(
            "ExpressionAttributeNames can only be specified when using expressions"
        )
    if names == {}:
        raise MockValidationException("ExpressionAttributeNames must not be empty")
    if not all(k in table.attribute_keys for k in key):
        raise ProvidedKeyDoesNotExist
    names = names or {}
    parser = ProjectionExpressionParser(projection, names)
    projections = parser.parse()
    validate_attributes_used(names, parser.expr_attr_names_found, validation_error_prefix=False)
    item = backend.get_item(name, key, projections)
    if not item:
        return {}
    return {"Item": wire_item(item)}


def wire_item(item: Item) -> dict[str, Any]:
    """A stored item as DynamoDB's wire JSON (binary values as base64 text)."""
    return {attribute: _wire_value(value) for attribute, value in item.attrs.items()}


def _wire_value(value: Any) -> dict[str, Any]:
    """A stored `DynamoType` as wire JSON: what moto's `dynamo_to_dict` and then `wire_json`
    make of it, in one pass."""
    kind: str = value.type
    inner = value.value
    if type(inner) is str and kind != "B":
        # S, and N (moto keeps numbers as their text): nothing to convert, the common case.
        return {kind: inner}
    if kind == "M":
        return {"M": {name: _wire_value(item) for name, item in inner.items()}}
    if kind == "L":
        return {"L": [_wire_value(item) for item in inner]}
    if kind == "B":
        return {"B": _base64(inner)}
    if kind == "BS":
        return {"BS": [_base64(item) for item in inner]}
    return {kind: wire_json(inner)}


def _base64(value: str | bytes) -> str:
    # moto keeps binary as the base64 text it was given or as bytes (after a projection);
    # the handler decodes both to bytes and the wire encodes them again.
    raw = value if isinstance(value, bytes) else base64.b64decode(value)
    return base64.b64encode(raw).decode("ascii")


def _service_error(error: JsonRESTError) -> DynamoDBServiceError:
    try:
        body = json.loads(error.description)
    except (TypeError, ValueError):
        body = {}
    code = str(error.error_type).rsplit("#", 1)[-1]
    message = body.get("message") or body.get("Message") or error.message
    return DynamoDBServiceError(code, message, int(error.code), _request_id(), body)
