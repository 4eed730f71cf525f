"""The blocking realtime client: a subscription started before `subscribe` returns, its data,
a refused subscription, and silence reported after the timeout."""

from __future__ import annotations

import pytest

from appsync.testing.api import LocalApi
from appsync.testing.realtime import RealtimeSubscription, SubscriptionError

SUBSCRIPTION = 'subscription { onAddComment(postId: "p2") { postId author } }'
MUTATION = 'mutation { addComment(postId: "p2", author: "A", content: "c") { postId author } }'


def _headers(blog: LocalApi) -> dict[str, str]:
    assert blog.api_key is not None
    return {"host": f"127.0.0.1:{blog.port}", "x-api-key": blog.api_key}


def test_data_arrives_for_a_mutation_made_after_subscribe(blog: LocalApi) -> None:
    with RealtimeSubscription(blog.realtime_url, _headers(blog), SUBSCRIPTION) as added:
        blog.query(MUTATION)
        assert added.next() == {"data": {"onAddComment": {"postId": "p2", "author": "A"}}}


def test_a_subscription_the_schema_refuses_raises_with_its_frame(blog: LocalApi) -> None:
    with pytest.raises(SubscriptionError) as refused:
        RealtimeSubscription(blog.realtime_url, _headers(blog), "subscription { nothing }")
    assert refused.value.frame is not None
    assert refused.value.frame["type"] == "error"


def test_silence_is_an_error_after_the_timeout(blog: LocalApi) -> None:
    with (
        RealtimeSubscription(blog.realtime_url, _headers(blog), SUBSCRIPTION) as added,
        pytest.raises(SubscriptionError, match=r"no data frame within 0\.2 s"),
    ):
        added.next(timeout=0.2)


def test_bad_credentials_are_refused_at_connection(blog: LocalApi) -> None:
    headers = {"host": f"127.0.0.1:{blog.port}", "x-api-key": "da2-nottheapikey000000000000"}
    with pytest.raises(SubscriptionError, match="connection_error"):
        RealtimeSubscription(blog.realtime_url, headers, SUBSCRIPTION)
