"""The realtime websocket endpoint: the socket glue around `protocol.RealtimeConnection`.

`RealtimeRuntime` is what the server builds once per API. It serves the websocket on
`/graphql/realtime` and on `/graphql` (a `graphql-ws` upgrade), and it is what the mutation
path calls to publish (`publish_result`, `publish_mutation`, `invalidate_calls`).

Per connection: the handshake's header JSON (the `header` query parameter, standard base64, or a
`header-<base64url>` Sec-WebSocket-Protocol entry) is authenticated as AppSync does it
(`AuthRequest.realtime_connect`); a handshake without one is refused with HTTP 401, one whose
credentials fail is answered with `connection_error`. The receive loop also keeps the `ka`
timer; one TaskGroup holds each `start` being authorized, then its subscription's delivery.

Per `start` (`SubscriptionPlanner.plan`): the start's own authorization (possibly another mode
than the connection's), the document's validation, the subscription field's auth, its
arguments, and its resolver, which may refuse or set filters. Per publication: the enhanced
filter, or else the argument filter, then the subscription's selection set executed against
the published payload, with field-level auth for the subscriber.
"""

from __future__ import annotations

import asyncio
import json
import logging
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    GraphQLError,
    GraphQLResolveInfo,
    OperationDefinitionNode,
    OperationType,
)
from graphql.execution.values import get_argument_values, get_variable_values
from starlette.responses import Response
from starlette.routing import BaseRoute, WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

from appsync.pubsub import (
    DEFAULT_INBOX_CAPACITY,
    Broker,
    Inbox,
    Publication,
    PublicationKind,
    topic_name,
)
from appsync.realtime import messages
from appsync.realtime.filters import (
    ArgumentFilter,
    FilterError,
    SubscriptionFilter,
    extension_filter,
    published_payloads,
)
from appsync.realtime.messages import DataPayload, ErrorJson, data_error
from appsync.realtime.protocol import (
    Action,
    CloseSocket,
    RealtimeConnection,
    SendFrame,
    Subscribe,
    Unsubscribe,
    handshake_headers,
)
from appsync.selection import selection_info
from auth.errors import MISSING_AUTHORIZATION_HEADER, UnauthorizedError
from auth.identity import Principal
from auth.modes import AuthMode
from auth.request import AuthRequest, GraphQLRequestInfo
from auth.rules import Authorizer
from resolvers.context import RequestInfo, ResolverContext, ResolverInfo
from resolvers.errors import ResolverError, UnauthorizedFieldError
from schema.bridge import ExecutableSchema, FieldResolver, coerce_variables
from schema.loader import AppSyncSchema

logger = logging.getLogger(__name__)

# The recorded connection_error for failed handshake credentials (aws-appsync-realtime-client-
# ios): the service's internal error type and errorCode 400, which Amplify treats as final.
_CONNECTION_UNAUTHORIZED_TYPE = "com.amazonaws.deepdish.graphql.auth#UnauthorizedException"
MAX_INVALIDATIONS_PER_REQUEST = 5


@dataclass(frozen=True, slots=True)
class RealtimeSettings:
    """Knobs of the realtime endpoint; defaults are AppSync's values."""

    graphql_path: str = "/graphql"
    keep_alive_interval_seconds: float = messages.KEEP_ALIVE_INTERVAL_SECONDS
    connection_timeout_ms: int = messages.CONNECTION_TIMEOUT_MS
    max_subscriptions: int = messages.MAX_SUBSCRIPTIONS_PER_CONNECTION
    max_payload_bytes: int = messages.MAX_SUBSCRIPTION_PAYLOAD_BYTES
    inbox_capacity: int = DEFAULT_INBOX_CAPACITY


class SubscriptionResolver(Protocol):
    """A subscription field's unit or pipeline resolver; it runs once, on `start`."""

    async def resolve(self, ctx: ResolverContext) -> Any: ...


