"""A service file is read as the stack the framework deploys: the plugin's resources, the
service's functions and its `resources` section together; problems and notices name the
service file's key paths."""

from __future__ import annotations

from pathlib import Path

import pytest

from definition.errors import InvalidDefinitionError
from definition.serverless.reader import read_serverless
from definition.serverless.variables import Options
from tests.unit.definition.serverless.serverless_support import (
    HEAD,
    TABLE,
    get_post,
    problems,
    read,
    write_service,
)

_API = """
appSync:
  name: posts
  authentication: {type: API_KEY}
  dataSources:
    posts:
      type: AMAZON_DYNAMODB
      config: {tableName: !Ref PostsTable}
  resolvers:
""" + get_post("posts")


def test_the_stack_is_named_service_dash_stage(tmp_path: Path) -> None:
    # naming.getStackName: provider.stackName, else <service>-<stage>.
    definition = read(tmp_path, HEAD + _API + TABLE, stage="prod")
    [table] = definition.server.dynamodb.tables
    assert table.table_name.startswith("posts-prod-PostsTable-")
    named = HEAD.replace("region: eu-west-1", "region: eu-west-1\n  stackName: other")
    [table] = read(tmp_path, named + _API + TABLE).server.dynamodb.tables
    assert table.table_name.startswith("other-PostsTable-")
    path = write_service(tmp_path, HEAD + _API + TABLE)
    [table] = read_serverless(path, Options(), "given").server.dynamodb.tables
    assert table.table_name.startswith("given-PostsTable-")


def test_resources_in_parts_are_merged(tmp_path: Path) -> None:
    # variables.md "Multiple Configuration Files": resources as a list of sections.
    (tmp_path / "tables.yml").write_text(
        "Resources:\n  PostsTable:\n    Type: AWS::DynamoDB::Table\n    Properties:\n"
        "      BillingMode: PAY_PER_REQUEST\n"
        "      KeySchema: [{AttributeName: id, KeyType: HASH}]\n"
        "      AttributeDefinitions: [{AttributeName: id, AttributeType: S}]\n"
    )
    text = (
        HEAD
        + _API
        + """
resources:
  - ${file(tables.yml)}
  - Resources:
      PostsTable:
        Properties: {TableName: posts-table}
    Outputs:
      Table: {Value: !Ref PostsTable}
"""
    )
    [table] = read(tmp_path, text).server.dynamodb.tables
    # The second part's properties are merged into the first's table.
    assert table.table_name == "posts-table"
    assert table.create_table_input["BillingMode"] == "PAY_PER_REQUEST"


def test_problems_of_the_stack_name_the_service_file_s_keys(tmp_path: Path) -> None:
    text = (
        HEAD
        + _API.replace("Query.getPost", "Query.nothing")
        + TABLE.replace("KeyType: HASH", "KeyType: SORT")
    )
    found = problems(tmp_path, text)
    assert found[0].startswith("resources.Resources.PostsTable.Properties.KeySchema[0].KeyType")
    text = HEAD + _API.replace("Query.getPost", "Query.nothing") + TABLE
    definition = read(tmp_path, text)
    # A problem found when the API is built (the schema has no Query.nothing) is placed at
    # the resolver's key.
    problem = definition.problem("resolvers[0].fieldName", "no such field")
    assert (problem.file, str(problem.key_path)) == (
        str(tmp_path / "serverless.yml"),
        "appSync.resolvers.Query.nothing.FieldName",
    )


def test_notices_name_the_service_file_s_keys(tmp_path: Path) -> None:
    text = (
        HEAD
        + _API.replace(
            "tableName: !Ref PostsTable}", "tableName: !Ref PostsTable, useCallerCredentials: true}"
        )
        + TABLE.replace(
            "BillingMode: PAY_PER_REQUEST",
            "BillingMode: PAY_PER_REQUEST\n        Tags: [{Key: a, Value: b}]",
        )
    )
    notices = {notice.key_path: notice.message for notice in read(tmp_path, text).notices}
    assert "appSync.dataSources.posts.config.useCallerCredentials" in notices
    assert "resources.Resources.PostsTable.Properties.Tags" in notices


