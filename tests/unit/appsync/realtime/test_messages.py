"""The frames of AppSync's realtime protocol as the service puts them on the wire
(amplify-js#9226 for `connection_ack`, aws-appsync-realtime-client-ios for the error shapes,
amplify-cli#6450 for a data frame's errors; reference/appsync.md sections 3.3 and 6)."""

from __future__ import annotations

from graphql import GraphQLError

from appsync.realtime import messages
from resolvers.errors import UnauthorizedFieldError


def test_the_connection_ack_names_the_five_minute_timeout() -> None:
    assert messages.connection_ack() == {
        "type": "connection_ack",
        "payload": {"connectionTimeoutMs": 300000},
    }


def test_the_per_subscription_frames() -> None:
    payload: messages.DataPayload = {"data": {"onPost": {"id": "1"}}}
    assert messages.keep_alive() == {"type": "ka"}
    assert messages.start_ack("s1") == {"type": "start_ack", "id": "s1"}
    assert messages.data("s1", payload) == {"type": "data", "id": "s1", "payload": payload}
    assert messages.complete("s1") == {"type": "complete", "id": "s1"}


def test_an_error_frame_has_an_id_only_when_it_answers_a_subscription() -> None:
    unsupported = messages.unsupported_operation("unknown")
    assert unsupported == {
        "errorType": "UnsupportedOperation",
        "message": "unknown not supported through the realtime channel",
    }
    assert messages.error(None, [unsupported]) == {
        "type": "error",
        "payload": {"errors": [unsupported]},
    }
    assert messages.error("s1", [unsupported])["id"] == "s1"


def test_max_subscriptions_is_a_single_error_object() -> None:
    frame = messages.error("s101", messages.max_subscriptions_reached())
    assert frame["payload"] == {
        "errors": {
            "errorType": "MaxSubscriptionsReachedError",
            "message": "Max number of 100 subscriptions reached",
        }
    }


def test_a_connection_error_lists_its_errors() -> None:
    error: messages.ErrorJson = {"errorType": "UnauthorizedException", "message": "no"}
    assert messages.connection_error([error]) == {
        "type": "connection_error",
        "payload": {"errors": [error]},
    }


def test_a_data_frames_error_keeps_the_resolvers_message_type_and_path() -> None:
    denied = UnauthorizedFieldError("Not Authorized to access secret on type Post", "Unauthorized")
    error = GraphQLError("wrapped", path=["onPost", "secret"], original_error=denied)
    assert messages.data_error(error) == {
        "message": "Not Authorized to access secret on type Post",
        "path": ["onPost", "secret"],
        "errorType": "Unauthorized",
    }
    assert messages.data_error(GraphQLError("Cannot return null")) == {
        "message": "Cannot return null"
    }
