"""Starts of one document share its plan (appsync/realtime/start_plans.py), and nothing of one
caller's: each start is authenticated with its own credentials, its caller's access to the
field is checked, its subscription resolver runs for it, and its variables filter only its
own data. Each test holds the shared plan open (a first subscriber) while the next start comes.

The test app and server are in realtime_support.py.
"""

from __future__ import annotations

import asyncio

import pytest

from tests.integration.realtime_support import (
    LAMBDA_TOKEN,
    RealtimeServer,
    api_key_header,
    mutate,
    raw_client,
)
from tests.integration.realtime_support import (
    realtime_server as realtime_server,
)

NOT_AUTHORIZED = {
    "errorType": "Unauthorized",
    "message": "Not Authorized to access onLambdaTodo on type Subscription",
}


def _planner_plans(server: RealtimeServer) -> int:
    assert server.runtime is not None
    return len(server.runtime.planner.plans)


@pytest.mark.anyio
async def test_a_held_plan_still_checks_each_callers_access_and_credentials(
    server: RealtimeServer,
) -> None:
    lambda_auth = {"Authorization": LAMBDA_TOKEN, "host": f"{server.host}:{server.port}"}
    query = "subscription { onLambdaTodo { id } }"
    async with raw_client(server) as first, raw_client(server) as second:
        assert await first.start("lambda", query, {}, lambda_auth) == {
            "type": "start_ack",
            "id": "lambda",
        }
        plans = _planner_plans(server)
        assert plans >= 1
        # The same document, planned and held: an API key caller may not reach the field.
        refused = await second.start("key", query, {}, api_key_header(server))
        assert refused == {"type": "error", "id": "key", "payload": {"errors": [NOT_AUTHORIZED]}}
        # Nor may a wrong token, for the same document.
        wrong = {**lambda_auth, "Authorization": "not-the-token"}
        refused = await second.start("wrong", query, {}, wrong)
        assert refused["type"] == "error"
        assert refused["payload"]["errors"][0]["errorType"] == "UnauthorizedException"
        # The other Lambda caller shares the plan.
        assert await second.start("lambda", query, {}, lambda_auth) == {
            "type": "start_ack",
            "id": "lambda",
        }
        assert _planner_plans(server) == plans


@pytest.mark.anyio
async def test_the_subscription_resolver_runs_for_every_start_of_a_held_plan(
    server: RealtimeServer,
) -> None:
    # owner.py refuses "mallory" and sets an invalidation filter on the owner it was given.
    query = "subscription S($owner: String!) { onOwnerTodo(owner: $owner) { id } }"
    async with raw_client(server) as alice, raw_client(server) as mallory:
        auth = api_key_header(server)
        assert (await alice.start("a", query, {"owner": "alice"}, auth))["type"] == "start_ack"
        assert (await alice.start("a2", query, {"owner": "alice"}, auth))["type"] == "start_ack"
        for attempt in ("m1", "m2"):
            refused = await mallory.start(attempt, query, {"owner": "mallory"}, auth)
            assert refused["type"] == "error", attempt
        # Alice's subscriptions filter by her own variables: bob's todo does not reach them.
        await mutate(server, 'mutation { addTodo(id: "1", name: "x", owner: "bob") { id owner } }')
        await mutate(
            server, 'mutation { addTodo(id: "2", name: "y", owner: "alice") { id owner } }'
        )
        frames = [await alice.receive(), await alice.receive()]
        assert sorted(frame["id"] for frame in frames) == ["a", "a2"]
        assert all(frame["payload"] == {"data": {"onOwnerTodo": {"id": "2"}}} for frame in frames)


@pytest.mark.anyio
async def test_each_start_gets_the_filter_its_own_resolver_run_set(server: RealtimeServer) -> None:
    # group.response.vtl sets an enhanced filter on owner == $ctx.args.group.
    query = "subscription G($group: String!) { onGroupTodo(group: $group) { id } }"
    auth = api_key_header(server)
    async with raw_client(server) as red, raw_client(server) as blue:
        assert (await red.start("r", query, {"group": "red"}, auth))["type"] == "start_ack"
        assert (await blue.start("b", query, {"group": "blue"}, auth))["type"] == "start_ack"
        await mutate(server, 'mutation { addTodo(id: "3", name: "z", owner: "blue") { id owner } }')
        assert await blue.receive() == {
            "type": "data",
            "id": "b",
            "payload": {"data": {"onGroupTodo": {"id": "3"}}},
        }
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(red.socket.recv(), 0.3)


@pytest.mark.anyio
async def test_a_plan_is_let_go_with_its_last_subscription(server: RealtimeServer) -> None:
    query = 'subscription { onAddTodo(owner: "plan-lifetime") { id } }'
    auth = api_key_header(server)
    async with raw_client(server) as client:
        before = _planner_plans(server)
        assert (await client.start("x", query, {}, auth))["type"] == "start_ack"
        assert _planner_plans(server) == before + 1
        await client.send({"type": "stop", "id": "x"})
        assert await client.receive() == {"type": "complete", "id": "x"}
        for _ in range(200):
            if _planner_plans(server) == before:
                break
            await asyncio.sleep(0.01)
        assert _planner_plans(server) == before
