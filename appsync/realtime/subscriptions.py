"""What a `start` becomes: an `ActiveSubscription`, planned and rendered by `SubscriptionPlanner`.

Per `start` (`SubscriptionPlanner.plan`): the start's own authorization (possibly another mode
than the connection's), the document's validation, the subscription field's auth, its
arguments, and its resolver, which may refuse or set filters. Per publication: the enhanced
filter, or else the argument filter, then the subscription's selection set executed against
the published payload (`SubscriptionPlanner.render`), with field-level auth for the subscriber.
"""

from __future__ import annotations

import copy
import dataclasses
import json
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from graphql import (
    FieldNode,
    GraphQLError,
    GraphQLResolveInfo,
    OperationType,
)
from graphql.execution.values import get_argument_values, get_variable_values

from appsync.api_log import RequestLog
from appsync.errors import FilterError
from appsync.pubsub import Publication, PublicationKind, topic_name
from appsync.realtime import messages
from appsync.realtime.filters import (
    ArgumentFilter,
    SubscriptionFilter,
    extension_filter,
)
from appsync.realtime.messages import DataPayload, ErrorJson, data_error
from appsync.realtime.protocol import EncodedPayload, Subscribe
from appsync.realtime.start_log import subscription_field_log
from appsync.realtime.start_plans import StartPlans
from appsync.selection import selection_info
from auth.errors import MISSING_AUTHORIZATION_HEADER, SignatureError, UnauthorizedError
from auth.identity import Principal
from auth.modes import AuthMode
from auth.request import AuthRequest, GraphQLRequestInfo
from auth.rules import Authorizer
from resolvers.context import RequestInfo, ResolverContext, ResolverInfo
from resolvers.errors import ResolverError, UnauthorizedFieldError
from schema.documents import DocumentCache, PreparedDocument
from schema.executable import ExecutableSchema
from schema.loader import AppSyncSchema
from schema.resolution import FieldResolver
from schema.variables import coerce_variables


class SubscriptionResolver(Protocol):
    """A subscription field's unit or pipeline resolver; it runs once, on `start`."""

    async def resolve(self, ctx: ResolverContext) -> Any: ...


@dataclass(frozen=True, slots=True, weakref_slot=True)
class _DocumentRefusal:
    """A document, or operation in it, that no caller may start: the errors every start of
    it gets, before any check of the caller's access."""

    errors: tuple[ErrorJson, ...]


_NO_ARGUMENTS = ArgumentFilter(())


@dataclass(frozen=True, slots=True, weakref_slot=True)
class StartPlan:
    """What every start of one document, operation and variables shares. `errors`: the
    variables' or arguments' errors, which a caller allowed the field gets."""

    prepared: PreparedDocument
    type_name: str
    field_name: str
    node: FieldNode
    query: str
    operation_name: str | None
    variables: dict[str, Any]
    variables_key: str
    errors: tuple[ErrorJson, ...] = ()
    arguments: dict[str, Any] = dataclasses.field(default_factory=dict)
    argument_filter: ArgumentFilter = _NO_ARGUMENTS
    topics: tuple[str, ...] = ()


@dataclass(slots=True)
class ActiveSubscription:
    """A started subscription: what it listens to, how it filters, whom it renders for."""

    subscription_id: str
    # What every subscription of the same document, operation and variables shares: the
    # document (freed with the last subscription that holds it), the field, its arguments.
    plan: StartPlan
    principal: Principal
    enhanced_filter: SubscriptionFilter | None
    invalidation_filter: SubscriptionFilter | None
    # Everything the rendered data frame depends on besides the publication.
    render_key: tuple[Any, ...]

    @property
    def query(self) -> str:
        """The subscription's query text, as the client sent it."""
        return self.plan.query

    @property
    def field_name(self) -> str:
        return self.plan.field_name

    @property
    def prepared(self) -> PreparedDocument:
        return self.plan.prepared

    @property
    def operation_name(self) -> str | None:
        return self.plan.operation_name

    @property
    def variables(self) -> dict[str, Any]:
        return self.plan.variables

    @property
    def topics(self) -> tuple[str, ...]:
        return self.plan.topics

    @property
    def argument_filter(self) -> ArgumentFilter:
        return self.plan.argument_filter

    def receives(self, payload: Mapping[str, Any]) -> bool:
        """The enhanced filter when the resolver set one, else the argument filter: "With
        enhanced filtering ... the client filters are not applied" (AppSync team,
        aws-appsync-community#89)."""
        if self.enhanced_filter is not None:
            return self.enhanced_filter.matches(payload)
        return self.plan.argument_filter.matches(payload)

    def invalidated_by(self, payload: Mapping[str, Any]) -> bool:
        """Only a subscription whose resolver set an invalidation filter can be invalidated."""
        return self.invalidation_filter is not None and self.invalidation_filter.matches(payload)


