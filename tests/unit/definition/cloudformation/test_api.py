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
        "Notifications: AWS::SNS::Topic is not emulated: accepted, and nothing is created for it "
        "locally",
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
  QueueA: {Type: AWS::SQS::Queue}
  QueueB: {Type: AWS::SQS::Queue}
  Bucket: {Type: AWS::S3::Bucket}
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
        "QueueA, QueueB: AWS::SQS::Queue is not emulated: accepted, and nothing is created for "
        "it locally",
        "Bucket: AWS::S3::Bucket is not emulated: accepted, and nothing is created for it locally",
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
