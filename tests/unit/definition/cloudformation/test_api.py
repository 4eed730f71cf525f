"""A template's one AppSync API is read with the resources that belong to it; what the
template declares besides is read for the embedded services, accepted, or named as not
emulated, and never dropped silently."""

from __future__ import annotations

from pathlib import Path

import pytest

from definition.cloudformation.api import graphql_apis, read_cloudformation
from definition.cloudformation.template import load_template
from definition.errors import InvalidDefinitionError
from tests.unit.definition.cloudformation.cloudformation_support import (
    NESTED,
    SETTINGS,
    notices,
    problems,
    read,
    write_template,
)

FIXTURE = Path(__file__).parents[3] / "integration" / "apis" / "iac" / "cloudformation.yaml"


def test_the_fixture_reads_whole(tmp_path: Path) -> None:
    definition = read_cloudformation(FIXTURE, SETTINGS)
    assert definition.name == "posts-dev"
    assert [source.name for source in definition.data_sources] == [
        "Posts",
        "StepFunctionsSync",
        "Local",
    ]
    assert [f"{r.type_name}.{r.field_name}" for r in definition.resolvers] == [
        "Query.getPost",
        "Query.listPosts",
        "Mutation.createPost",
        "Query.quote",
        "Query.hello",
    ]
    # AuditTable's condition is false for the default Stage: one table.
    assert len(definition.server.dynamodb.tables) == 1
    assert notices(definition) == [
        "QuoteMachine.Properties.RoleArn: accepted; no local effect yet (executions call "
        "services with the local credentials)",
    ]
    assert [topic.topic_name for topic in definition.server.resources.topics] == [
        "posts-Notifications-E1SGF9084HWK"
    ]
    prod = read_cloudformation(
        FIXTURE, type(SETTINGS)("posts", "eu-west-1", parameters={"Stage": "prod"})
    )
    assert prod.name == "posts-prod"
    assert len(prod.server.dynamodb.tables) == 2


def test_types_not_emulated_are_named_once_each(tmp_path: Path) -> None:
    definition = read(
        tmp_path,
        """
  StreamA: {Type: AWS::Kinesis::Stream}
  StreamB: {Type: AWS::Kinesis::Stream}
  Bus: {Type: AWS::Events::EventBus}
  Role:
    Type: AWS::IAM::Role
    Properties: {AssumeRolePolicyDocument: {}}
  Policy:
    Type: AWS::IAM::Policy
    Properties: {PolicyName: p, PolicyDocument: {}}
  Metadata: {Type: AWS::CDK::Metadata}
""",
    )
    assert notices(definition) == [
        "StreamA, StreamB: AWS::Kinesis::Stream is not emulated: accepted, and nothing is "
        "created for it locally",
        "Bus: AWS::Events::EventBus is not emulated: accepted, and nothing is created for it "
        "locally",
    ]


def test_a_template_serves_one_api(tmp_path: Path) -> None:
    path = write_template(tmp_path, "Resources:\n  Topic: {Type: AWS::SNS::Topic}\n")
    with pytest.raises(InvalidDefinitionError) as caught:
        read_cloudformation(path, SETTINGS)
    assert [str(problem) for problem in caught.value.problems] == [
        f"{path}: Resources: the template declares no AWS::AppSync::GraphQLApi"
    ]
    second = """
  Other:
    Type: AWS::AppSync::GraphQLApi
    Properties: {Name: other, AuthenticationType: API_KEY}
"""
    assert problems(tmp_path, second) == [
        "Resources: the template declares 2 AppSync APIs (Api, Other); appsync-local serves one "
        "API: keep one per template (a stack of cdk.out is chosen with --stack)"
    ]
    assert graphql_apis(load_template(tmp_path / "template.yaml")) == ["Api", "Other"]


def test_parts_of_another_api_are_problems(tmp_path: Path) -> None:
    assert problems(
        tmp_path,
        """
  Foreign:
    Type: AWS::AppSync::DataSource
    Properties: {ApiId: abcdefghijklmnopqrstuvwxyz, Name: Foreign, Type: NONE}
""",
    ) == [
        "Foreign.Properties.ApiId: names the API 'abcdefghijklmnopqrstuvwxyz', not this "
        "template's Api (write !GetAtt Api.ApiId)"
    ]


