"""ResetState: the embedded services as the server started them, without a restart."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.unit.appsync.control_support import aws_call, control, running

pytestmark = pytest.mark.anyio
MACHINE = "arn:aws:states:us-east-1:123456789012:stateMachine:daily"
CREATE_TABLE = "DynamoDB_20120810.CreateTable"


def _scan(table: str) -> dict[str, object]:
    return {"TableName": table}


async def test_reset_puts_tables_executions_machines_and_the_clock_back(tmp_path: Path) -> None:
    async with running(tmp_path) as (app, table):
        put = {"TableName": table, "Item": {"id": {"S": "written"}}}
        assert (await aws_call(app, "dynamodb", "DynamoDB_20120810.PutItem", put))[0] == 200
        made = f"{table}-later"
        create = {
            "TableName": made,
            "KeySchema": [{"AttributeName": "k", "KeyType": "HASH"}],
            "AttributeDefinitions": [{"AttributeName": "k", "AttributeType": "S"}],
            "BillingMode": "PAY_PER_REQUEST",
        }
        assert (await aws_call(app, "dynamodb", CREATE_TABLE, create))[0] == 200
        _, started = await aws_call(
            app, "states", "AWSStepFunctions.StartExecution", {"stateMachineArn": MACHINE}
        )
        definition = '{"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}'
        other = {
            "name": "other",
            "definition": definition,
            "roleArn": "arn:aws:iam::123456789012:role/r",
        }
        assert (await aws_call(app, "states", "AWSStepFunctions.CreateStateMachine", other))[
            0
        ] == 200
        await control(app, "AdvanceClock", {"seconds": 3600})

        status, outcome = await control(app, "ResetState")
        assert status == 200
        assert (outcome["tables"], outcome["connectionsClosed"], outcome["clockReset"]) == (
            [table],
            0,
            True,
        )
        scanned = (await aws_call(app, "dynamodb", "DynamoDB_20120810.Scan", _scan(table)))[1]
        assert scanned["Items"] == [{"id": {"S": "seeded"}}]
        status, gone = await aws_call(
            app, "dynamodb", "DynamoDB_20120810.DescribeTable", _scan(made)
        )
        assert (status, gone["__type"].rsplit("#", 1)[-1]) == (400, "ResourceNotFoundException")
        status, forgotten = await aws_call(
            app, "states", "AWSStepFunctions.DescribeExecution", started
        )
        assert (status, forgotten["__type"]) == (400, "ExecutionDoesNotExist")
        _, machines = await aws_call(app, "states", "AWSStepFunctions.ListStateMachines", {})
        assert [machine["name"] for machine in machines["stateMachines"]] == ["daily"]
        _, clock = await control(app, "DescribeClock")
        assert clock["now"] == "2024-01-01T00:00:00.000000Z"


async def test_reset_without_seed_or_clock_leaves_the_table_empty_and_time_alone(
    tmp_path: Path,
) -> None:
    async with running(tmp_path) as (app, table):
        await control(app, "AdvanceClock", {"seconds": 60})
        _, outcome = await control(app, "ResetState", {"seed": False, "clock": False})
        assert outcome["clockReset"] is False
        scanned = (await aws_call(app, "dynamodb", "DynamoDB_20120810.Scan", _scan(table)))[1]
        assert scanned["Items"] == []
        _, clock = await control(app, "DescribeClock")
        assert clock["now"] == "2024-01-01T00:01:00.000000Z"


async def test_a_reset_drops_run_time_tables_of_an_api_without_dynamodb_too(
    tmp_path: Path,
) -> None:
    async with running(tmp_path, manual=False) as (app, table):
        app.state.api.reset.dynamodb = None
        create = {
            "TableName": f"{table}-alone",
            "KeySchema": [{"AttributeName": "k", "KeyType": "HASH"}],
            "AttributeDefinitions": [{"AttributeName": "k", "AttributeType": "S"}],
            "BillingMode": "PAY_PER_REQUEST",
        }
        assert (await aws_call(app, "dynamodb", CREATE_TABLE, create))[0] == 200
        _, outcome = await control(app, "ResetState")
        assert (outcome["tables"], outcome["clockReset"]) == ([], False)
        status, _ = await aws_call(
            app, "dynamodb", "DynamoDB_20120810.DescribeTable", _scan(f"{table}-alone")
        )
        assert status == 400
