"""The frames of AppSync's realtime protocol (`graphql-ws` subprotocol, AppSync dialect).

Shapes are those real clients and the service put on the wire: aws-amplify's
AWSWebSocketProvider, aws-appsync-subscription-link, the iOS realtime client's decoder of
service responses (`RealtimeConnectionProviderResponse.swift`) and logs quoted in amplify-js#9226
and amplify-swift#1589 (reference/appsync.md sections 3.3 and 6). Keys keep the wire's camelCase.

Error frames carry `payload.errors` as a list, except the two the service sends as a single
object (`MaxSubscriptionsReachedError`, throttling), which the iOS client decodes as an object.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, NotRequired, TypedDict

from graphql import GraphQLError

from resolvers.errors import ResolverError


class ClientMessageType(StrEnum):
    CONNECTION_INIT = "connection_init"
    START = "start"
    STOP = "stop"


class ServerMessageType(StrEnum):
    CONNECTION_ACK = "connection_ack"
    CONNECTION_ERROR = "connection_error"
    KA = "ka"
    START_ACK = "start_ack"
    DATA = "data"
    ERROR = "error"
    COMPLETE = "complete"


SUBPROTOCOL = "graphql-ws"
# amplify-js v6 and aws-appsync-subscription-link since 2026-03 send the handshake's header JSON
# as a `header-<base64url>` entry beside `graphql-ws` in Sec-WebSocket-Protocol.
HEADER_SUBPROTOCOL_PREFIX = "header-"

# The value the service sends (amplify-js#9226: `"connectionTimeoutMs":300000`).
CONNECTION_TIMEOUT_MS = 300_000
# aws-appsync-subscription-link: SERVER_KEEP_ALIVE_TIMEOUT = 1 min; clients warn after 65 s.
KEEP_ALIVE_INTERVAL_SECONDS = 60.0
# How long a socket may stay silent after its upgrade before its first frame (`connection_init`,
# or a `start` without one): clients wait 15 s for `connection_ack` (aws-appsync-subscription-
# link and amplify-js), so a socket silent for longer serves no client.
FIRST_FRAME_TIMEOUT_SECONDS = 15.0
# "Max number of 100 subscriptions reached" (aws-appsync-realtime-client-ios).
MAX_SUBSCRIPTIONS_PER_CONNECTION = 100
# AppSync quotas: 240 KB per subscription payload over pure websockets (docs.aws.amazon.com/
# general/latest/gr/appsync.html, quoted in aws-appsync-community#175).
MAX_SUBSCRIPTION_PAYLOAD_BYTES = 240 * 1024


class ErrorJson(TypedDict):
    """One error inside an `error` or `connection_error` frame."""

    message: str
    errorType: NotRequired[str]
    errorCode: NotRequired[int]
    path: NotRequired[list[str | int]]


# Client -> server.


class ConnectionInitMessage(TypedDict):
    type: str


class StartExtensions(TypedDict, total=False):
    # The header object of the subscription's auth mode (`x-api-key`, `Authorization`, SigV4).
    authorization: dict[str, str]


class StartPayload(TypedDict):
    # A JSON *string* holding `query` and `variables` (the IAM signature covers this string).
    data: str
    extensions: NotRequired[StartExtensions]


class StartMessage(TypedDict):
    id: str
    type: str
    payload: StartPayload


class StopMessage(TypedDict):
    id: str
    type: str


# Server -> client.


class ConnectionAckPayload(TypedDict):
    connectionTimeoutMs: int


class ConnectionAckMessage(TypedDict):
    type: str
    payload: ConnectionAckPayload


class ErrorsPayload(TypedDict):
    errors: list[ErrorJson] | ErrorJson


class ConnectionErrorMessage(TypedDict):
    type: str
    payload: ErrorsPayload


class KeepAliveMessage(TypedDict):
    type: str


class StartAckMessage(TypedDict):
    type: str
    id: str


class DataPayload(TypedDict):
    data: dict[str, Any] | None
    errors: NotRequired[list[ErrorJson]]


class DataMessage(TypedDict):
    type: str
    id: str
    payload: DataPayload


class ErrorMessage(TypedDict):
    type: str
    id: NotRequired[str]
    payload: ErrorsPayload


class CompleteMessage(TypedDict):
    type: str
    id: str


ServerMessage = (
    ConnectionAckMessage
    | ConnectionErrorMessage
    | KeepAliveMessage
    | StartAckMessage
    | DataMessage
    | ErrorMessage
    | CompleteMessage
)


def connection_ack(timeout_ms: int = CONNECTION_TIMEOUT_MS) -> ConnectionAckMessage:
    return {
        "type": ServerMessageType.CONNECTION_ACK,
        "payload": {"connectionTimeoutMs": timeout_ms},
    }


def keep_alive() -> KeepAliveMessage:
    return {"type": ServerMessageType.KA}


def start_ack(subscription_id: str) -> StartAckMessage:
    return {"type": ServerMessageType.START_ACK, "id": subscription_id}


def data(subscription_id: str, payload: DataPayload) -> DataMessage:
    return {"type": ServerMessageType.DATA, "id": subscription_id, "payload": payload}


def complete(subscription_id: str) -> CompleteMessage:
    return {"type": ServerMessageType.COMPLETE, "id": subscription_id}


def error(subscription_id: str | None, errors: list[ErrorJson] | ErrorJson) -> ErrorMessage:
    message: ErrorMessage = {"type": ServerMessageType.ERROR, "payload": {"errors": errors}}
    if subscription_id is not None:
        message["id"] = subscription_id
    return message


def connection_error(errors: list[ErrorJson]) -> ConnectionErrorMessage:
    return {"type": ServerMessageType.CONNECTION_ERROR, "payload": {"errors": errors}}


# Error texts and types the service sends, with where they were recorded.

# aws-appsync-realtime-client-ios, the service's answer to the 101st `start`; `errors` is an object.
MAX_SUBSCRIPTIONS_ERROR_TYPE = "MaxSubscriptionsReachedError"
MAX_SUBSCRIPTIONS_MESSAGE = "Max number of 100 subscriptions reached"
# A frame the service cannot route, or a `start` whose document is not a subscription:
# `{"errorType":"UnsupportedOperation","message":"unknown not supported through the realtime
# channel"}` with `"id": ""` (recorded for an Apollo-style `start` without `payload.data`).
UNSUPPORTED_OPERATION_ERROR_TYPE = "UnsupportedOperation"
UNSUPPORTED_OPERATION_SUFFIX = " not supported through the realtime channel"
# A connection whose handshake credentials fail, as the service answers since at least 2023
# (amplify-flutter#2763; aws-appsync-community#373 for a SigV4 handshake): the upgrade is
# accepted, then `{"errorType":"UnauthorizedException","message":"You are not authorized to
# make this call.","errorCode":401}`. (The 2021 form, errorType
# `com.amazonaws.deepdish.graphql.auth#UnauthorizedException` with errorCode 400 in
# amplify-android#1392, is superseded.)
UNAUTHORIZED_ERROR_TYPE = "UnauthorizedException"
CONNECTION_UNAUTHORIZED_ERROR_CODE = 401
# A handshake without any auth header (no `header` parameter, no `header-` subprotocol entry):
# accepted, then this error, without an errorType (graphql-dotnet/graphql-client#662, 2024).
REQUIRED_HEADERS_MISSING_MESSAGE = "Required headers are missing."
REQUIRED_HEADERS_MISSING_ERROR_CODE = 400


def unsupported_operation(operation: str) -> ErrorJson:
    return {
        "errorType": UNSUPPORTED_OPERATION_ERROR_TYPE,
        "message": f"{operation}{UNSUPPORTED_OPERATION_SUFFIX}",
    }


def connection_unauthorized(message: str) -> ErrorJson:
    """The `connection_error` error of a handshake whose credentials failed."""
    return {
        "errorType": UNAUTHORIZED_ERROR_TYPE,
        "message": message,
        "errorCode": CONNECTION_UNAUTHORIZED_ERROR_CODE,
    }


def required_headers_missing() -> ErrorJson:
    """The `connection_error` error of a handshake that carried no auth header at all."""
    return {
        "message": REQUIRED_HEADERS_MISSING_MESSAGE,
        "errorCode": REQUIRED_HEADERS_MISSING_ERROR_CODE,
    }


def max_subscriptions_reached() -> ErrorJson:
    return {"errorType": MAX_SUBSCRIPTIONS_ERROR_TYPE, "message": MAX_SUBSCRIPTIONS_MESSAGE}


def data_error(error: GraphQLError) -> ErrorJson:
    """A data frame's error as the service writes it: `message` and `path` (amplify-cli#6450),
    plus `errorType` when a resolver-side rule (field auth) produced it."""
    original = error.original_error
    rendered: ErrorJson = {
        "message": original.message if isinstance(original, ResolverError) else error.message
    }
    if error.path:
        rendered["path"] = list(error.path)
    if isinstance(original, ResolverError) and original.error_type:
        rendered["errorType"] = original.error_type
    return rendered
