"""gql's AppSync auth classes over HTTP through the real server: `AppSyncApiKeyAuthentication`,
`AppSyncJWTAuthentication` (a user pool token and an OIDC token) and `AppSyncIAMAuthentication`.

gql hands these classes to its aiohttp transport only, which this project does not ship; here
they sign through gql's httpx transport with a small `httpx.Auth` that asks the class for its
headers over the exact body being sent, which is what the aiohttp transport does. A gql client
sees a refused request as a `TransportQueryError` carrying AppSync's request error.
"""

from __future__ import annotations

import json
import time
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from botocore.credentials import Credentials
from gql import Client, gql
from gql.transport.appsync_auth import (
    AppSyncApiKeyAuthentication,
    AppSyncAuthentication,
    AppSyncIAMAuthentication,
    AppSyncJWTAuthentication,
)
from gql.transport.exceptions import TransportQueryError
from gql.transport.httpx import HTTPXTransport

from tests.fixtures import keys
from tests.integration.conftest import Server, serve, write_whoami_api

REGION = "eu-west-1"
API_KEY = "da2-authgqltestkey0000000000"
OIDC_ISSUER = "https://gql-oidc.example.com"
POOL_ID = "eu-west-1_GqlPool01"
POOL_ISSUER = f"https://cognito-idp.{REGION}.amazonaws.com/{POOL_ID}"
ACCOUNT = "123412341234"
USER_ARN = f"arn:aws:iam::{ACCOUNT}:user/gql"
WHO = gql("{ anyone { authType identity } }")


class AppSyncHttpxAuth(httpx.Auth):
    """An AppSync auth class's headers for the body httpx is about to send."""

    requires_request_body = True

    def __init__(self, appsync: AppSyncAuthentication) -> None:
        self._appsync = appsync

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        headers = self._appsync.get_headers(
            request.content.decode(), {"content-type": request.headers["content-type"]}
        )
        request.headers.update(headers)
        yield request


@pytest.fixture(scope="module")
def iam() -> Credentials:
    return Credentials(keys.access_key_id(), keys.secret_access_key())


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, iam: Credentials) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp("auth_gql")
    _write_jwks(folder / "oidc.json", "gql-oidc", "o1")
    _write_jwks(folder / "pool.json", "gql-pool", "p1")
    auth = {
        "authenticationType": "API_KEY",
        "apiKeys": [{"id": API_KEY}],
        "additionalAuthenticationProviders": [
            {
                "authenticationType": "AWS_IAM",
                "iamConfig": {
                    "region": REGION,
                    "credentials": [
                        {
                            "accessKeyId": iam.access_key,
                            "secretAccessKey": iam.secret_key,
                            "accountId": ACCOUNT,
                            "userArn": USER_ARN,
                        }
                    ],
                },
            },
            {
                "authenticationType": "OPENID_CONNECT",
                "openIDConnectConfig": {
                    "issuer": OIDC_ISSUER,
                    "clientId": "gql-web",
                    "jwksFile": "oidc.json",
                },
            },
            {
                "authenticationType": "AMAZON_COGNITO_USER_POOLS",
                "userPoolConfig": {
                    "userPoolId": POOL_ID,
                    "awsRegion": REGION,
                    "jwksFile": "pool.json",
                },
            },
        ],
    }
    path = write_whoami_api(folder, "auth-gql", auth, ("whoami", "anyone"))
    with serve(path) as running:
        yield running


def _write_jwks(path: Path, name: str, kid: str) -> None:
    path.write_text(json.dumps(keys.jwks((name, kid))), encoding="utf-8")


def _token(claims: dict[str, Any], name: str, kid: str) -> str:
    now = int(time.time())
    return keys.rs256_token({"iat": now, "exp": now + 300, **claims}, name, kid)


def execute(server: Server, auth: AppSyncAuthentication) -> Any:
    transport = HTTPXTransport(url=server.url, auth=AppSyncHttpxAuth(auth), timeout=10)
    with Client(transport=transport) as session:
        return session.execute(WHO)["anyone"]


def host(server: Server) -> str:
    return f"{server.host}:{server.port}"


def test_api_key_authentication(server: Server) -> None:
    who = execute(server, AppSyncApiKeyAuthentication(host=host(server), api_key=API_KEY))
    assert who == {"authType": "API Key Authorization", "identity": "null"}


def test_iam_authentication(server: Server, iam: Credentials) -> None:
    auth = AppSyncIAMAuthentication(host=host(server), region_name=REGION, credentials=iam)
    who = execute(server, auth)
    assert who["authType"] == "IAM Authorization"
    assert json.loads(who["identity"])["userArn"] == USER_ARN


def test_iam_signed_for_another_region_is_refused(server: Server, iam: Credentials) -> None:
    # iamConfig.region pins the credential scope's region, as the API's own region does in AWS.
    auth = AppSyncIAMAuthentication(host=host(server), region_name="us-west-2", credentials=iam)
    with pytest.raises(TransportQueryError) as refused:
        execute(server, auth)
    assert refused.value.errors == [
        {
            "errorType": "InvalidSignatureException",
            "message": "Credential should be scoped to a valid region, not 'us-west-2'. ",
        }
    ]


def test_jwt_authentication_with_an_oidc_token(server: Server) -> None:
    token = _token({"iss": OIDC_ISSUER, "sub": "o-user", "aud": "gql-web"}, "gql-oidc", "o1")
    who = execute(server, AppSyncJWTAuthentication(host=host(server), jwt=token))
    assert who["authType"] == "Open ID Connect Authorization"
    identity = json.loads(who["identity"])
    assert (identity["sub"], identity["issuer"]) == ("o-user", OIDC_ISSUER)


def test_jwt_authentication_with_a_user_pool_token(server: Server) -> None:
    claims = {
        "iss": POOL_ISSUER,
        "sub": "p-user",
        "client_id": "any-client",
        "token_use": "access",
        "username": "pia",
    }
    who = execute(
        server, AppSyncJWTAuthentication(host=host(server), jwt=_token(claims, "gql-pool", "p1"))
    )
    assert who["authType"] == "User Pool Authorization"
    assert json.loads(who["identity"])["username"] == "pia"


def test_an_oidc_token_for_another_client_is_a_401(server: Server) -> None:
    # clientId is a regular expression the token's aud must match.
    token = _token({"iss": OIDC_ISSUER, "sub": "o-user", "aud": "other"}, "gql-oidc", "o1")
    with pytest.raises(TransportQueryError) as refused:
        execute(server, AppSyncJWTAuthentication(host=host(server), jwt=token))
    assert refused.value.errors == [
        {
            "errorType": "UnauthorizedException",
            "message": "Valid authorization header not provided.",
        }
    ]
