"""AppSync's realtime protocol as a state machine that does no I/O (h11 / wsproto style).

Feed it what happened (a text frame arrived, a subscription's start finished or failed, a
mutation's data is ready, the keep-alive timer fired, the socket closed) and it returns the
actions to take: frames to send, subscriptions to start or stop, the socket to close. The
socket glue in `endpoint.py` performs them and feeds the outcome back; nothing here awaits.

The sequence is AppSync's (reference/appsync.md 3.3): `connection_init` -> `connection_ack`
with `connectionTimeoutMs` and a first `ka` at once, then `ka` periodically; `start` ->
`start_ack` or `error`; `data` per matching mutation; `stop` -> `complete`. `connection_init`
is optional (the current "Building a real-time WebSocket client" guide), so a `start` is
served before it too.
"""

from __future__ import annotations

import base64
import binascii
import functools
import logging
from dataclasses import dataclass
from enum import Enum
from typing import Any

from appsync.errors import RealtimeProtocolError
from appsync.realtime import messages
from appsync.realtime.messages import (
    CONNECTION_TIMEOUT_MS,
    MAX_SUBSCRIPTION_PAYLOAD_BYTES,
    MAX_SUBSCRIPTIONS_PER_CONNECTION,
    ClientMessageType,
    DataPayload,
    ErrorJson,
    ServerMessage,
)
from schema import json_text
from schema.errors import JsonTextError

logger = logging.getLogger(__name__)

# The close code after a `connection_error`; clients act on the frame, not on the code.
# AWS differs: the service's close code after a connection_error is not documented.
CLOSE_AFTER_CONNECTION_ERROR = 1000
# The close code for a socket that sent no first frame in time, or held no subscription for
# connectionTimeoutMs. AWS differs (unrecorded): the service's codes for these are not documented.
CLOSE_IDLE = 1000


class ConnectionState(Enum):
    """Where one connection is. OPEN: accepted, no `connection_init` yet; ACKNOWLEDGED: the
    init was answered with `connection_ack`; REJECTED: the handshake's credentials failed;
    CLOSED: the socket is gone."""

    OPEN = "OPEN"
    ACKNOWLEDGED = "ACKNOWLEDGED"
    REJECTED = "REJECTED"
    CLOSED = "CLOSED"


class SubscriptionState(Enum):
    PENDING = "PENDING"  # `start` received; the endpoint is authorizing and resolving it
    ACTIVE = "ACTIVE"  # `start_ack` sent; data flows


# The members read on every frame, bound to module names: reading an enum member off its class
# takes about 0.4 us on Python 3.11 (a subscribe read a score of them), a module name 0.02.
_OPEN = ConnectionState.OPEN
_ACKNOWLEDGED = ConnectionState.ACKNOWLEDGED
_REJECTED = ConnectionState.REJECTED
_CLOSED = ConnectionState.CLOSED
_PENDING = SubscriptionState.PENDING
_ACTIVE = SubscriptionState.ACTIVE
_CONNECTION_INIT = ClientMessageType.CONNECTION_INIT
_START = ClientMessageType.START
_STOP = ClientMessageType.STOP


@dataclass(frozen=True, slots=True)
class SendFrame:
    """Send this text frame; `size` is its UTF-8 length when known (-1: not counted)."""

    text: str
    size: int = -1


@dataclass(frozen=True, slots=True)
class Subscribe:
    """Authorize and start a subscription, then call `subscription_started` or
    `subscription_failed`. `data` is the `payload.data` string exactly as sent (an IAM
    signature covers it); `authorization` the start's header object."""

    subscription_id: str
    query: str
    variables: dict[str, Any]
    operation_name: str | None
    data: str
    authorization: dict[str, str] | None


@dataclass(frozen=True, slots=True)
class Unsubscribe:
    """Stop delivering to this subscription and forget it."""

    subscription_id: str


@dataclass(frozen=True, slots=True)
class CloseSocket:
    code: int
    reason: str


Action = SendFrame | Subscribe | Unsubscribe | CloseSocket


