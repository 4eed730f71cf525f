"""The `cognito-idp` route: calls that concern no trigger go to moto untouched; a custom sign-in
of a pool without DefineAuthChallenge is refused as Cognito refuses it (moto 5.2.5 would answer
`null`). The triggers' flows run in tests/integration/test_cognito_triggers.py,
test_cognito_auth_triggers.py and test_cognito_custom_auth.py."""

from __future__ import annotations

import json
from pathlib import Path

import boto3
import pytest
from moto import mock_aws

from appsync.aws.cognito_triggers import CognitoTriggers
from appsync.aws.moto_services import MotoServices
from appsync.aws.requests import AwsRequest, ServiceCall, WireProtocol
from appsync.functions_embedded import build_functions
from appsync.stepfunctions_embedded import SelfRoutes
from definition.appsync_yaml.api import read_appsync_yaml
from definition.model import AccessKey

pytestmark = pytest.mark.anyio


def _request(operation: str, body: dict[str, object]) -> tuple[AwsRequest, ServiceCall]:
    headers = {
        "host": "127.0.0.1:20002",
        "content-type": "application/x-amz-json-1.1",
        "x-amz-target": f"AWSCognitoIdentityProviderService.{operation}",
    }
    request = AwsRequest("POST", "/", "", headers, json.dumps(body).encode())
    call = ServiceCall(
        "cognito-idp", "cognito-idp", operation, WireProtocol.JSON, "us-east-1", False
    )
    return request, call


async def test_a_custom_sign_in_needs_define_auth_challenge(tmp_path: Path) -> None:
    (tmp_path / "schema.graphql").write_text("type Query { a: String }\n")
    (tmp_path / "appsync.yaml").write_text("schema: schema.graphql\nauthenticationType: API_KEY\n")
    functions = build_functions(
        read_appsync_yaml(tmp_path / "appsync.yaml"),
        "us-east-1",
        AccessKey("AKIDLOCAL", "local-secret"),
        SelfRoutes(None),
        lambda *where: None,
    )
    moto = MotoServices()
    route = CognitoTriggers(moto, functions)
    try:
        with mock_aws():
            idp = boto3.client(
                "cognito-idp",
                region_name="us-east-1",
                aws_access_key_id="testing",
                aws_secret_access_key="testing",
            )
            pool_id = idp.create_user_pool(PoolName="plain")["UserPool"]["Id"]
            client = idp.create_user_pool_client(UserPoolId=pool_id, ClientName="web")
            client_id = client["UserPoolClient"]["ClientId"]
            custom = {"ClientId": client_id, "AuthFlow": "CUSTOM_AUTH"}
            refused = await route.handle(
                *_request("InitiateAuth", {**custom, "AuthParameters": {"USERNAME": "ada"}})
            )
            assert (refused.status, json.loads(refused.body)) == (
                400,
                {
                    "__type": "InvalidParameterException",
                    "message": "Custom auth lambda trigger is not configured for the user pool.",
                },
            )
            # Not a trigger's business: moto answers (its own error for an unknown user).
            plain = {"ClientId": client_id, "AuthFlow": "USER_PASSWORD_AUTH"}
            password = {"USERNAME": "ada", "PASSWORD": "Passw0rd!"}
            passed = await route.handle(
                *_request("InitiateAuth", {**plain, "AuthParameters": password})
            )
            assert json.loads(passed.body)["__type"] == "UserNotFoundException"
    finally:
        moto.close()
