"""Transcripts of the realtime protocol: frames in, frames and actions out.

Expected frames are those AppSync sends (reference/appsync.md 3.3 and 6): the connection_ack
of amplify-js#9226, the error shapes the iOS realtime client decodes, the UnsupportedOperation
error recorded for a `start` without `payload.data`.
"""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from appsync.errors import RealtimeProtocolError
from appsync.realtime import messages
from appsync.realtime.messages import DataPayload, ErrorJson
from appsync.realtime.protocol import (
    Action,
    CloseSocket,
    ConnectionState,
    EncodedPayload,
    RealtimeConnection,
    SendFrame,
    Subscribe,
    SubscriptionState,
    Unsubscribe,
    data_utf8,
    encode,
    handshake_headers,
    subscription_identifier,
)
from tests.fixtures.realtime_errors import CONNECTION_UNAUTHORIZED

QUERY = "subscription OnCreate { onCreateTodo { id name } }"
API_KEY_AUTH = {"host": "127.0.0.1:20100", "x-api-key": "da2-abc"}


def frames(actions: list[Action]) -> list[dict[str, Any]]:
    return [json.loads(action.text) for action in actions if isinstance(action, SendFrame)]


def start_frame(subscription_id: str, query: str = QUERY, **variables: Any) -> str:
    data = json.dumps({"query": query, "variables": variables})
    return json.dumps(
        {
            "id": subscription_id,
            "type": "start",
            "payload": {"data": data, "extensions": {"authorization": API_KEY_AUTH}},
        }
    )


def started(connection: RealtimeConnection, subscription_id: str) -> None:
    actions = connection.receive(start_frame(subscription_id))
    assert isinstance(actions[0], Subscribe)
    connection.subscription_started(subscription_id)


def test_connection_init_is_acknowledged_with_the_connection_timeout_then_a_first_ka() -> None:
    # The first ka follows the ack at once (ChilliCream/graphql-platform#6468,
    # artilleryio/artillery#1567), so a client's keep-alive clock starts from the ack.
    connection = RealtimeConnection()
    out = connection.receive('{"type":"connection_init"}')
    assert frames(out) == [
        {"type": "connection_ack", "payload": {"connectionTimeoutMs": 300000}},
        {"type": "ka"},
    ]
    assert connection.state is ConnectionState.ACKNOWLEDGED


def test_keep_alive_flows_whether_or_not_connection_init_came() -> None:
    # connection_init is optional; AppSync sends ka periodically on every open connection.
    connection = RealtimeConnection()
    assert frames(connection.keep_alive()) == [{"type": "ka"}]
    connection.receive('{"type":"connection_init"}')
    assert frames(connection.keep_alive()) == [{"type": "ka"}]


def test_no_keep_alive_on_a_rejected_or_closed_connection() -> None:
    rejected = RealtimeConnection(rejection=[CONNECTION_UNAUTHORIZED])  # type: ignore[list-item]
    assert rejected.keep_alive() == []
    closed = RealtimeConnection()
    closed.closed()
    assert closed.keep_alive() == []


def test_start_asks_the_endpoint_to_subscribe_with_the_data_string_and_authorization() -> None:
    connection = RealtimeConnection()
    connection.receive('{"type":"connection_init"}')
    text = start_frame("sub-1", QUERY, owner="ann")
    actions = connection.receive(text)
    expected_data = json.loads(text)["payload"]["data"]
    assert actions == [
        Subscribe("sub-1", QUERY, {"owner": "ann"}, None, expected_data, API_KEY_AUTH)
    ]
    assert connection.subscriptions == {"sub-1": SubscriptionState.PENDING}


def test_started_subscription_is_acknowledged_and_then_receives_data() -> None:
    connection = RealtimeConnection()
    connection.receive(start_frame("sub-1"))
    assert frames(connection.subscription_started("sub-1")) == [
        {"type": "start_ack", "id": "sub-1"}
    ]
    payload: DataPayload = {"data": {"onCreateTodo": {"id": "1", "name": "x"}}}
    assert frames(connection.data("sub-1", payload)) == [
        {"type": "data", "id": "sub-1", "payload": payload}
    ]


def test_start_is_served_before_connection_init() -> None:
    connection = RealtimeConnection()
    started(connection, "sub-1")
    assert connection.subscriptions == {"sub-1": SubscriptionState.ACTIVE}
    assert frames(connection.keep_alive()) == [{"type": "ka"}]


