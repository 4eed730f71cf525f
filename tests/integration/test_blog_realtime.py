"""Subscriptions on the example API through the real server: a mutation over HTTP reaches a
subscriber on the realtime websocket, with gql's AppSync transport (API_KEY)."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from gql import Client, GraphQLRequest, gql
from gql.transport.appsync_auth import AppSyncApiKeyAuthentication
from gql.transport.appsync_websockets import AppSyncWebsocketsTransport

from tests.integration.conftest import BLOG_KEY, Server


async def _subscribers(blog: Server, topic: str, count: int) -> None:
    """gql does not wait for `start_ack` before the test goes on; wait for the registration."""
    app_runtime = _runtime(blog)
    for _ in range(1000):
        if app_runtime.broker.subscriber_count(topic) >= count:
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"no subscriber on {topic}")


def _runtime(blog: Server) -> Any:
    return blog.app.state.api.realtime


@pytest.mark.anyio
async def test_comment_mutation_reaches_a_filtered_subscriber(blog: Server) -> None:
    auth = AppSyncApiKeyAuthentication(host=f"{blog.host}:{blog.port}", api_key=BLOG_KEY)
    transport = AppSyncWebsocketsTransport(url=blog.url.replace("http", "ws"), auth=auth)
    received: list[dict[str, Any]] = []
    subscription = GraphQLRequest(
        gql('subscription { onAddComment(postId: "p2") { postId author content } }')
    )
    async with Client(transport=transport) as session:

        async def listen() -> None:
            async for result in session.subscribe(subscription):
                received.append(result)
                return

        listener = asyncio.ensure_future(listen())
        await _subscribers(blog, "mutation:addComment", 1)
        async with httpx.AsyncClient(headers={"x-api-key": BLOG_KEY}) as http:
            for post in ("p1", "p2"):  # the first does not match the argument filter
                query = (
                    f'mutation {{ addComment(postId: "{post}", author: "Grace", '
                    f'content: "on {post}") {{ postId author content }} }}'
                )
                response = await http.post(blog.url, json={"query": query})
                assert response.status_code == 200
        await asyncio.wait_for(listener, timeout=10)
    assert received == [{"onAddComment": {"postId": "p2", "author": "Grace", "content": "on p2"}}]
