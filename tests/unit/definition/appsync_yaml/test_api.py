"""`appsync.yaml` as a whole: typed values out, every problem with its file and key path."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from definition.appsync_yaml.api import read_appsync_yaml
from definition.authorization import AuthenticationType
from definition.errors import InvalidDefinitionError
from definition.model import DataSourceType, IntrospectionConfig, ResolverKind, Runtime
from tests.unit.definition.appsync_yaml.appsync_yaml_support import problems

SCHEMA = "type Query { getPost(id: ID!): Post }\ntype Post { id: ID! title: String }\n"
RESOLVER_CODE = "def request(ctx):\n    return {}\n\ndef response(ctx):\n    return ctx.result\n"


def _write(folder: Path, text: str, name: str = "appsync.yaml") -> Path:
    (folder / "schema.graphql").write_text(SCHEMA)
    (folder / "getPost.py").write_text(RESOLVER_CODE)
    path = folder / name
    path.write_text(text)
    return path


VALID = """
name: blog
schema: [schema.graphql]
authenticationType: API_KEY
apiKeys:
  - id: da2-abcdefghijklmnopqrstuvwxyz
    description: local
    expires: 2030-01-01T00:30:00Z
dataSources:
  - name: Local
    type: NONE
  - name: Posts
    type: AWS_LAMBDA
    lambdaConfig: {handler: "handlers:handle"}
functions:
  - name: fetch
    dataSourceName: Local
    runtime: {name: PYTHON, runtimeVersion: 1.0.0}
    code: getPost.py
resolvers:
  - typeName: Query
    fieldName: getPost
    kind: PIPELINE
    runtime: PYTHON
    code: getPost.py
    pipelineConfig: {functions: [fetch]}
  - typeName: Post
    fieldName: title
    dataSourceName: Posts
    maxBatchSize: 5
queryDepthLimit: 4
introspectionConfig: DISABLED
server:
  executionTimeoutSeconds: 0.5
"""


def test_valid_definition_gives_typed_values(tmp_path: Path) -> None:
    config = read_appsync_yaml(_write(tmp_path, VALID))
    assert config.name == "blog"
    assert config.schema == ((tmp_path / "schema.graphql").resolve(),)
    assert config.authentication.authentication_type is AuthenticationType.API_KEY
    # AppSync rounds `expires` down to the hour (CreateApiKey): 00:30 becomes 00:00.
    assert config.api_keys[0].expires == 1893456000
    assert [source.type for source in config.data_sources] == [
        DataSourceType.NONE,
        DataSourceType.AWS_LAMBDA,
    ]
    assert config.data_sources[1].lambda_handler == "handlers:handle"
    assert config.functions[0].code.runtime is Runtime.PYTHON
    pipeline, direct = config.resolvers
    assert pipeline.kind is ResolverKind.PIPELINE
    assert pipeline.functions == ("fetch",)
    assert direct.kind is ResolverKind.UNIT
    assert direct.code is None
    assert direct.max_batch_size == 5
    assert config.query_depth_limit == 4
    # resolverCountLimit 0 or absent means AppSync's 10000.
    assert config.resolver_count_limit == 10000
    assert config.introspection is IntrospectionConfig.DISABLED
    assert config.server.execution_timeout_seconds == 0.5


def test_json_definition_is_accepted(tmp_path: Path) -> None:
    document = {
        "schema": "schema.graphql",
        "authenticationType": "API_KEY",
        "apiKeys": [{"id": "da2-key", "expires": 1893456000}],
    }
    config = read_appsync_yaml(_write(tmp_path, json.dumps(document), "api.json"))
    assert config.name == tmp_path.name
    assert config.api_keys[0].expires == 1893456000


def test_every_problem_is_listed_with_its_key_path(tmp_path: Path) -> None:
    text = """
schema: [schema.graphql, missing.graphql]
authenticationType: API_KEYS
dataSources:
  - name: Local
    type: DYNAMO
  - name: Fn
    type: AWS_LAMBDA
resolvers:
  - typeName: Query
    fieldName: getPost
    dataSourceName: Nowhere
    code: getPost.py
  - typeName: Query
    kind: PIPELINE
    pipelineConfig: {functions: [ghost]}
