"""`dataSources[]` of appsync.yaml (CreateDataSource's names): NONE, AWS_LAMBDA with a local
handler, AMAZON_DYNAMODB, HTTP and the local AWS_STEP_FUNCTIONS.

`httpConfig` follows AppSync's HttpDataSourceConfig (CreateDataSource): `endpoint`, and
`authorizationConfig` whose `authorizationType` is AWS_IAM with `awsIamConfig {signingRegion,
signingServiceName}`.
"""

from __future__ import annotations

from pathlib import Path

from definition.appsync_yaml.api import read_appsync_yaml
from definition.model import AwsIamConfig, DataSourceType, DynamoDBConfig, HttpConfig
from tests.unit.definition.appsync_yaml.appsync_yaml_support import (
    HEAD,
    problems,
    write_definition,
)

SCHEMA = "type Query { getPost(id: ID!): Post }\ntype Post { id: ID! title: String }\n"


def test_lambda_data_sources_name_a_local_handler(tmp_path: Path) -> None:
    text = f"""{HEAD}
dataSources:
  - {{name: Posts, type: AWS_LAMBDA, description: posts, lambdaConfig: {{handler: "posts:handle"}}}}
  - {{name: Bad, type: AWS_LAMBDA, lambdaConfig: {{handler: posts.handle}}}}
  - {{name: Posts, type: NONE}}
"""
    assert problems(write_definition(tmp_path, SCHEMA, text)) == [
        "dataSources[1].lambdaConfig.handler: expected module:function, got 'posts.handle'",
        "dataSources[2].name: data source 'Posts' is defined twice",
    ]
    text = f"{HEAD}dataSources: [{{name: P, type: AWS_LAMBDA, lambdaConfig: {{handler: 'p:h'}}}}]\n"
    [source] = read_appsync_yaml(write_definition(tmp_path, SCHEMA, text)).data_sources
    assert (source.type, source.lambda_handler) == (DataSourceType.AWS_LAMBDA, "p:h")


def test_lambda_data_sources_name_a_function_by_its_arn(tmp_path: Path) -> None:
    arn = "arn:aws:lambda:us-east-1:123456789012:function:notes"
    text = f"""{HEAD}
dataSources:
  - {{name: Local, type: AWS_LAMBDA, lambdaConfig: {{lambdaFunctionArn: "{arn}"}}}}
  - name: Remote
    type: AWS_LAMBDA
    lambdaConfig: {{lambdaFunctionArn: "{arn}", endpoint: "http://127.0.0.1:3001"}}
  - {{name: Both, type: AWS_LAMBDA, lambdaConfig: {{handler: "m:f", lambdaFunctionArn: "{arn}"}}}}
"""
    local, remote, both = read_appsync_yaml(write_definition(tmp_path, SCHEMA, text)).data_sources
    assert (local.lambda_function_arn, local.lambda_endpoint, local.lambda_handler) == (
        arn,
        None,
        None,
    )
    assert (remote.lambda_function_arn, remote.lambda_endpoint) == (arn, "http://127.0.0.1:3001")
    # Beside a local handler, the ARN is accepted with its notice and the handler is called.
    assert (both.lambda_handler, both.lambda_function_arn) == ("m:f", None)
    text = f"""{HEAD}
dataSources:
  - {{name: A, type: AWS_LAMBDA, lambdaConfig: {{}}}}
  - {{name: B, type: AWS_LAMBDA, lambdaConfig: {{lambdaFunctionArn: x, endpoint: "ftp://h"}}}}
  - {{name: C, type: AWS_LAMBDA, lambdaConfig: {{handler: "m:f", endpoint: "http://h"}}}}
"""
    assert problems(write_definition(tmp_path, SCHEMA, text)) == [
        "dataSources[0].lambdaConfig: expected lambdaFunctionArn or handler",
        "dataSources[1].lambdaConfig.endpoint: expected an http(s) URL, got 'ftp://h'",
        "dataSources[2].lambdaConfig.endpoint: a local handler has no endpoint",
    ]


def test_dynamodb_data_source_keeps_appsyncs_config(tmp_path: Path) -> None:
    text = f"""{HEAD}
dataSources:
  - name: Posts
    type: AMAZON_DYNAMODB
    dynamodbConfig:
      tableName: Post
      awsRegion: eu-west-1
      versioned: true
      deltaSyncConfig: {{baseTableTTL: 43200, deltaSyncTableName: PostDelta, deltaSyncTableTTL: 30}}
  - name: Remote
    type: AMAZON_DYNAMODB
    dynamodbConfig: {{tableName: Post, endpoint: "http://localhost:8000"}}
"""
    config = read_appsync_yaml(write_definition(tmp_path, SCHEMA, text))
    posts, remote = config.data_sources
    assert posts.type is DataSourceType.AMAZON_DYNAMODB
    assert posts.dynamodb is not None
    assert (posts.dynamodb.table_name, posts.dynamodb.aws_region) == ("Post", "eu-west-1")
    assert posts.dynamodb.versioned
    assert posts.dynamodb.delta_sync_config is not None
    assert posts.dynamodb.delta_sync_config.delta_sync_table_name == "PostDelta"
    # AppSync requires awsRegion; locally it defaults to us-east-1, the CLI's usual region.
    assert remote.dynamodb == DynamoDBConfig("Post", endpoint="http://localhost:8000")
    assert config.dynamodb_configs == (posts.dynamodb, remote.dynamodb)


def test_dynamodb_config_problems_carry_the_data_sources_key_path(tmp_path: Path) -> None:
    text = f"""{HEAD}
dataSources:
  - name: Missing
    type: AMAZON_DYNAMODB
  - name: Bad
    type: AMAZON_DYNAMODB
    dynamodbConfig: {{awsRegion: eu-west-1, versioned: true, endpoint: localhost:8000}}
  - name: Lambda
    type: AWS_LAMBDA
    lambdaConfig: {{handler: "m:f"}}
    dynamodbConfig: {{tableName: Post}}
"""
    assert problems(write_definition(tmp_path, SCHEMA, text), all_in_file=True) == [
        "dataSources[0].dynamodbConfig: required for AMAZON_DYNAMODB; expected {tableName: ...}",
        "dataSources[1].dynamodbConfig.tableName: required; expected a non-empty string",
        "dataSources[1].dynamodbConfig.endpoint: expected an http:// or https:// URL",
        "dataSources[1].dynamodbConfig.deltaSyncConfig: required when versioned is true",
        "dataSources[2].dynamodbConfig: only an AMAZON_DYNAMODB data source has one",
    ]


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
    sfn, users, direct = read_appsync_yaml(write_definition(tmp_path, SCHEMA, text)).data_sources
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
