"""The resolver log's stream keeps the latest requests' events and hands each new request to its
followers, read as the console shows them (`appsync.console.resolver_log`); how it follows an
API's log is tested through the app in test_resolver_log.py."""

from __future__ import annotations

import asyncio

import pytest

from appsync.console.resolver_log_stream import ResolverLogStream


def _line(number: int) -> tuple[int, str]:
    return (
        1_000 + number,
        f"req-{number} GraphQL Query: {{ a }}, Operation: None, Variables: {{}}",
    )


@pytest.mark.anyio
async def test_followers_get_each_request_and_the_latest_are_kept() -> None:
    stream = ResolverLogStream("api", "us-east-1", "123456789012", capacity=3)
    follower = stream.follow()
    waiting = asyncio.ensure_future(anext(follower))
    await asyncio.sleep(0)
    for number in range(5):
        stream.write([_line(number)])
    first = await asyncio.wait_for(waiting, 1)
    second = await asyncio.wait_for(anext(follower), 1)
    await follower.aclose()  # type: ignore[attr-defined]
    assert (first.requestId, second.requestId) == ("req-0", "req-1")
    assert [request.requestId for request in stream.latest()] == ["req-4", "req-3", "req-2"]
    assert [request.requestId for request in stream.latest(1)] == ["req-4"]


def test_events_of_no_request_and_empty_writes_are_not_shown() -> None:
    stream = ResolverLogStream("api", "us-east-1", "123456789012")
    stream.write([])
    # A line with no request id, as logged_request leaves out.
    stream.write([(1_000, "")])
    stream.write([_line(1)])
    assert [request.requestId for request in stream.latest()] == ["req-1"]


@pytest.mark.anyio
async def test_a_follower_gets_the_latest_then_what_comes_with_none_between() -> None:
    stream = ResolverLogStream("api", "us-east-1", "123456789012", capacity=10)
    for number in range(3):
        stream.write([_line(number)])
    follower = stream.follow(latest=2)
    # The kept ones and the follower's place are taken at its first step: a request written
    # right after is the next one it gets.
    first = await asyncio.wait_for(anext(follower), 1)
    stream.write([_line(3)])
    rest = [await asyncio.wait_for(anext(follower), 1) for _ in range(2)]
    await follower.aclose()  # type: ignore[attr-defined]
    assert [request.requestId for request in (first, *rest)] == ["req-1", "req-2", "req-3"]
