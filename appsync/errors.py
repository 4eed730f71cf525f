"""The server's errors, and the only place that knows AppSync's error JSON.

Request-level failures are `{"errors": [{"errorType": ..., "message": ...}]}` with a 4xx status
and an `x-amzn-errortype` header. Everything that reaches GraphQL execution is HTTP 200: document
errors (validation, variable coercion) as `{"path": null, "locations": [...], "message": ...}`
with `data: null`, field errors as `{"path", "data", "errorType", "errorInfo", "locations",
"message"}` beside the partial data. Shapes from the AppSync team's description of their HTTP
behaviour (graphql/graphql-over-http#81) and responses recorded in amplify-cli#9121 and
amplify-js#4270.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from enum import StrEnum
from typing import Any, NotRequired, TypedDict

from graphql import GraphQLError

from definition.problems import Problem
from resolvers.errors import ResolverError
from schema.errors import CoercionError, SchemaError

logger = logging.getLogger(__name__)


class AppSyncError(Exception):
    """Root of the server's own errors."""


class ConfigError(AppSyncError):
    """A definition the reader accepted whose API cannot be built or started (its SDL,
    templates, code, handlers, auth settings, a state machine the engine refuses); lists every
    problem found, not only the first."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))


class ResourceJournalError(AppSyncError):
    """A change to a template's queue or bucket could not be written to the data directory
    (`appsync.aws.resource_files`; the message names the file)."""


class ClockOptionError(AppSyncError):
    """`serve --clock-start` without `--clock manual`."""


class BrokerError(AppSyncError):
    """The broker cannot carry publications (Redis unreachable, a malformed message)."""


class SandboxError(AppSyncError):
    """`appsync-local sandbox` cannot run on this project (no amplify/backend.ts, no
    node_modules, no npx, no package.json name, a malformed option); the message says which."""


class TlsError(AppSyncError):
    """The certificate or key cannot be used (missing file, not PEM, a key that does not match)."""


class RealtimeProtocolError(AppSyncError):
    """The socket glue drove the state machine through an illegal transition (a bug here)."""


class FilterError(AppSyncError):
    """A subscription or invalidation filter AppSync would refuse."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class RequestErrorType(StrEnum):
    """The `errorType` of a request AppSync refuses before executing it."""

    MALFORMED_HTTP_REQUEST = "MalformedHttpRequestException"
    UNAUTHORIZED = "UnauthorizedException"
    BAD_REQUEST = "BadRequestException"
    INTERNAL_FAILURE = "InternalFailureException"
    # SigV4 failures keep the signature error types AWS services answer with, at HTTP 403
    # (amplify-js#2422: `x-amzn-ErrorType=InvalidSignatureException` on a 403 from AppSync).
    INVALID_SIGNATURE = "InvalidSignatureException"
    INCOMPLETE_SIGNATURE = "IncompleteSignatureException"
    UNRECOGNIZED_CLIENT = "UnrecognizedClientException"
    EXPIRED_TOKEN = "ExpiredTokenException"


