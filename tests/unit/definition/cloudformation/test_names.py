"""`Ref` and `Fn::GetAtt` give each resource's local names, as its page of the CloudFormation
User Guide says they return ("Return values"), made for the embedded services."""

from __future__ import annotations

import uuid
from pathlib import Path

from definition.cloudformation.names import derived, has_local_names
from definition.cloudformation.parameters import StackSettings
from tests.unit.definition.cloudformation.cloudformation_support import API, stack_of

RESOURCES = f"""
Resources:{API}
  Named:
    Type: AWS::DynamoDB::Table
    Properties: {{TableName: !Sub "${{AWS::StackName}}-posts"}}
  Unnamed:
    Type: AWS::DynamoDB::Table
  Fn:
    Type: AWS::Lambda::Function
    Properties: {{FunctionName: echo}}
  Machine:
    Type: AWS::StepFunctions::StateMachine
  NamedMachine:
    Type: AWS::StepFunctions::StateMachine
    Properties: {{StateMachineName: quote}}
  Source:
    Type: AWS::AppSync::DataSource
    Properties: {{ApiId: !GetAtt Api.ApiId, Name: Posts}}
  Function:
    Type: AWS::AppSync::FunctionConfiguration
    Properties: {{ApiId: !GetAtt Api.ApiId, Name: hello, DataSourceName: Posts}}
  Resolver:
    Type: AWS::AppSync::Resolver
    Properties: {{ApiId: !GetAtt Api.ApiId, TypeName: Query, FieldName: getPost}}
  Key:
    Type: AWS::AppSync::ApiKey
    Properties: {{ApiId: !GetAtt Api.ApiId}}
  Pool:
    Type: AWS::Cognito::UserPool
  Client:
    Type: AWS::Cognito::UserPoolClient
    Properties: {{UserPoolId: !Ref Pool, ClientName: web}}
  Role:
    Type: AWS::IAM::Role
    Properties: {{Path: /service/}}
  Layer:
    Type: AWS::Lambda::LayerVersion
    Properties: {{LayerName: shared}}
  Identities:
    Type: AWS::Cognito::IdentityPool
    Properties: {{AllowUnauthenticatedIdentities: true}}
  NamedIdentities:
    Type: AWS::Cognito::IdentityPool
    Properties: {{IdentityPoolName: posts_guests, AllowUnauthenticatedIdentities: true}}
"""


def test_tables_are_named_as_cloudformation_names_them(tmp_path: Path) -> None:
    stack = stack_of(tmp_path, RESOURCES)
    names = stack.names
    assert names.ref("Named", "") == "posts-posts"
    generated = names.ref("Unnamed", "")
    # `<stack>-<logicalId>-<SUFFIX>`, the same on every start.
    assert generated == f"posts-Unnamed-{derived('posts/Unnamed', 12)}"
    assert stack_of(tmp_path, RESOURCES).names.ref("Unnamed", "") == generated
    arn = f"arn:aws:dynamodb:eu-west-1:123456789012:table/{generated}"
    assert names.get_att("Unnamed", "Arn", "") == arn
    assert names.get_att("Unnamed", "StreamArn", "").startswith(f"{arn}/stream/")


def test_functions_and_state_machines_have_local_arns(tmp_path: Path) -> None:
    names = stack_of(tmp_path, RESOURCES).names
    assert names.ref("Fn", "") == "echo"
    assert names.get_att("Fn", "Arn", "") == "arn:aws:lambda:eu-west-1:123456789012:function:echo"
    assert names.ref("NamedMachine", "") == (
        "arn:aws:states:eu-west-1:123456789012:stateMachine:quote"
    )
    assert names.get_att("NamedMachine", "Name", "") == "quote"
    generated = names.get_att("Machine", "Name", "")
    assert generated.startswith("Machine-")
    assert len(generated) == len("Machine-") + 12
    assert names.ref("Machine", "").endswith(f":stateMachine:{generated}")
    assert names.ref("Layer", "") == "arn:aws:lambda:eu-west-1:123456789012:layer:shared:1"