_NO_ERRORS: list[ErrorJson] = []


def encode(message: ServerMessage) -> str:
    """A frame's text. Client data in it (a lone surrogate in a mutation's string) is escaped as
    Java's JSON writer escapes it, so every subscriber's frame encodes (schema/json_text.py)."""
    return json_text.dumps(message)


# Every `ka` frame is the same text, and the same frame (a SendFrame is immutable).
_KEEP_ALIVE = encode(messages.keep_alive())
_KEEP_ALIVE_FRAME = SendFrame(_KEEP_ALIVE)
# What every AppSync client sends first, as it sends it (amplify-js, the Apollo link, gql): a
# frame of this text is known without parsing it.
_CONNECTION_INIT_TEXT = '{"type":"connection_init"}'


@functools.lru_cache(maxsize=8)
def _connection_ack(timeout_ms: int) -> SendFrame:
    """The `connection_ack` frame, the same for every connection of an endpoint."""
    return SendFrame(encode(messages.connection_ack(timeout_ms)))


# `encode(messages.start_ack(id))` is `_START_ACK_OPEN + encode(id) + "}"` (compact JSON, keys in
# the message's order): one string's encoding instead of a message's.
_START_ACK_OPEN = '{"type":"start_ack","id":'

# A data frame around its id and payload: `encode(messages.data(id, payload))` is
# `_DATA_OPEN + encode(id) + _DATA_PAYLOAD + encode(payload) + "}"` (compact JSON, keys in the
# message's order), so a payload is encoded once for every subscriber of it.
_DATA_OPEN = '{"type":"data","id":'
_DATA_PAYLOAD = ',"payload":'
_DATA_FRAME_BYTES = len(_DATA_OPEN) + len(_DATA_PAYLOAD) + 1
_DATA_OPEN_UTF8 = _DATA_OPEN.encode()
_DATA_PAYLOAD_UTF8 = _DATA_PAYLOAD.encode()
_DATA_CLOSE_UTF8 = b"}"


@dataclass(frozen=True, slots=True)
class EncodedPayload:
    """A data frame's payload with its JSON text and that text's UTF-8 length, made once per
    publication for every subscriber who receives the same payload."""

    payload: DataPayload
    text: str
    size: int
    # The text's UTF-8 bytes, which a socket writing frames itself sends as they are.
    utf8: bytes

    @classmethod
    def of(cls, payload: DataPayload) -> EncodedPayload:
        text = json_text.dumps(payload)
        utf8 = text.encode()
        return cls(payload, text, len(utf8), utf8)


def subscription_identifier(subscription_id: str) -> bytes:
    """A subscription id as a data frame writes it (a JSON string, UTF-8), made once per
    subscription for `data_utf8`."""
    return json_text.dumps(subscription_id).encode()


def data_utf8(identifier: bytes, payload: EncodedPayload) -> tuple[bytes, ...]:
    """A data frame's UTF-8 text in parts, byte for byte what `RealtimeConnection.data`'s text
    encodes to (`identifier` from `subscription_identifier`), without making that text."""
    return (_DATA_OPEN_UTF8, identifier, _DATA_PAYLOAD_UTF8, payload.utf8, _DATA_CLOSE_UTF8)


