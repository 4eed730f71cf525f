"""Shared pieces of the CloudFormation reader's tests: a template written to a folder, its
`Stack`, the `ApiDefinition` read from it, and the problems it is refused with."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from definition.cloudformation.api import read_cloudformation
from definition.cloudformation.assets import LocalAssets
from definition.cloudformation.parameters import StackSettings
from definition.cloudformation.stack import Stack
from definition.cloudformation.template import load_template
from definition.errors import InvalidDefinitionError
from definition.model import ApiDefinition

# The smallest API a template can declare, for tests that add resources to it.
API = """
  Api:
    Type: AWS::AppSync::GraphQLApi
    Properties: {Name: posts, AuthenticationType: API_KEY}
  Schema:
    Type: AWS::AppSync::GraphQLSchema
    Properties:
      ApiId: !GetAtt Api.ApiId
      Definition: "type Query { getPost(id: ID!): Post }  type Post { id: ID! title: String }"
"""
SETTINGS = StackSettings("posts", "eu-west-1")
# A nested stack's template: the API's data source, resolver and table, taking the API's id
# (and a stage) as parameters and giving the table's name back as an output, as Amplify's and
# CDK's nested stacks do (AWS::CloudFormation::Stack in the CloudFormation User Guide).
NESTED = """
Parameters:
  AppSyncApiId: {Type: String}
  Stage: {Type: String, Default: dev}
Resources:
  Table:
    Type: AWS::DynamoDB::Table
    Properties:
      TableName: !Sub posts-${Stage}
      BillingMode: PAY_PER_REQUEST
      KeySchema: [{AttributeName: id, KeyType: HASH}]
      AttributeDefinitions: [{AttributeName: id, AttributeType: S}]
  Source:
    Type: AWS::AppSync::DataSource
    Properties:
      ApiId: !Ref AppSyncApiId
      Name: Posts
      Type: AMAZON_DYNAMODB
      DynamoDBConfig: {TableName: !Ref Table, AwsRegion: !Ref AWS::Region}
  GetPost:
    Type: AWS::AppSync::Resolver
    Properties:
      ApiId: !Ref AppSyncApiId
      TypeName: Query
      FieldName: getPost
      DataSourceName: !GetAtt Source.Name
      RequestMappingTemplate: '{"version": "2018-05-29", "operation": "GetItem", "key": {}}'
      ResponseMappingTemplate: $util.toJson($ctx.result)
Outputs:
  TableName: {Value: !Ref Table}
  StackName: {Value: !Ref AWS::StackName}
"""


def write_template(folder: Path, text: str, name: str = "template.yaml") -> Path:
    path = folder / name
    path.write_text(text)
    return path


def stack_of(folder: Path, text: str, settings: StackSettings = SETTINGS) -> Stack:
    """The template `text` as a stack named `posts` in eu-west-1."""
    template = load_template(write_template(folder, text))
    return Stack(template, settings, LocalAssets(folder))


def evaluated(folder: Path, value: str, sections: str = "", **settings: Any) -> Any:
    """`value` (YAML) evaluated as the `Value` property of a resource of a template with
    `sections` (Parameters, Conditions, Mappings) and the API's resources."""
    text = f"{sections}\nResources:{API}\n  Holder:\n    Type: AWS::SSM::Parameter\n"
    text += f"    Properties:\n      Value: {value}\n"
    stack = stack_of(folder, text, StackSettings(**{"stack_name": "posts", **settings}))
    properties = stack.properties("Holder")
    assert stack.problems == [], [str(problem) for problem in stack.problems]
    assert properties is not None
    return properties.get("Value")


def evaluation_problems(
    folder: Path, value: str, sections: str = "", resources: str = ""
) -> list[str]:
    """The problems of evaluating `value`, as "<logical id>.<path>: <message>"."""
    text = f"{sections}\nResources:{API}{resources}\n  Holder:\n    Type: AWS::SSM::Parameter\n"
    text += f"    Properties:\n      Value: {value}\n"
    stack = stack_of(folder, text)
    stack.properties("Holder")
    return [f"{p.logical_id}.{p.key_path}: {p.message}" for p in stack.problems]


def read(folder: Path, resources: str, head: str = "", **settings: Any) -> ApiDefinition:
    """The API of a template of `API` and `resources` (YAML under `Resources:`)."""
    path = write_template(folder, f"{head}\nResources:{API}{resources}")
    return read_cloudformation(
        path, StackSettings(**{"stack_name": "posts", "region": "eu-west-1", **settings})
    )


def problems(folder: Path, resources: str, head: str = "") -> list[str]:
    """The problems the template is refused with, as "<logical id>.<path>: <message>"."""
    path = write_template(folder, f"{head}\nResources:{API}{resources}")
    with pytest.raises(InvalidDefinitionError) as caught:
        read_cloudformation(path, SETTINGS)
    assert all(problem.file == str(path.resolve()) for problem in caught.value.problems)
    return [
        f"{problem.logical_id}.{problem.key_path}: {problem.message}"
        if problem.logical_id
        else f"{problem.key_path}: {problem.message}"
        for problem in caught.value.problems
    ]


def notices(definition: ApiDefinition) -> list[str]:
    return [f"{notice.key_path}: {notice.message}" for notice in definition.notices]
