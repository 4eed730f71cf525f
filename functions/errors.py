"""Errors of the local Lambda runtime: one root, and the Lambda API errors an Invoke can raise.

A handler's own failure is not an exception here: Lambda returns it as the invocation's payload
with `X-Amz-Function-Error: Unhandled` (see `model.InvokeResult`). These are the failures that
stop a function from running at all, each named by the exception Lambda's Invoke API returns
(https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html, "Errors") with its HTTP status,
so the later AWS endpoint can render them without knowing their causes.
"""

from __future__ import annotations

import json


class FunctionsError(Exception):
    """Root of every error the local Lambda runtime raises."""

    code = "ServiceException"
    status = 500

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ResourceNotFoundError(FunctionsError):
    """No function of that name (or that qualifier) is loaded."""

    code = "ResourceNotFoundException"
    status = 404


class ResourceConflictError(FunctionsError):
    """A function of that name is loaded already."""

    code = "ResourceConflictException"
    status = 409


class InvalidParameterValueError(FunctionsError):
    """A function definition Lambda's CreateFunction would reject (reserved variables, limits)."""

    code = "InvalidParameterValueException"
    status = 400


class RuntimeUnavailableError(FunctionsError):
    """A function whose runtime cannot run on this machine: Node.js missing, or a runtime we lack.

    Raised when the function is loaded, so the other functions of the API still serve.
    """

    code = "InvalidRuntimeException"
    status = 502

    def __init__(self, function_name: str, runtime: str, message: str) -> None:
        super().__init__(message)
        self.function_name = function_name
        self.runtime = runtime


class InvalidRequestContentError(FunctionsError):
    """A payload that is not JSON, or a client context that is not base64-encoded JSON."""

    code = "InvalidRequestContentException"
    status = 400


class RequestTooLargeError(FunctionsError):
    """A payload over Lambda's 6 MB synchronous invocation quota."""

    code = "RequestTooLargeException"
    status = 413


class TooManyRequestsError(FunctionsError):
    """The function's concurrency is exhausted and the invocation is throttled.

    `reason` is the Invoke API's ThrottleReason (botocore `TooManyRequestsException.Reason`):
    `ReservedFunctionConcurrentInvocationLimitExceeded` where a function's reserved concurrency
    is in use, `ConcurrentInvocationLimitExceeded` where the local limit is.
    """

    code = "TooManyRequestsException"
    status = 429

    def __init__(self, reason: str) -> None:
        super().__init__("Rate Exceeded.")
        self.reason = reason


class RequirementsInstallError(FunctionsError):
    """pip could not install a Python function's requirements. AWS has no such failure at
    Invoke (a package is built before it is deployed): the code stays Lambda's ServiceException's
    and the message says what pip said."""


class InvokerClosedError(FunctionsError):
    """An invocation after the invoker has been shut down."""


class WorkerProtocolError(FunctionsError):
    """A worker process sent something that is not a frame of the worker protocol."""


class InitFailedError(FunctionsError):
    """A worker's init phase failed (its handler did not load, or it timed out or exited).

    Not an API error: the invocation that started the worker answers with `payload`, the error
    object, as Lambda answers an invocation whose init phase failed.
    """

    def __init__(self, payload: bytes) -> None:
        super().__init__(payload.decode("utf-8", errors="replace"))
        self.payload = payload

    @property
    def error_type(self) -> str | None:
        try:
            parsed = json.loads(self.payload)
        except ValueError:
            return None
        kind = parsed.get("errorType") if isinstance(parsed, dict) else None
        return kind if isinstance(kind, str) else None