class RealtimeConnection:
    """One websocket's protocol state: the connection and its subscriptions by id."""

    # Slotted: one per open socket, and an idle socket's memory is the server's limit.
    __slots__ = (
        "_idle_limit",
        "_idle_turns",
        "_max_payload_bytes",
        "_max_subscriptions",
        "_rejection",
        "_subscriptions",
        "_timeout_ms",
        "dropped_payloads",
        "state",
    )

    def __init__(
        self,
        *,
        rejection: list[ErrorJson] | None = None,
        connection_timeout_ms: int = CONNECTION_TIMEOUT_MS,
        max_subscriptions: int = MAX_SUBSCRIPTIONS_PER_CONNECTION,
        max_payload_bytes: int = MAX_SUBSCRIPTION_PAYLOAD_BYTES,
        idle_limit: int = 0,
    ) -> None:
        """`rejection` holds the errors of a handshake whose credentials failed: the client is
        then answered with `connection_error` and the socket closed. `idle_limit` is how many
        keep-alive turns in a row a connection may hold no subscription before it is closed
        (0: never); the endpoint makes it span `connectionTimeoutMs`."""
        self.state = _REJECTED if rejection else _OPEN
        self._rejection = rejection or _NO_ERRORS
        self._timeout_ms = connection_timeout_ms
        self._max_subscriptions = max_subscriptions
        self._max_payload_bytes = max_payload_bytes
        self._subscriptions: dict[str, SubscriptionState] = {}
        self._idle_limit = idle_limit
        self._idle_turns = 0
        self.dropped_payloads = 0

    @property
    def subscriptions(self) -> dict[str, SubscriptionState]:
        return dict(self._subscriptions)

    def receive(self, text: str) -> list[Action]:
        """A text frame from the client."""
        self._require_not_closed()
        if self.state is _REJECTED:
            return self._reject()
        if text == _CONNECTION_INIT_TEXT:
            return self._initialized()
        try:
            frame = json_text.loads(text)
        except JsonTextError:
            # Malformed, or nested deeper than the server reads (schema/json_text.py).
            return [self._unsupported("unknown")]
        if not isinstance(frame, dict):
            return [self._unsupported("unknown")]
        kind = frame.get("type")
        if kind == _CONNECTION_INIT:
            return self._initialized()
        if kind == _START:
            return self._start(frame)
        if kind == _STOP:
            return self._stop(frame.get("id"))
        return [self._unsupported(kind if isinstance(kind, str) and kind else "unknown")]

    def _initialized(self) -> list[Action]:
        """`connection_init`: `connection_ack`, and the first `ka` right behind it, as the
        service sends them (the frames recorded in ChilliCream/graphql-platform#6468 and
        artilleryio/artillery#1567), then one per keep-alive period."""
        self.state = _ACKNOWLEDGED
        return [_connection_ack(self._timeout_ms), _KEEP_ALIVE_FRAME]

    def receive_binary(self) -> list[Action]:
        """A binary frame: the protocol is text only."""
        self._require_not_closed()
        if self.state is _REJECTED:
            return self._reject()
        return [self._unsupported("unknown")]

    def subscription_started(self, subscription_id: str) -> list[Action]:
        """The endpoint authorized and registered the subscription: acknowledge it, unless a
        `stop` for it arrived meanwhile (then the endpoint must drop it)."""
        if self._subscriptions.get(subscription_id) is not _PENDING:
            return [Unsubscribe(subscription_id)]
        self._subscriptions[subscription_id] = _ACTIVE
        return [SendFrame(_START_ACK_OPEN + json_text.dumps(subscription_id) + "}")]

    def subscription_failed(self, subscription_id: str, errors: list[ErrorJson]) -> list[Action]:
        """The start was refused (validation, auth, the subscription resolver)."""
        if self._subscriptions.get(subscription_id) is not _PENDING:
            return []
        del self._subscriptions[subscription_id]
        return [SendFrame(encode(messages.error(subscription_id, errors)))]

    def subscription_withdrawn(self, subscription_id: str, errors: list[ErrorJson]) -> list[Action]:
        """An active subscription the API no longer serves (a reload removed its field or its
        access): `error` with why, and the endpoint drops it. AWS differs: AppSync has no hot
        reload; a schema update's effect on open subscriptions is not documented, and the
        `error` frame is what every AppSync client reports to the subscriber."""
        if self._subscriptions.pop(subscription_id, None) is None:
            return []
        return [
            Unsubscribe(subscription_id),
            SendFrame(encode(messages.error(subscription_id, errors))),
        ]

    def data(self, subscription_id: str, payload: DataPayload | EncodedPayload) -> list[Action]:
        """A published payload for an active subscription (encoded once for all its
        subscribers, or not yet).

        A payload over the 240 KB limit is dropped without a frame, as AppSync drops it
        (aws-appsync-community#33 and #175: "not even an error is thrown").
        """
        encoded = payload if isinstance(payload, EncodedPayload) else EncodedPayload.of(payload)
        identifier = json_text.dumps(subscription_id)
        size = self.data_size(subscription_id, len(identifier.encode()), encoded)
        if not size:
            return []
        return [SendFrame(_DATA_OPEN + identifier + _DATA_PAYLOAD + encoded.text + "}", size)]

    def data_size(self, subscription_id: str, identifier_size: int, payload: EncodedPayload) -> int:
        """The UTF-8 size of the data frame for `payload` (`identifier_size`: the id's bytes
        as the frame writes it), or 0: no frame, the subscription not active or the frame over
        the limit (`data`; a socket that writes `data_utf8` itself asks this first)."""
        if self._subscriptions.get(subscription_id) is not _ACTIVE:
            return 0
        size = _DATA_FRAME_BYTES + identifier_size + payload.size
        # AWS differs: the limit is measured on the whole frame's UTF-8 bytes here; which bytes
        # AppSync counts is not documented.
        if size > self._max_payload_bytes:
            self.dropped_payloads += 1
            logger.warning(
                "subscription %s: a %d-byte payload exceeds the %d-byte limit and is dropped",
                subscription_id,
                size,
                self._max_payload_bytes,
            )
            return 0
        return size

    def subscription_ended(self, subscription_id: str) -> list[Action]:
        """The server ended a subscription (an invalidation matched it): `complete`.

        AWS differs: the frame a client receives on invalidation is not documented; `complete`
        is what every AppSync client treats as the end of one subscription.
        """
        if self._subscriptions.pop(subscription_id, None) is None:
            return []
        return [Unsubscribe(subscription_id), SendFrame(encode(messages.complete(subscription_id)))]

    def keep_alive(self) -> list[Action]:
        """The keep-alive timer fired: `ka` ("AWS AppSync sends ka messages periodically";
        clients close the socket when none came for connectionTimeoutMs). A rejected or closed
        connection sends none. A connection that held no subscription for `idle_limit` turns
        in a row is closed instead: what a client waits for a `ka` is how long the server keeps
        a socket that serves nothing. AWS differs (unrecorded): that AppSync closes such a
        socket, and when, is not documented."""
        if self.state not in (_OPEN, _ACKNOWLEDGED):
            return []
        if self._subscriptions or not self._idle_limit:
            self._idle_turns = 0
        else:
            self._idle_turns += 1
            if self._idle_turns >= self._idle_limit:
                self.state = _CLOSED
                return [CloseSocket(CLOSE_IDLE, "no subscription")]
        return [_KEEP_ALIVE_FRAME]

    def first_frame_timed_out(self) -> list[Action]:
        """No frame came in the time the server waits for the first (`connection_init`, or a
        `start` without one): a connection whose handshake credentials failed gets its
        `connection_error`; either way the socket closes. AWS differs (unrecorded): the
        service's wait for the first frame is not documented."""
        if self.state is _REJECTED:
            return self._reject()
        if self.state is not _OPEN:
            return []
        self.state = _CLOSED
        return [CloseSocket(CLOSE_IDLE, "no connection_init")]

    def closed(self) -> list[Action]:
        """The socket is gone: every subscription stops."""
        self.state = _CLOSED
        stopped: list[Action] = [Unsubscribe(sid) for sid in self._subscriptions]
        self._subscriptions.clear()
        return stopped

    def _require_not_closed(self) -> None:
        if self.state is _CLOSED:
            raise RealtimeProtocolError("a frame was fed to a closed realtime connection")

    def _reject(self) -> list[Action]:
        self.state = _CLOSED
        return [
            SendFrame(encode(messages.connection_error(self._rejection))),
            CloseSocket(CLOSE_AFTER_CONNECTION_ERROR, "connection_error"),
        ]

    def _unsupported(self, operation: str) -> SendFrame:
        # Recorded with `"id": ""`: the service does not echo an id on this error.
        return SendFrame(encode(messages.error("", [messages.unsupported_operation(operation)])))

    def _start(self, frame: dict[str, Any]) -> list[Action]:
        subscription_id = frame.get("id")
        payload = frame.get("payload")
        if not isinstance(payload, dict):
            return [self._unsupported("unknown")]
        data = payload.get("data")
        request = _graphql_request(data)
        if not isinstance(subscription_id, str) or not subscription_id or request is None:
            return [self._unsupported("unknown")]
        query, variables, operation_name, data_text = request
        if subscription_id in self._subscriptions:
            # AWS differs: AppSync's answer to a reused id is not documented.
            error: ErrorJson = {
                "errorType": "BadRequestException",
                "message": f"Subscription id {subscription_id} is already in use",
            }
            return [SendFrame(encode(messages.error(subscription_id, [error])))]
        if len(self._subscriptions) >= self._max_subscriptions:
            # The service sends this one error as an object, not a list.
            frame_out = messages.error(subscription_id, messages.max_subscriptions_reached())
            return [SendFrame(encode(frame_out))]
        extensions = payload.get("extensions")
        authorization = extensions.get("authorization") if isinstance(extensions, dict) else None
        headers = (
            {str(k): str(v) for k, v in authorization.items() if isinstance(v, str)}
            if isinstance(authorization, dict)
            else None
        )
        self._subscriptions[subscription_id] = _PENDING
        return [Subscribe(subscription_id, query, variables, operation_name, data_text, headers)]

    def _stop(self, subscription_id: Any) -> list[Action]:
        if not isinstance(subscription_id, str):
            return [self._unsupported("unknown")]
        # AWS differs: a `stop` for an unknown id is answered with `complete` here; the
        # service's answer is not documented.
        if self._subscriptions.pop(subscription_id, None) is None:
            return [SendFrame(encode(messages.complete(subscription_id)))]
        return [Unsubscribe(subscription_id), SendFrame(encode(messages.complete(subscription_id)))]


