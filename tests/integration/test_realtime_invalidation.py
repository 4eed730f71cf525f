"""Realtime subscriptions: invalidation through `extensions.invalidateSubscriptions` and
`setSubscriptionInvalidationFilter` (matching, the five-call limit, malformed calls).

The test app and server are in realtime_support.py.
"""

from __future__ import annotations

import pytest

from tests.integration.realtime_support import (
    RealtimeServer,
    api_key_header,
    mutate,
    raw_client,
)
from tests.integration.realtime_support import (
    realtime_server as realtime_server,
)


@pytest.mark.anyio
async def test_invalidation_completes_only_the_matching_subscriptions(
    server: RealtimeServer,
) -> None:
    query = "subscription S($owner: String!) { onOwnerTodo(owner: $owner) { id owner } }"
    async with raw_client(server) as client:
        assert (await client.start("bob", query, {"owner": "bob"}, api_key_header(server)))[
            "type"
        ] == "start_ack"
        assert (await client.start("ann", query, {"owner": "ann"}, api_key_header(server)))[
            "type"
        ] == "start_ack"
        await mutate(server, 'mutation { removeOwner(owner: "bob") { id } }')
        assert await client.receive() == {"type": "complete", "id": "bob"}
        await mutate(
            server, 'mutation { addTodo(id: "8", name: "c", owner: "ann") { id name owner } }'
        )
        frame = await client.receive()
        assert frame["id"] == "ann"
        assert frame["payload"] == {"data": {"onOwnerTodo": {"id": "8", "owner": "ann"}}}


@pytest.mark.anyio
async def test_at_most_five_unique_invalidations_per_request(server: RealtimeServer) -> None:
    query = "subscription S($owner: String!) { onOwnerTodo(owner: $owner) { id owner } }"
    async with raw_client(server) as client:
        await client.start("a", query, {"owner": "a"}, api_key_header(server))
        # The same call twice counts once: five unique calls are allowed.
        five = '["a", "b", "c", "d", "e", "a"]'
        body = await mutate(server, f"mutation {{ removeOwners(owners: {five}) {{ id }} }}")
        assert "errors" not in body
        assert await client.receive() == {"type": "complete", "id": "a"}
        await client.start("f", query, {"owner": "f"}, api_key_header(server))
        six = '["a", "b", "c", "d", "e", "f"]'
        body = await mutate(server, f"mutation {{ removeOwners(owners: {six}) {{ id }} }}")
        assert body["data"] == {"removeOwners": None}
        assert body["errors"][0]["path"] == ["removeOwners"]
        await client.send({"type": "stop", "id": "f"})
        # Nothing was invalidated: the next frame is the stop's complete.
        assert await client.receive() == {"type": "complete", "id": "f"}


@pytest.mark.anyio
async def test_the_five_call_limit_counts_the_whole_request(server: RealtimeServer) -> None:
    query = "subscription S($owner: String!) { onOwnerTodo(owner: $owner) { id owner } }"
    async with raw_client(server) as client:
        for owner in ("a", "d"):
            await client.start(owner, query, {"owner": owner}, api_key_header(server))
        # Two resolvers, five unique calls between them ("a" twice): both run.
        body = await mutate(
            server,
            'mutation { first: removeOwners(owners: ["a", "b", "c"]) { id } '
            'second: removeOwners(owners: ["a", "d", "e"]) { id } }',
        )
        assert "errors" not in body
        completed = {(await client.receive())["id"], (await client.receive())["id"]}
        assert completed == {"a", "d"}
        for owner in ("g", "j"):
            await client.start(owner, query, {"owner": owner}, api_key_header(server))
        # Six unique calls in one request: the resolver that passes five fails, and publishes
        # none of its calls; the first one's calls stand.
        body = await mutate(
            server,
            'mutation { first: removeOwners(owners: ["g", "h", "i"]) { id } '
            'second: removeOwners(owners: ["j", "k", "l"]) { id } }',
        )
        assert body["data"] == {"first": {"id": "0"}, "second": None}
        assert [error["path"] for error in body["errors"]] == [["second"]]
        assert await client.receive() == {"type": "complete", "id": "g"}
        await client.send({"type": "stop", "id": "j"})
        assert await client.receive() == {"type": "complete", "id": "j"}


@pytest.mark.anyio
async def test_a_malformed_invalidation_is_a_field_error_and_invalidates_nothing(
    server: RealtimeServer,
) -> None:
    query = "subscription S($owner: String!) { onOwnerTodo(owner: $owner) { id owner } }"
    async with raw_client(server) as client:
        await client.start("m", query, {"owner": "m"}, api_key_header(server))
        body = await mutate(server, 'mutation { invalidateBadly(owner: "m") { id } }')
        assert body["data"] == {"invalidateBadly": None}
        assert body["errors"][0]["path"] == ["invalidateBadly"]
        assert "subscriptionField" in body["errors"][0]["message"]
        # The well-formed call before the malformed one was not published either.
        await client.send({"type": "stop", "id": "m"})
        assert await client.receive() == {"type": "complete", "id": "m"}
