"""The embedded DynamoDB: moto's DynamoDB backend, called in this process without HTTP or boto3.

boto3 costs about a millisecond of CPU per call whatever is behind it (issue 4), so the embedded
path hands DynamoDB's JSON parameters straight to moto's own request handler
(`moto.dynamodb.responses.DynamoHandler`, moto 5.2.5): the same object moto's HTTP server uses
after it has parsed a request, so validation, expressions and errors are moto's in both places.
The backend is moto's process-wide `dynamodb_backends[account][region]`, which is also what
`dynamodb_tables.start_loopback_endpoint` serves over HTTP to boto3 and the AWS CLI.

moto's backend is plain Python data with no locking of its own. Every embedded call holds
`BACKEND_LOCK`, and so does every request of the loopback server (`dynamodb_tables`), so a
resolver and a boto3 client never change the same table at once.
"""

from __future__ import annotations

import json
import logging
import re
import secrets
import string
import threading
from typing import Any

from moto.core.exceptions import JsonRESTError, ServiceException
from moto.dynamodb.responses import DynamoHandler

from resolvers.datasources.dynamodb_wire import DynamoDBServiceError, wire_json

logger = logging.getLogger(__name__)

# moto's default account, the one boto3 reaches with any access key that is not 12 digits.
DEFAULT_ACCOUNT_ID = "123456789012"
_REQUEST_ID_ALPHABET = string.ascii_uppercase + string.digits
_CAMEL = re.compile(r"(?<!^)(?=[A-Z])")
# Held around every use of moto's backend in this process (embedded calls, loopback requests).
BACKEND_LOCK = threading.RLock()


def _request_id() -> str:
    # DynamoDB's request ids are 52 upper-case letters and digits.
    return "".join(secrets.choice(_REQUEST_ID_ALPHABET) for _ in range(52))


def _method_name(operation: str) -> str:
    return _CAMEL.sub("_", operation).lower()


# Operations whose parameters moto may keep inside stored items: they get a private copy, so a
# request document the resolver still holds can never change stored data afterwards.
_WRITES = frozenset(
    ("PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems", "CreateTable")
)


class MotoDynamoDB:
    """`DynamoDBOperations` over moto's in-process backend for one account and region."""

    __slots__ = ("_account_id", "_handler", "_region")

    def __init__(self, region: str, account_id: str = DEFAULT_ACCOUNT_ID) -> None:
        self._region = region
        self._account_id = account_id
        # One handler, reused: building one costs more than a GetItem, and calls never overlap
        # (each runs start to end without yielding the event loop).
        self._handler = DynamoHandler()
        self._handler.current_account = account_id
        self._handler.region = region

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
        handler = self._handler
        method = getattr(handler, _method_name(operation), None)
        if method is None:
            raise DynamoDBServiceError(
                "UnknownOperationException", f"Unknown operation {operation}", 400, _request_id()
            )
        # What BaseResponse.setup_class would have filled in from an HTTP request.
        handler.body = json.loads(json.dumps(params)) if operation in _WRITES else params
        try:
            with BACKEND_LOCK:
                result = method()
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
        return wire_json(result.result)  # type: ignore[no-any-return]


def _service_error(error: JsonRESTError) -> DynamoDBServiceError:
    try:
        body = json.loads(error.description)
    except (TypeError, ValueError):
        body = {}
    code = str(error.error_type).rsplit("#", 1)[-1]
    message = body.get("message") or body.get("Message") or error.message
    return DynamoDBServiceError(code, message, int(error.code), _request_id(), body)
