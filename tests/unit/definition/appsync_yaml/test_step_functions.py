"""`server.stepFunctions` of appsync.yaml: the embedded engine's settings (local only)."""

from __future__ import annotations

from pathlib import Path

from definition.appsync_yaml.api import read_appsync_yaml
from definition.model import StateMachineType, StepFunctionsTarget
from tests.unit.definition.appsync_yaml.appsync_yaml_support import (
    HEAD,
    problems,
    write_definition,
)

SCHEMA = "type Query { ping: String }\n"


def test_server_step_functions_settings_are_read(tmp_path: Path) -> None:
    (tmp_path / "orders.asl.json").write_text(
        '{"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}}'
    )
    text = f"""{HEAD}
server:
  stepFunctions:
    target: AWS
    endpoint: http://127.0.0.1:8083
    serviceIntegrations: AWS
    region: eu-west-1
    accountId: "000000000000"
    database: sfn.sqlite
    activities: [reserve]
    stateMachines:
      - {{name: orders, definition: orders.asl.json, type: EXPRESS}}
    connections:
      - connectionArn: arn:aws:events:eu-west-1:000000000000:connection/api/x
        headers: {{x-api-key: k}}
"""
    settings = read_appsync_yaml(write_definition(tmp_path, SCHEMA, text)).server.step_functions
    assert settings.declared
    assert settings.target is StepFunctionsTarget.AWS
    assert settings.endpoint == "http://127.0.0.1:8083"
    # The explicit opt-in for Task states to call real AWS with the process's credentials.
    assert settings.service_integrations is StepFunctionsTarget.AWS
    assert (settings.region, settings.account_id) == ("eu-west-1", "000000000000")
    assert settings.database == (tmp_path / "sfn.sqlite").resolve()
    assert settings.activities == ("reserve",)
    [machine] = settings.state_machines
    assert (machine.name, machine.type) == ("orders", StateMachineType.EXPRESS)
    assert machine.definition == (tmp_path / "orders.asl.json").resolve()
    [connection] = settings.connections
    assert connection.headers == {"x-api-key": "k"}


def test_without_the_block_the_engine_is_embedded_and_undeclared(tmp_path: Path) -> None:
    settings = read_appsync_yaml(write_definition(tmp_path, SCHEMA, HEAD)).server.step_functions
    assert not settings.declared
    assert settings.target is StepFunctionsTarget.EMBEDDED
    assert settings.service_integrations is StepFunctionsTarget.EMBEDDED


def test_a_missing_definition_file_is_a_problem(tmp_path: Path) -> None:
    text = f"""{HEAD}
server:
  stepFunctions:
    stateMachines:
      - {{name: orders, definition: nowhere.asl.json}}
"""
    found = problems(write_definition(tmp_path, SCHEMA, text))
    assert any(
        p.startswith("server.stepFunctions.stateMachines[0].definition: file not found")
        for p in found
    )


def test_a_state_machines_logging_configuration_is_read_for_create_state_machine(
    tmp_path: Path,
) -> None:
    (tmp_path / "orders.asl.json").write_text(
        '{"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}}'
    )
    text = f"""{HEAD}
server:
  stepFunctions:
    stateMachines:
      - name: orders
        definition: orders.asl.json
        loggingConfiguration: {{level: ERROR, includeExecutionData: true}}
"""
    [machine] = read_appsync_yaml(
        write_definition(tmp_path, SCHEMA, text)
    ).server.step_functions.state_machines
    # CreateStateMachine requires one destination when the level is not OFF.
    assert machine.logging_configuration == {
        "level": "ERROR",
        "includeExecutionData": True,
        "destinations": [
            {
                "cloudWatchLogsLogGroup": {
                    "logGroupArn": "arn:aws:logs:us-east-1:123456789012:log-group:"
                    "/aws/vendedlogs/states/orders-Logs:*"
                }
            }
        ],
    }
    bad = text.replace("level: ERROR", "level: LOUD")
    assert any(
        "stateMachines[0].loggingConfiguration.level: expected one of" in found
        for found in problems(write_definition(tmp_path, SCHEMA, bad))
    )
