"""A function signs as its execution role's session, as Lambda runs it: its AWS_IAM request to
the API is `$ctx.identity` of the principal `arn:aws:sts::<account>:assumed-role/<role name>/
<function name>` with the id `<role id>:<function name>` (AppSync's resolver context reference,
"identity" for AWS_IAM: `userArn`, `username` the principal's id, `accountId`; Lambda's session
of the role is named after the function), and the AWS endpoint takes the same credentials. A
function without a `Role` signs with the endpoint's key, the local account's root."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

from appsync.app import build_app
from appsync.hosts import listening_socket, own_url
from definition.formats import ReadOptions, read_definition
from tests.integration.conftest import running

SESSION = boto3.Session(
    region_name="us-east-1", aws_access_key_id="testing", aws_secret_access_key="testing"
)
# The function signs a GraphQL request with the credentials Lambda gave it, and makes an AWS
# call with them (SSM, through AWS_ENDPOINT_URL).
CODE = """
import json, os, urllib.request
import boto3
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

def handler(event, context):
    boto3.client("ssm").describe_parameters()
    url = os.environ["AWS_ENDPOINT_URL"] + "/graphql"
    body = json.dumps({"query": "{ whoami }"})
    request = AWSRequest("POST", url, data=body, headers={"content-type": "application/json"})
    credentials = Credentials(
        os.environ["AWS_ACCESS_KEY_ID"],
        os.environ["AWS_SECRET_ACCESS_KEY"],
        os.environ.get("AWS_SESSION_TOKEN"),
    )
    SigV4Auth(credentials, "appsync", os.environ["AWS_REGION"]).add_auth(request)
    sent = urllib.request.Request(url, data=body.encode(), headers=dict(request.headers))
    with urllib.request.urlopen(sent) as answer:
        return json.loads(answer.read())
"""
TEMPLATE = """
Resources:
  Api:
    Type: AWS::AppSync::GraphQLApi
    Properties: {Name: roles, AuthenticationType: AWS_IAM}
  Schema:
    Type: AWS::AppSync::GraphQLSchema
    Properties:
      ApiId: !GetAtt Api.ApiId
      Definition: "type Query { whoami: AWSJSON }"
  NoneSource:
    Type: AWS::AppSync::DataSource
    Properties: {ApiId: !GetAtt Api.ApiId, Name: none, Type: NONE}
  WhoAmI:
    Type: AWS::AppSync::Resolver
    Properties:
      ApiId: !GetAtt Api.ApiId
      TypeName: Query
      FieldName: whoami
      DataSourceName: !GetAtt NoneSource.Name
      RequestMappingTemplate: '{"version": "2018-05-29", "payload": {}}'
      ResponseMappingTemplate: $util.toJson($util.toJson($ctx.identity))
  Role:
    Type: AWS::IAM::Role
    Properties:
      RoleName: caller-role
      AssumeRolePolicyDocument: {}
  Caller:
    Type: AWS::Lambda::Function
    Properties:
      FunctionName: caller
      Runtime: python3.12
      Handler: index.handler
      Role: !GetAtt Role.Arn
      Code: {ZipFile: CODE}
  Rootless:
    Type: AWS::Lambda::Function
    Properties:
      FunctionName: rootless
      Runtime: python3.12
      Handler: index.handler
      Code: {ZipFile: CODE}
"""


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("roles")
    template: Path = folder / "template.yaml"
    template.write_text(TEMPLATE.replace("CODE", json.dumps(CODE)))
    listener = listening_socket("127.0.0.1", 0)
    url = own_url("127.0.0.1", int(listener.getsockname()[1]))
    definition = read_definition(template, ReadOptions(endpoint_url=url))
    with running(build_app(definition), "appsync-local-roles", listener):
        yield url


def _identity(endpoint: str, function: str) -> dict[str, Any]:
    answer = SESSION.client("lambda", endpoint_url=endpoint).invoke(FunctionName=function)
    payload: dict[str, Any] = json.loads(answer["Payload"].read())
    assert "FunctionError" not in answer, payload
    identity: dict[str, Any] = json.loads(payload["data"]["whoami"])
    return identity


def test_a_function_signs_as_its_execution_role_s_session(endpoint: str) -> None:
    identity = _identity(endpoint, "caller")
    assert identity["userArn"] == "arn:aws:sts::123456789012:assumed-role/caller-role/caller"
    assert identity["username"].startswith("AROA")
    assert identity["username"].endswith(":caller")
    assert identity["accountId"] == "123456789012"
    assert identity["cognitoIdentityPoolId"] is None


def test_a_function_without_a_role_signs_as_the_account(endpoint: str) -> None:
    assert _identity(endpoint, "rootless")["userArn"] == "arn:aws:iam::123456789012:root"
