"""`serve` builds and starts the Step Functions engine once it listens when the definition
declares no state machine or activity (issue 19): what needs the engine (the AWS endpoint's
`states`, a Step Functions data source, the console, a reset) waits for it and gets the
engine's own answer; a start that fails there is reported as `validate` reports problems and
stops the server; executions a data directory left running resume once it starts."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Awaitable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from appsync.app import AppSyncApp, build_app
from appsync.clock import ManualClock
from appsync.data_directory import STEPFUNCTIONS_FILE, DataDirectory
from definition.appsync_yaml.api import read_appsync_yaml
from definition.model import ApiDefinition
from tests.unit.appsync.control_support import aws_call, control

pytestmark = pytest.mark.anyio

KEY = "da2-enginestarttestkey000000"
REGION, ACCOUNT = "us-east-1", "123456789012"
MACHINE = f"arn:aws:states:{REGION}:{ACCOUNT}:stateMachine:later"
WAIT_A_MINUTE = {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 60, "End": True}}}
# The direct data source of tests/integration/test_stepfunctions_graphql.py, on a machine the
# definition does not declare (one made at run time through the AWS endpoint).
START = '{"version": "2018-05-29", "operation": "StartExecution", "input": $util.toJson($ctx.args)}'
RESULT = (
    "#if($ctx.error)\n  $util.error($ctx.error.message, $ctx.error.type)\n#end\n"
    "$util.toJson($ctx.result)"
)


def _definition(folder: Path, server: dict[str, Any] | None = None) -> ApiDefinition:
    (folder / "schema.graphql").write_text(
        "type Started { executionArn: String! }\n"
        "type Query { ping: String }\n"
        "type Mutation { start(note: String!): Started }\n"
    )
    (folder / "start.req.vtl").write_text(START)
    (folder / "start.res.vtl").write_text(RESULT)
    config = {
        "name": "engine-start",
        "schema": "schema.graphql",
        "authenticationType": "API_KEY",
        "apiKeys": [{"id": KEY}],
        "dataSources": [
            {
                "name": "Later",
                "type": "AWS_STEP_FUNCTIONS",
                "stepFunctionsConfig": {"stateMachineArn": MACHINE},
            }
        ],
        "resolvers": [
            {
                "typeName": "Mutation",
                "fieldName": "start",
                "dataSourceName": "Later",
                "requestMappingTemplate": "start.req.vtl",
                "responseMappingTemplate": "start.res.vtl",
            }
        ],
        "server": server or {},
    }
    path = folder / "appsync.json"
    path.write_text(json.dumps(config))
    return read_appsync_yaml(path)


async def _graphql(app: AppSyncApp, query: str) -> dict[str, Any]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as http:
        response = await http.post("/graphql", json={"query": query}, headers={"x-api-key": KEY})
    answer: dict[str, Any] = response.json()
    return answer


def _create(definition: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": "later",
        "definition": json.dumps(definition),
        "roleArn": f"arn:aws:iam::{ACCOUNT}:role/r",
    }


async def _waiting(*calls: Awaitable[Any]) -> list[asyncio.Task[Any]]:
    """The calls under way, once they have had the time to finish if nothing held them."""
    tasks = [asyncio.ensure_future(call) for call in calls]
    await asyncio.sleep(0.1)
    return tasks


async def test_what_needs_the_engine_waits_for_it_and_gets_its_answer(tmp_path: Path) -> None:
    app = build_app(_definition(tmp_path), defer=True)
    engine = app.state.api.step_functions
    assert engine.embedded is None
    async with app.router.lifespan_context(app):
        listed, started = await _waiting(
            aws_call(app, "states", "AWSStepFunctions.ListStateMachines", {}),
            _graphql(app, 'mutation { start(note: "early") { executionArn } }'),
        )
        # Nothing is built before the server listens (serve says so), and nothing answered.
        assert engine.embedded is None
        assert not listed.done()
        assert not started.done()
        app.listened()
        assert await listed == (200, {"stateMachines": []})
        # The engine's own answer: the machine is made only below.
        [error] = (await started)["errors"]
        assert error["errorType"] == "StepFunctions:StateMachineDoesNotExist"
        create = _create({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}})
        assert (await aws_call(app, "states", "AWSStepFunctions.CreateStateMachine", create))[
            0
        ] == 200
        answer = await _graphql(app, 'mutation { start(note: "hi") { executionArn } }')
        assert answer["data"]["start"]["executionArn"].startswith(
            f"arn:aws:states:{REGION}:{ACCOUNT}:execution:later:"
        )
    assert app.start_problems == ()


async def test_declared_state_machines_or_activities_build_the_engine_before_listening(
    tmp_path: Path,
) -> None:
    (tmp_path / "wait.asl.json").write_text(json.dumps(WAIT_A_MINUTE))
    machines = {"stepFunctions": {"stateMachines": [{"name": "w", "definition": "wait.asl.json"}]}}
    activities = {"stepFunctions": {"activities": ["work"]}}
    for server in (machines, activities):
        app = build_app(_definition(tmp_path, server), defer=True)
        assert app.state.api.step_functions.embedded is not None
    # In-process servers (tests, the pytest fixture) defer nothing.
    assert build_app(_definition(tmp_path)).state.api.step_functions.embedded is not None


async def test_an_engine_whose_start_fails_is_reported_and_stops_the_server(
    tmp_path: Path,
) -> None:
    data = DataDirectory(tmp_path / "data")
    stored = data.file(STEPFUNCTIONS_FILE)
    assert stored is not None
    stored.write_bytes(b"not a SQLite database, and longer than its header" * 4)
    app = build_app(_definition(tmp_path), data=data, defer=True)
    stopped = []
    app.stop_serving = lambda: stopped.append(True)
    async with app.router.lifespan_context(app):
        [started] = await _waiting(_graphql(app, 'mutation { start(note: "x") { executionArn } }'))
        app.listened()
        answer = await started
        status, _ = await aws_call(app, "states", "AWSStepFunctions.ListStateMachines", {})
    assert stopped == [True]
    [problem] = app.start_problems
    assert problem.key_path == "server.stepFunctions.database"
    assert problem.message.startswith(f"cannot open {stored}")
    # What waited is told the server is stopping, not left waiting.
    [error] = answer["errors"]
    assert error["errorType"] == "StepFunctions:ServiceUnavailableException"
    assert status == 503


async def test_a_server_that_stops_before_listening_builds_no_engine(tmp_path: Path) -> None:
    app = build_app(_definition(tmp_path), defer=True)
    async with app.router.lifespan_context(app):
        pass
    engine = app.state.api.step_functions
    assert engine.embedded is None
    assert await engine.ready() is None


async def test_executions_left_running_resume_once_the_engine_starts(tmp_path: Path) -> None:
    data = DataDirectory(tmp_path / "data")
    begin = datetime(2024, 1, 1, tzinfo=UTC)
    first = build_app(_definition(tmp_path), data=data, clock=ManualClock(begin), control=True)
    async with first.router.lifespan_context(first):
        create = _create(WAIT_A_MINUTE)
        assert (await aws_call(first, "states", "AWSStepFunctions.CreateStateMachine", create))[
            0
        ] == 200
        start = {"stateMachineArn": MACHINE}
        _, execution = await aws_call(first, "states", "AWSStepFunctions.StartExecution", start)
    again = build_app(
        _definition(tmp_path), data=data, clock=ManualClock(begin), control=True, defer=True
    )
    async with again.router.lifespan_context(again):
        again.listened()
        _, running = await aws_call(
            again, "states", "AWSStepFunctions.DescribeExecution", execution
        )
        assert running["status"] == "RUNNING"
        assert (await control(again, "AdvanceClock", {"seconds": 61}))[0] == 200
        _, ended = await aws_call(again, "states", "AWSStepFunctions.DescribeExecution", execution)
    assert ended["status"] == "SUCCEEDED"


async def test_a_reset_waits_for_the_engine_when_only_the_engine_starts_late(
    tmp_path: Path,
) -> None:
    # A declared table in memory is created before listening (nothing of it is deferred), so
    # the AWS endpoint answers at once: the reset is what waits, for the engine alone.
    table = {
        "TableName": f"EngineStart-{uuid.uuid4().hex[:8]}",
        "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
        "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
        "BillingMode": "PAY_PER_REQUEST",
    }
    definition = _definition(tmp_path, {"dynamodb": {"tables": [table]}})
    app = build_app(definition, control=True, defer=True)
    async with app.router.lifespan_context(app):
        assert app.services.is_open
        [reset] = await _waiting(control(app, "ResetState"))
        assert not reset.done()
        app.listened()
        status, outcome = await reset
    assert status == 200
    assert outcome["tables"] == [table["TableName"]]
