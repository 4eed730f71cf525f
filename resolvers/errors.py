"""Errors raised while resolving a field. Only `appsync/errors.py` turns them into AppSync JSON."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from resolvers.context import SkipTo


class ResolverError(Exception):
    """Root of the resolver package's errors.

    Every resolver error that reaches the client is a field error with AppSync's keys:
    `errorType`, `message`, `data`, `errorInfo`.
    """

    def __init__(
        self,
        message: str,
        error_type: str | None = None,
        data: Any = None,
        error_info: Any = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.error_type = error_type
        self.data = data
        self.error_info = error_info


class UtilError(ResolverError):
    """`$util.error(...)` / `util.error(...)`: stops the resolver and becomes a field error."""


class UnauthorizedFieldError(ResolverError):
    """`$util.unauthorized()` or a field-level denial: AppSync's `Unauthorized` field error."""


class DataSourceError(ResolverError):
    """A data source call failed (DynamoDB:ConditionalCheckFailedException, Lambda:Unhandled).
    `unhandled_error_type` is a Lambda function error's own `errorType`, which AppSync shows as
    `ctx.error.unhandledErrorType`."""

    def __init__(
        self,
        message: str,
        error_type: str | None = None,
        data: Any = None,
        error_info: Any = None,
        *,
        unhandled_error_type: str | None = None,
    ) -> None:
        super().__init__(message, error_type, data, error_info)
        self.unhandled_error_type = unhandled_error_type


class TemplateError(ResolverError):
    """A template or resolver module that cannot be loaded: names the file, line and column."""

    def __init__(self, file: str, line: int, column: int, message: str) -> None:
        super().__init__(f"{file}:{line}:{column}: {message}", "MappingTemplate")
        self.file = file
        self.line = line
        self.column = column
        self.detail = message


@dataclass(frozen=True, slots=True)
class CodeProblem:
    """One thing AppSync refuses in APPSYNC_JS code, as EvaluateCode's CodeError reports it:
    `kind` is its errorType ("PARSER_ERROR", "LINT_ERROR"), `span` the length of the construct
    (-1 when unknown, as the CodeErrorLocation shape defaults); `file` is where it is (a
    bundle's original source, through its source map)."""

    kind: str
    file: str
    line: int
    column: int
    span: int
    message: str


class CodeRefusedError(TemplateError):
    """APPSYNC_JS code AppSync would refuse when it is saved: the first problem as a
    TemplateError, with how many others there are, and every problem in `problems`."""

    def __init__(self, problems: Sequence[CodeProblem]) -> None:
        first = problems[0]
        message = first.message
        if len(problems) > 1:
            message += f" (and {len(problems) - 1} more)"
        super().__init__(first.file, first.line, first.column, message)
        self.problems = tuple(problems)


class LambdaApiError(ResolverError):
    """Lambda's Invoke API refused a call (a `FunctionInvoker` raises it): `code` is Lambda's
    exception name (`ResourceNotFoundException`, `TooManyRequestsException`), and the error
    type AppSync's `Lambda:<code>`.

    AWS differs (unconfirmed): AppSync's errorType for a Lambda call its API refused is not
    documented; it is written as the `Lambda:` errors AppSync does report are.
    """

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message, f"Lambda:{code}")
        self.code = code


class HandlerImportError(ResolverError):
    """A Lambda handler named `module:function` that cannot be imported or is not callable."""

    def __init__(self, handler: str, message: str) -> None:
        super().__init__(f"{handler}: {message}", "HandlerImport")
        self.handler = handler
        self.detail = message


class CodeError(ResolverError):
    """Resolver code that raised at run time: AppSync's `Code` field error.

    APPSYNC_JS reports `"errorType": "Code"` with `"message": "code.js:162:13: ReferenceError:
    ..."` (aws-appsync-community#328); the PYTHON runtime names the module's file the same way.
    """

    def __init__(self, file: str, line: int, column: int, message: str) -> None:
        super().__init__(f"{file}:{line}:{column}: {message}", "Code")
        self.file = file
        self.line = line
        self.column = column
        self.detail = message


