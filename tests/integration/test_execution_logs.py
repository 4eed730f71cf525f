"""A state machine the definition declares with a `loggingConfiguration` logs its executions
through the real server: boto3 starts one on the AWS endpoint and the API log's sink receives
the history events Step Functions sends to CloudWatch Logs
(https://docs.aws.amazon.com/step-functions/latest/dg/cw-logs.html)."""

from __future__ import annotations

import io
import json
from pathlib import Path

from appsync.app import build_app
from appsync.log_sinks import JsonLinesSink
from definition.appsync_yaml.api import read_appsync_yaml
from tests.integration.conftest import endpoint_client, running

MACHINE = {"StartAt": "Fail", "States": {"Fail": {"Type": "Fail", "Error": "E", "Cause": "c"}}}


def test_a_declared_machines_executions_write_their_events(tmp_path: Path) -> None:
    (tmp_path / "schema.graphql").write_text("type Query { ping: String }\n")
    (tmp_path / "fail.asl.json").write_text(json.dumps(MACHINE))
    (tmp_path / "appsync.yaml").write_text(
        """
schema: schema.graphql
authenticationType: API_KEY
apiKeys: [{id: da2-executionlogstestkey00000}]
server:
  stepFunctions:
    stateMachines:
      - name: failing
        definition: fail.asl.json
        type: EXPRESS
        loggingConfiguration: {level: ERROR, includeExecutionData: false}
"""
    )
    stream = io.StringIO()
    app = build_app(read_appsync_yaml(tmp_path / "appsync.yaml"), log_sink=JsonLinesSink(stream))
    with running(app, "execution-logs") as (host, port):
        client = endpoint_client("stepfunctions", host, port)
        arn = "arn:aws:states:us-east-1:123456789012:stateMachine:failing"
        assert client.start_sync_execution(stateMachineArn=arn)["status"] == "FAILED"
    events = [json.loads(json.loads(line)["message"]) for line in stream.getvalue().splitlines()]
    assert [event["type"] for event in events] == ["FailStateEntered", "ExecutionFailed"]
    assert events[-1]["details"] == {"error": "E", "cause": "c"}
    assert events[-1]["execution_arn"].startswith(
        "arn:aws:states:us-east-1:123456789012:express:failing:"
    )
