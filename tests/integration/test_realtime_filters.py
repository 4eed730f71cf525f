"""Realtime subscriptions: what each subscriber receives. Argument filters, enhanced filters
set by PYTHON and VTL subscription resolvers, and the data shaped by the mutation's selection.

The test app and server are in realtime_support.py.
"""

from __future__ import annotations

import pytest

from tests.integration.realtime_support import (
    ADD_ANN,
    ON_ADD,
    RealtimeServer,
    api_key_header,
    mutate,
    raw_client,
)
from tests.integration.realtime_support import (
    realtime_server as realtime_server,
)


@pytest.mark.anyio
async def test_argument_filter_matches_the_mutation_result(server: RealtimeServer) -> None:
    async with raw_client(server) as client:
        await client.start("bob", ON_ADD, {"owner": "bob"}, api_key_header(server))
        await client.start("all", ON_ADD, {}, api_key_header(server))
        await mutate(server, ADD_ANN)
        await mutate(
            server, 'mutation { addTodo(id: "2", name: "eggs", owner: "bob") { id name owner } }'
        )
        got = [await client.receive() for _ in range(3)]
        by_id = [(frame["id"], frame["payload"]["data"]["onAddTodo"]["id"]) for frame in got]
        assert sorted(by_id) == [("all", "1"), ("all", "2"), ("bob", "2")]


@pytest.mark.anyio
async def test_subscribers_get_only_what_the_mutation_selected(server: RealtimeServer) -> None:
    async with raw_client(server) as client:
        await client.start(
            "s", "subscription { onAddTodo { id name owner priority } }", {}, api_key_header(server)
        )
        await mutate(
            server,
            'mutation { addTodo(id: "3", name: "tea", owner: "cy", priority: 9) { id name } }',
        )
        frame = await client.receive()
        assert frame["payload"] == {
            "data": {"onAddTodo": {"id": "3", "name": "tea", "owner": None, "priority": None}}
        }
        await mutate(server, 'mutation { addTodo(id: "4", name: "jam") { id } }')
        frame = await client.receive()
        # amplify-cli#6450: the non-null field the mutation did not select is an error.
        assert frame["payload"] == {
            "data": {"onAddTodo": None},
            "errors": [
                {
                    "message": "Cannot return null for non-nullable type: 'String' "
                    "within parent 'Todo' (/onAddTodo/name)",
                    "path": ["onAddTodo", "name"],
                }
            ],
        }


@pytest.mark.anyio
async def test_aliases_in_the_mutation_do_not_hide_fields(server: RealtimeServer) -> None:
    async with raw_client(server) as client:
        await client.start(
            "s", "subscription { onAddTodo { id name } }", {}, api_key_header(server)
        )
        await mutate(server, 'mutation { made: addTodo(id: "5", name: "oil") { key: id name } }')
        frame = await client.receive()
        assert frame["payload"] == {"data": {"onAddTodo": {"id": "5", "name": "oil"}}}


@pytest.mark.anyio
async def test_enhanced_filter_set_by_the_subscription_resolver(server: RealtimeServer) -> None:
    async with raw_client(server) as client:
        await client.start(
            "s", "subscription { onImportantTodo { id priority } }", {}, api_key_header(server)
        )
        await mutate(
            server, 'mutation { addTodo(id: "6", name: "a", priority: 1) { id name priority } }'
        )
        await mutate(
            server, 'mutation { addTodo(id: "7", name: "b", priority: 5) { id name priority } }'
        )
        frame = await client.receive()
        assert frame["payload"] == {"data": {"onImportantTodo": {"id": "7", "priority": 5}}}


@pytest.mark.anyio
async def test_an_enhanced_filter_replaces_the_argument_filter(server: RealtimeServer) -> None:
    # "With enhanced filtering, you write your filters in your resolver and the client filters
    # are not applied" (the AppSync team in aws-appsync-community#89).
    query = 'subscription { onImportantTodo(owner: "zed") { id owner } }'
    async with raw_client(server) as client:
        await client.start("s", query, {}, api_key_header(server))
        await mutate(
            server,
            'mutation { addTodo(id: "10", name: "d", owner: "ann", priority: 7) '
            "{ id owner priority } }",
        )
        frame = await client.receive()
        assert frame["payload"] == {"data": {"onImportantTodo": {"id": "10", "owner": "ann"}}}


@pytest.mark.anyio
async def test_a_vtl_subscription_resolver_sets_the_enhanced_filter(server: RealtimeServer) -> None:
    query = 'subscription { onGroupTodo(group: "g1") { id owner } }'
    async with raw_client(server) as client:
        assert await client.start("s", query, {}, api_key_header(server)) == {
            "type": "start_ack",
            "id": "s",
        }
        await mutate(server, 'mutation { addTodo(id: "11", name: "x", owner: "g2") { id owner } }')
        await mutate(server, 'mutation { addTodo(id: "12", name: "y", owner: "g1") { id owner } }')
        frame = await client.receive()
        assert frame["payload"] == {"data": {"onGroupTodo": {"id": "12", "owner": "g1"}}}