class DynamoDBServiceError(ResolverError):
    """An error DynamoDB returned: its code (`ConditionalCheckFailedException`) and body."""

    def __init__(
        self,
        code: str,
        message: str,
        status: int = 400,
        request_id: str = "",
        body: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(message, f"DynamoDB:{code}")
        self.code = code
        self.status = status
        self.request_id = request_id
        self.body: Mapping[str, Any] = body or {}

    def as_data_source_error(self, data: Any = None) -> DataSourceError:
        """AppSync's field error for it: the Java SDK v2 message suffix, `DynamoDB:<code>`."""
        suffix = f"(Service: DynamoDb, Status Code: {self.status}, Request ID: {self.request_id})"
        return DataSourceError(f"{self.message} {suffix}", f"DynamoDB:{self.code}", data)


class VersionRaceError(ResolverError):
    """A resolved conflict's write found another version stored: read again, resolve again
    (`dynamodb_conflicts`; never reaches a client)."""


class SeedError(DynamoDBServiceError):
    """A seed file that cannot be read or has the wrong shape."""

    def __init__(self, path: Path, message: str) -> None:
        super().__init__("SeedError", f"{path}: {message}")
        self.path = path


class TableSetupError(DynamoDBServiceError):
    """A table the server sets up at start that DynamoDB refused: which table, where (the
    data sources' endpoint; None for the embedded DynamoDB), at which step (CreateTable,
    UpdateTimeToLive, or loading its seed: the item's position and the table it was for), and
    why."""

    def __init__(
        self,
        table: str,
        endpoint: str | None,
        step: str,
        error: DynamoDBServiceError,
        item: tuple[int, str] | None = None,
    ) -> None:
        super().__init__(error.code, error.message, error.status, error.request_id, error.body)
        self.table = table
        self.endpoint = endpoint
        self.step = step
        self.item = item


class LoopbackEndpointError(DynamoDBServiceError):
    """The loopback endpoint could not be served: its port is taken, or the address is not ours."""

    def __init__(self, host: str, port: int, reason: str) -> None:
        super().__init__(
            "LoopbackEndpointError",
            f"cannot serve the embedded DynamoDB on {host}:{port}: {reason}",
        )
        self.host = host
        self.port = port


class JavaMethodError(ResolverError):
    """A VTL template called a method the value's Java class does not have, or a call Java would
    reject; the VTL runtime reports it as a MappingTemplate error at the template's position."""


# Control flow: a VTL directive or `runtime.earlyReturn` leaves the template or handler early.
# The runtime that raises one catches it; none reaches a client.


class StopRendering(ResolverError):
    """`#stop`, or `#break` outside a loop: the output so far is the template's output."""

    def __init__(self) -> None:
        super().__init__("#stop")


class BreakLoop(ResolverError):
    """`#break` inside `#foreach`."""

    def __init__(self) -> None:
        super().__init__("#break")


class ReturnFromTemplate(ResolverError):
    """`#return` / `#return(value)`."""

    def __init__(self, value: Any) -> None:
        super().__init__("#return")
        self.value = value


class EarlyReturn(BaseException):
    """Raised by `runtime.earlyReturn` in a PYTHON handler.

    The one exception here not under `ResolverError`: a BaseException, so that a handler's own
    `except Exception` lets it pass, as it must to stop the handler.
    """

    def __init__(self, value: Any, skip_to: SkipTo | None) -> None:
        super().__init__("earlyReturn")
        self.value = value
        self.skip_to = skip_to


class HandlerOffloaded(BaseException):
    """Raised by an APPSYNC_JS handler that outlasted its slice of the server's event loop; it
    was stopped there and what it did to the field's context undone. `rerun()` runs it again,
    from the start, off the loop, and returns what the handler returns (or raises as it does).

    Control flow, like `EarlyReturn`: `resolvers.unit.run_request` and `run_response` catch it.
    """

    def __init__(self, rerun: Callable[[], Awaitable[Any]]) -> None:
        super().__init__("handler offloaded")
        self.rerun = rerun


class JsEngineError(ResolverError):
    """The JavaScript engine stopped a call with an error the APPSYNC_JS wrapper could not report
    (memory it could not get even to report); `position` is where, in the factory's text."""

    def __init__(self, message: str, position: tuple[int, int] | None) -> None:
        super().__init__(message)
        self.position = position
