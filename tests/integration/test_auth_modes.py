"""Several auth modes on one API through the real server: API_KEY (default), OPENID_CONNECT,
AWS_IAM (SigV4 from botocore's own signer) and AWS_LAMBDA, with AppSync's directive rules.

Rules from "Configuring authorization and authentication to secure your GraphQL APIs" (AppSync
developer guide, "Using additional authorization modes"): a field without directives is reachable
only through the default mode; directives name the modes allowed. Identities follow the
resolver context reference (`ctx.identity` per mode).
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from tests.fixtures import keys
from tests.integration.conftest import Server, serve, unauthorized_field_error

ISSUER = "https://issuer.example.com"
API_KEY = "da2-authmodestestkey000000000"

SCHEMA = """
type Query {
  "No directive: the default mode (API_KEY) only."
  open: String
  oidcOnly: String @aws_oidc
  iamOnly: String @aws_iam
  lambdaOnly: String @aws_lambda
  whoami: AWSJSON @aws_api_key @aws_oidc @aws_iam @aws_lambda
  profile: Profile @aws_api_key @aws_oidc
}

"Fields without resolvers: read from the parent, after the same auth decision."
type Profile @aws_api_key @aws_oidc {
  name: String
  secret: String @aws_oidc
}
"""

CODE = """
import json


def request(ctx):
    if ctx.info.fieldName == "whoami":
        return {"payload": json.dumps(ctx.identity)}
    if ctx.info.fieldName == "profile":
        return {"payload": {"name": "Ada", "secret": "s3cret"}}
    return {"payload": ctx.info.fieldName}


def response(ctx):
    return ctx.result
"""

AUTHORIZER = """
def authorize(event):
    token = event["authorizationToken"]
    return {
        "isAuthorized": token.startswith("allow"),
        "resolverContext": {"user": token.split("-", 1)[-1]},
    }
