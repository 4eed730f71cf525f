"""The resolver context: `$ctx` in VTL, `ctx` in the PYTHON runtime.

Field names follow AppSync's context reference (Resolver context object reference, APPSYNC_JS):
`arguments` (alias `args`), `identity`, `source`, `stash`, `prev.result`, `info`, `request`,
`error`, `result`, `env` (the API's environment variables, given by its resolver). The server
fills one per resolved field; a pipeline shares `stash` between its functions and moves each
function's result into `prev`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import Any, Protocol

# An API without environment variables: one empty, read-only mapping shared by every context.
NO_ENVIRONMENT: Mapping[str, str] = MappingProxyType({})


# Made per request: slotted, not frozen (a frozen __init__ costs four times as much).
@dataclass(slots=True)
class ResolverInfo:
    """`ctx.info`: where in the operation this field sits."""

    field_name: str
    parent_type_name: str
    variables: dict[str, Any]
    selection_set_list: list[str]
    selection_set_graphql: str

    def to_context(self) -> dict[str, Any]:
        return {
            "fieldName": self.field_name,
            "parentTypeName": self.parent_type_name,
            "variables": self.variables,
            "selectionSetList": self.selection_set_list,
            "selectionSetGraphQL": self.selection_set_graphql,
        }


# Made per request: slotted, not frozen (a frozen __init__ costs four times as much).
@dataclass(slots=True)
class RequestInfo:
    """`ctx.request`: the HTTP request's headers (lower-case names) and the API's domain name."""

    headers: dict[str, str]
    domain_name: str | None = None

    def to_context(self) -> dict[str, Any]:
        return {"headers": self.headers, "domainName": self.domain_name}


@dataclass(slots=True)
class ContextError:
    """`ctx.error`: set for the response handler when the data source call failed.

    A Lambda function's error adds `unhandledErrorType`, Lambda's own `errorType` of it
    (`Sandbox.Timedout` for a timeout; aws-appsync-community#386 records
    `{unhandledErrorType, message, type}`).
    """

    message: str
    type: str | None
    unhandled_error_type: str | None = None

    @property
    def unhandledErrorType(self) -> str | None:
        """AppSync's name, as PYTHON resolver code reads it (`ctx.error.unhandledErrorType`)."""
        return self.unhandled_error_type

    def to_context(self) -> dict[str, Any]:
        if self.unhandled_error_type is None:
            return {"message": self.message, "type": self.type}
        return {
            "message": self.message,
            "type": self.type,
            "unhandledErrorType": self.unhandled_error_type,
        }


class SkipTo(StrEnum):
    """Where an early return goes (`runtime.earlyReturn(obj, {"skipTo": ...})`, runtime-utils-js).

    `NEXT` and `END` are AppSync's own `skipTo` values. `RESOLVER` is VTL's `#return`, which
    "will return from the closest scoped block of logic" (AWS AppSync directives): from a pipeline
    function it goes on as NEXT; from a resolver mapping template (a unit resolver's, or a
    pipeline's before template) it returns from the resolver, so the after template does not run.
    The PYTHON runtime's `runtime.earlyReturn()` without `skipTo` leaves this None, which is NEXT
    in a function and "call the after handler now" in a pipeline's before handler.
    """

    NEXT = "NEXT"
    END = "END"
    RESOLVER = "RESOLVER"


@dataclass(slots=True)
class OperationScope:
    """State that every field of one GraphQL operation shares.

    The server makes one per operation and passes the same object to each field's
    `ResolverContext`. Lambda's BatchInvoke keeps its per-operation batches here, keyed by
    (data source name, parent type name, field name).
    """

    batches: dict[tuple[str, str, str], object] = field(default_factory=dict)


class MappingLogType(StrEnum):
    """The field-level events of AppSync's CloudWatch log that a handler's run produces."""

    REQUEST_MAPPING = "RequestMapping"
    RESPONSE_MAPPING = "ResponseMapping"


class FieldObserver(Protocol):
    """What one field's run tells the API's log (`appsync.api_log`) when the API has a
    `logConfig`: each handler's evaluated result, and the lines `$util.log` and `console.*`
    write. Absent (None on the context) when the API does not log."""

    def mapping(
        self,
        log_type: MappingLogType,
        function: str | None,
        ctx: ResolverContext,
        transformed: Any,
    ) -> None: ...

    def user_log(self, level: str, message: str) -> None: ...


@dataclass(slots=True)
class ResolverContext:
    """One field's context; mutable where AppSync lets a resolver change it."""

    arguments: dict[str, Any]
    source: Any
    identity: dict[str, Any] | None
    info: ResolverInfo
    request: RequestInfo
    stash: dict[str, Any] = field(default_factory=dict)
    prev_result: Any = None
    result: Any = None
    error: ContextError | None = None
    # `$util.authType()`: "API Key Authorization", "IAM Authorization", "User Pool Authorization",
    # "Open ID Connect Authorization" or "Lambda Authorization".
    auth_type: str | None = None
    # Set by runtime.earlyReturn / #return in a request handler: skip the data source.
    early_return: bool = False
    # Where that early return goes; None is the default for where it was called.
    early_return_skip_to: SkipTo | None = None
    # Errors appended with util.appendError, reported beside the field's value; each has the
    # keys "message", "errorType", "data" and "errorInfo", as util.error takes them.
    appended_errors: list[dict[str, Any]] = field(default_factory=list)
    # Extensions a subscription resolver sets (setSubscriptionFilter ...), read by the server.
    extensions: dict[str, Any] = field(default_factory=dict)
    # The operation this field belongs to; None resolves every BatchInvoke as a batch of one.
    operation: OperationScope | None = None
    # The resolver's or function's `maxBatchSize`, set by UnitResolver / PipelineResolver before
    # the data source runs; 0 means no batching configured.
    max_batch_size: int = 0
    # True while a pipeline runs: the direct Lambda event then carries `prev: {result}`.
    in_pipeline: bool = False
    # The API's log for this field, when the API logs (`logConfig`).
    observer: FieldObserver | None = None
    # `ctx.env`: the API's `environmentVariables`, set by the resolver that runs the field
    # (None until then: a default the dataclass takes without a factory call per field).
    env: Mapping[str, str] | None = None

    @property
    def args(self) -> dict[str, Any]:
        return self.arguments

    def to_context(self) -> dict[str, Any]:
        """The plain-JSON view templates see as `$ctx` / `$context`."""
        return {
            "arguments": self.arguments,
            "args": self.arguments,
            "source": self.source,
            "identity": self.identity,
            "stash": self.stash,
            "prev": {"result": self.prev_result},
            "result": self.result,
            "error": self.error.to_context() if self.error else None,
            "info": self.info.to_context(),
            "request": self.request.to_context(),
            # A copy: what a template puts in it stays with that render.
            "env": {} if self.env is None else dict(self.env),
        }