def _graphql_request(data: Any) -> tuple[str, dict[str, Any], str | None, str] | None:
    """`payload.data`: a JSON string holding `query`, `variables` and maybe `operationName`;
    returned with the string itself."""
    if not isinstance(data, str):
        return None
    try:
        request = json_text.loads(data)
    except JsonTextError:
        return None
    if not isinstance(request, dict) or not isinstance(request.get("query"), str):
        return None
    variables = request.get("variables")
    operation_name = request.get("operationName")
    return (
        request["query"],
        variables if isinstance(variables, dict) else {},
        operation_name if isinstance(operation_name, str) else None,
        data,
    )


def handshake_headers(offered: list[str], header_param: str | None) -> dict[str, str] | None:
    """The header JSON of the handshake: a `header-<base64url>` subprotocol entry (amplify-js v6)
    or the `header` query parameter (standard base64, aws-appsync-subscription-link)."""
    encoded = next(
        (p[len(messages.HEADER_SUBPROTOCOL_PREFIX) :] for p in offered if p.startswith("header-")),
        header_param,
    )
    if not encoded:
        return None
    items = _header_items(encoded)
    return None if items is None else dict(items)


# Clients of one API mostly open their sockets with the same header (its host and API key, or a
# token until it expires): decoded once for them. Bounded, as the header is the client's to choose.
@functools.lru_cache(maxsize=256)
def _header_items(encoded: str) -> tuple[tuple[str, str], ...] | None:
    """The header JSON's string members, from its base64 (standard or URL-safe, padded or not)."""
    normalized = encoded.replace("-", "+").replace("_", "/")
    try:
        raw = json_text.loads(base64.b64decode(normalized + "=" * (-len(normalized) % 4)))
    except (binascii.Error, JsonTextError):
        return None
    if not isinstance(raw, dict):
        return None
    return tuple((str(name), str(value)) for name, value in raw.items() if isinstance(value, str))
