"""The AWS_LAMBDA data source: a function behind `lambdaConfig`, invoked for each request.

The function is a `LambdaFunction`: a function of the local Lambda runtime or of a Lambda
endpoint, through Lambda's Invoke API (`lambda_invoke`, for `lambdaFunctionArn`), or a Python
handler `module:function` run in the server's process (`lambda_handler`, for the local
`handler`).

Request documents (resolver-reference-lambda-js, resolver-mapping-template-reference-lambda):
`{"operation": "Invoke" | "BatchInvoke", "payload": any, "invocationType"?: "RequestResponse" |
"Event"}`. The function receives the payload as its event, as a Lambda function behind AppSync
does (the AWS Lambda resolver tutorial's function reads `event.field` and `event.arguments` from
a template whose payload is `{"field": ..., "arguments": ...}`).

Direct Lambda resolvers (no code) use `direct_lambda_code()`: the event is AppSync's context
object `{arguments, identity, source, request, prev, info, stash}` (direct-lambda-reference;
the `AppSyncResolverEvent` schema of Powertools for AWS Lambda), and AppSync's default response
raises a Lambda failure as the field error.

BatchInvoke ("instructs AWS AppSync to batch requests for the current GraphQL field"): every
resolution of the same field of the same parent type within one operation joins one batch, and
the function is called with the list of their payloads, at most `maxBatchSize` at a time (AWS
blog "Introducing configurable batching size for AWS AppSync Lambda resolvers"; 5 was the fixed
size before it was configurable and is the size used when a BatchInvoke template has none). It
returns a list of results in the same order. The batch lives in the operation's
`OperationScope`, which the server creates per operation and hands to every ResolverContext.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any, Protocol

from resolvers.context import ResolverContext
from resolvers.datasources.lambda_handler import LAMBDA_UNHANDLED, PythonHandler
from resolvers.errors import DataSourceError, ResolverError, UtilError

INVOKE = "Invoke"
BATCH_INVOKE = "BatchInvoke"
# The batch size of a BatchInvoke whose resolver sets no maxBatchSize (the pre-2021 fixed size).
DEFAULT_BATCH_SIZE = 5
# Event-loop turns a batch stays open for siblings to join: graphql-core starts sibling fields'
# resolvers in the same turn, and one more absorbs a wrapping coroutine layer's scheduling.
_COLLECT_TURNS = 2


class LambdaFunction(Protocol):
    """The function a Lambda data source calls."""

    async def call(self, event: Any, *, asynchronous: bool = False) -> Any:
        """The function's JSON result for `event` (None for an asynchronous invocation, which
        Lambda answers at once); raises DataSourceError for the function's error."""
        ...


@dataclass(slots=True)
class _Batch:
    """The BatchInvoke calls of one field in one operation, gathered by the first (the leader)."""

    payloads: list[Any] = field(default_factory=list)
    futures: list[asyncio.Future[Any]] = field(default_factory=list)


class LambdaDataSource:
    """A `type: AWS_LAMBDA` data source. `function` is a `LambdaFunction`, or a local Python
    handler's `module:function`, imported here (HandlerImportError when it cannot be)."""

    __slots__ = ("_function", "_name")

    def __init__(self, name: str, function: LambdaFunction | str) -> None:
        self._name = name
        self._function = PythonHandler(name, function) if isinstance(function, str) else function

    @property
    def name(self) -> str:
        return self._name

    @property
    def function(self) -> LambdaFunction:
        return self._function

    async def invoke(self, request: Any, ctx: ResolverContext) -> Any:
        if not isinstance(request, dict):
            raise ResolverError("A Lambda request must be an object.", "MappingTemplate")
        operation = request.get("operation")
        payload = request.get("payload")
        if operation == INVOKE:
            asynchronous = request.get("invocationType") == "Event"
            return await self._function.call(payload, asynchronous=asynchronous)
        if operation == BATCH_INVOKE:
            return await self._join_batch(payload, ctx)
        raise ResolverError(
            f"Unsupported operation '{operation}'. Expected Invoke or BatchInvoke.",
            "MappingTemplate",
        )

    async def call(self, event: Any) -> Any:
        """One invocation: the event in, the JSON result out, or the function's error."""
        return await self._function.call(event)

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
                future.set_exception(
                    DataSourceError(
                        exc.message,
                        exc.error_type,
                        exc.data,
                        unhandled_error_type=exc.unhandled_error_type,
                    )
                )
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