queryDepthLimit: 100
colour: blue
"""
    found = problems(_write(tmp_path, text), all_in_file=True)
    missing = (tmp_path / "missing.graphql").resolve()
    assert found == [
        "colour: unknown key; expected one of name, schema, authenticationType, userPoolConfig, "
        "openIDConnectConfig, lambdaAuthorizerConfig, iamConfig, "
        "additionalAuthenticationProviders, apiKeys, "
        "dataSources, functions, resolvers, queryDepthLimit, resolverCountLimit, "
        "introspectionConfig, xrayEnabled, logConfig, tags, apiType, mergedApiExecutionRoleArn, "
        "visibility, ownerContact, enhancedMetricsConfig, environmentVariables, apiCache, server",
        f"schema[1]: file not found: {missing}",
        "authenticationType: expected one of API_KEY | AWS_IAM | OPENID_CONNECT | "
        "AMAZON_COGNITO_USER_POOLS | AWS_LAMBDA, got 'API_KEYS'",
        "dataSources[0].type: expected one of NONE | AWS_LAMBDA | AMAZON_DYNAMODB | HTTP | "
        "AWS_STEP_FUNCTIONS | AMAZON_ELASTICSEARCH | AMAZON_OPENSEARCH_SERVICE | "
        "RELATIONAL_DATABASE | AMAZON_EVENTBRIDGE | AMAZON_BEDROCK_RUNTIME, got 'DYNAMO'",
        "dataSources[1].lambdaConfig: required for AWS_LAMBDA; expected {lambdaFunctionArn: "
        "arn:aws:lambda:...} or {handler: module:function}",
        "resolvers[0].dataSourceName: no data source named 'Nowhere' (known: Fn)",
        "resolvers[1].fieldName: required; expected a non-empty string",
        "resolvers[1].pipelineConfig.functions[0]: no function named 'ghost' (known: none defined)",
        "queryDepthLimit: expected an integer from 0 to 75",
    ]


def test_duplicate_names_and_fields_are_refused(tmp_path: Path) -> None:
    text = """
schema: schema.graphql
authenticationType: API_KEY
additionalAuthenticationProviders: [{authenticationType: API_KEY}]
dataSources: [{name: Local, type: NONE}, {name: Local, type: NONE}]
resolvers:
  - {typeName: Query, fieldName: getPost, dataSourceName: Local, code: getPost.py}
  - {typeName: Query, fieldName: getPost, dataSourceName: Local, code: getPost.py}
"""
    assert problems(_write(tmp_path, text), all_in_file=True) == [
        "additionalAuthenticationProviders[0].authenticationType: "
        "API_KEY is already configured; it may appear only once",
        "dataSources[1].name: data source 'Local' is defined twice",
        "resolvers[1]: Query.getPost already has a resolver",
    ]


def test_unreadable_and_unparsable_files_are_reported(tmp_path: Path) -> None:
    with pytest.raises(InvalidDefinitionError, match="cannot read"):
        read_appsync_yaml(tmp_path / "absent.yaml")
    broken = tmp_path / "appsync.yaml"
    broken.write_text("schema: [unclosed\n")
    with pytest.raises(InvalidDefinitionError, match="not valid YAML/JSON"):
        read_appsync_yaml(broken)


def test_top_level_must_be_a_mapping(tmp_path: Path) -> None:
    assert problems(_write(tmp_path, "- just\n- a list\n"), all_in_file=True) == [
        ": expected a mapping, got list"
    ]


def test_environment_variables_are_read_and_checked(tmp_path: Path) -> None:
    """`environmentVariables`: PutGraphqlApiEnvironmentVariables' member, a map of strings."""
    head = "schema: schema.graphql\nauthenticationType: API_KEY\n"
    path = _write(tmp_path, head + "environmentVariables: {STAGE: dev, LIMIT: 10}\n")
    assert dict(read_appsync_yaml(path).environment_variables) == {"STAGE": "dev", "LIMIT": "10"}
    assert dict(read_appsync_yaml(_write(tmp_path, head)).environment_variables) == {}
    bad = _write(tmp_path, head + "environmentVariables: {X: dev}\n")
    assert problems(bad) == [
        "environmentVariables.X: a key must begin with a letter, be 2 to 64 characters long "
        "and hold only letters, digits and _"
    ]
