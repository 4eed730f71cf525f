"""SqliteStore: what the service writes survives reopening the file; Express stays in memory.

Shapes are the API reference's (DescribeStateMachine, ListStateMachineVersions, ListTagsForResource,
DescribeExecution, GetExecutionHistory); AWS keeps no history for Express executions (dg
"Standard vs. Express workflows"), so GetExecutionHistory refuses their ARN.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, closing
from pathlib import Path
from typing import Any

import pytest

from stepfunctions.runtime.clock import FakeClock
from stepfunctions.runtime.task_registry import TaskRegistry
from stepfunctions.service.api import StepFunctionsService
from stepfunctions.store.sqlite import MEMORY, SqliteStore
from tests.unit.stepfunctions.service.test_api import call, create, finished, ok

pytestmark = pytest.mark.anyio

MACHINE = "arn:aws:states:us-east-1:123456789012:stateMachine:m"
ACTIVITY = "arn:aws:states:us-east-1:123456789012:activity:queue"
CHAIN = {
    "StartAt": "A",
    "States": {
        "A": {"Type": "Pass", "Result": {"x": 1}, "Next": "B"},
        "B": {"Type": "Wait", "Seconds": 5, "Next": "C"},
        "C": {"Type": "Pass", "End": True},
    },
}


@asynccontextmanager
async def engine(path: str, retention: int = 100) -> AsyncIterator[StepFunctionsService]:
    store = SqliteStore(path, retention)
    service = StepFunctionsService(FakeClock(), TaskRegistry(), store=store)
    async with service.running():
        yield service
    store.close()


async def test_machines_versions_aliases_tags_and_activities_survive_a_reopen(
    tmp_path: Path,
) -> None:
    path = str(tmp_path / "sfn.db")
    async with engine(path) as service:
        await create(service, definition=CHAIN, publish=True, tags=[{"key": "k", "value": "v"}])
        await ok(
            service,
            "CreateStateMachineAlias",
            name="live",
            routingConfiguration=[{"stateMachineVersionArn": f"{MACHINE}:1", "weight": 100}],
        )
        await ok(service, "TagResource", resourceArn=MACHINE, tags=[{"key": "k2", "value": "w"}])
        await ok(service, "CreateActivity", name="queue", tags=[{"key": "a", "value": "b"}])
        before = await ok(service, "DescribeStateMachine", stateMachineArn=MACHINE)
        alias = await ok(
            service, "DescribeStateMachineAlias", stateMachineAliasArn=f"{MACHINE}:live"
        )
    async with engine(path) as service:
        assert await ok(service, "DescribeStateMachine", stateMachineArn=MACHINE) == before
        versions = await ok(service, "ListStateMachineVersions", stateMachineArn=MACHINE)
        assert [v["stateMachineVersionArn"] for v in versions["stateMachineVersions"]] == [
            f"{MACHINE}:1"
        ]
        assert (
            await ok(service, "DescribeStateMachineAlias", stateMachineAliasArn=f"{MACHINE}:live")
            == alias
        )
        tags = await ok(service, "ListTagsForResource", resourceArn=MACHINE)
        assert sorted((t["key"], t["value"]) for t in tags["tags"]) == [("k", "v"), ("k2", "w")]
        activity = await ok(service, "ListTagsForResource", resourceArn=ACTIVITY)
        assert activity["tags"] == [{"key": "a", "value": "b"}]
        # The next version number carries on.
        status, _ = await call(
            service,
            "UpdateStateMachine",
            stateMachineArn=MACHINE,
            definition=json.dumps({**CHAIN, "Comment": "v2"}),
            publish=True,
        )
        assert status == 200
        versions = await ok(service, "ListStateMachineVersions", stateMachineArn=MACHINE)
        assert f"{MACHINE}:2" in [
            v["stateMachineVersionArn"] for v in versions["stateMachineVersions"]
        ]


async def test_a_finished_execution_and_its_history_survive_a_reopen(tmp_path: Path) -> None:
    path = str(tmp_path / "sfn.db")
    async with engine(path) as service:
        await create(service, definition=CHAIN)
        started = await ok(service, "StartExecution", stateMachineArn=MACHINE, name="run-1")
        described = await finished(service, started["executionArn"])
        events = await ok(service, "GetExecutionHistory", executionArn=started["executionArn"])
    async with engine(path) as service:
        arn = started["executionArn"]
        assert await ok(service, "DescribeExecution", executionArn=arn) == described
        assert await ok(service, "GetExecutionHistory", executionArn=arn) == events
        listed = await ok(service, "ListExecutions", stateMachineArn=MACHINE)
        assert [e["name"] for e in listed["executions"]] == ["run-1"]
    assert described["status"] == "SUCCEEDED"
    assert [e["type"] for e in events["events"]][-1] == "ExecutionSucceeded"


async def test_finished_executions_beyond_the_retention_leave_the_file(tmp_path: Path) -> None:
    path = tmp_path / "sfn.db"
    async with engine(str(path), retention=3) as service:
        await create(service)
        for number in range(6):
            started = await ok(
                service, "StartExecution", stateMachineArn=MACHINE, name=f"r{number}"
            )
            await finished(service, started["executionArn"])
    with closing(sqlite3.connect(path)) as db:
        names = [row[0] for row in db.execute("SELECT arn FROM executions ORDER BY seq")]
        (orphans,) = db.execute(
            "SELECT count(*) FROM events WHERE execution_arn NOT IN (SELECT arn FROM executions)"
        ).fetchone()
    assert [n.rsplit(":", 1)[1] for n in names] == ["r3", "r4", "r5"]
    assert orphans == 0


async def test_express_executions_are_not_written_and_have_no_history(tmp_path: Path) -> None:
    path = tmp_path / "sfn.db"
    async with engine(str(path)) as service:
        await create(service, type="EXPRESS")
        started = await ok(service, "StartExecution", stateMachineArn=MACHINE)
        await asyncio.sleep(0.01)
        status, body = await call(
            service, "GetExecutionHistory", executionArn=started["executionArn"]
        )
    assert (status, body["__type"]) == (400, "InvalidArn")
    with closing(sqlite3.connect(path)) as db:
        (count,) = db.execute("SELECT count(*) FROM executions").fetchone()
    assert count == 0


async def test_an_in_memory_database_serves_the_api() -> None:
    async with engine(MEMORY) as service:
        await create(service)
        started = await ok(service, "StartExecution", stateMachineArn=MACHINE, input='{"a": 1}')
        described: dict[str, Any] = await finished(service, started["executionArn"])
    assert json.loads(described["output"]) == {"a": 1}


async def test_events_of_one_loop_turn_are_written_together(tmp_path: Path) -> None:
    path = tmp_path / "sfn.db"
    async with engine(str(path)) as service:
        await create(service, definition=CHAIN)
        started = await ok(service, "StartExecution", stateMachineArn=MACHINE)
        await finished(service, started["executionArn"])
        # The last turn's events are flushed at the next turn, which DescribeExecution may not
        # have reached yet when it first sees the execution finished.
        await asyncio.sleep(0)
        store = service.store
        assert isinstance(store, SqliteStore)
        with closing(sqlite3.connect(path)) as db:
            rows = db.execute(
                "SELECT type, top FROM events WHERE execution_arn = ? ORDER BY id",
                (started["executionArn"],),
            ).fetchall()
    assert [type_ for type_, _ in rows] == [
        "ExecutionStarted",
        "PassStateEntered",
        "PassStateExited",
        "WaitStateEntered",
        "WaitStateExited",
        "PassStateEntered",
        "PassStateExited",
        "ExecutionSucceeded",
    ]
    assert all(top == 1 for _, top in rows)


async def test_a_failed_execution_is_redriven_after_a_reopen(tmp_path: Path) -> None:
    # API reference, RedriveExecution: the redrive resumes at the state that failed.
    function = "arn:aws:lambda:us-east-1:123456789012:function:flaky"
    machine = {
        "StartAt": "First",
        "States": {
            "First": {"Type": "Pass", "Result": {"n": 1}, "Next": "Call"},
            "Call": {"Type": "Task", "Resource": function, "End": True},
        },
    }

    def failing(event: Any, context: Any) -> Any:
        raise RuntimeError("not yet")

    def working(event: Any, context: Any) -> Any:
        return {"n": event["n"] + 1}

    path = str(tmp_path / "sfn.db")
    first = TaskRegistry()
    first.register_lambda(function, failing)
    store = SqliteStore(path)
    service = StepFunctionsService(FakeClock(), first, store=store)
    async with service.running():
        await create(service, definition=machine)
        started = await ok(service, "StartExecution", stateMachineArn=MACHINE)
        assert (await finished(service, started["executionArn"]))["status"] == "FAILED"
    store.close()
    second = TaskRegistry()
    second.register_lambda(function, working)
    store = SqliteStore(path)
    service = StepFunctionsService(FakeClock(), second, store=store)
    async with service.running():
        await ok(service, "RedriveExecution", executionArn=started["executionArn"])
        described = await finished(service, started["executionArn"])
        events = await ok(service, "GetExecutionHistory", executionArn=started["executionArn"])
    store.close()
    assert (described["status"], json.loads(described["output"])) == ("SUCCEEDED", {"n": 2})
    assert described["redriveCount"] == 1
    entered = [
        e["stateEnteredEventDetails"]["name"]
        for e in events["events"]
        if e["type"].endswith("StateEntered")
    ]
    assert entered == ["First", "Call", "Call"]
    assert "ExecutionRedriven" in [e["type"] for e in events["events"]]


async def test_clear_empties_the_file_too(tmp_path: Path) -> None:
    path = str(tmp_path / "sfn.db")
    async with engine(path) as service:
        await create(service)
        await ok(service, "CreateActivity", name="queue")
        started = await ok(service, "StartExecution", stateMachineArn=MACHINE)
        await finished(service, started["executionArn"])
        assert isinstance(service.store, SqliteStore)
        service.store.clear()
    async with engine(path) as reopened:
        assert await ok(reopened, "ListStateMachines") == {"stateMachines": []}
        assert await ok(reopened, "ListActivities") == {"activities": []}
    with closing(sqlite3.connect(path)) as db:
        counts = [
            db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
            for table in ("machines", "activities", "executions", "events", "tokens")
        ]
    assert counts == [0, 0, 0, 0, 0]