@dataclass(slots=True)
class ActiveSubscription:
    """A started subscription: what it listens to, how it filters, whom it renders for."""

    subscription_id: str
    field_name: str
    query: str
    operation_name: str | None
    variables: dict[str, Any]
    principal: Principal
    topics: tuple[str, ...]
    argument_filter: ArgumentFilter
    enhanced_filter: SubscriptionFilter | None
    invalidation_filter: SubscriptionFilter | None
    # Everything the rendered data frame depends on besides the publication.
    render_key: tuple[Any, ...]
    inbox: Inbox | None = None

    def receives(self, payload: Mapping[str, Any]) -> bool:
        """The enhanced filter when the resolver set one, else the argument filter: "With
        enhanced filtering ... the client filters are not applied" (AppSync team,
        aws-appsync-community#89)."""
        if self.enhanced_filter is not None:
            return self.enhanced_filter.matches(payload)
        return self.argument_filter.matches(payload)

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
        settings: RealtimeSettings,
        domain_name: str | None,
    ) -> None:
        self._schema = schema
        self._authorizer = authorizer
        self._resolvers = dict(resolvers)
        self._settings = settings
        self._domain_name = domain_name
        subscription_type = schema.graphql_schema.subscription_type
        self._subscription_type = subscription_type.name if subscription_type else None
        self._executable = ExecutableSchema(schema, self._resolver_for)

    def document(self, query: str) -> DocumentNode | None:
        """The cached, validated parse of a query text."""
        return self._executable.prepare(query).document

    async def plan(
        self, request: Subscribe, source_ip: str | None
    ) -> ActiveSubscription | list[ErrorJson]:
        if request.authorization is None:
            return [{"errorType": "UnauthorizedException", "message": MISSING_AUTHORIZATION_HEADER}]
        graphql = GraphQLRequestInfo(request.query, request.operation_name, request.variables)
        auth_request = AuthRequest.realtime_start(
            request.authorization, request.data, graphql, self._settings.graphql_path, source_ip
        )
        try:
            principal = await self._authorizer.authenticate(auth_request)
        except UnauthorizedError as error:
            return [{"errorType": error.error_type, "message": error.message}]
        prepared = self._executable.prepare(request.query)
        if prepared.document is None:
            return [{"message": error.message} for error in prepared.errors]
        operation = prepared.operation(request.operation_name)
        if operation is None:
            return [{"message": f"Unknown operation named '{request.operation_name}'."}]
        if operation.operation is not OperationType.SUBSCRIPTION:
            # AWS differs: "<operation> not supported through the realtime channel" is inferred
            # from the recorded "unknown not supported ..." answer, not recorded for a query.
            return [messages.unsupported_operation(operation.operation.value)]
        return await self._plan_field(request, principal, prepared.document, operation)

    async def _plan_field(
        self,
        request: Subscribe,
        principal: Principal,
        document: DocumentNode,
        operation: OperationDefinitionNode,
    ) -> ActiveSubscription | list[ErrorJson]:
        graphql_schema = self._schema.graphql_schema
        subscription_type = graphql_schema.subscription_type
        node = operation.selection_set.selections[0]
        if subscription_type is None or not isinstance(node, FieldNode):
            return [messages.unsupported_operation("unknown")]
        field_name = node.name.value
        directives = self._schema.directives
        type_name = subscription_type.name
        if not self._authorizer.field_allowed(
            principal,
            type_name,
            field_name,
            directives.type_auth(type_name),
            directives.field_auth(type_name, field_name),
        ):
            message = f"Not Authorized to access {field_name} on type {type_name}"
            return [{"errorType": "Unauthorized", "message": message}]
        definitions = operation.variable_definitions or ()
        java_coerced = coerce_variables(graphql_schema, definitions, request.variables)
        if isinstance(java_coerced, GraphQLError):
            return [{"message": java_coerced.message}]
        coerced = get_variable_values(graphql_schema, definitions, java_coerced)
        if isinstance(coerced, list):
            return [{"message": error.message} for error in coerced]
        try:
            arguments = get_argument_values(subscription_type.fields[field_name], node, coerced)
        except GraphQLError as error:
            return [{"message": error.message}]
        extensions: dict[str, Any] = {}
        resolver = self._resolvers.get(field_name)
        if resolver is not None:
            fragments = {
                d.name.value: d
                for d in document.definitions
                if isinstance(d, FragmentDefinitionNode)
            }
            selection = selection_info([node], fragments)
            ctx = ResolverContext(
                arguments=dict(arguments),
                source=None,
                identity=principal.identity,
                info=ResolverInfo(
                    field_name,
                    type_name,
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
            try:
                await resolver.resolve(ctx)
            except ResolverError as error:
                refused: ErrorJson = {"message": error.message}
                if error.error_type:
                    refused["errorType"] = error.error_type
                return [refused]
            extensions = ctx.extensions
        try:
            enhanced = extension_filter(extensions, "setSubscriptionFilter")
            invalidation = extension_filter(extensions, "setSubscriptionInvalidationFilter")
        except FilterError as error:
            # AWS differs: AppSync's error type for a malformed filter is not recorded.
            return [{"errorType": "BadRequestException", "message": error.message}]
        trigger = directives.subscription_trigger(field_name)
        mutations = trigger.mutations if trigger is not None else ()
        topics = (
            *(topic_name(PublicationKind.MUTATION, name) for name in mutations),
            topic_name(PublicationKind.INVALIDATION, field_name),
        )
        # Interned: every subscriber of one document then shares the text.
        query = sys.intern(request.query)
        render_key = (
            query,
            request.operation_name,
            json.dumps(request.variables, sort_keys=True, default=str),
            principal.mode,
            principal.cognito_groups,
            principal.denied_fields,
            principal.default_action_deny,
        )
        return ActiveSubscription(
            subscription_id=request.subscription_id,
            field_name=field_name,
            query=query,
            operation_name=request.operation_name,
            variables=request.variables,
            principal=principal,
            topics=topics,
            argument_filter=ArgumentFilter.from_arguments(arguments),
            enhanced_filter=enhanced,
            invalidation_filter=invalidation,
            render_key=render_key,
        )

    async def render(
        self, subscription: ActiveSubscription, publication: Publication
    ) -> DataPayload:
        """The subscription's selection set over the payload; rendered once per publication
        for every subscription with the same document, variables and caller's rights."""
        cached: DataPayload | None = publication.rendered.get(subscription.render_key)
        if cached is not None:
            return cached
        result = await self._executable.execute(
            subscription.query,
            subscription.variables,
            subscription.operation_name,
            subscription.principal,
            root_value={subscription.field_name: publication.payload},
        )
        payload: DataPayload = {"data": result.data}
        if result.errors:
            payload["errors"] = [data_error(error) for error in result.errors]
        publication.rendered[subscription.render_key] = payload
        return payload

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


class RealtimeRuntime:
    """One API's realtime side: its routes, and the publishing entry points."""

    def __init__(
        self,
        schema: AppSyncSchema,
        authorizer: Authorizer,
        broker: Broker,
        subscription_resolvers: Mapping[str, SubscriptionResolver] | None = None,
        settings: RealtimeSettings | None = None,
        domain_name: str | None = None,
    ) -> None:
        self.settings = settings or RealtimeSettings()
        self.broker = broker
        self._authorizer = authorizer
        self.planner = SubscriptionPlanner(
            schema, authorizer, subscription_resolvers or {}, self.settings, domain_name
        )

    def routes(self) -> list[BaseRoute]:
        """`/graphql/realtime` and the websocket upgrade of `/graphql` (beside its HTTP route)."""
        path = self.settings.graphql_path
        return [
            WebSocketRoute(path.rstrip("/") + "/realtime", self.serve),
            WebSocketRoute(path, self.serve),
        ]

    async def publish_mutation(self, mutation_field: str, payload: dict[str, Any]) -> None:
        """A mutation field's result, already cut to the mutation's selection set and keyed by
        field names, for the subscriptions whose `@aws_subscribe` names the field."""
        await self.broker.publish(Publication(PublicationKind.MUTATION, mutation_field, payload))

    async def publish_result(
        self, query: str, operation_name: str | None, data: Mapping[str, Any] | None
    ) -> None:
        """Publish every top-level field of a mutation's response (`data`), each cut to the
        mutation's own selection set; nothing for queries or unparsable documents."""
        document = self.planner.document(query)
        if document is None:
            return
        for mutation_field, payload in published_payloads(document, operation_name, data):
            await self.publish_mutation(mutation_field, payload)

    async def invalidate(self, subscription_field: str, payload: dict[str, Any]) -> None:
        """`extensions.invalidateSubscriptions({subscriptionField, payload})` from a mutation."""
        await self.broker.publish(
            Publication(PublicationKind.INVALIDATION, subscription_field, payload)
        )

    async def invalidate_calls(self, calls: Sequence[Any]) -> None:
        """One request's `extensions.invalidateSubscriptions` calls, as resolvers recorded them
        (`ResolverContext.extensions["invalidateSubscriptions"]`). At most 5 unique calls per
        request (Extensions reference: past that "you will receive a GraphQL error")."""
        unique = {json.dumps(call, sort_keys=True, default=str): call for call in calls}
        if len(unique) > MAX_INVALIDATIONS_PER_REQUEST:
            # AWS differs: the error's wording is not documented.
            raise ResolverError(
                f"At most {MAX_INVALIDATIONS_PER_REQUEST} unique invalidateSubscriptions calls "
                "are allowed per request"
            )
        for call in unique.values():
            target = call.get("subscriptionField") if isinstance(call, Mapping) else None
            payload = call.get("payload") if isinstance(call, Mapping) else None
            if not isinstance(target, str) or not isinstance(payload, Mapping):
                raise ResolverError("invalidateSubscriptions expects {subscriptionField, payload}")
            await self.invalidate(target, dict(payload))

    async def serve(self, websocket: WebSocket) -> None:
        offered: list[str] = list(websocket.scope.get("subprotocols") or [])
        headers = handshake_headers(offered, websocket.query_params.get("header"))
        if headers is None or messages.SUBPROTOCOL not in offered:
            await _deny(websocket, headers is None)
            return
        source_ip = websocket.client.host if websocket.client else None
        rejection: list[ErrorJson] | None = None
        try:
            await self._authorizer.authenticate(
                AuthRequest.realtime_connect(headers, self.settings.graphql_path, source_ip)
            )
        except UnauthorizedError as error:
            rejection = [_connection_error(error)]
        await websocket.accept(subprotocol=messages.SUBPROTOCOL)
        connection = RealtimeConnection(
            rejection=rejection,
            connection_timeout_ms=self.settings.connection_timeout_ms,
            max_subscriptions=self.settings.max_subscriptions,
            max_payload_bytes=self.settings.max_payload_bytes,
        )
        await _Socket(self, websocket, connection, source_ip).run()


@dataclass(slots=True)
class _Socket:
    """One open websocket: its protocol state, tasks and subscriptions."""

    runtime: RealtimeRuntime
    websocket: WebSocket
    connection: RealtimeConnection
    source_ip: str | None
    tasks: dict[str, asyncio.Task[None]] = field(default_factory=dict)
    active: dict[str, ActiveSubscription] = field(default_factory=dict)
    open: bool = True
    group: asyncio.TaskGroup | None = None

    async def run(self) -> None:
        async with asyncio.TaskGroup() as group:
            self.group = group
            try:
                await self._receive_loop()
            finally:
                self.open = False
                self._stop_all(self.connection.closed())

    async def _receive_loop(self) -> None:
        """Frames in, and the keep-alive timer: the wait for the next frame ends at the next
        `ka` time, which saves a timer task per connection (the receive is a queue read, so
        cancelling it loses nothing)."""
        loop = asyncio.get_running_loop()
        interval = self.runtime.settings.keep_alive_interval_seconds
        next_keep_alive = loop.time() + interval
        while self.open:
            try:
                async with asyncio.timeout_at(next_keep_alive):
                    message = await self.websocket.receive()
            except TimeoutError:
                next_keep_alive = loop.time() + interval
                await self._perform(self.connection.keep_alive())
                continue
            if message["type"] == "websocket.disconnect":
                return
            text = message.get("text")
            actions = (
                self.connection.receive(text)
                if text is not None
                else self.connection.receive_binary()
            )
            await self._perform(actions)

    async def _perform(self, actions: list[Action]) -> None:
        for action in actions:
            if isinstance(action, SendFrame):
                await self._send(action.text)
            elif isinstance(action, Subscribe):
                assert self.group is not None
                task = self.group.create_task(self._start(action))
                self.tasks[action.subscription_id] = task
            elif isinstance(action, Unsubscribe):
                self._stop(action.subscription_id)
            elif isinstance(action, CloseSocket):
                self.open = False
                await self.websocket.close(action.code, action.reason)

    async def _send(self, text: str) -> None:
        if not self.open:
            return
        try:
            await self.websocket.send_text(text)
        except (WebSocketDisconnect, RuntimeError, OSError):
            # The client went away mid-send; the receive loop sees the disconnect and stops.
            self.open = False

    async def _start(self, request: Subscribe) -> None:
        planner = self.runtime.planner
        outcome = await planner.plan(request, self.source_ip)
        if not isinstance(outcome, ActiveSubscription):
            self.tasks.pop(request.subscription_id, None)
            await self._perform(
                self.connection.subscription_failed(request.subscription_id, outcome)
            )
            return
        # Subscribed before `start_ack`, so a mutation the client makes after the ack is seen.
        inbox = Inbox(self.runtime.settings.inbox_capacity, request.subscription_id)
        outcome.inbox = inbox
        self.runtime.broker.subscribe(outcome.topics, inbox)
        self.active[request.subscription_id] = outcome
        actions = self.connection.subscription_started(request.subscription_id)
        if any(isinstance(action, Unsubscribe) for action in actions):
            self._stop(request.subscription_id)
            return
        await self._perform(actions)
        if self.open and self.group is not None:
            # Delivery gets its own task so this one, and the `start` it holds, is released.
            delivery = self.group.create_task(self._deliver(outcome, inbox))
            self.tasks[request.subscription_id] = delivery

    async def _deliver(self, subscription: ActiveSubscription, inbox: Inbox) -> None:
        planner = self.runtime.planner
        while self.open:
            publication = await inbox.get()
            if publication.kind is PublicationKind.INVALIDATION:
                if subscription.invalidated_by(publication.payload):
                    await self._perform(
                        self.connection.subscription_ended(subscription.subscription_id)
                    )
                    return
                continue
            if not subscription.receives(publication.payload):
                continue
            payload = await planner.render(subscription, publication)
            await self._perform(self.connection.data(subscription.subscription_id, payload))

    def _stop(self, subscription_id: str) -> None:
        subscription = self.active.pop(subscription_id, None)
        if subscription is not None and subscription.inbox is not None:
            self.runtime.broker.unsubscribe(subscription.topics, subscription.inbox)
        task = self.tasks.pop(subscription_id, None)
        if task is not None and task is not asyncio.current_task():
            task.cancel()

    def _stop_all(self, actions: list[Action]) -> None:
        for action in actions:
            if isinstance(action, Unsubscribe):
                self._stop(action.subscription_id)
        for subscription_id in list(self.tasks):
            self._stop(subscription_id)


async def _deny(websocket: WebSocket, unauthorized: bool) -> None:
    """Refuse the upgrade. No credentials at all: 401 UnauthorizedException, as the service
    answered a socket without auth (graphql-dotnet/graphql-client#221)."""
    # AWS differs: the answer to a handshake without the graphql-ws subprotocol is not recorded.
    error_type = "UnauthorizedException" if unauthorized else "BadRequestException"
    message = "Missing authorization header" if unauthorized else "Unsupported subprotocol"
    body = json.dumps({"errors": [{"errorType": error_type, "message": message}]})
    response = Response(
        body,
        status_code=401 if unauthorized else 400,
        media_type="application/json",
        headers={"x-amzn-errortype": error_type},
    )
    if "websocket.http.response" in websocket.scope.get("extensions", {}):
        await websocket.send_denial_response(response)
    else:
        await websocket.close(1008)


def _connection_error(error: UnauthorizedError) -> ErrorJson:
    if error.error_type == messages.UNAUTHORIZED_ERROR_TYPE:
        return {
            "errorType": _CONNECTION_UNAUTHORIZED_TYPE,
            "message": error.message,
            "errorCode": messages.CONNECTION_UNAUTHORIZED_ERROR_CODE,
        }
    return {"errorType": error.error_type, "message": error.message, "errorCode": error.status_code}