class SubscriptionPlanner:
    """Turns a `start` into an ActiveSubscription or AppSync's errors, and renders payloads.

    Rendering executes the subscription's own selection set against the published payload on a
    schema without resolvers (the payload is the data), where fields the subscriber's mode may
    not reach resolve to null with an `Unauthorized` error.
    """

    def __init__(
        self,
        schema: AppSyncSchema,
        authorizer: Authorizer,
        resolvers: Mapping[str, SubscriptionResolver],
        graphql_path: str,
        domain_name: str | None,
    ) -> None:
        self._schema = schema
        self._authorizer = authorizer
        self._resolvers = dict(resolvers)
        self._graphql_path = graphql_path
        self._domain_name = domain_name
        subscription_type = schema.graphql_schema.subscription_type
        self._subscription_type = subscription_type.name if subscription_type else None
        # No recent documents kept: a subscription's document is its own, shared by its text
        # only while some subscription holds it (schema/documents.py).
        self._executable = ExecutableSchema(schema, self._resolver_for, document_cache_bytes=0)
        self._plans: StartPlans[StartPlan | _DocumentRefusal] = StartPlans()

    @property
    def plans(self) -> StartPlans[StartPlan | _DocumentRefusal]:
        """The plans of live subscriptions, by document, operation and variables."""
        return self._plans

    @property
    def documents(self) -> DocumentCache:
        """The documents of live subscriptions, by text."""
        return self._executable.documents

    async def plan(
        self, request: Subscribe, source_ip: str | None, log: RequestLog | None = None
    ) -> ActiveSubscription | list[ErrorJson]:
        """`log`: the start's entry in the API's log (`start_log`), for its resolver's events."""
        if request.authorization is None:
            return [{"errorType": "UnauthorizedException", "message": MISSING_AUTHORIZATION_HEADER}]
        graphql = GraphQLRequestInfo(request.query, request.operation_name, request.variables)
        auth_request = AuthRequest.realtime_start(
            request.authorization, request.data, graphql, self._graphql_path, source_ip
        )
        try:
            principal = await self._authorizer.authenticate(auth_request)
        except SignatureError as error:
            # A `start` whose signature does not verify: BadRequestException with the
            # signature's text (aws-mobile-appsync-sdk-js#619 and #750 record it).
            return [{"errorType": "BadRequestException", "message": error.message}]
        except UnauthorizedError as error:
            return [{"errorType": error.error_type, "message": error.message}]
        # Planned once per distinct document, operation and variables (start_plans.py); the
        # caller's own access, resolver and filters are checked and run for every start.
        # `{}` as json.dumps writes it, without making an encoder (most starts have no variables).
        variables = request.variables
        variables_key = json.dumps(variables, sort_keys=True, default=str) if variables else "{}"
        key = (request.query, request.operation_name, variables_key)
        start = await self._plans.get(key, lambda: self._plan_start(request, variables_key))
        if isinstance(start, _DocumentRefusal):
            return list(start.errors)
        refusal = self._field_refusal(principal, start.type_name, start.field_name)
        if refusal is not None:
            return refusal
        if start.errors:
            return list(start.errors)
        return await self._start_field(request, principal, start, log)

    async def _plan_start(
        self, request: Subscribe, variables_key: str
    ) -> StartPlan | _DocumentRefusal:
        """What every start of this document, operation and variables shares: the document,
        its subscription field, the coerced arguments and what follows from them, or the
        errors any caller gets for them."""
        prepared = await self._executable.prepare(request.query)
        if prepared.document is None:
            return _DocumentRefusal(tuple({"message": error.message} for error in prepared.errors))
        operation = prepared.operation(request.operation_name)
        if operation is None:
            message = f"Unknown operation named '{request.operation_name}'."
            return _DocumentRefusal(({"message": message},))
        if operation.operation is not OperationType.SUBSCRIPTION:
            # "query not supported through the realtime channel", errorType UnsupportedOperation:
            # the service's answer to a query sent as a `start` (amplify-swift#3885).
            return _DocumentRefusal((messages.unsupported_operation(operation.operation.value),))
        graphql_schema = self._schema.graphql_schema
        subscription_type = graphql_schema.subscription_type
        node = operation.selection_set.selections[0]
        if subscription_type is None or not isinstance(node, FieldNode):
            return _DocumentRefusal((messages.unsupported_operation("unknown"),))
        field_name = node.name.value
        plan = StartPlan(
            prepared=prepared,
            type_name=subscription_type.name,
            field_name=field_name,
            node=node,
            # Interned: every subscriber of one document then shares the texts.
            query=sys.intern(request.query),
            operation_name=request.operation_name,
            variables=request.variables,
            variables_key=sys.intern(variables_key),
        )
        definitions = operation.variable_definitions or ()
        java_coerced = coerce_variables(graphql_schema, definitions, request.variables)
        if isinstance(java_coerced, GraphQLError):
            return dataclasses.replace(plan, errors=({"message": java_coerced.message},))
        coerced = get_variable_values(graphql_schema, definitions, java_coerced)
        if isinstance(coerced, list):
            return dataclasses.replace(
                plan, errors=tuple({"message": error.message} for error in coerced)
            )
        try:
            arguments = get_argument_values(subscription_type.fields[field_name], node, coerced)
        except GraphQLError as error:
            return dataclasses.replace(plan, errors=({"message": error.message},))
        return dataclasses.replace(
            plan,
            arguments=arguments,
            argument_filter=ArgumentFilter.from_arguments(arguments),
            topics=self._topics(field_name),
        )

    async def _start_field(
        self,
        request: Subscribe,
        principal: Principal,
        start: StartPlan,
        log: RequestLog | None = None,
    ) -> ActiveSubscription | list[ErrorJson]:
        """One caller's start of a planned field: its subscription resolver (which may set
        filters for this caller), and the subscription."""
        field_name = start.field_name
        extensions: dict[str, Any] = {}
        resolver = self._resolvers.get(field_name)
        if resolver is not None:
            selection = selection_info([start.node], start.prepared.fragments)
            ctx = ResolverContext(
                # The resolver's own copies: what it does to them stays out of the plan.
                arguments=copy.deepcopy(start.arguments),
                source=None,
                identity=principal.identity,
                info=ResolverInfo(
                    field_name,
                    start.type_name,
                    request.variables,
                    list(selection.selection_set_list),
                    selection.selection_set_graphql,
                ),
                request=RequestInfo(
                    {k.lower(): v for k, v in (request.authorization or {}).items()},
                    self._domain_name,
                ),
                auth_type=principal.auth_type,
            )
            subscription_type = self._schema.graphql_schema.subscription_type
            assert subscription_type is not None  # a planned start is of a subscription field
            return_type = str(subscription_type.fields[field_name].type)
            field_log = subscription_field_log(log, start.type_name, field_name, return_type)
            ctx.observer = field_log
            try:
                await resolver.resolve(ctx)
            except ResolverError as error:
                refused: ErrorJson = {"message": error.message}
                if error.error_type:
                    refused["errorType"] = error.error_type
                if field_log is not None:
                    field_log.finish([refused])
                return [refused]
            if field_log is not None:
                field_log.finish(ctx.appended_errors)
            extensions = ctx.extensions
        try:
            enhanced = extension_filter(extensions, "setSubscriptionFilter")
            invalidation = extension_filter(extensions, "setSubscriptionInvalidationFilter")
        except FilterError as error:
            # AWS differs: AppSync's error type for a malformed filter is not recorded.
            return [{"errorType": "BadRequestException", "message": error.message}]
        render_key = (
            start.query,
            start.operation_name,
            start.variables_key,
            principal.mode,
            principal.cognito_groups,
            principal.denied_fields,
            principal.default_action_deny,
        )
        return ActiveSubscription(
            subscription_id=request.subscription_id,
            plan=start,
            principal=principal,
            enhanced_filter=enhanced,
            invalidation_filter=invalidation,
            render_key=render_key,
        )

    def _topics(self, field_name: str) -> tuple[str, ...]:
        """The topics of a subscription field: its `@aws_subscribe` mutations', and its own
        for invalidations."""
        trigger = self._schema.directives.subscription_trigger(field_name)
        mutations = trigger.mutations if trigger is not None else ()
        return (
            *(topic_name(PublicationKind.MUTATION, name) for name in mutations),
            topic_name(PublicationKind.INVALIDATION, field_name),
        )

    async def rebind(
        self, subscription: ActiveSubscription
    ) -> ActiveSubscription | list[ErrorJson]:
        """A subscription started on an earlier version of the API (before a reload), on this
        one: its document validated against this schema, its field's access checked again
        for the same caller, its topics this schema's `@aws_subscribe`; its filters stay what
        its resolver set on `start` (the resolver does not run again). The errors when this
        API no longer serves it, as a `start` of the same document would get them."""
        prepared = await self._executable.prepare(subscription.query)
        if prepared.document is None:
            return [{"message": error.message} for error in prepared.errors]
        operation = prepared.operation(subscription.operation_name)
        subscription_type = self._subscription_type
        if operation is None or subscription_type is None:
            return [messages.unsupported_operation("unknown")]
        field_name = subscription.field_name
        refusal = self._field_refusal(subscription.principal, subscription_type, field_name)
        if refusal is not None:
            return refusal
        plan = dataclasses.replace(
            subscription.plan, prepared=prepared, topics=self._topics(field_name)
        )
        return dataclasses.replace(subscription, plan=plan)

    def _field_refusal(
        self, principal: Principal, type_name: str, field_name: str
    ) -> list[ErrorJson] | None:
        """AppSync's refusal of a subscription field the caller may not reach, or None."""
        directives = self._schema.directives
        if self._authorizer.field_allowed(
            principal,
            type_name,
            field_name,
            directives.type_auth(type_name),
            directives.field_auth(type_name, field_name),
        ):
            return None
        message = f"Not Authorized to access {field_name} on type {type_name}"
        return [{"errorType": "Unauthorized", "message": message}]

    async def render(
        self, subscription: ActiveSubscription, publication: Publication
    ) -> DataPayload:
        """The subscription's selection set over the payload; rendered once per publication
        for every subscription with the same document, variables and caller's rights."""
        return (await self.encoded(subscription, publication)).payload

    def cached(
        self, subscription: ActiveSubscription, publication: Publication
    ) -> EncodedPayload | None:
        """`encoded`'s payload if it was made already for this publication."""
        cached: EncodedPayload | None = publication.rendered.get(subscription.render_key)
        return cached

    async def encoded(
        self, subscription: ActiveSubscription, publication: Publication
    ) -> EncodedPayload:
        """`render`'s payload with its JSON text, both made once per publication for every
        subscription with the same document, variables and caller's rights."""
        cached = self.cached(subscription, publication)
        if cached is not None:
            return cached
        result = await self._executable.execute_prepared(
            subscription.prepared,
            subscription.variables,
            subscription.operation_name,
            subscription.principal,
            root_value={subscription.field_name: publication.payload},
        )
        payload: DataPayload = {"data": result.data}
        if result.errors:
            payload["errors"] = [data_error(error) for error in result.errors]
        encoded = EncodedPayload.of(payload)
        publication.rendered[subscription.render_key] = encoded
        return encoded

    def _resolver_for(self, type_name: str, field_name: str) -> FieldResolver | None:
        """Field-level auth for what a subscriber receives; the value is the payload's own."""
        if type_name == self._subscription_type:
            return None  # checked once, on start
        directives = self._schema.directives
        type_auth = directives.type_auth(type_name)
        field_auth = directives.field_auth(type_name, field_name)
        authorizer = self._authorizer
        single_mode = len(authorizer.modes()) == 1
        if (
            single_mode
            and not type_auth
            and not field_auth
            and authorizer.default_mode is not AuthMode.AMAZON_COGNITO_USER_POOLS
        ):
            return None

        def resolve(source: Any, info: GraphQLResolveInfo[Any], args: dict[str, Any]) -> Any:
            principal: Principal = info.context
            if not authorizer.field_allowed(
                principal, type_name, field_name, type_auth, field_auth
            ):
                raise UnauthorizedFieldError(
                    f"Not Authorized to access {field_name} on type {type_name}", "Unauthorized"
                )
            return source.get(field_name) if isinstance(source, Mapping) else None

        return resolve
