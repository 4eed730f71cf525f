"""HTTP and AWS_STEP_FUNCTIONS data sources and `server.stepFunctions` in the API definition.

`httpConfig` follows AppSync's HttpDataSourceConfig (CreateDataSource): `endpoint`, and
`authorizationConfig` whose `authorizationType` is AWS_IAM with `awsIamConfig {signingRegion,
signingServiceName}`.
"""

from __future__ import annotations

from pathlib import Path

from definition.appsync_yaml.api import DataSourceType, load_config
from definition.appsync_yaml.step_functions import StateMachineType, StepFunctionsTarget
from resolvers.datasources.http import AwsIamConfig, HttpConfig
from tests.unit.definition.appsync_yaml.appsync_yaml_support import problems, write_definition

SCHEMA = "type Query { ping: String }\n"
HEAD = "schema: schema.graphql\nauthenticationType: API_KEY\n"


def test_http_data_sources_keep_appsyncs_http_config(tmp_path: Path) -> None:
    text = f"""{HEAD}
dataSources:
  - name: StepFunctions
    type: HTTP
    serviceRoleArn: arn:aws:iam::123456789012:role/appsync-sfn
    httpConfig:
      endpoint: https://states.us-east-2.amazonaws.com
      authorizationConfig:
        authorizationType: AWS_IAM
        awsIamConfig: {{signingRegion: us-east-2, signingServiceName: states}}
  - name: Users
    type: HTTP
    httpConfig: {{endpoint: "https://api.example.com"}}
  - name: Direct
    type: AWS_STEP_FUNCTIONS
    stepFunctionsConfig: {{stateMachineArn: "arn:aws:states:us-east-1:123456789012:stateMachine:m"}}
"""
    sfn, users, direct = load_config(write_definition(tmp_path, SCHEMA, text)).data_sources
    assert sfn.type is DataSourceType.HTTP
    assert sfn.http == HttpConfig(
        "https://states.us-east-2.amazonaws.com", AwsIamConfig("us-east-2", "states")
    )
    assert users.http == HttpConfig("https://api.example.com")
    assert direct.type is DataSourceType.AWS_STEP_FUNCTIONS
    assert direct.state_machine_arn == "arn:aws:states:us-east-1:123456789012:stateMachine:m"


def test_http_config_problems_carry_their_key_paths(tmp_path: Path) -> None:
    text = f"""{HEAD}
dataSources:
  - name: A
    type: HTTP
  - name: B
    type: HTTP
    httpConfig:
      endpoint: states.us-east-1.amazonaws.com
      authorizationConfig: {{authorizationType: API_KEY}}
  - name: C
    type: NONE
    httpConfig: {{endpoint: "https://x.example"}}
"""
    found = problems(write_definition(tmp_path, SCHEMA, text))
    assert any(p.startswith("dataSources[0].httpConfig: required") for p in found)
    assert any(
        p.startswith("dataSources[1].httpConfig.endpoint: expected an http(s) URL") for p in found
    )
    assert any(
        p.startswith(
            "dataSources[1].httpConfig.authorizationConfig.authorizationType: expected AWS_IAM"
        )
        for p in found
    )
    assert any(p.startswith("dataSources[2].httpConfig: only an HTTP data source") for p in found)


def test_server_step_functions_settings_are_read(tmp_path: Path) -> None:
    (tmp_path / "orders.asl.json").write_text(
        '{"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}}'
    )
    text = f"""{HEAD}
server:
  stepFunctions:
    target: AWS
    endpoint: http://127.0.0.1:8083
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
    settings = load_config(write_definition(tmp_path, SCHEMA, text)).server.step_functions
    assert settings.declared
    assert settings.target is StepFunctionsTarget.AWS
    assert settings.endpoint == "http://127.0.0.1:8083"
    assert (settings.region, settings.account_id) == ("eu-west-1", "000000000000")
    assert settings.database == (tmp_path / "sfn.sqlite").resolve()
    assert settings.activities == ("reserve",)
    [machine] = settings.state_machines
    assert (machine.name, machine.type) == ("orders", StateMachineType.EXPRESS)
    assert machine.definition == (tmp_path / "orders.asl.json").resolve()
    [connection] = settings.connections
    assert connection.headers == {"x-api-key": "k"}


def test_without_the_block_the_engine_is_embedded_and_undeclared(tmp_path: Path) -> None:
    settings = load_config(write_definition(tmp_path, SCHEMA, HEAD)).server.step_functions
    assert not settings.declared
    assert settings.target is StepFunctionsTarget.EMBEDDED


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
