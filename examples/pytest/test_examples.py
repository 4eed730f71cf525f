"""Testing AppSync APIs with pytest: the `appsync_local` fixtures that installing appsync-local
brings (a pytest plugin), on the to-do and orders examples beside this folder.

    pytest examples/pytest

Each fixture is a factory: it serves a definition on a free loopback port and returns the API
(`api.query`, `api.subscribe`, `api.dynamodb`, `api.clock`, `api.reset` ...). `clock="manual"`
runs the server on a clock only the test moves, so a five-minute timeout passes at once.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

EXAMPLES = Path(__file__).resolve().parent.parent
MARCH = datetime(2026, 3, 1, tzinfo=UTC)


@pytest.fixture(scope="module")
def todo(appsync_local_module: Callable[..., Any]) -> Any:
    """One server for the whole module, started once, on a clock starting on 1 March."""
    return appsync_local_module(EXAMPLES / "todo" / "appsync.yaml", clock="manual", start=MARCH)


@pytest.fixture(autouse=True)
def fresh_todo(todo: Any) -> None:
    """Every test starts from the seeded table and the clock's start: tests stay independent."""
    todo.reset()


def test_a_new_todo_is_stamped_with_the_servers_clock(todo: Any) -> None:
    created = todo.query('mutation { createTodo(input: {id: "t9", name: "Plan"}) { createdAt } }')
    assert created == {"data": {"createTodo": {"createdAt": "2026-03-01T00:00:00.000Z"}}}
    todo.clock.advance(days=1)
    updated = todo.query('mutation { updateTodo(input: {id: "t9", done: true}) { updatedAt } }')
    assert updated == {"data": {"updateTodo": {"updatedAt": "2026-03-02T00:00:00.000Z"}}}


def test_each_test_sees_the_seed_alone(todo: Any) -> None:
    listed = todo.query("{ listTodos { items { id } } }")
    assert sorted(item["id"] for item in listed["data"]["listTodos"]["items"]) == ["t1", "t2"]


def test_a_subscriber_gets_each_new_todo(todo: Any) -> None:
    with todo.subscribe("subscription { onCreateTodo { id name } }") as created:
        todo.query('mutation { createTodo(input: {id: "t3", name: "Ship"}) { id name } }')
        assert created.next() == {"data": {"onCreateTodo": {"id": "t3", "name": "Ship"}}}


def test_the_table_is_reachable_with_boto3(todo: Any) -> None:
    todo.dynamodb.delete_item(TableName="Todo", Key={"id": {"S": "t1"}})
    assert todo.query('{ getTodo(id: "t1") { id } }') == {"data": {"getTodo": None}}


def test_an_order_whose_worker_goes_silent_is_rejected_after_its_heartbeat(
    appsync_local: Callable[..., Any],
) -> None:
    """The orders workflow waits for an activity worker (HeartbeatSeconds 60). A worker takes
    the task and is never heard of again: a minute on the server's clock ends the task, and
    the workflow's Catch reports REJECTED to the subscriber."""
    orders = appsync_local(EXAMPLES / "orders" / "appsync.yaml", clock="manual")
    subscription = 'subscription { onOrderCompleted(orderId: "o-1") { orderId status detail } }'
    with orders.subscribe(subscription) as completed:
        placed = orders.query(
            'mutation { placeOrder(orderId: "o-1", sku: "lamp", quantity: 2) { executionArn } }'
        )
        orders.clock.settle()  # the new execution has reached its activity
        activity = "arn:aws:states:us-east-1:123456789012:activity:reserve-stock"
        task = orders.stepfunctions.get_activity_task(activityArn=activity, workerName="w1")
        assert task["input"] == '{"orderId":"o-1","sku":"lamp","quantity":2}'
        orders.clock.advance(seconds=60)
        assert completed.next() == {
            "data": {
                "onOrderCompleted": {
                    "orderId": "o-1",
                    "status": "REJECTED",
                    "detail": "States.HeartbeatTimeout",
                }
            }
        }
    execution = orders.wait_for_execution(placed["data"]["placeOrder"]["executionArn"])
    assert execution["status"] == "SUCCEEDED"
