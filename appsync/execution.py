"""One GraphQL operation: identity, schema, per-field auth, resolvers, limits.

`Executor` wraps the schema's `ExecutableSchema` and decides, once per (type, field) at build
time, what each field needs: its resolver, an auth check, or nothing (graphql-core then reads the
parent's dict, as AppSync does for a field without a resolver). Per request it keeps an
`Operation`: who is calling, the headers, the deadline and the resolver count.

AppSync behaviours implemented here:
- a field the caller's mode may not reach resolves to null with `errorType: "Unauthorized"` and
  "Not Authorized to access <field> on type <Type>" (amplify-cli#9121), the rest stands;
- past `resolverCountLimit` resolver invocations, each further resolver fails with
  `ResolverExecutionLimitReached` and does not run ("Configuring ... resolver count limits");
- a resolver still running at the execution deadline fails with "Execution timed out."
  (aws-appsync-community#386) and the fields already resolved are kept.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from graphql import DocumentNode, GraphQLError, GraphQLResolveInfo, OperationType

from appsync.api_cache import MISS, ApiCache, ResolverCaching
from appsync.api_log import FieldLog, RequestLog
from appsync.errors import (
    FieldErrorJson,
    LocationJson,
    ResponseBody,
    appended_error,
    malformed_request,
    response_body,
    subscription_over_http,
)
from appsync.metrics import ApiMetrics
from appsync.selection import selection_info
from auth.identity import Principal
from auth.modes import AuthDirective, AuthMode
from auth.rules import Authorizer
from resolvers.context import OperationScope, RequestInfo, ResolverContext, ResolverInfo
from resolvers.errors import ResolverError, UnauthorizedFieldError
from resolvers.util.http import RESPONSE_HEADERS_KEY
from schema.documents import PreparedDocument
from schema.errors import QuerySyntaxError
from schema.executable import ExecutableSchema
from schema.loader import AppSyncSchema
from schema.resolution import FieldResolver

logger = logging.getLogger(__name__)

# The modes whose field decision depends on more than the mode (groups, defaultAction, a Lambda
# authorizer's deniedFields): checked per request. The others are decided once per field.
_PER_CALLER_MODES = frozenset({AuthMode.AMAZON_COGNITO_USER_POOLS, AuthMode.AWS_LAMBDA})

RESOLVER_LIMIT_TYPE = "ResolverExecutionLimitReached"
# AWS differs: the message text is not documented; this is the wording DataStore users quote
# (amplify-js#8342).
RESOLVER_LIMIT_MESSAGE = "Resolver invocation limit reached."
# AWS differs (unconfirmed): "Execution timed out." is AppSync's recorded text at its 30-second
# limit (awslabs/aws-mobile-appsync-sdk-android#280, aws-appsync-community#386); the errorType
# of that field error is not recorded.
EXECUTION_TIMEOUT_TYPE = "ExecutionTimeout"
EXECUTION_TIMEOUT_MESSAGE = "Execution timed out."


class Resolver(Protocol):
    """A unit or pipeline resolver from the resolvers package."""

    async def resolve(self, ctx: ResolverContext) -> Any: ...


class Publisher(Protocol):
    """Where mutations reach subscribers: the realtime side (`RealtimeRuntime`)."""

    async def publish_result(
        self, document: DocumentNode, operation_name: str | None, data: Mapping[str, Any] | None
    ) -> None: ...

    async def invalidate_calls(self, calls: Sequence[Any], published: set[tuple[str, str]]) -> None:
        """One resolver's `extensions.invalidateSubscriptions` calls, as recorded; `published`
        holds the request's earlier ones and gains these. Raises ResolverError past AppSync's
        5 unique calls per request or for a call that is not `{subscriptionField, payload}`."""
        ...


@dataclass(frozen=True, slots=True)
class ResolverBinding:
    """A field's resolver, and whether it can wait on I/O.

    Only a resolver that awaits a data source (Lambda, DynamoDB, HTTP ...) can outlive the
    execution deadline, so only those pay for a deadline timer; a resolver on NONE data sources
    runs to completion without yielding, and checks the deadline before it starts.
    """

    resolver: Resolver
    awaits_io: bool = True


# Made per request: slotted, not frozen (a frozen __init__ costs four times as much).
@dataclass(slots=True)
class GraphQLRequest:
    query: str
    variables: dict[str, Any] | None
    operation_name: str | None


@dataclass(slots=True)
class Operation:
    """What every field of one request shares; graphql-core's `context_value`."""

    principal: Principal
    request: RequestInfo
    variables: dict[str, Any]
    deadline: float
    scope: OperationScope = field(default_factory=OperationScope)
    resolver_count: int = 0
    appended_errors: list[FieldErrorJson] = field(default_factory=list)
    # What resolvers added with `$util.http.addResponseHeader` ("HTTP helpers in $util.http"),
    # for the HTTP response; kept from a resolver that failed after adding them too (AWS
    # differs, unconfirmed: whether AppSync sends them when the field fails is not documented).
    response_headers: dict[str, str] = field(default_factory=dict)
    # The unique `invalidateSubscriptions` calls published so far (subscription field, payload).
    invalidations: set[tuple[str, str]] = field(default_factory=set)
    # The document's memo of what resolvers' contexts derive from its nodes.
    derived: dict[int, Any] = field(default_factory=dict)
    # The request's events for the API's log, when the API has a `logConfig`.
    log: RequestLog | None = None
    # A query: the API cache may answer its fields, and keeps what they resolve to.
    cacheable: bool = False
    # Entries `evictFromApiCache` removed (`extensions.apiCacheEntriesDeleted`).
    cache_entries_deleted: int = 0


