"""AWS_IAM with the access keys of moto's IAM users and STS sessions (`MotoCredentialSource`).

A user and a role are created with boto3 against moto's server (in this process, so its IAM and
STS backends are the ones `MotoCredentialSource` reads); requests signed by botocore with the
user's key and with the role session's temporary credentials reach the API as those
principals, with `$ctx.identity` as AppSync fills it for IAM (the role session's `userArn` is
its `assumed-role` ARN and `username` its `<role id>:<session name>`).

The API's definition configures no access keys at all: the server accepts moto's IAM users
and STS sessions by default, so the whole server (`build_app`) is what is tested.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from tests.integration.conftest import moto_client, moto_endpoint, serve, write_whoami_api

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
def principals() -> Iterator[MotoPrincipals]:
    with moto_endpoint() as endpoint:
        yield _create(endpoint)


def _create(endpoint: str) -> MotoPrincipals:
    iam = moto_client("iam", endpoint, REGION)
    user = iam.create_user(UserName="moto-ada")["User"]
    key = iam.create_access_key(UserName="moto-ada")["AccessKey"]
    role = iam.create_role(RoleName="moto-reader", AssumeRolePolicyDocument=TRUST)["Role"]
    sts = moto_client("sts", endpoint, REGION, key["AccessKeyId"], key["SecretAccessKey"])
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


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("auth_moto")
    path = write_whoami_api(folder, "auth-moto", {"authenticationType": "AWS_IAM"})
    with serve(path) as server:
        yield f"http://{server.host}:{server.port}/graphql"


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
