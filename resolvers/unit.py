"""Unit resolvers: one request handler, one data source, one response handler.

The order is AppSync's (resolver-reference-overview-js, "Unit resolvers"): the request handler
builds the data source request; the data source runs; its result is `ctx.result`, or its failure
is `ctx.error`; the response handler turns that into the field's value. An early return in the
request handler skips the data source and the response handler, and its value is the field's.

A data source failure is not raised by itself: with 2018-05-29 semantics the response handler
decides whether to raise it (`util.error(ctx.error.message, ctx.error.type)`), append it, or
swallow it ("By default, AppSync does not raise the error if the data source returned one",
advancedweb.hu "Error handling in AppSync"; AWS resolver mapping template changelog). Direct
Lambda resolvers get AppSync's default response, which raises it (`direct_lambda_code`). A
failure the response handler swallows into a null is logged (WARNING, with the resolver and the
error), so it is never silent.

A unit resolver whose request template says `"version": "2017-02-28"` keeps that version's
execution ("AWS AppSync resolver mapping template changelog", 2017-02-28: "If the datasource
invocation result is null, the response mapping template is not executed. If the datasource
invocation yields an error, the response mapping template is executed and the evaluated result
is placed inside the GraphQL response errors.data block"). Functions run 2018-05-29 only ("Only
2018-05-29 version is currently supported in functions").
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from resolvers.context import NO_ENVIRONMENT, ContextError, MappingLogType, ResolverContext
from resolvers.datasources.base import DataSource
from resolvers.errors import DataSourceError, HandlerOffloaded
from resolvers.runtimes.base import ResolverCode

logger = logging.getLogger(__name__)

# The request document's `version` whose execution differs (resolver mapping template changelog).
VERSION_2017_02_28 = "2017-02-28"


async def run_data_source(data_source: DataSource, request: Any, ctx: ResolverContext) -> None:
    """Invoke `data_source` and put its outcome in `ctx.result` / `ctx.error`."""
    ctx.error = None
    try:
        ctx.result = await data_source.invoke(request, ctx)
    except DataSourceError as exc:
        # A failed call can still carry partial results (DynamoDB batch operations' unprocessed
        # keys); they are `ctx.result` beside `ctx.error`.
        ctx.result = exc.data
        ctx.error = ContextError(exc.message, exc.error_type, exc.unhandled_error_type)


async def run_request(code: ResolverCode, ctx: ResolverContext, function: str | None = None) -> Any:
    """Run a request handler (a resolver's, or the pipeline `function`'s) with the early-return
    flags cleared first."""
    ctx.early_return = False
    ctx.early_return_skip_to = None
    try:
        value = code.request(ctx)
    except HandlerOffloaded as offloaded:
        value = await offloaded.rerun()
    if ctx.observer is not None:
        ctx.observer.mapping(MappingLogType.REQUEST_MAPPING, function, ctx, value)
    return value


async def _response_of(code: ResolverCode, ctx: ResolverContext) -> Any:
    try:
        return code.response(ctx)
    except HandlerOffloaded as offloaded:
        return await offloaded.rerun()


async def run_response(
    code: ResolverCode, ctx: ResolverContext, function: str | None = None
) -> Any:
    """Run a response handler (a resolver's, or the pipeline `function`'s); an early return
    there is its value (flags kept for a pipeline)."""
    ctx.early_return = False
    ctx.early_return_skip_to = None
    value = await _response_of(code, ctx)
    if ctx.observer is not None:
        ctx.observer.mapping(MappingLogType.RESPONSE_MAPPING, function, ctx, value)
    error = ctx.error
    if value is None and error is not None and not _appended(ctx, error):
        resolver = f"{ctx.info.parent_type_name}.{ctx.info.field_name}"
        logger.warning(
            "%s: the data source's error ended as null (the response handler neither raised "
            "nor appended it): %s: %s",
            f"function {function} of resolver {resolver}" if function else f"resolver {resolver}",
            error.type,
            error.message,
        )
    return value


def _appended(ctx: ResolverContext, error: ContextError) -> bool:
    return any(entry.get("message") == error.message for entry in ctx.appended_errors)


class UnitResolver:
    """A `kind: UNIT` resolver."""

    __slots__ = ("_code", "_data_source", "_environment", "_max_batch_size")

    def __init__(
        self,
        code: ResolverCode,
        data_source: DataSource,
        max_batch_size: int = 0,
        environment: Mapping[str, str] = NO_ENVIRONMENT,
    ) -> None:
        self._code = code
        self._data_source = data_source
        self._max_batch_size = max_batch_size
        # The API's environment variables, which the field's code reads as `ctx.env`.
        self._environment = environment

    @property
    def data_source(self) -> DataSource:
        return self._data_source

    async def resolve(self, ctx: ResolverContext) -> Any:
        """The field's value; raises `ResolverError`s (UtilError, CodeError ...) as field errors."""
        ctx.max_batch_size = self._max_batch_size
        ctx.env = self._environment
        request = await run_request(self._code, ctx)
        if ctx.early_return:
            ctx.early_return = False
            return request
        await run_data_source(self._data_source, request, ctx)
        if isinstance(request, dict) and request.get("version") == VERSION_2017_02_28:
            return await self._respond_as_2017_02_28(ctx)
        value = await run_response(self._code, ctx)
        ctx.early_return = False
        return value

    async def _respond_as_2017_02_28(self, ctx: ResolverContext) -> Any:
        """A null result skips the response template; an error is raised with the template's
        evaluated result as its `data`."""
        error = ctx.error
        if error is None and ctx.result is None:
            return None
        ctx.early_return = False
        ctx.early_return_skip_to = None
        value = await _response_of(self._code, ctx)
        if ctx.observer is not None:
            ctx.observer.mapping(MappingLogType.RESPONSE_MAPPING, None, ctx, value)
        ctx.early_return = False
        if error is not None:
            raise DataSourceError(error.message, error.type, value)
        return value
