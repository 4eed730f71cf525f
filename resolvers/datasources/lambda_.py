"""The AWS_LAMBDA data source, served by a local Python handler named `module:function`.

Request documents (resolver-reference-lambda-js, resolver-mapping-template-reference-lambda):
`{"operation": "Invoke" | "BatchInvoke", "payload": any, "invocationType"?: "RequestResponse" |
"Event"}`. The handler receives the payload as its event, as a Lambda function behind AppSync
does (the AWS Lambda resolver tutorial's function reads `event.field` and `event.arguments` from
a template whose payload is `{"field": ..., "arguments": ...}`). Event and result cross a JSON
boundary both ways, as they do between AppSync and Lambda, so the handler gets a copy and a
result that JSON cannot carry fails as Lambda's marshalling does.

Direct Lambda resolvers (no code) use `direct_lambda_code()`: the event is AppSync's context
object `{arguments, identity, source, request, prev, info, stash}` (direct-lambda-reference;
the `AppSyncResolverEvent` schema of Powertools for AWS Lambda), and AppSync's default response
raises a Lambda failure as the field error.

A handler that raises is a Lambda function error: AppSync reports `errorType:
"Lambda:Unhandled"` with the function's errorMessage, which is `str(exception)` for Python
(aws-appsync-community#209, amplify-cli#9378).

BatchInvoke ("instructs AWS AppSync to batch requests for the current GraphQL field"): every
resolution of the same field of the same parent type within one operation joins one batch, and
the handler is called with the list of their payloads, at most `maxBatchSize` at a time (AWS
blog "Introducing configurable batching size for AWS AppSync Lambda resolvers"; 5 was the fixed
size before it was configurable and is the size used when a BatchInvoke template has none). It
returns a list of results in the same order. The batch lives in the operation's
`OperationScope`, which the server creates per operation and hands to every ResolverContext.
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

from resolvers.context import ResolverContext
from resolvers.errors import DataSourceError, HandlerImportError, ResolverError, UtilError

logger = logging.getLogger(__name__)

LAMBDA_UNHANDLED = "Lambda:Unhandled"
INVOKE = "Invoke"
BATCH_INVOKE = "BatchInvoke"
# The batch size of a BatchInvoke whose resolver sets no maxBatchSize (the pre-2021 fixed size).
DEFAULT_BATCH_SIZE = 5
# Event-loop turns a batch stays open for siblings to join: graphql-core starts sibling fields'
# resolvers in the same turn, and one more absorbs a wrapping coroutine layer's scheduling.
_COLLECT_TURNS = 2
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


@dataclass(slots=True)
class _Batch:
    """The BatchInvoke calls of one field in one operation, gathered by the first (the leader)."""

    payloads: list[Any] = field(default_factory=list)
    futures: list[asyncio.Future[Any]] = field(default_factory=list)


class LambdaDataSource:
    """A `type: AWS_LAMBDA` data source whose function is a local handler `module:function`.

    The handler is imported when the data source is built. It may be a plain function (run in a
    worker thread, as blocking code must be) or a coroutine function (awaited on the loop).
    """

    __slots__ = ("_function", "_handler", "_is_async", "_name", "_takes_context")

    def __init__(self, name: str, handler: str) -> None:
        self._name = name
        self._handler = handler
        self._function = _import_handler(handler)
        self._is_async = inspect.iscoroutinefunction(self._function)
        self._takes_context = _takes_context(self._function)

    @property
    def name(self) -> str:
        return self._name

    @property
    def handler(self) -> str:
        return self._handler

    async def invoke(self, request: Any, ctx: ResolverContext) -> Any:
        if not isinstance(request, dict):
            raise ResolverError("A Lambda request must be an object.", "MappingTemplate")
        operation = request.get("operation")
        payload = request.get("payload")
        if operation == INVOKE:
            result = await self.call(payload)
            # AWS differs: an "Event" invocation runs to completion here before the field
            # resolves; AppSync returns at once without waiting for the function.
            return None if request.get("invocationType") == "Event" else result
        if operation == BATCH_INVOKE:
            return await self._join_batch(payload, ctx)
        raise ResolverError(
            f"Unsupported operation '{operation}'. Expected Invoke or BatchInvoke.",
            "MappingTemplate",
        )

    async def call(self, event: Any) -> Any:
        """One Lambda invocation: the event in, the JSON result out, or `Lambda:Unhandled`."""
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
            raise DataSourceError(str(exc), LAMBDA_UNHANDLED) from exc
        try:
            return _through_json(result)
        except (TypeError, ValueError) as exc:
            # The Python runtime's own wording for a result it cannot serialize.
            raise DataSourceError(f"Unable to marshal response: {exc}", LAMBDA_UNHANDLED) from exc

    def _context(self) -> LambdaContext:
        return LambdaContext(
            function_name=self._name,
            aws_request_id=str(uuid.uuid4()),
            invoked_function_arn=f"arn:aws:lambda:us-east-1:000000000000:function:{self._name}",
            deadline=time.monotonic() + _TIMEOUT_MILLIS / 1000,
            log_group_name=f"/aws/lambda/{self._name}",
        )

    async def _join_batch(self, payload: Any, ctx: ResolverContext) -> Any:
        size = ctx.max_batch_size if ctx.max_batch_size > 0 else DEFAULT_BATCH_SIZE
        scope = ctx.operation
        if scope is None:
            return (await self._call_batch([payload]))[0]
        key = (self._name, ctx.info.parent_type_name, ctx.info.field_name)
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        batch = scope.batches.get(key)
        if isinstance(batch, _Batch):
            batch.payloads.append(payload)
            batch.futures.append(future)
            return await future
        batch = _Batch([payload], [future])
        scope.batches[key] = batch
        try:
            for _ in range(_COLLECT_TURNS):
                await asyncio.sleep(0)
        finally:
            del scope.batches[key]
        await self._dispatch(batch, size)
        return await future

    async def _dispatch(self, batch: _Batch, size: int) -> None:
        try:
            async with asyncio.TaskGroup() as group:
                for start in range(0, len(batch.payloads), size):
                    group.create_task(self._settle(batch, start, start + size))
        finally:
            # Cancelled while dispatching: the followers must not wait for ever.
            for future in batch.futures:
                if not future.done():
                    future.cancel()

    async def _settle(self, batch: _Batch, start: int, stop: int) -> None:
        futures = batch.futures[start:stop]
        try:
            results = await self._call_batch(batch.payloads[start:stop])
        except DataSourceError as exc:
            for future in futures:
                future.set_exception(DataSourceError(exc.message, exc.error_type, exc.data))
            return
        for future, result in zip(futures, results, strict=True):
            future.set_result(result)

    async def _call_batch(self, payloads: list[Any]) -> list[Any]:
        results = await self.call(payloads)
        if not isinstance(results, list) or len(results) != len(payloads):
            got = len(results) if isinstance(results, list) else type(results).__name__
            # AWS differs (unconfirmed wording): AppSync's message for a batch result of the
            # wrong shape is not documented.
            raise DataSourceError(
                f"Lambda returned {got} results for a batch of {len(payloads)}; a BatchInvoke "
                "function must return a list with one result per event, in order.",
                LAMBDA_UNHANDLED,
            )
        return results


@dataclass(frozen=True, slots=True)
class DirectLambdaCode:
    """AppSync's behaviour for a Lambda resolver without request and response code."""

    def request(self, ctx: ResolverContext) -> Any:
        event = {
            "arguments": ctx.arguments,
            "identity": ctx.identity,
            "source": ctx.source,
            "request": ctx.request.to_context(),
            "prev": {"result": ctx.prev_result} if ctx.in_pipeline else None,
            "info": ctx.info.to_context(),
            "stash": ctx.stash,
        }
        operation = BATCH_INVOKE if ctx.max_batch_size > 0 else INVOKE
        return {"operation": operation, "payload": event}

    def response(self, ctx: ResolverContext) -> Any:
        # The documented default: `#if($ctx.error) $util.error($ctx.error.message,
        # $ctx.error.type, $ctx.result) #end $util.toJson($ctx.result)`.
        if ctx.error is not None:
            raise UtilError(ctx.error.message, ctx.error.type, ctx.result)
        return ctx.result


_DIRECT_LAMBDA_CODE = DirectLambdaCode()


def direct_lambda_code() -> DirectLambdaCode:
    """The code a Lambda resolver or function without code runs (batching when maxBatchSize > 0)."""
    return _DIRECT_LAMBDA_CODE
