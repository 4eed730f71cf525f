"""A template's `AWS::Cognito::UserPool` and `UserPoolClient` are created in the embedded
Cognito at start, under the ids `!Ref` gives them, so a user signs up and signs in with boto3
through the AWS endpoint with the template's own client id, and the API the template guards
with that pool (`UserPoolConfig.UserPoolId: !Ref Users`) admits the user's ID token.

Sign-up, confirmation and USER_PASSWORD_AUTH as the Cognito API reference describes them
(SignUp, AdminConfirmSignUp, InitiateAuth); `$ctx.identity.username` as AppSync's resolver
context reference gives it for user pools.
"""

from __future__ import annotations

from pathlib import Path

import boto3
import httpx
import pytest
from moto.cognitoidp.models import cognitoidp_backends

from appsync.app import build_app
from definition.formats import read_definition
from tests.integration.conftest import running

TEMPLATE = """
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Users:
    Type: AWS::Cognito::UserPool
    Properties:
      UserPoolName: iac-users
      Policies:
        PasswordPolicy: {MinimumLength: 8}
  WebClient:
    Type: AWS::Cognito::UserPoolClient
    Properties:
      UserPoolId: !Ref Users
      ClientName: web
      ExplicitAuthFlows: [ALLOW_USER_PASSWORD_AUTH, ALLOW_REFRESH_TOKEN_AUTH]
  Api:
    Type: AWS::AppSync::GraphQLApi
    Properties:
      Name: iac-cognito
      AuthenticationType: AMAZON_COGNITO_USER_POOLS
      UserPoolConfig:
        UserPoolId: !Ref Users
        AwsRegion: !Ref AWS::Region
        AppIdClientRegex: !Ref WebClient
        DefaultAction: ALLOW
  Schema:
    Type: AWS::AppSync::GraphQLSchema
    Properties:
      ApiId: !GetAtt Api.ApiId
      Definition: "type Query { me: String }"
  Local:
    Type: AWS::AppSync::DataSource
    Properties: {ApiId: !GetAtt Api.ApiId, Name: Local, Type: NONE}
  Me:
    Type: AWS::AppSync::Resolver
    DependsOn: Schema
    Properties:
      ApiId: !GetAtt Api.ApiId
      TypeName: Query
      FieldName: me
      DataSourceName: !GetAtt Local.Name
      RequestMappingTemplate: >-
        {"version": "2018-05-29", "payload": $util.toJson($ctx.identity.username)}
      ResponseMappingTemplate: $util.toJson($ctx.result)
Outputs:
  ClientId: {Value: !Ref WebClient}
"""
PASSWORD = "Correct-Horse-9"


def test_a_templates_user_pool_signs_users_in_to_its_api(tmp_path: Path) -> None:
    path = tmp_path / "template.yaml"
    path.write_text(TEMPLATE, encoding="utf-8")
    definition = read_definition(path)
    [pool] = definition.server.user_pools
    [client] = pool.clients
    with running(build_app(definition), "appsync-local-iac-cognito") as (host, port):
        endpoint = f"http://{host}:{port}"
        idp = boto3.client(
            "cognito-idp",
            endpoint_url=endpoint,
            region_name="us-east-1",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )
        described = idp.describe_user_pool(UserPoolId=pool.user_pool_id)["UserPool"]
        assert (described["Id"], described["Name"]) == (pool.user_pool_id, "iac-users")
        idp.sign_up(ClientId=client.client_id, Username="ada", Password=PASSWORD)
        idp.admin_confirm_sign_up(UserPoolId=pool.user_pool_id, Username="ada")
        tokens = idp.initiate_auth(
            ClientId=client.client_id,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": "ada", "PASSWORD": PASSWORD},
        )["AuthenticationResult"]
        answer = httpx.post(
            f"{endpoint}/graphql",
            json={"query": "{ me }"},
            headers={"Authorization": tokens["IdToken"]},
        )
        assert answer.json() == {"data": {"me": "ada"}}
        # Without a token: AppSync's 401 for the whole request.
        assert httpx.post(f"{endpoint}/graphql", json={"query": "{ me }"}).status_code == 401
        with pytest.raises(idp.exceptions.NotAuthorizedException):
            idp.initiate_auth(
                ClientId=client.client_id,
                AuthFlow="USER_PASSWORD_AUTH",
                AuthParameters={"USERNAME": "ada", "PASSWORD": "wrong-password-1"},
            )
    # Created for the server's lifetime only: moto's backends outlive it in this process.
    assert pool.user_pool_id not in cognitoidp_backends["123456789012"]["us-east-1"].user_pools