class RequestError(AppSyncError):
    """A request refused as a whole: rendered as one error with a 4xx status."""

    def __init__(self, status: int, error_type: RequestErrorType, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.error_type = error_type
        self.message = message


# AppSync's texts for bodies that are not GraphQL requests (graphql/graphql-over-http#81).
EMPTY_BODY_MESSAGE = "Request body is empty."
UNPARSABLE_QUERY_MESSAGE = "Unable to parse GraphQL query."


class PayloadTooLargeError(RequestError):
    # AWS differs: AppSync's answer to an oversized body is not documented; this is a 413 in
    # AppSync's request-error shape.
    def __init__(self, limit: int) -> None:
        super().__init__(
            413, RequestErrorType.BAD_REQUEST, f"Request body exceeds the limit of {limit} bytes."
        )


class BodyTimeoutError(RequestError):
    """The request's body did not arrive in time. AWS differs: AppSync's answer to a stalled body
    is not documented; this is a 408 in AppSync's request-error shape, and the connection is
    closed after it."""

    def __init__(self, seconds: float) -> None:
        super().__init__(
            408,
            RequestErrorType.BAD_REQUEST,
            f"Request body not received within {seconds:g} seconds.",
        )


def malformed_request(message: str = UNPARSABLE_QUERY_MESSAGE) -> RequestError:
    return RequestError(400, RequestErrorType.MALFORMED_HTTP_REQUEST, message)


# A subscription operation sent to /graphql over HTTP: the body from aws-samples/aws-amplify-
# appsync-graphql-real-time-canvas#28, a 400 per awslabs/aws-mobile-appsync-sdk-js#628 (since
# AppSync retired the MQTT subscriptions that HTTP request used to set up).
SUBSCRIPTIONS_OVER_MQTT_MESSAGE = "Subscriptions over MQTT is not supported."


def subscription_over_http() -> RequestError:
    return RequestError(400, RequestErrorType.BAD_REQUEST, SUBSCRIPTIONS_OVER_MQTT_MESSAGE)


def internal_failure() -> RequestError:
    """A failure of the server itself (AppSync's API model names it InternalFailureException)."""
    return RequestError(500, RequestErrorType.INTERNAL_FAILURE, "An internal error occurred.")


def unauthorized_request(
    message: str, error_type: str = RequestErrorType.UNAUTHORIZED, status: int = 401
) -> RequestError:
    """A caller auth refused as a whole: 401 `UnauthorizedException`, or for a bad SigV4
    signature the 403 and signature error type auth names."""
    try:
        known = RequestErrorType(error_type)
    except ValueError:
        # auth names only the types above; anything else is still a refusal, never a pass.
        logger.error("unknown auth error type %s; answering UnauthorizedException", error_type)
        return RequestError(401, RequestErrorType.UNAUTHORIZED, message)
    return RequestError(status, known, message)


class RequestErrorJson(TypedDict):
    errorType: str
    message: str


class RequestErrorBody(TypedDict):
    errors: list[RequestErrorJson]


class LocationJson(TypedDict):
    line: int
    column: int
    sourceName: None


class DocumentErrorJson(TypedDict):
    path: None
    locations: list[LocationJson] | None
    message: str


class CompletionErrorJson(TypedDict):
    path: list[str | int]
    locations: None
    message: str


class FieldErrorJson(TypedDict):
    path: list[str | int]
    data: Any
    errorType: str | None
    errorInfo: Any
    locations: list[LocationJson] | None
    message: str


class ResponseBody(TypedDict):
    data: dict[str, Any] | None
    errors: NotRequired[list[DocumentErrorJson | CompletionErrorJson | FieldErrorJson]]
    # `apiCacheEntriesDeleted` after a mutation's `evictFromApiCache` removed entries.
    extensions: NotRequired[dict[str, Any]]


def request_error_body(error: RequestError) -> RequestErrorBody:
    return {"errors": [{"errorType": error.error_type.value, "message": error.message}]}


def request_error_headers(error: RequestError, request_id: str) -> dict[str, str]:
    """AppSync names the error in `x-amzn-errortype`; Amplify reads it to spot a 401. A client
    whose body stalled is not kept connected."""
    headers = {"x-amzn-errortype": error.error_type.value, "x-amzn-requestid": request_id}
    if isinstance(error, BodyTimeoutError):
        headers["connection"] = "close"
    return headers


def _locations(error: GraphQLError) -> list[LocationJson] | None:
    if not error.locations:
        return None
    return [
        {"line": location.line, "column": location.column, "sourceName": None}
        for location in error.locations
    ]


# AppSync's answer when something fails that is not the resolver's doing (amplify-js#5926).
INTERNAL_FAILURE_TYPE = "InternalFailure"
INTERNAL_FAILURE_MESSAGE = "An internal error occurred."


# The TypeErrors graphql-core raises while completing a value (not a resolver's failure).
_COMPLETION_ERRORS = (
    "Cannot return null for non-nullable",
    "Expected Iterable",
    "Abstract type",
    "Runtime Object type",
    "Expected value of type",
)


def render_error(error: GraphQLError) -> DocumentErrorJson | CompletionErrorJson | FieldErrorJson:
    """One GraphQL error as AppSync writes it."""
    if error.path is None:
        return {"path": None, "locations": _locations(error), "message": error.message}
    path = list(error.path)
    original = error.original_error
    if isinstance(original, ResolverError):
        return {
            "path": path,
            "data": original.data,
            "errorType": original.error_type,
            "errorInfo": original.error_info,
            "locations": _locations(error),
            "message": original.message,
        }
    if (
        original is None
        or isinstance(original, GraphQLError | CoercionError)
        or (isinstance(original, TypeError) and error.message.startswith(_COMPLETION_ERRORS))
    ):
        # Completion errors: a null for a non-null field, a result the scalar cannot serialize.
        # AppSync (graphql-java's NonNullableFieldWasNullError, SerializationError) writes only
        # path, null locations and message (graphql-compose#121, a recorded AppSync response).
        return {"path": path, "locations": None, "message": error.message}
    if isinstance(original, SchemaError):
        # A schema-level limit met while executing (the query depth limit): a field error.
        return {
            "path": path,
            "data": None,
            "errorType": getattr(original, "error_type", None),
            "errorInfo": None,
            "locations": _locations(error),
            "message": error.message,
        }
    logger.error("unexpected error resolving %s", path, exc_info=original)
    return {
        "path": path,
        "data": None,
        "errorType": INTERNAL_FAILURE_TYPE,
        "errorInfo": None,
        "locations": _locations(error),
        "message": INTERNAL_FAILURE_MESSAGE,
    }


def appended_error(
    path: Sequence[str | int],
    locations: list[LocationJson] | None,
    raw: dict[str, Any],
) -> FieldErrorJson:
    """An error a resolver added with `util.appendError`: reported beside the field's value."""
    return {
        "path": list(path),
        "data": raw.get("data"),
        "errorType": raw.get("errorType", raw.get("type")),
        "errorInfo": raw.get("errorInfo"),
        "locations": locations,
        "message": str(raw.get("message", "")),
    }


def response_body(
    data: dict[str, Any] | None,
    errors: Sequence[GraphQLError],
    extra_errors: Sequence[FieldErrorJson] = (),
) -> ResponseBody:
    body: ResponseBody = {"data": data}
    rendered: list[DocumentErrorJson | CompletionErrorJson | FieldErrorJson] = [
        render_error(error) for error in errors
    ]
    rendered.extend(extra_errors)
    if rendered:
        body["errors"] = rendered
    return body
