"""Pipeline resolvers: a before handler, functions in order, an after handler.

AppSync's order (resolver-reference-overview-js, "Pipeline resolvers"; resolver context reference,
`prev.result`): the before handler's value is `ctx.prev.result` for the first function; each
function runs request -> data source -> response and its value is `ctx.prev.result` for the
next; the after handler sees the last function's value as `ctx.prev.result`. One `ctx.stash`
lives through the whole run. `util.error` anywhere stops the pipeline and fails the field.

Early return (runtime-utils-js, `runtime.earlyReturn`): in a function's request handler the data
source and response handler are skipped and the next function (or the after handler) runs; in the
before handler, or with `skipTo: "END"`, the remaining functions are skipped and the after
handler runs at once; `skipTo: "NEXT"` goes on to the next function. VTL's `#return` in the
before template returns from the whole resolver (AWS AppSync directives).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from resolvers.context import NO_ENVIRONMENT, ResolverContext, SkipTo
from resolvers.datasources.base import DataSource
from resolvers.runtimes.base import ResolverCode
from resolvers.unit import run_data_source, run_request, run_response


@dataclass(frozen=True, slots=True)
class PipelineFunction:
    """One AppSync function: its name, code and data source, and its `maxBatchSize`."""

    name: str
    code: ResolverCode
    data_source: DataSource
    max_batch_size: int = 0


class PipelineResolver:
    """A `kind: PIPELINE` resolver. With no code, the before step passes nothing on and the
    after step returns the last function's value, as an AppSync pipeline without templates does."""

    __slots__ = ("_code", "_environment", "_functions")

    def __init__(
        self,
        code: ResolverCode | None,
        functions: Sequence[PipelineFunction],
        environment: Mapping[str, str] = NO_ENVIRONMENT,
    ) -> None:
        self._code = code
        self._functions = tuple(functions)
        # The API's environment variables: `ctx.env` in the resolver's code and its functions'.
        self._environment = environment

    @property
    def functions(self) -> tuple[PipelineFunction, ...]:
        return self._functions

    async def resolve(self, ctx: ResolverContext) -> Any:
        """The field's value; raises `ResolverError`s (UtilError, CodeError ...) as field errors."""
        ctx.in_pipeline = True
        ctx.env = self._environment
        skip_functions = False
        if self._code is not None:
            before = await run_request(self._code, ctx)
            if ctx.early_return:
                ctx.early_return = False
                if ctx.early_return_skip_to is SkipTo.RESOLVER:
                    return before
                skip_functions = True
            ctx.prev_result = before
        if not skip_functions:
            await self._run_functions(ctx)
        ctx.result = ctx.prev_result
        ctx.error = None
        if self._code is None:
            return ctx.prev_result
        value = await run_response(self._code, ctx)
        ctx.early_return = False
        return value

    async def _run_functions(self, ctx: ResolverContext) -> None:
        for function in self._functions:
            ctx.result = None
            ctx.error = None
            ctx.max_batch_size = function.max_batch_size
            value = await run_request(function.code, ctx, function.name)
            if not ctx.early_return:
                await run_data_source(function.data_source, value, ctx)
                value = await run_response(function.code, ctx, function.name)
            ctx.prev_result = value
            if ctx.early_return:
                ctx.early_return = False
                if ctx.early_return_skip_to is SkipTo.END:
                    return
