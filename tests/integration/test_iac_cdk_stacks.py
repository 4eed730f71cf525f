"""A CDK app split into stacks (apis/iac/cdk-stacks: `app/app.js`, synthesized by `app/synth.sh`
with aws-cdk-lib 2.278.0): NotesData holds a table, a user pool and a Node.js function; NotesApi
the AppSync API, which uses them. The CDK exports each construct NotesApi uses from NotesData and
imports it with `Fn::ImportValue`, and NotesApi depends on NotesData in the manifest.

Served from the assembly as it is, NotesApi is read with NotesData: the data stack's resources
are created and the API's imports read its exports. Real clients: httpx with the API key and
with a user pool token, boto3 for Cognito and DynamoDB on the AWS endpoint.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from appsync.app import build_app
from definition.errors import InvalidDefinitionError
from definition.formats import ReadOptions, read_definition
from tests.fixtures.aws_signing import aws_client
from tests.integration.conftest import APIS, running

ASSEMBLY = APIS / "iac" / "cdk-stacks" / "cdk.out"
DEFINITION = read_definition(ASSEMBLY)
[POOL] = DEFINITION.server.user_pools
[TABLE] = DEFINITION.server.dynamodb.tables


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    with running(build_app(DEFINITION), "appsync-local-cdk-stacks") as (host, port):
        yield f"http://{host}:{port}"


def _graphql(endpoint: str, query: str, **headers: str) -> dict[str, Any]:
    answer = httpx.post(f"{endpoint}/graphql", json={"query": query}, headers=headers)
    assert answer.status_code == 200
    body: dict[str, Any] = answer.json()
    return body


def test_the_data_stacks_resources_are_read_with_the_api_stack() -> None:
    # Named as CloudFormation names them in the stack that declares them (NotesData-...).
    assert TABLE.table_name.startswith("NotesData-Notes")
    assert POOL.pool_name == "notes-users"
    [function] = DEFINITION.server.lambda_functions
    assert function.function_name.startswith("NotesData-WordCount")
    # The API's user pool mode names the data stack's pool (an imported Ref).
    [user_pools] = DEFINITION.additional_authentication_providers
    assert user_pools.user_pool_config is not None
    assert user_pools.user_pool_config.user_pool_id == POOL.user_pool_id


def test_the_api_reaches_the_imported_table_function_and_pool(endpoint: str) -> None:
    key = DEFINITION.api_keys[0].id
    # The data stack's Node.js function, a Lambda data source through its imported ARN.
    words = _graphql(endpoint, '{ words(text: "one two  three") }', **{"x-api-key": key})
    assert words == {"data": {"words": 3}}
    # A user of the data stack's pool writes to the data stack's table.
    idp = aws_client("cognito-idp", endpoint, region="us-east-1")
    [client] = POOL.clients
    idp.admin_create_user(UserPoolId=POOL.user_pool_id, Username="ada", MessageAction="SUPPRESS")
    idp.admin_set_user_password(
        UserPoolId=POOL.user_pool_id, Username="ada", Password="Correct-Horse-9", Permanent=True
    )
    token = idp.initiate_auth(
        ClientId=client.client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "ada", "PASSWORD": "Correct-Horse-9"},
    )["AuthenticationResult"]["IdToken"]
    added = _graphql(
        endpoint, 'mutation { addNote(id: "n1", text: "hello") { id text } }', Authorization=token
    )
    assert added == {"data": {"addNote": {"id": "n1", "text": "hello"}}}
    read = _graphql(endpoint, '{ note(id: "n1") { text } }', **{"x-api-key": key})
    assert read == {"data": {"note": {"text": "hello"}}}
    dynamodb = aws_client("dynamodb", endpoint, region="us-east-1")
    item = dynamodb.get_item(TableName=TABLE.table_name, Key={"id": {"S": "n1"}})["Item"]
    assert item["text"] == {"S": "hello"}


def test_the_data_stack_alone_declares_no_api() -> None:
    with pytest.raises(InvalidDefinitionError) as refused:
        read_definition(ASSEMBLY, ReadOptions(stack="NotesData"))
    [problem] = refused.value.problems
    assert problem.file.endswith("NotesData.template.json")
    assert problem.message == "the template declares no AWS::AppSync::GraphQLApi"
