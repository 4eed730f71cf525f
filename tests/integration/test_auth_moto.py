"""AWS_IAM with the access keys of the embedded IAM's users and STS sessions.

A user and a role are created with boto3 through the server's own AWS endpoint (the embedded
IAM and STS in this process, which `MotoCredentialSource` reads). Keys minted there are no
AppSync principals by default (whoever holds the endpoint's keys could mint them); with
`iamConfig.trustEmbeddedIam: true` requests signed by botocore with the user's key and with the
role session's temporary credentials reach the API as those principals, with `$ctx.identity` as
AppSync fills it for IAM (the role session's `userArn` is its `assumed-role` ARN and `username`
its `<role id>:<session name>`). The endpoint's own keys are principals too: the local account's
root.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from tests.fixtures.aws_signing import aws_client
from tests.integration.conftest import Server, serve, write_whoami_api

REGION = "us-east-1"
MOTO_ACCOUNT = "123456789012"  # moto's default account
QUERY = json.dumps({"query": "{ whoami { authType identity } }"})
TRUST = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}],
    }
)


@dataclass(frozen=True, slots=True)
class MotoPrincipals:
    user: Credentials
    user_arn: str
    user_id: str
    session: Credentials
    session_arn: str
    session_user_id: str


@pytest.fixture(scope="module")
def trusting(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp("auth_moto")
    auth = {"authenticationType": "AWS_IAM", "iamConfig": {"trustEmbeddedIam": True}}
    with serve(write_whoami_api(folder, "auth-moto", auth)) as server:
        yield server


@pytest.fixture(scope="module")
def url(trusting: Server) -> str:
    return trusting.url


@pytest.fixture(scope="module")
def principals(trusting: Server) -> MotoPrincipals:
    return _create(f"http://{trusting.host}:{trusting.port}")


def _create(endpoint: str) -> MotoPrincipals:
    iam = aws_client("iam", endpoint)
    user = iam.create_user(UserName="moto-ada")["User"]
    key = iam.create_access_key(UserName="moto-ada")["AccessKey"]
    role = iam.create_role(RoleName="moto-reader", AssumeRolePolicyDocument=TRUST)["Role"]
    # STS through the endpoint with the endpoint's keys: the minted key is no endpoint key.
    sts = aws_client("sts", endpoint)
    assumed = sts.assume_role(RoleArn=role["Arn"], RoleSessionName="reading")
    temporary = assumed["Credentials"]
    return MotoPrincipals(
        user=Credentials(key["AccessKeyId"], key["SecretAccessKey"]),
        user_arn=user["Arn"],
        user_id=user["UserId"],
        session=Credentials(
            temporary["AccessKeyId"], temporary["SecretAccessKey"], temporary["SessionToken"]
        ),
        session_arn=assumed["AssumedRoleUser"]["Arn"],
        session_user_id=assumed["AssumedRoleUser"]["AssumedRoleId"],
    )


def call(url: str, credentials: Credentials) -> httpx.Response:
    request = AWSRequest(
        method="POST", url=url, data=QUERY, headers={"content-type": "application/json"}
    )
    SigV4Auth(credentials, "appsync", REGION).add_auth(request)
    return httpx.post(url, content=QUERY, headers=dict(request.headers), timeout=10)


def test_a_moto_iam_users_access_key_signs_requests(url: str, principals: MotoPrincipals) -> None:
    response = call(url, principals.user)
    assert response.status_code == 200, response.text
    who = response.json()["data"]["whoami"]
    assert who["authType"] == "IAM Authorization"
    identity = json.loads(who["identity"])
    assert (identity["accountId"], identity["userArn"], identity["username"]) == (
        MOTO_ACCOUNT,
        principals.user_arn,
        principals.user_id,
    )


def test_a_role_assumed_through_moto_sts_signs_requests(
    url: str, principals: MotoPrincipals
) -> None:
    response = call(url, principals.session)
    assert response.status_code == 200, response.text
    identity = json.loads(response.json()["data"]["whoami"]["identity"])
    assert (identity["userArn"], identity["username"]) == (
        principals.session_arn,
        principals.session_user_id,
    )


def test_a_moto_session_without_its_token_is_refused(url: str, principals: MotoPrincipals) -> None:
    bare = Credentials(principals.session.access_key, principals.session.secret_key)
    response = call(url, bare)
    assert response.status_code == 403
    assert response.headers["x-amzn-errortype"] == "UnrecognizedClientException"


def test_a_key_moto_never_issued_is_refused(url: str, principals: MotoPrincipals) -> None:
    stranger = Credentials("AKIA" + "Z" * 16, principals.user.secret_key)
    response = call(url, stranger)
    assert (response.status_code, response.json()["errors"][0]["message"]) == (
        403,
        "The security token included in the request is invalid.",
    )


def test_minted_keys_are_no_principals_without_the_opt_in(
    tmp_path: Path, principals: MotoPrincipals
) -> None:
    path = write_whoami_api(tmp_path, "auth-moto-default", {"authenticationType": "AWS_IAM"})
    with serve(path) as server:
        for minted in (principals.user, principals.session):
            response = call(server.url, minted)
            assert response.status_code == 403
            assert response.headers["x-amzn-errortype"] == "UnrecognizedClientException"
        # The AWS endpoint's own keys are: the local account's root.
        response = call(server.url, Credentials("testing", "testing"))
    assert response.status_code == 200, response.text
    identity = json.loads(response.json()["data"]["whoami"]["identity"])
    assert (identity["accountId"], identity["userArn"], identity["username"]) == (
        MOTO_ACCOUNT,
        f"arn:aws:iam::{MOTO_ACCOUNT}:root",
        MOTO_ACCOUNT,
    )