def test_the_api_and_its_parts_have_appsyncs_shapes(tmp_path: Path) -> None:
    names = stack_of(tmp_path, RESOURCES).names
    api_id = names.get_att("Api", "ApiId", "")
    assert len(api_id) == 26
    assert api_id.isalnum()
    assert api_id.lower() == api_id
    api_arn = f"arn:aws:appsync:eu-west-1:123456789012:apis/{api_id}"
    assert names.ref("Api", "") == names.get_att("Api", "Arn", "") == api_arn
    host = f"{api_id}.appsync-api.eu-west-1.amazonaws.com"
    assert names.get_att("Api", "GraphQLUrl", "") == f"https://{host}/graphql"
    assert names.get_att("Api", "GraphQLDns", "") == host
    realtime = f"{api_id}.appsync-realtime-api.eu-west-1.amazonaws.com"
    assert names.get_att("Api", "RealtimeUrl", "") == f"wss://{realtime}/graphql"
    assert names.get_att("Api", "RealtimeDns", "") == realtime
    assert names.get_att("Source", "Name", "") == "Posts"
    assert names.ref("Source", "") == f"{api_arn}/datasources/Posts"
    function_id = names.get_att("Function", "FunctionId", "")
    assert names.get_att("Function", "FunctionArn", "") == f"{api_arn}/functions/{function_id}"
    assert names.get_att("Function", "DataSourceName", "") == "Posts"
    assert names.ref("Resolver", "") == f"{api_arn}/types/Query/resolvers/getPost"
    key = names.get_att("Key", "ApiKey", "")
    assert key.startswith("da2-")
    assert len(key) == 30
    assert names.ref("Key", "") == f"{api_arn}/apikeys/{key}"


def test_user_pools_have_cognito_shaped_ids(tmp_path: Path) -> None:
    names = stack_of(tmp_path, RESOURCES).names
    pool_id = names.ref("Pool", "")
    region, _, suffix = pool_id.partition("_")
    assert (region, len(suffix)) == ("eu-west-1", 9)
    assert names.get_att("Pool", "Arn", "") == (
        f"arn:aws:cognito-idp:eu-west-1:123456789012:userpool/{pool_id}"
    )
    assert names.get_att("Pool", "ProviderURL", "") == (
        f"https://cognito-idp.eu-west-1.amazonaws.com/{pool_id}"
    )
    assert names.ref("Client", "") == names.get_att("Client", "ClientId", "")
    assert names.get_att("Client", "Name", "") == "web"


def test_identity_pools_have_cognito_shaped_ids(tmp_path: Path) -> None:
    # Ref: the pool's id, `<region>:<uuid>`; GetAtt Id the same, Name its name.
    names = stack_of(tmp_path, RESOURCES).names
    pool_id = names.ref("Identities", "")
    region, _, identifier = pool_id.partition(":")
    assert region == "eu-west-1"
    assert str(uuid.UUID(identifier)) == identifier
    assert names.get_att("Identities", "Id", "") == pool_id
    assert stack_of(tmp_path, RESOURCES).names.ref("Identities", "") == pool_id
    assert names.ref("NamedIdentities", "") != pool_id
    assert names.get_att("NamedIdentities", "Name", "") == "posts_guests"
    # A generated name keeps to the pool name's characters (letters, digits, `_`).
    assert names.get_att("Identities", "Name", "").startswith("posts_Identities_")


def test_roles_are_global_to_the_account(tmp_path: Path) -> None:
    names = stack_of(tmp_path, RESOURCES).names
    role = names.ref("Role", "")
    assert names.get_att("Role", "Arn", "") == f"arn:aws:iam::123456789012:role/service/{role}"
    assert names.get_att("Role", "RoleId", "").startswith("AROA")


def test_generated_names_keep_to_the_length_of_their_kind(tmp_path: Path) -> None:
    long_stack = StackSettings("s" * 100, "eu-west-1")
    text = f"Resources:{API}\n  {'F' * 80}:\n    Type: AWS::Lambda::Function\n"
    name = stack_of(tmp_path, text, long_stack).names.ref("F" * 80, "")
    assert len(name) == 64
    assert name.startswith("s")
    assert "-FFF" in name


def test_types_with_local_names_are_known() -> None:
    assert has_local_names("AWS::DynamoDB::GlobalTable")
    assert has_local_names("AWS::SQS::Queue")
    assert not has_local_names("AWS::Kinesis::Stream")