def test_data_for_a_pending_or_unknown_subscription_is_not_sent() -> None:
    connection = RealtimeConnection()
    connection.receive(start_frame("sub-1"))
    assert connection.data("sub-1", {"data": None}) == []
    assert connection.data("other", {"data": None}) == []


def test_failed_start_is_answered_with_an_error_frame_for_its_id() -> None:
    connection = RealtimeConnection()
    connection.receive(start_frame("sub-1"))
    error = {"errorType": "UnauthorizedException", "message": "You are not authorized."}
    out = connection.subscription_failed("sub-1", [error])  # type: ignore[list-item]
    assert frames(out) == [{"type": "error", "id": "sub-1", "payload": {"errors": [error]}}]
    assert connection.subscriptions == {}


def test_stop_is_answered_with_complete_and_unsubscribes() -> None:
    connection = RealtimeConnection()
    started(connection, "sub-1")
    out = connection.receive('{"type":"stop","id":"sub-1"}')
    assert out[0] == Unsubscribe("sub-1")
    assert frames(out) == [{"type": "complete", "id": "sub-1"}]
    assert connection.data("sub-1", {"data": None}) == []


def test_stop_of_an_unknown_id_is_answered_with_complete() -> None:
    connection = RealtimeConnection()
    out = connection.receive('{"type":"stop","id":"nope"}')
    assert frames(out) == [{"type": "complete", "id": "nope"}]


def test_stop_while_the_start_is_pending_drops_the_subscription_when_it_starts() -> None:
    connection = RealtimeConnection()
    connection.receive(start_frame("sub-1"))
    connection.receive('{"type":"stop","id":"sub-1"}')
    assert connection.subscription_started("sub-1") == [Unsubscribe("sub-1")]
    assert connection.subscription_failed("sub-1", []) == []


def test_the_101st_subscription_is_refused_with_max_subscriptions_reached() -> None:
    connection = RealtimeConnection()
    for index in range(100):
        started(connection, f"sub-{index}")
    out = connection.receive(start_frame("sub-100"))
    # The service sends this error as an object, not a list (aws-appsync-realtime-client-ios).
    assert frames(out) == [
        {
            "id": "sub-100",
            "type": "error",
            "payload": {
                "errors": {
                    "errorType": "MaxSubscriptionsReachedError",
                    "message": "Max number of 100 subscriptions reached",
                }
            },
        }
    ]
    connection.receive('{"type":"stop","id":"sub-0"}')
    assert isinstance(connection.receive(start_frame("sub-100"))[0], Subscribe)


def test_a_reused_subscription_id_is_refused() -> None:
    connection = RealtimeConnection()
    started(connection, "sub-1")
    out = frames(connection.receive(start_frame("sub-1")))
    assert out[0]["type"] == "error"
    assert out[0]["id"] == "sub-1"
    assert out[0]["payload"]["errors"][0]["errorType"] == "BadRequestException"


UNSUPPORTED_UNKNOWN = {
    "type": "error",
    "id": "",
    "payload": {
        "errors": [
            {
                "errorType": "UnsupportedOperation",
                "message": "unknown not supported through the realtime channel",
            }
        ]
    },
}


@pytest.mark.parametrize(
    "text",
    [
        # An Apollo-style start (query beside, not inside, payload.data): the recorded case.
        '{"id":"1","type":"start","payload":{"query":"subscription { a }","variables":{}}}',
        '{"id":"1","type":"start","payload":{"data":"not json"}}',
        '{"id":"1","type":"start","payload":{"data":"{\\"variables\\":{}}"}}',
        '{"type":"start","payload":{"data":"{\\"query\\":\\"subscription { a }\\"}"}}',
        "not json at all",
        "[1, 2]",
        '{"type":"stop"}',
        '{"no":"type"}',
    ],
)
def test_frames_the_service_cannot_route_get_unsupported_operation(text: str) -> None:
    connection = RealtimeConnection()
    assert frames(connection.receive(text)) == [UNSUPPORTED_UNKNOWN]
    assert connection.subscriptions == {}