# Made per request: slotted, not frozen (a frozen __init__ costs four times as much).
@dataclass(slots=True)
class OperationResult:
    """What one operation answers over HTTP: the body, and the headers its resolvers added."""

    body: ResponseBody
    headers: dict[str, str]


@dataclass(frozen=True, slots=True)
class ExecutionLimits:
    query_depth_limit: int = 0
    resolver_count_limit: int = 10000
    introspection: bool = True
    execution_timeout_seconds: float = 30.0


class Executor:
    """Runs operations against one API's schema, resolvers and auth rules."""

    def __init__(
        self,
        schema: AppSyncSchema,
        authorizer: Authorizer,
        resolvers: Mapping[tuple[str, str], ResolverBinding],
        limits: ExecutionLimits,
        domain_name: str | None = None,
        publisher: Publisher | None = None,
        cache: ApiCache | None = None,
        metrics: ApiMetrics | None = None,
    ) -> None:
        self._schema = schema
        self._publisher = publisher
        # The API cache and metrics this executor feeds (None: none), also served by the app.
        self.cache = cache
        self.metrics = metrics
        self._authorizer = authorizer
        self._resolvers = dict(resolvers)
        self._limits = limits
        self.domain_name = domain_name
        self.executable = ExecutableSchema(
            schema,
            self._resolver_for,
            query_depth_limit=limits.query_depth_limit,
            introspection=limits.introspection,
        )

    async def prepare(self, request: GraphQLRequest) -> PreparedDocument:
        """The request's parsed and validated document (cached by query text, else prepared in
        a worker thread). Called once the caller is authenticated. A query that does not parse
        is AppSync's 400 MalformedHttpRequestException "Unable to parse GraphQL query."; a valid
        subscription operation is its 400 BadRequestException "Subscriptions over MQTT is not
        supported." (subscriptions are served on the realtime websocket only)."""
        prepared = await self.executable.prepare(request.query)
        if any(isinstance(error.original_error, QuerySyntaxError) for error in prepared.errors):
            raise malformed_request()
        selected = prepared.operation(request.operation_name)
        if selected is not None and selected.operation is OperationType.SUBSCRIPTION:
            raise subscription_over_http()
        return prepared

    async def execute(
        self,
        request: GraphQLRequest,
        prepared: PreparedDocument,
        principal: Principal,
        headers: dict[str, str],
        log: RequestLog | None = None,
    ) -> OperationResult:
        selected = prepared.operation(request.operation_name)
        query = selected is not None and selected.operation is OperationType.QUERY
        cache = self.cache
        operation_key = None
        if cache is not None and query and cache.operation_level:
            operation_key = cache.operation_key(
                request.query, request.operation_name, request.variables, principal.identity
            )
            cached = await cache.get(operation_key)
            if cached is not MISS:
                if log is not None:
                    log.cache_hit(None)
                return OperationResult(cached, {})
        loop = asyncio.get_running_loop()
        operation = Operation(
            principal=principal,
            request=RequestInfo(headers, self.domain_name),
            variables=request.variables or {},
            deadline=loop.time() + self._limits.execution_timeout_seconds,
            derived=prepared.derived,
            log=log,
            cacheable=query and cache is not None,
        )
        result = await self.executable.execute_prepared(
            prepared, request.variables, request.operation_name, operation
        )
        mutation = selected is not None and selected.operation is OperationType.MUTATION
        if self._publisher is not None and prepared.document is not None and mutation:
            # AppSync sends each mutation field's result, cut to the mutation's own selection
            # set, to the subscriptions whose @aws_subscribe names the field.
            await self._publisher.publish_result(
                prepared.document, request.operation_name, result.data
            )
        body = response_body(result.data, result.errors or (), operation.appended_errors)
        if operation.cache_entries_deleted:
            body["extensions"] = {"apiCacheEntriesDeleted": operation.cache_entries_deleted}
        if operation_key is not None and cache is not None and "errors" not in body:
            await cache.put(operation_key, body, cache.spec.ttl)
        return OperationResult(body, operation.response_headers)

    def _resolver_for(self, type_name: str, field_name: str) -> FieldResolver | None:
        """Called once per (type, field) while the schema is built."""
        binding = self._resolvers.get((type_name, field_name))
        allowed = self._static_decision(type_name, field_name)
        if binding is None and allowed is True:
            return None
        check = self._checker(type_name, field_name, allowed)
        if binding is None:
            return _default_field(field_name, check)
        resolve = self._resolving_field(binding, check)
        caching = self.cache.resolvers.get((type_name, field_name)) if self.cache else None
        if caching is None or self.cache is None:
            return resolve
        return _cached_field(resolve, caching, self.cache, check, self.metrics)

    def _static_decision(self, type_name: str, field_name: str) -> bool | dict[AuthMode, bool]:
        """True when every configured mode may always reach the field; else a per-mode table
        for the modes decidable up front (the others are left out and checked per caller)."""
        directives = self._schema.directives
        type_auth = directives.type_auth(type_name)
        field_auth = directives.field_auth(type_name, field_name)
        table: dict[AuthMode, bool] = {}
        for mode in self._authorizer.modes():
            if mode in _PER_CALLER_MODES:
                continue
            probe = Principal(mode=mode, identity=None, auth_type="")
            table[mode] = self._authorizer.field_allowed(
                probe, type_name, field_name, type_auth, field_auth
            )
        if len(table) == len(self._authorizer.modes()) and all(table.values()):
            return True
        return table

    def _checker(
        self, type_name: str, field_name: str, allowed: bool | dict[AuthMode, bool]
    ) -> _FieldCheck | None:
        if allowed is True:
            return None
        directives = self._schema.directives
        return _FieldCheck(
            authorizer=self._authorizer,
            type_name=type_name,
            field_name=field_name,
            type_auth=directives.type_auth(type_name),
            field_auth=directives.field_auth(type_name, field_name),
            static=allowed if isinstance(allowed, dict) else {},
        )

    def _resolving_field(
        self, binding: ResolverBinding, check: _FieldCheck | None
    ) -> FieldResolver:
        limit = self._limits.resolver_count_limit
        resolver = binding.resolver
        awaits_io = binding.awaits_io

        async def resolve(
            source: Any, info: GraphQLResolveInfo[Operation], args: dict[str, Any]
        ) -> Any:
            operation: Operation = info.context
            if check is not None:
                check.enforce(operation.principal)
            operation.resolver_count += 1
            if operation.resolver_count > limit:
                raise ResolverError(RESOLVER_LIMIT_MESSAGE, RESOLVER_LIMIT_TYPE)
            selection = selection_info(
                info.field_nodes, info.fragments, info.return_type, operation.derived
            )
            ctx = ResolverContext(
                arguments=args,
                source=source,
                identity=operation.principal.identity,
                info=ResolverInfo(
                    field_name=info.field_name,
                    parent_type_name=info.parent_type.name,
                    variables=operation.variables,
                    selection_set_list=list(selection.selection_set_list),
                    selection_set_graphql=selection.selection_set_graphql,
                ),
                request=operation.request,
                auth_type=operation.principal.auth_type,
                operation=operation.scope,
            )
            field_log = None
            if operation.log is not None:
                field_log = _field_log(operation.log, info)
                ctx.observer = field_log
            try:
                if not awaits_io:
                    if asyncio.get_running_loop().time() >= operation.deadline:
                        raise ResolverError(EXECUTION_TIMEOUT_MESSAGE, EXECUTION_TIMEOUT_TYPE)
                    value = await resolver.resolve(ctx)
                else:
                    try:
                        async with asyncio.timeout_at(operation.deadline):
                            value = await resolver.resolve(ctx)
                    except TimeoutError:
                        raise ResolverError(
                            EXECUTION_TIMEOUT_MESSAGE, EXECUTION_TIMEOUT_TYPE
                        ) from None
            except ResolverError as error:
                if field_log is not None:
                    field_log.finish([{"message": error.message, "errorType": error.error_type}])
                raise
            finally:
                added = ctx.extensions.get(RESPONSE_HEADERS_KEY)
                if added:
                    operation.response_headers.update(added)
            cache = self.cache
            evicts = cache is not None and "evictFromApiCache" in ctx.extensions
            # Only a mutation evicts ("This function only works for mutations").
            if evicts and cache and info.operation.operation is OperationType.MUTATION:
                calls = ctx.extensions["evictFromApiCache"]
                operation.cache_entries_deleted += await cache.evict(calls)
            if self._publisher is not None and "invalidateSubscriptions" in ctx.extensions:
                await self._publisher.invalidate_calls(
                    ctx.extensions["invalidateSubscriptions"], operation.invalidations
                )
            if ctx.appended_errors:
                locations = _locations(info)
                path = info.path.as_list()
                operation.appended_errors.extend(
                    appended_error(path, locations, raw) for raw in ctx.appended_errors
                )
            if field_log is not None:
                field_log.finish(ctx.appended_errors)
            return value

        return resolve


