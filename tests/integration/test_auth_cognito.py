"""AMAZON_COGNITO_USER_POOLS through the real server, with tokens moto's cognito-idp issued.

A user pool, an app client, two users (one in the `admins` group) are made with boto3 against
moto's server; `admin_initiate_auth` and `initiate_auth` sign them in; the API verifies the
tokens with moto's public keys (`auth.cognito.moto_jwks_file()`). Expected behaviour:
- `$ctx.identity` for user pools (resolver context reference): sub, issuer, username, claims,
  sourceIp, defaultAuthStrategy, groups; `$util.authType()` "User Pool Authorization";
- `@aws_cognito_user_pools(cognito_groups: [...])` and `@aws_auth(cognito_groups: [...])` admit
  members of a listed group; everyone else gets the field-level `Unauthorized` error with
  "Not Authorized to access <field> on type <Type>" (amplify-cli#9121) ("Configuring
  authorization and authentication to secure your GraphQL APIs", AppSync developer guide);
- a token the API cannot verify is a 401 `UnauthorizedException` for the whole request.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from auth.cognito import moto_jwks_file
from tests.fixtures import keys
from tests.integration.conftest import (
    APIS,
    Server,
    moto_client,
    moto_endpoint,
    serve,
    unauthorized_field_error,
)

SCHEMA = APIS / "auth_cognito" / "schema.graphql"
CODE = APIS / "auth_whoami" / "auth_whoami.py"
REGION = "us-east-1"
API_KEY = "da2-authcognitotestkey000000"
PASSWORD = "Correct-Horse-9-Battery"
FIELDS = ("me", "adminsOnly", "legacyAdmins", "members", "keyOnly")


@dataclass(frozen=True, slots=True)
class Pool:
    pool_id: str
    client_id: str
    other_client_id: str
    admin: dict[str, str]
    member: dict[str, str]
    other_client: dict[str, str]

    @property
    def issuer(self) -> str:
        return f"https://cognito-idp.{REGION}.amazonaws.com/{self.pool_id}"


@pytest.fixture(scope="module")
def pool() -> Iterator[Pool]:
    with moto_endpoint() as endpoint:
        yield _sign_in_users(endpoint)


def _sign_in_users(endpoint: str) -> Pool:
    idp = moto_client("cognito-idp", endpoint, REGION)
    pool_id = idp.create_user_pool(PoolName="auth-cognito")["UserPool"]["Id"]
    client_id, other_client_id = (
        idp.create_user_pool_client(
            UserPoolId=pool_id,
            ClientName=name,
            ExplicitAuthFlows=["ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_USER_PASSWORD_AUTH"],
        )["UserPoolClient"]["ClientId"]
        for name in ("web", "other")
    )
    idp.create_group(UserPoolId=pool_id, GroupName="admins")
    for username in ("ada", "bob"):
        idp.admin_create_user(UserPoolId=pool_id, Username=username)
        idp.admin_set_user_password(
            UserPoolId=pool_id, Username=username, Password=PASSWORD, Permanent=True
        )
    idp.admin_add_user_to_group(UserPoolId=pool_id, Username="ada", GroupName="admins")
    admin = idp.admin_initiate_auth(
        UserPoolId=pool_id,
        ClientId=client_id,
        AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "ada", "PASSWORD": PASSWORD},
    )["AuthenticationResult"]
    member = idp.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "bob", "PASSWORD": PASSWORD},
    )["AuthenticationResult"]
    other = idp.initiate_auth(
        ClientId=other_client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "bob", "PASSWORD": PASSWORD},
    )["AuthenticationResult"]
    return Pool(
        pool_id, client_id, other_client_id, _tokens(admin), _tokens(member), _tokens(other)
    )


def _tokens(result: Mapping[str, Any]) -> dict[str, str]:
    return {"IdToken": result["IdToken"], "AccessToken": result["AccessToken"]}


def _write_api(folder: Path, pool: Pool, default_action: str) -> Path:
    additional: list[dict[str, Any]] = []
    api_keys: list[dict[str, Any]] = []
    if default_action == "ALLOW":
        # defaultAction DENY is allowed only without additional providers.
        additional = [{"authenticationType": "API_KEY"}]
        api_keys = [{"id": API_KEY}]
    config = {
        "name": f"auth-cognito-{default_action.lower()}",
        "schema": str(SCHEMA),
        "authenticationType": "AMAZON_COGNITO_USER_POOLS",
        "userPoolConfig": {
            "userPoolId": pool.pool_id,
            "awsRegion": REGION,
            "appIdClientRegex": pool.client_id,
            "defaultAction": default_action,
            "jwksFile": moto_jwks_file(),
        },
        "additionalAuthenticationProviders": additional,
        "apiKeys": api_keys,
        "dataSources": [{"name": "Local", "type": "NONE"}],
        "resolvers": [
            {"typeName": "Query", "fieldName": field, "dataSourceName": "Local", "code": str(CODE)}
            for field in FIELDS
        ],
    }
    path = folder / "appsync.json"
    path.write_text(json.dumps(config), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, pool: Pool) -> Iterator[Server]:
    with serve(_write_api(tmp_path_factory.mktemp("cognito_allow"), pool, "ALLOW")) as running:
        yield running


@pytest.fixture(scope="module")
def deny_server(tmp_path_factory: pytest.TempPathFactory, pool: Pool) -> Iterator[Server]:
    with serve(_write_api(tmp_path_factory.mktemp("cognito_deny"), pool, "DENY")) as running:
        yield running


def _post(server: Server, field: str, headers: dict[str, str]) -> httpx.Response:
    query = {"query": f"{{ {field} {{ authType identity }} }}"}
    return httpx.post(server.url, json=query, headers=headers, timeout=10)


def _denied(field: str) -> dict[str, Any]:
    return {"data": {field: None}, "errors": [unauthorized_field_error(field)]}


def test_a_moto_id_token_reaches_the_default_fields_with_its_identity(
    server: Server, pool: Pool
) -> None:
    response = _post(server, "me", {"authorization": pool.admin["IdToken"]})
    who = response.json()["data"]["me"]
    assert who["authType"] == "User Pool Authorization"
    identity = json.loads(who["identity"])
    claims = identity.pop("claims")
    assert identity == {
        "sub": claims["sub"],
        "issuer": pool.issuer,
        "username": "ada",
        "sourceIp": ["127.0.0.1"],
        "defaultAuthStrategy": "ALLOW",
        "groups": ["admins"],
    }
    assert (claims["token_use"], claims["aud"], claims["cognito:groups"]) == (
        "id",
        pool.client_id,
        ["admins"],
    )


def test_a_moto_access_token_is_accepted_too(server: Server, pool: Pool) -> None:
    response = _post(server, "me", {"authorization": pool.member["AccessToken"]})
    identity = json.loads(response.json()["data"]["me"]["identity"])
    assert (identity["username"], identity["groups"]) == ("bob", None)
    assert identity["claims"]["client_id"] == pool.client_id


@pytest.mark.parametrize("field", ["adminsOnly", "legacyAdmins"])
def test_a_group_directive_admits_group_members_only(
    server: Server, pool: Pool, field: str
) -> None:
    admin = _post(server, field, {"authorization": pool.admin["IdToken"]}).json()
    assert admin["data"][field]["authType"] == "User Pool Authorization"
    assert "errors" not in admin
    member = _post(server, field, {"authorization": pool.member["IdToken"]})
    assert member.status_code == 200
    assert member.json() == _denied(field)


def test_the_pool_does_not_reach_api_key_fields_nor_the_key_the_pool_fields(
    server: Server, pool: Pool
) -> None:
    assert _post(server, "keyOnly", {"authorization": pool.admin["IdToken"]}).json() == (
        _denied("keyOnly")
    )
    assert _post(server, "me", {"x-api-key": API_KEY}).json() == _denied("me")
    by_key = _post(server, "members", {"x-api-key": API_KEY}).json()
    assert by_key == {
        "data": {"members": {"authType": "API Key Authorization", "identity": "null"}}
    }


def test_a_token_of_another_app_client_is_refused(server: Server, pool: Pool) -> None:
    # appIdClientRegex names the web client only.
    response = _post(server, "me", {"authorization": pool.other_client["IdToken"]})
    assert response.status_code == 401
    assert response.headers["x-amzn-errortype"] == "UnauthorizedException"
    assert response.json() == {
        "errors": [
            {
                "errorType": "UnauthorizedException",
                "message": "Valid authorization header not provided.",
            }
        ]
    }


def test_a_tampered_moto_token_is_refused(server: Server, pool: Pool) -> None:
    forged = keys.tampered(pool.member["IdToken"], **{"cognito:groups": ["admins"]})
    response = _post(server, "adminsOnly", {"authorization": forged})
    assert response.status_code == 401
    assert response.json()["errors"][0]["errorType"] == "UnauthorizedException"


def test_a_bearer_prefix_is_not_a_jwt(server: Server, pool: Pool) -> None:
    # aws-appsync-community#198 / amplify-js#8892: AppSync takes the raw token, no "Bearer ".
    response = _post(server, "me", {"authorization": "Bearer " + pool.admin["IdToken"]})
    assert response.status_code == 401


def test_default_action_deny_admits_only_group_directives(deny_server: Server, pool: Pool) -> None:
    # UserPoolConfig.defaultAction DENY: a user is let in only where a group directive
    # names one of their groups.
    admin = {"authorization": pool.admin["IdToken"]}
    allowed = _post(deny_server, "adminsOnly", admin).json()
    assert "errors" not in allowed
    identity = json.loads(allowed["data"]["adminsOnly"]["identity"])
    assert identity["defaultAuthStrategy"] == "DENY"
    assert _post(deny_server, "me", admin).json() == _denied("me")
    assert _post(deny_server, "members", admin).json() == _denied("members")
    member = {"authorization": pool.member["IdToken"]}
    assert _post(deny_server, "adminsOnly", member).json() == _denied("adminsOnly")