def test_an_unknown_frame_type_is_named_in_the_unsupported_operation_error() -> None:
    connection = RealtimeConnection()
    out = frames(connection.receive('{"type":"subscribe","id":"1"}'))
    assert out[0]["payload"]["errors"][0]["message"] == (
        "subscribe not supported through the realtime channel"
    )


def test_binary_frames_are_unsupported() -> None:
    assert frames(RealtimeConnection().receive_binary()) == [UNSUPPORTED_UNKNOWN]


def test_rejected_handshake_answers_connection_init_with_connection_error_and_closes() -> None:
    connection = RealtimeConnection(rejection=[CONNECTION_UNAUTHORIZED])  # type: ignore[list-item]
    out = connection.receive('{"type":"connection_init"}')
    assert frames(out) == [
        {"type": "connection_error", "payload": {"errors": [CONNECTION_UNAUTHORIZED]}}
    ]
    assert isinstance(out[-1], CloseSocket)
    assert connection.state is ConnectionState.CLOSED


def test_rejected_handshake_answers_a_start_with_connection_error_too() -> None:
    connection = RealtimeConnection(rejection=[CONNECTION_UNAUTHORIZED])  # type: ignore[list-item]
    out = connection.receive(start_frame("sub-1"))
    assert frames(out)[0]["type"] == "connection_error"
    assert not any(isinstance(action, Subscribe) for action in out)


def test_rejected_handshake_answers_binary_with_connection_error() -> None:
    connection = RealtimeConnection(rejection=[CONNECTION_UNAUTHORIZED])  # type: ignore[list-item]
    assert frames(connection.receive_binary())[0]["type"] == "connection_error"


def test_payload_over_240_kb_is_dropped_without_a_frame() -> None:
    connection = RealtimeConnection()
    started(connection, "sub-1")
    big: DataPayload = {"data": {"onCreateTodo": {"name": "x" * (240 * 1024)}}}
    assert connection.data("sub-1", big) == []
    assert connection.dropped_payloads == 1
    # Asked by a socket that writes the frame's bytes itself: no frame either, counted too.
    identifier = subscription_identifier("sub-1")
    assert connection.data_size("sub-1", len(identifier), EncodedPayload.of(big)) == 0
    assert connection.dropped_payloads == 2
    small: DataPayload = {"data": {"onCreateTodo": {"name": "x" * (230 * 1024)}}}
    assert len(frames(connection.data("sub-1", small))) == 1


def test_invalidated_subscription_completes_once() -> None:
    connection = RealtimeConnection()
    started(connection, "sub-1")
    out = connection.subscription_ended("sub-1")
    assert out[0] == Unsubscribe("sub-1")
    assert frames(out) == [{"type": "complete", "id": "sub-1"}]
    assert connection.subscription_ended("sub-1") == []


def test_closing_stops_every_subscription_and_later_frames_are_a_bug() -> None:
    connection = RealtimeConnection()
    started(connection, "a")
    connection.receive(start_frame("b"))
    assert connection.closed() == [Unsubscribe("a"), Unsubscribe("b")]
    with pytest.raises(RealtimeProtocolError):
        connection.receive('{"type":"connection_init"}')
    with pytest.raises(RealtimeProtocolError):
        connection.receive_binary()


def test_operation_name_is_passed_on() -> None:
    connection = RealtimeConnection()
    data = json.dumps({"query": QUERY, "operationName": "OnCreate"})
    actions = connection.receive(
        json.dumps({"id": "s", "type": "start", "payload": {"data": data}})
    )
    assert actions == [Subscribe("s", QUERY, {}, "OnCreate", data, None)]


API_KEY_HEADER = {"host": "127.0.0.1:20100", "x-amz-date": "20261121T193651Z", "x-api-key": "da2-k"}


def test_handshake_header_from_the_subprotocol_entry_in_base64url_without_padding() -> None:
    # amplify-js v6: `Sec-WebSocket-Protocol: graphql-ws,header-<base64url JSON, no padding>`.
    encoded = base64.urlsafe_b64encode(json.dumps(API_KEY_HEADER).encode()).decode().rstrip("=")
    assert handshake_headers(["graphql-ws", f"header-{encoded}"], None) == API_KEY_HEADER


def test_handshake_header_from_the_query_string_in_standard_base64() -> None:
    # aws-appsync-subscription-link: `?header=<base64 JSON>&payload=e30=`.
    encoded = base64.b64encode(json.dumps(API_KEY_HEADER).encode()).decode()
    assert handshake_headers(["graphql-ws"], encoded) == API_KEY_HEADER