def _cached_field(
    resolve: FieldResolver,
    caching: ResolverCaching,
    cache: ApiCache,
    check: _FieldCheck | None,
    metrics: ApiMetrics | None,
) -> FieldResolver:
    """`resolve` behind the API cache: in a query, a field whose entry is there is answered
    from it without running the resolver; one that resolves without an error fills it."""

    async def cached(source: Any, info: GraphQLResolveInfo[Operation], args: dict[str, Any]) -> Any:
        operation: Operation = info.context
        if not operation.cacheable:
            return await resolve(source, info, args)
        if check is not None:
            check.enforce(operation.principal)
        key = caching.key(args, source, operation.principal.identity)
        found = await cache.get(key)
        hit = found is not MISS
        if metrics is not None:
            metrics.cache(caching.resolver, hit=hit)
        if hit:
            if operation.log is not None:
                operation.log.cache_hit(_field_log(operation.log, info))
            return found
        errors = len(operation.appended_errors)
        value = await resolve(source, info, args)
        if len(operation.appended_errors) == errors:
            await cache.put(key, value, caching.ttl)
        return value

    return cached


@dataclass(frozen=True, slots=True)
class _FieldCheck:
    authorizer: Authorizer
    type_name: str
    field_name: str
    type_auth: tuple[AuthDirective, ...]
    field_auth: tuple[AuthDirective, ...]
    static: dict[AuthMode, bool]

    def enforce(self, principal: Principal) -> None:
        allowed = self.static.get(principal.mode)
        if allowed is None:
            allowed = self.authorizer.field_allowed(
                principal, self.type_name, self.field_name, self.type_auth, self.field_auth
            )
        if not allowed:
            raise UnauthorizedFieldError(
                f"Not Authorized to access {self.field_name} on type {self.type_name}",
                "Unauthorized",
            )


def _default_field(field_name: str, check: _FieldCheck | None) -> FieldResolver:
    """A field without a resolver that still needs an auth decision: then the parent's value."""

    def resolve(source: Any, info: GraphQLResolveInfo[Operation], args: dict[str, Any]) -> Any:
        if check is not None:
            check.enforce(info.context.principal)
        if isinstance(source, Mapping):
            return source.get(field_name)
        return getattr(source, field_name, None)

    return resolve


def _field_log(log: RequestLog, info: GraphQLResolveInfo[Operation]) -> FieldLog:
    return log.field(
        info.path.as_list(), info.parent_type.name, info.field_name, str(info.return_type)
    )


def _locations(info: GraphQLResolveInfo[Operation]) -> list[LocationJson] | None:
    located = GraphQLError("", info.field_nodes)
    if not located.locations:
        return None
    return [
        {"line": location.line, "column": location.column, "sourceName": None}
        for location in located.locations
    ]
