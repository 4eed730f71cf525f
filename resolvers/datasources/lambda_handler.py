"""A local Python handler named `module:function`, standing in for a Lambda function in the
server's own process (`lambdaConfig.handler`, a LAMBDA conflict handler's `handler`).

The handler is imported when the data source is built. It may be a plain function (run in a
worker thread, as blocking code must be) or a coroutine function (awaited on the loop), taking
`(event)` or Lambda's `(event, context)`. Event and result cross a JSON boundary both ways, as
they do between AppSync and Lambda, so the handler gets a copy and a result that JSON cannot
carry fails as Lambda's marshalling does.

A handler that raises is a Lambda function error: AppSync reports `errorType: "Lambda:Unhandled"`
with the function's errorMessage, which is `str(exception)` for Python (aws-appsync-community#209,
amplify-cli#9378); `ctx.error.unhandledErrorType` is the exception's class name, as the Python
runtime's `errorType` is.
"""

from __future__ import annotations

import asyncio
import importlib
import inspect
import json
import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from resolvers.errors import DataSourceError, HandlerImportError

logger = logging.getLogger(__name__)

LAMBDA_UNHANDLED = "Lambda:Unhandled"
# AppSync's execution limit, offered to handlers as `context.get_remaining_time_in_millis()`.
_TIMEOUT_MILLIS = 30_000


@dataclass(frozen=True, slots=True)
class LambdaContext:
    """The `context` argument of a Lambda handler, with the attributes Python handlers read."""

    function_name: str
    aws_request_id: str
    invoked_function_arn: str
    deadline: float = field(repr=False)
    function_version: str = "$LATEST"
    memory_limit_in_mb: int = 128
    log_group_name: str = ""
    log_stream_name: str = ""

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self.deadline - time.monotonic()) * 1000))


def _import_handler(handler: str) -> Callable[..., Any]:
    module_name, sep, attribute = handler.partition(":")
    if not sep or not module_name or not attribute:
        raise HandlerImportError(handler, "expected 'module:function'")
    try:
        module = importlib.import_module(module_name)
    except Exception as exc:  # importing user code is an edge: report why it failed
        raise HandlerImportError(handler, f"cannot import {module_name}: {exc!r}") from exc
    target: Any = module
    for part in attribute.split("."):
        target = getattr(target, part, None)
        if target is None:
            raise HandlerImportError(handler, f"{module_name} has no attribute {attribute}")
    if not callable(target):
        raise HandlerImportError(handler, f"{attribute} is not callable")
    return target  # type: ignore[no-any-return]


def _takes_context(function: Callable[..., Any]) -> bool:
    """True when the handler takes Lambda's (event, context); False for a one-argument handler."""
    try:
        parameters = list(inspect.signature(function).parameters.values())
    except (TypeError, ValueError):
        return True
    positional = [
        p
        for p in parameters
        if p.kind in (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    ]
    variadic = any(p.kind is inspect.Parameter.VAR_POSITIONAL for p in parameters)
    return variadic or len(positional) >= 2


def _through_json(value: Any) -> Any:
    return json.loads(json.dumps(value))


class PythonHandler:
    """A `LambdaFunction` (`resolvers.datasources.lambda_`) run in this process."""

    __slots__ = ("_function", "_handler", "_is_async", "_name", "_takes_context")

    def __init__(self, name: str, handler: str) -> None:
        self._name = name
        self._handler = handler
        self._function = _import_handler(handler)
        self._is_async = inspect.iscoroutinefunction(self._function)
        self._takes_context = _takes_context(self._function)

    @property
    def handler(self) -> str:
        return self._handler

    async def call(self, event: Any, *, asynchronous: bool = False) -> Any:
        """One invocation: the event in, the JSON result out, or `Lambda:Unhandled`.

        AWS differs: an asynchronous (`Event`) invocation runs to completion here before the
        field resolves, and its result is dropped; AppSync returns at once.
        """
        event = _through_json(event)
        args: tuple[Any, ...] = (event,)
        if self._takes_context:
            args = (event, self._context())
        try:
            if self._is_async:
                result = await self._function(*args)
            else:
                result = await asyncio.to_thread(self._function, *args)
        except Exception as exc:  # the handler is user code: any failure is a function error
            logger.info("Lambda handler %s raised %r", self._handler, exc)
            raise DataSourceError(
                str(exc), LAMBDA_UNHANDLED, unhandled_error_type=type(exc).__name__
            ) from exc
        try:
            value = _through_json(result)
        except (TypeError, ValueError) as exc:
            # The Python runtime's own wording for a result it cannot serialize.
            raise DataSourceError(
                f"Unable to marshal response: {exc}",
                LAMBDA_UNHANDLED,
                unhandled_error_type="Runtime.MarshalError",
            ) from exc
        return None if asynchronous else value

    def _context(self) -> LambdaContext:
        return LambdaContext(
            function_name=self._name,
            aws_request_id=str(uuid.uuid4()),
            invoked_function_arn=f"arn:aws:lambda:us-east-1:000000000000:function:{self._name}",
            deadline=time.monotonic() + _TIMEOUT_MILLIS / 1000,
            log_group_name=f"/aws/lambda/{self._name}",
        )