"""


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, dict[str, str]]]:
    folder = tmp_path_factory.mktemp("auth_modes")
    credential = {"accessKeyId": keys.access_key_id(), "secretAccessKey": keys.secret_access_key()}
    (folder / "schema.graphql").write_text(SCHEMA, encoding="utf-8")
    (folder / "code.py").write_text(CODE, encoding="utf-8")
    (folder / "modes_authorizer.py").write_text(AUTHORIZER, encoding="utf-8")
    (folder / "jwks.json").write_text(json.dumps(keys.jwks(("oidc", "k1"))), encoding="utf-8")
    fields = ["open", "oidcOnly", "iamOnly", "lambdaOnly", "whoami", "profile"]
    config: dict[str, Any] = {
        "name": "auth-modes",
        "schema": "schema.graphql",
        "authenticationType": "API_KEY",
        "apiKeys": [{"id": API_KEY}],
        "additionalAuthenticationProviders": [
            {
                "authenticationType": "OPENID_CONNECT",
                "openIDConnectConfig": {"issuer": ISSUER, "jwksFile": "jwks.json"},
            },
            {
                "authenticationType": "AWS_IAM",
                "iamConfig": {
                    "credentials": [
                        {
                            **credential,
                            "accountId": "111122223333",
                            "userArn": "arn:aws:iam::111122223333:user/tester",
                        }
                    ]
                },
            },
            {
                "authenticationType": "AWS_LAMBDA",
                "lambdaAuthorizerConfig": {"handler": "modes_authorizer:authorize"},
            },
        ],
        "dataSources": [{"name": "Local", "type": "NONE"}],
        "resolvers": [
            {"typeName": "Query", "fieldName": field, "dataSourceName": "Local", "code": "code.py"}
            for field in fields
        ],
    }
    path = folder / "appsync.json"
    path.write_text(json.dumps(config), encoding="utf-8")
    with serve(path) as server:
        yield server, credential


def _post(server: Server, query: str, headers: dict[str, str]) -> httpx.Response:
    return httpx.post(server.url, json={"query": query}, headers=headers, timeout=10)


def _oidc_token() -> str:
    now = int(time.time())
    claims = {"iss": ISSUER, "sub": "user-1", "aud": "client", "iat": now, "exp": now + 300}
    return keys.rs256_token(claims, "oidc", "k1")


def test_api_key_reaches_default_fields_only(api: tuple[Server, dict[str, str]]) -> None:
    server, _ = api
    assert _post(server, "{ open }", {"x-api-key": API_KEY}).json() == {"data": {"open": "open"}}
    body = _post(server, "{ oidcOnly }", {"x-api-key": API_KEY}).json()
    assert body == {"data": {"oidcOnly": None}, "errors": [unauthorized_field_error("oidcOnly")]}
    whoami = _post(server, "{ whoami }", {"x-api-key": API_KEY}).json()["data"]["whoami"]
    assert json.loads(whoami) is None  # API_KEY has no identity


def test_oidc_token_reaches_its_fields_not_the_defaults(
    api: tuple[Server, dict[str, str]],
) -> None:
    server, _ = api
    headers = {"authorization": _oidc_token()}
    assert _post(server, "{ oidcOnly }", headers).json() == {"data": {"oidcOnly": "oidcOnly"}}
    assert _post(server, "{ open }", headers).json() == {
        "data": {"open": None},
        "errors": [unauthorized_field_error("open")],
    }
    identity = json.loads(_post(server, "{ whoami }", headers).json()["data"]["whoami"])
    assert (identity["sub"], identity["issuer"]) == ("user-1", ISSUER)


def test_sigv4_signed_request_reaches_iam_fields(api: tuple[Server, dict[str, str]]) -> None:
    server, credential = api
    body = json.dumps({"query": "{ iamOnly whoami }"})
    request = AWSRequest(
        method="POST", url=server.url, data=body, headers={"content-type": "application/json"}
    )
    credentials = Credentials(credential["accessKeyId"], credential["secretAccessKey"])
    SigV4Auth(credentials, "appsync", "us-east-1").add_auth(request)
    response = httpx.post(server.url, content=body, headers=dict(request.headers), timeout=10)
    data = response.json()["data"]
    assert data["iamOnly"] == "iamOnly"
    identity = json.loads(data["whoami"])
    assert (identity["accountId"], identity["userArn"]) == (
        "111122223333",
        "arn:aws:iam::111122223333:user/tester",
    )


def test_lambda_authorizer_allows_and_refuses(api: tuple[Server, dict[str, str]]) -> None:
    server, _ = api
    allowed = _post(server, "{ lambdaOnly whoami }", {"authorization": "allow-ada"}).json()
    assert allowed["data"]["lambdaOnly"] == "lambdaOnly"
    assert json.loads(allowed["data"]["whoami"]) == {"resolverContext": {"user": "ada"}}
    refused = _post(server, "{ lambdaOnly }", {"authorization": "deny-bob"})
    assert refused.status_code == 401
    assert refused.json() == {
        "errors": [
            {
                "errorType": "UnauthorizedException",
                "message": "You are not authorized to make this call.",
            }
        ]
    }


def test_fields_without_resolvers_get_the_same_auth_decision(
    api: tuple[Server, dict[str, str]],
) -> None:
    server, _ = api
    by_key = _post(server, "{ profile { name secret } }", {"x-api-key": API_KEY}).json()
    assert by_key["data"] == {"profile": {"name": "Ada", "secret": None}}
    [error] = by_key["errors"]
    assert (error["path"], error["errorType"], error["message"]) == (
        ["profile", "secret"],
        "Unauthorized",
        "Not Authorized to access secret on type Profile",
    )
    by_token = _post(server, "{ profile { name secret } }", {"authorization": _oidc_token()})
    assert by_token.json() == {"data": {"profile": {"name": "Ada", "secret": "s3cret"}}}
