"""Shared pieces of the Serverless reader's tests: a service written to a folder (with a schema
and mapping templates beside it), the `ApiDefinition` read from it, and its problems."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from definition.errors import InvalidDefinitionError
from definition.model import ApiDefinition
from definition.serverless.reader import read_serverless
from definition.serverless.variables import Options

SCHEMA = """
type Post { id: ID! title: String }
type Query { getPost(id: ID!): Post listPosts: [Post] }
type Mutation { createPost(id: ID!, title: String!): Post }
"""
GET = (
    '{"version": "2018-05-29", "operation": "GetItem",'
    ' "key": {"id": $util.dynamodb.toDynamoDBJson($ctx.args.id)}}'
)
RESULT = "$util.toJson($ctx.result)"
# The head of a service file and a v2 API with one table and its data source.
HEAD = """
service: posts
provider:
  name: aws
  region: eu-west-1
"""
TABLE = """
resources:
  Resources:
    PostsTable:
      Type: AWS::DynamoDB::Table
      Properties:
        BillingMode: PAY_PER_REQUEST
        KeySchema: [{AttributeName: id, KeyType: HASH}]
        AttributeDefinitions: [{AttributeName: id, AttributeType: S}]
"""


def get_post(source: str) -> str:
    """A `Query.getPost` UNIT resolver on `source` with the templates, under `resolvers:`."""
    return (
        f"    Query.getPost:\n      kind: UNIT\n      dataSource: {source}\n"
        "      request: templates/get.vtl\n      response: templates/result.vtl\n"
    )


def write_service(folder: Path, text: str) -> Path:
    """`text` as `serverless.yml`, with `schema.graphql` and mapping templates beside it."""
    (folder / "schema.graphql").write_text(SCHEMA)
    (folder / "templates").mkdir(exist_ok=True)
    (folder / "templates" / "get.vtl").write_text(GET)
    (folder / "templates" / "result.vtl").write_text(RESULT)
    path = folder / "serverless.yml"
    path.write_text(text)
    return path


def read(folder: Path, text: str, **options: Any) -> ApiDefinition:
    return read_serverless(write_service(folder, text), Options(**options))


def problems(folder: Path, text: str, **options: Any) -> list[str]:
    """The problems the service is refused with, as "<key path>: <message>"."""
    path = write_service(folder, text)
    with pytest.raises(InvalidDefinitionError) as caught:
        read_serverless(path, Options(**options))
    return [
        f"{problem.key_path}: {problem.message}"
        if problem.file == str(path)
        else f"{problem.file}: {problem.message}"
        for problem in caught.value.problems
    ]