def test_the_subprotocol_entry_wins_over_the_query_string() -> None:
    entry = base64.urlsafe_b64encode(b'{"x-api-key":"from-entry"}').decode()
    query = base64.b64encode(b'{"x-api-key":"from-query"}').decode()
    assert handshake_headers([f"header-{entry}"], query) == {"x-api-key": "from-entry"}


def test_each_handshake_gets_its_own_headers_when_they_are_decoded_once() -> None:
    encoded = base64.b64encode(json.dumps(API_KEY_HEADER).encode()).decode()
    first = handshake_headers(["graphql-ws"], encoded)
    assert first is not None
    first["x-api-key"] = "changed by the first socket"
    assert handshake_headers(["graphql-ws"], encoded) == API_KEY_HEADER


@pytest.mark.parametrize(
    ("offered", "param"),
    [
        (["graphql-ws"], None),
        (["graphql-ws"], ""),
        (["graphql-ws"], "%%%"),
        (["header-bm90IGpzb24"], None),  # "not json"
        (["graphql-ws"], base64.b64encode(b"[1]").decode()),
    ],
)
def test_missing_or_undecodable_handshake_headers_are_none(
    offered: list[str], param: str | None
) -> None:
    assert handshake_headers(offered, param) is None


def test_a_connection_without_subscriptions_closes_after_its_idle_turns() -> None:
    """The endpoint makes `idle_limit` keep-alive turns span connectionTimeoutMs."""
    connection = RealtimeConnection(idle_limit=3)
    connection.receive('{"type":"connection_init"}')
    assert [frames(connection.keep_alive()) for _ in range(2)] == [[{"type": "ka"}]] * 2
    (closing,) = connection.keep_alive()
    assert closing == CloseSocket(1000, "no subscription")
    assert connection.state is ConnectionState.CLOSED


def test_a_subscription_keeps_a_connection_open_and_its_end_starts_the_idle_count_again() -> None:
    connection = RealtimeConnection(idle_limit=2)
    connection.keep_alive()
    started(connection, "1")
    for _ in range(5):
        assert frames(connection.keep_alive()) == [{"type": "ka"}]
    connection.receive('{"type":"stop","id":"1"}')
    assert frames(connection.keep_alive()) == [{"type": "ka"}]
    assert connection.keep_alive() == [CloseSocket(1000, "no subscription")]


def test_without_an_idle_limit_an_idle_connection_stays() -> None:
    connection = RealtimeConnection()
    for _ in range(100):
        assert frames(connection.keep_alive()) == [{"type": "ka"}]


def test_a_connection_silent_past_the_first_frame_wait_closes() -> None:
    connection = RealtimeConnection()
    assert connection.first_frame_timed_out() == [CloseSocket(1000, "no connection_init")]
    assert connection.state is ConnectionState.CLOSED


def test_a_rejected_connection_silent_past_the_first_frame_wait_gets_its_connection_error() -> None:
    errors: list[ErrorJson] = [
        {"errorType": "UnauthorizedException", "message": "no", "errorCode": 401}
    ]
    connection = RealtimeConnection(rejection=errors)
    out = connection.first_frame_timed_out()
    assert frames(out) == [{"type": "connection_error", "payload": {"errors": errors}}]
    assert isinstance(out[-1], CloseSocket)


def test_the_first_frame_wait_does_not_close_a_connection_that_spoke() -> None:
    connection = RealtimeConnection()
    connection.receive('{"type":"connection_init"}')
    assert connection.first_frame_timed_out() == []
    assert connection.state is ConnectionState.ACKNOWLEDGED


@pytest.mark.parametrize(
    "text",
    [
        "[" * 100_000 + "]" * 100_000,
        json.dumps({"type": "start", "id": "1", "payload": {"data": "[" * 50_000 + "]" * 50_000}}),
    ],
    ids=["frame", "payload.data"],
)
def test_json_nested_100000_deep_is_unsupported_not_a_crash(text: str) -> None:
    connection = RealtimeConnection()
    assert frames(connection.receive(text)) == [UNSUPPORTED_UNKNOWN]