def test_what_is_not_a_service_s_api_is_a_problem(tmp_path: Path) -> None:
    assert problems(tmp_path, "service: posts\nprovider: {name: aws}\n") == [
        "appSync: the service declares no AppSync API: serverless-appsync-plugin reads "
        "`appSync` (plugin v2) or `custom.appSync` (plugin v1)"
    ]
    assert problems(tmp_path, "provider: {name: aws}\nservice: {}\nappSync: 3\n") == [
        "service: required; expected the service's name",
        "appSync: expected the API's settings",
    ]
    path = write_service(tmp_path, "service: posts\nprovider: {name: aws}\nappSync: [a\n")
    with pytest.raises(InvalidDefinitionError) as caught:
        read_serverless(path, Options())
    [problem] = caught.value.problems
    assert (problem.line, problem.column) == (4, 1)
    assert problem.message.startswith("not valid YAML")


def test_a_variable_that_cannot_be_resolved_stops_before_the_plugin(tmp_path: Path) -> None:
    text = HEAD + _API.replace("name: posts", "name: ${ssm:/api/name}") + TABLE
    with pytest.raises(InvalidDefinitionError) as caught:
        read_serverless(write_service(tmp_path, text), Options())
    assert [problem.key_path for problem in caught.value.problems] == [
        "appSync.name",
        "appSync.name",
    ]


def test_keys_the_stack_is_not_compiled_from_are_not_resolved(tmp_path: Path) -> None:
    # Other plugins' settings, packaging and IAM statements make nothing locally: a value
    # there that lives in AWS does not stop an offline start (theburningmonk/
    # appsyncmasterclass-backend: custom.serverless-layers, custom.lumigo read SSM).
    text = (
        HEAD
        + "  deploymentBucket: {name: '${ssm:/bucket}'}\n"
        + "package: {artifact: '${ssm:/artifact}'}\n"
        + "custom:\n  layers: {bucket: '${ssm:/layers}'}\n  table: ${self:service}-table\n"
        + "functions:\n  hello:\n    handler: hello.handler\n"
        + "    iamRoleStatements: [{Resource: '${cf:other.Arn}'}]\n"
        + "    environment: {TABLE: '${self:custom.table}'}\n"
        + _API
        + TABLE
    )
    definition = read(tmp_path, text)
    [function] = definition.server.lambda_functions
    assert function.environment == {"TABLE": "posts-table"}
    # What is compiled still is resolved, and still refused when it cannot be.
    refused = text.replace("handler: hello.handler", "handler: ${ssm:/handler}")
    assert [problem.split(":")[0] for problem in problems(tmp_path, refused)] == [
        "functions.hello.handler"
    ]


def test_blocks_of_the_wrong_shape_are_problems_not_failures(tmp_path: Path) -> None:
    text = (
        HEAD.replace("region: eu-west-1", "region: [eu-west-1]")
        + _API.replace("name: posts", "name: posts\n  caching: small\n  logging: [ERROR]")
        + "      substitutions: [a]\n      sync: often\n      caching: 60\n"
        + TABLE
    )
    assert problems(tmp_path, text) == [
        "provider.region: expected an AWS region (us-east-1), got \"['eu-west-1']\"",
        "appSync.logging: expected a mapping, got list",
        "appSync.caching: expected a mapping, got str",
        "appSync.resolvers.Query.getPost.substitutions: expected a mapping, got list",
        "appSync.resolvers.Query.getPost.caching: expected a mapping, got int",
        "appSync.resolvers.Query.getPost.sync: expected a mapping, got str",
    ]


def test_stack_parameters_give_the_resources_parameters(tmp_path: Path) -> None:
    # serverless.yml reference: provider.stackParameters, passed to CloudFormation as given.
    head = HEAD + "  stackParameters:\n    - {ParameterKey: TableName, ParameterValue: given}\n"
    text = (
        head
        + _API
        + TABLE.replace(
            "      Properties:\n", "      Properties:\n        TableName: !Ref TableName\n"
        )
        + "  Parameters:\n    TableName: {Type: String}\n"
    )
    [table] = read(tmp_path, text).server.dynamodb.tables
    assert table.table_name == "given"