def test_parts_of_an_events_api_are_accepted_not_refused(tmp_path: Path) -> None:
    # AWS::AppSync::Api is an AppSync Events API; AWS::AppSync::ApiKey's ApiId may name one
    # ("The unique identifier of the AWS AppSync GraphQL or Events API", its CloudFormation
    # page), as gutkedu/appsync-sam-example's template does beside its GraphQL API.
    definition = read(
        tmp_path,
        """
  Events:
    Type: AWS::AppSync::Api
    Properties:
      Name: events
      EventConfig:
        AuthProviders: [{AuthType: API_KEY}]
        ConnectionAuthModes: [{AuthType: API_KEY}]
        DefaultPublishAuthModes: [{AuthType: API_KEY}]
        DefaultSubscribeAuthModes: [{AuthType: API_KEY}]
  EventsKey:
    Type: AWS::AppSync::ApiKey
    Properties: {ApiId: !GetAtt Events.ApiId}
""",
    )
    assert definition.api_keys == ()
    assert (
        "EventsKey: belongs to the AppSync Events API Events (AWS::AppSync::Api is not "
        "emulated): accepted, and nothing is created for it locally" in notices(definition)
    )


def test_an_api_needs_a_schema(tmp_path: Path) -> None:
    text = """
Resources:
  Api:
    Type: AWS::AppSync::GraphQLApi
    Properties: {Name: posts, AuthenticationType: API_KEY}
"""
    with pytest.raises(InvalidDefinitionError) as caught:
        read_cloudformation(write_template(tmp_path, text), SETTINGS)
    [problem] = caught.value.problems
    assert (problem.logical_id, problem.message) == (
        "Api",
        "the API has no AWS::AppSync::GraphQLSchema",
    )


def test_the_api_is_read_across_nested_stacks(tmp_path: Path) -> None:
    # The API in the root template, its data source, resolver and table in a nested stack
    # that takes the API's id as a parameter.
    stray = """
  Stray:
    Type: AWS::AppSync::Resolver
    Properties:
      ApiId: elsewhere
      TypeName: Query
      FieldName: other
      DataSourceName: Posts
"""
    outputs = NESTED.index("Outputs:")
    (tmp_path / "Posts.yaml").write_text(NESTED[:outputs] + stray.lstrip("\n") + NESTED[outputs:])
    resources = """
  Posts:
    Type: AWS::CloudFormation::Stack
    Properties:
      TemplateURL: Posts.yaml
      Parameters: {AppSyncApiId: !GetAtt Api.ApiId}
"""
    with pytest.raises(InvalidDefinitionError) as caught:
        read(tmp_path, resources)
    assert [str(problem) for problem in caught.value.problems] == [
        f"{tmp_path / 'Posts.yaml'}: Stray.Properties.ApiId: names the API 'elsewhere', not "
        "this template's Api (write !GetAtt Api.ApiId)"
    ]
    text = (
        (tmp_path / "Posts.yaml")
        .read_text()
        .replace("ApiId: elsewhere", "ApiId: !Ref AppSyncApiId")
    )
    (tmp_path / "Posts.yaml").write_text(text.replace("FieldName: other", "FieldName: getPost"))
    with pytest.raises(InvalidDefinitionError) as caught:
        read(tmp_path, resources)
    assert [str(problem) for problem in caught.value.problems] == [
        f"{tmp_path / 'Posts.yaml'}: Stray.Properties: needs Code (APPSYNC_JS) or mapping "
        "templates (VTL); only a Lambda data source may have neither",
        f"{tmp_path / 'Posts.yaml'}: Stray.Properties.FieldName: Query.getPost already has a "
        "resolver (GetPost)",
    ]
    (tmp_path / "Posts.yaml").write_text(NESTED)
    definition = read(tmp_path, resources)
    [source] = definition.data_sources
    [table] = definition.server.dynamodb.tables
    assert source.dynamodb is not None
    assert source.dynamodb.table_name == table.table_name
    # The nested stack's own parameters (Stage: its default) make its names.
    assert table.table_name == "posts-dev"
    assert [f"{r.type_name}.{r.field_name}" for r in definition.resolvers] == ["Query.getPost"]
    assert definition.problem("resolvers[0].typeName", "x").file == str(tmp_path / "Posts.yaml")


def test_tables_of_nested_stacks_are_numbered_after_the_parent_s(tmp_path: Path) -> None:
    table = """
  Table:
    Type: AWS::DynamoDB::Table
    Properties:
      BillingMode: PAY_PER_REQUEST
      KeySchema: [{AttributeName: id, KeyType: HASH}]
      AttributeDefinitions: [{AttributeName: id, AttributeType: S}]
"""
    (tmp_path / "Child.yaml").write_text(f"Resources:{table}")
    child = "\n  Child:\n    Type: AWS::CloudFormation::Stack\n"
    child += "    Properties: {TemplateURL: Child.yaml}\n"
    definition = read(tmp_path, table + child)
    root, nested = definition.server.dynamodb.tables
    assert root.table_name.startswith("posts-Table-")
    assert nested.table_name.startswith("posts-Child-")
    # Each table's problems are placed at its own template and resource.
    assert definition.problem("server.dynamodb.tables[1].seed", "x").file == str(
        tmp_path / "Child.yaml"
    )
    assert definition.problem("server.dynamodb.tables[0].seed", "x").file.endswith("template.yaml")