def test_a_lone_surrogate_in_a_payload_is_escaped_as_java_writes_it() -> None:
    """A client's "\\ud800" stored by a mutation: the frame still encodes, so this subscriber's
    socket (and every other's) stays open."""
    connection = RealtimeConnection()
    started(connection, "1")
    (frame,) = connection.data("1", {"data": {"onCreateTodo": {"name": "a\ud800b"}}})
    assert isinstance(frame, SendFrame)
    assert '"a\\uD800b"' in frame.text
    frame.text.encode()
    assert json.loads(frame.text)["payload"]["data"]["onCreateTodo"]["name"] == "a\ud800b"


@pytest.mark.parametrize(
    ("subscription_id", "payload"),
    [
        ("1", {"data": {"onCreateTodo": {"name": "a"}}}),
        ('quote " and \\ é', {"data": {"onCreateTodo": {"name": 'ü\u2028\ud800 "x"'}}}),
        ("\ud800-id", {"data": None, "errors": [{"message": "m", "path": ["onCreateTodo", 0]}]}),
    ],
    ids=["plain", "escapes", "lone-surrogate-id"],
)
def test_a_payload_encoded_once_makes_the_frame_encoding_the_message_makes(
    subscription_id: str, payload: DataPayload
) -> None:
    """The data frame built around a payload encoded once for all its subscribers is, byte for
    byte, the encoding of the whole `data` message, and its size is that text's UTF-8 length."""
    connection = RealtimeConnection()
    started(connection, subscription_id)
    encoded = EncodedPayload.of(payload)
    (frame,) = connection.data(subscription_id, encoded)
    assert isinstance(frame, SendFrame)
    assert frame.text == encode(messages.data(subscription_id, payload))
    assert frame.size == len(frame.text.encode())
    # Its UTF-8 bytes in parts, as a socket written without ASGI writes it, and their size.
    identifier = subscription_identifier(subscription_id)
    assert b"".join(data_utf8(identifier, encoded)) == frame.text.encode()
    assert connection.data_size(subscription_id, len(identifier), encoded) == frame.size
    # Given the payload itself, the same frame.
    assert connection.data(subscription_id, payload) == [frame]


@pytest.mark.parametrize(
    "text",
    [
        '{"type":"connection_init"}',
        '{ "type": "connection_init" }',
        '{"type":"connection_init","payload":{}}',
        '{"payload":{},"type":"connection_init"}',
    ],
)
def test_connection_init_is_answered_alike_however_it_is_written(text: str) -> None:
    """The text every client sends is answered without parsing it, and exactly as any other
    writing of the same message."""
    connection = RealtimeConnection()
    assert frames(connection.receive(text)) == [
        {"type": "connection_ack", "payload": {"connectionTimeoutMs": 300000}},
        {"type": "ka"},
    ]
    assert connection.state is ConnectionState.ACKNOWLEDGED


@pytest.mark.parametrize(
    "subscription_id",
    ["1", 'quote " and \\ é \u2028', "\ud800-id", "5d4b3c2a-0000-4000-8000-000000000000"],
    ids=["plain", "escapes", "lone-surrogate", "uuid"],
)
def test_start_ack_is_the_encoding_of_the_message(subscription_id: str) -> None:
    """`start_ack` built around the encoded id is, byte for byte, the encoding of the whole
    message, and encodes to UTF-8 (a lone surrogate escaped as Java writes it)."""
    connection = RealtimeConnection()
    connection.receive(start_frame(subscription_id))
    (frame,) = connection.subscription_started(subscription_id)
    assert isinstance(frame, SendFrame)
    assert frame.text == encode(messages.start_ack(subscription_id))
    assert json.loads(frame.text) == {"type": "start_ack", "id": subscription_id}
    frame.text.encode()


def test_a_withdrawn_subscription_gets_an_error_and_is_dropped() -> None:
    """A reload removed what an active subscription was for: `error` with the reason, and the
    endpoint drops it; withdrawing what is not active does nothing."""
    connection = RealtimeConnection()
    started(connection, "s1")
    errors: list[ErrorJson] = [{"message": "gone"}]
    actions = connection.subscription_withdrawn("s1", errors)
    assert actions[0] == Unsubscribe("s1")
    assert frames(actions) == [{"type": "error", "id": "s1", "payload": {"errors": errors}}]
    assert "s1" not in connection.subscriptions
    assert connection.subscription_withdrawn("s1", errors) == []
