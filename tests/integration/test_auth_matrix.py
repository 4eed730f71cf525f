"""(mode used) x (directive on type/field) x (default mode), through the real server.

Every one of AppSync's five modes is configured on one API, once as the default and four times
as additional providers, and each mode calls the same operation. The expected outcomes are the
rules of "Configuring authorization and authentication to secure your GraphQL APIs" (AppSync
developer guide, docs.aws.amazon.com/appsync/latest/devguide/security-authz.html, "Using
additional authorization modes"):
1. a field with no directive, on a type with none, is reachable only through the default mode;
2. a directive names the modes allowed; the default mode is not implied;
3. several directives on one field: any of them;
4. directives on a type apply to its fields; a field's own directives replace its type's;
5. a field the caller may not reach is null with the field error
   `{"errorType": "Unauthorized", "message": "Not Authorized to access <field> on type <Type>"}`
   (the message amplify-cli#9121 recorded), the rest of the response stands; HTTP 200;
6. a request no configured mode accepts is refused as a whole: HTTP 401,
   `x-amzn-errortype: UnauthorizedException`.
`$util.authType()` values are the resolver utility reference's; `$ctx.identity` per mode is the
resolver context reference's (null for API_KEY).
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from tests.fixtures import keys
from tests.integration.conftest import APIS, Server, serve

FOLDER = APIS / "auth_matrix"
REGION = "us-east-1"
API_KEY = "da2-authmatrixtestkey00000000"
OIDC_ISSUER = "https://oidc.example.com"
POOL_ID = "us-east-1_Matrix0001"
POOL_ISSUER = f"https://cognito-idp.{REGION}.amazonaws.com/{POOL_ID}"
POOL_CLIENT = "matrixwebclient"
IAM_ACCOUNT = "444455556666"
IAM_USER_ARN = f"arn:aws:iam::{IAM_ACCOUNT}:user/matrix"

MODES = ("API_KEY", "AWS_IAM", "OPENID_CONNECT", "AMAZON_COGNITO_USER_POOLS", "AWS_LAMBDA")
QUERY = """{
  plain apiKeyOnly iamOnly oidcOnly poolOnly lambdaOnly keyOrIam
  typed { inherited overridden }
  bare { value }
  whoami { authType identity }
}"""

# $util.authType() per mode (AppSync resolver utility reference; "Lambda Authorization" for
# AWS_LAMBDA follows the same pattern).
AUTH_TYPES = {
    "API_KEY": "API Key Authorization",
    "AWS_IAM": "IAM Authorization",
    "OPENID_CONNECT": "Open ID Connect Authorization",
    "AMAZON_COGNITO_USER_POOLS": "User Pool Authorization",
    "AWS_LAMBDA": "Lambda Authorization",
}


def allowed_modes(default: str) -> dict[tuple[str, str], frozenset[str]]:
    """(type, field) -> the modes that reach it, as the schema's directives say (rules 1-4)."""
    every = frozenset(MODES)
    return {
        ("Query", "plain"): frozenset({default}),  # rule 1
        ("Query", "apiKeyOnly"): frozenset({"API_KEY"}),  # rule 2
        ("Query", "iamOnly"): frozenset({"AWS_IAM"}),
        ("Query", "oidcOnly"): frozenset({"OPENID_CONNECT"}),
        ("Query", "poolOnly"): frozenset({"AMAZON_COGNITO_USER_POOLS"}),
        ("Query", "lambdaOnly"): frozenset({"AWS_LAMBDA"}),
        ("Query", "keyOrIam"): frozenset({"API_KEY", "AWS_IAM"}),  # rule 3
        ("Query", "typed"): every,
        ("Guarded", "inherited"): frozenset({"OPENID_CONNECT", "AWS_LAMBDA"}),  # rule 4
        ("Guarded", "overridden"): frozenset({"AWS_IAM"}),  # rule 4, the field's own
        ("Query", "bare"): every,
        ("Bare", "value"): frozenset({default}),  # rule 1, below a reachable parent
        ("Query", "whoami"): every,
    }


@dataclass(frozen=True, slots=True)
class Callers:
    """How each mode authenticates one request."""

    iam: Credentials

    def headers(self, mode: str, server: Server, body: str) -> dict[str, str]:
        if mode == "API_KEY":
            return {"x-api-key": API_KEY}
        if mode == "AWS_IAM":
            request = AWSRequest(
                method="POST",
                url=server.url,
                data=body,
                headers={"content-type": "application/json"},
            )
            SigV4Auth(self.iam, "appsync", REGION).add_auth(request)
            return dict(request.headers)
        if mode == "OPENID_CONNECT":
            return {"authorization": oidc_token()}
        if mode == "AMAZON_COGNITO_USER_POOLS":
            return {"authorization": pool_token()}
        return {"authorization": "allow-ada"}


def oidc_token(**changes: Any) -> str:
    now = int(time.time())
    claims = {"iss": OIDC_ISSUER, "sub": "oidc-user", "aud": "matrix", "iat": now, "exp": now + 300}
    return keys.rs256_token({**claims, **changes}, "matrix-oidc", "oidc-1")


def pool_token() -> str:
    now = int(time.time())
    claims = {
        "iss": POOL_ISSUER,
        "sub": "pool-user-sub",
        "aud": POOL_CLIENT,
        "token_use": "id",
        "cognito:username": "pat",
        "cognito:groups": ["readers"],
        "iat": now,
        "exp": now + 300,
    }
    return keys.rs256_token(claims, "matrix-pool", "pool-1")


def _provider(mode: str, folder: Path, iam: Credentials) -> dict[str, Any]:
    block: dict[str, Any] = {"authenticationType": mode}
    if mode == "AWS_IAM":
        block["iamConfig"] = {
            "credentials": [
                {
                    "accessKeyId": iam.access_key,
                    "secretAccessKey": iam.secret_key,
                    "accountId": IAM_ACCOUNT,
                    "userArn": IAM_USER_ARN,
                }
            ]
        }
    elif mode == "OPENID_CONNECT":
        jwks = folder / "oidc-jwks.json"
        jwks.write_text(json.dumps(keys.jwks(("matrix-oidc", "oidc-1"))), encoding="utf-8")
        block["openIDConnectConfig"] = {"issuer": OIDC_ISSUER, "jwksFile": jwks.name}
    elif mode == "AMAZON_COGNITO_USER_POOLS":
        jwks = folder / "pool-jwks.json"
        jwks.write_text(json.dumps(keys.jwks(("matrix-pool", "pool-1"))), encoding="utf-8")
        block["userPoolConfig"] = {
            "userPoolId": POOL_ID,
            "awsRegion": REGION,
            "appIdClientRegex": POOL_CLIENT,
            "jwksFile": jwks.name,
        }
    elif mode == "AWS_LAMBDA":
        shutil.copyfile(FOLDER / "auth_matrix_authorizer.py", folder / "auth_matrix_authorizer.py")
        block["lambdaAuthorizerConfig"] = {"handler": "auth_matrix_authorizer:authorize"}
    return block


def write_api(folder: Path, default: str, iam: Credentials) -> Path:
    """The matrix API with `default` as its default mode and the other four as additional."""
    providers = {mode: _provider(mode, folder, iam) for mode in MODES}
    config = {
        "name": f"auth-matrix-{default.lower()}",
        "schema": str(FOLDER / "schema.graphql"),
        **providers[default],
        "additionalAuthenticationProviders": [
            block for mode, block in providers.items() if mode != default
        ],
        "apiKeys": [{"id": API_KEY}],
        "dataSources": [{"name": "Local", "type": "NONE"}],
        "resolvers": [
            {
                "typeName": "Query",
                "fieldName": field,
                "dataSourceName": "Local",
                "code": str(FOLDER / "auth_matrix.py"),
            }
            for (type_name, field) in allowed_modes(default)
            if type_name == "Query"
        ],
    }
    path = folder / "appsync.json"
    path.write_text(json.dumps(config), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def callers() -> Callers:
    return Callers(Credentials(keys.access_key_id(), keys.secret_access_key()))


@pytest.fixture(scope="module", params=MODES, ids=lambda mode: f"default-{mode}")
def api(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, callers: Callers
) -> Iterator[tuple[str, Server]]:
    default: str = request.param
    with serve(write_api(tmp_path_factory.mktemp("matrix"), default, callers.iam)) as server:
        yield default, server


def post(server: Server, headers: dict[str, str], body: str) -> httpx.Response:
    return httpx.post(
        server.url,
        content=body,
        headers={"content-type": "application/json", **headers},
        timeout=10,
    )


def expected_errors(default: str, mode: str) -> list[tuple[tuple[str | int, ...], str]]:
    return sorted(
        (_path(type_name, field), f"Not Authorized to access {field} on type {type_name}")
        for (type_name, field), modes in allowed_modes(default).items()
        if mode not in modes
    )


def _path(type_name: str, field: str) -> tuple[str, ...]:
    parent = {"Guarded": ("typed",), "Bare": ("bare",)}.get(type_name, ())
    return (*parent, field)


def test_each_mode_reaches_what_the_directives_name(
    api: tuple[str, Server], callers: Callers
) -> None:
    default, server = api
    body = json.dumps({"query": QUERY})
    for mode in MODES:
        response = post(server, callers.headers(mode, server, body), body)
        assert response.status_code == 200, (mode, response.text)
        result = response.json()
        errors = result.get("errors", [])
        assert all(error["errorType"] == "Unauthorized" for error in errors), (mode, errors)
        assert all(error["data"] is None for error in errors)
        got = sorted((tuple(error["path"]), error["message"]) for error in errors)
        assert got == expected_errors(default, mode), (default, mode)
        data = result["data"]
        for path, _ in got:
            value: Any = data
            for key in path:
                value = value[key]
            assert value is None, (mode, path)
        reached = allowed_modes(default)
        if mode in reached[("Query", "plain")]:
            assert data["plain"] == "plain"
        if mode in reached[("Guarded", "inherited")]:
            assert data["typed"]["inherited"] == "inherited"
        assert data["whoami"]["authType"] == AUTH_TYPES[mode]


IDENTITY_CHECKS: dict[str, Callable[[Any], bool]] = {
    "API_KEY": lambda identity: identity is None,
    "AWS_IAM": lambda identity: (
        (identity["accountId"], identity["userArn"], identity["username"])
        == (IAM_ACCOUNT, IAM_USER_ARN, "matrix")
    ),
    "OPENID_CONNECT": lambda identity: (
        (identity["sub"], identity["issuer"]) == ("oidc-user", OIDC_ISSUER)
        and identity["claims"]["aud"] == "matrix"
    ),
    "AMAZON_COGNITO_USER_POOLS": lambda identity: (
        (
            identity["sub"],
            identity["issuer"],
            identity["username"],
            identity["groups"],
            identity["defaultAuthStrategy"],
        )
        == ("pool-user-sub", POOL_ISSUER, "pat", ["readers"], "ALLOW")
    ),
    "AWS_LAMBDA": lambda identity: identity == {"resolverContext": {"user": "ada"}},
}


def test_ctx_identity_has_each_modes_shape(api: tuple[str, Server], callers: Callers) -> None:
    _, server = api
    body = json.dumps({"query": "{ whoami { identity } }"})
    for mode in MODES:
        response = post(server, callers.headers(mode, server, body), body)
        identity = json.loads(response.json()["data"]["whoami"]["identity"])
        assert IDENTITY_CHECKS[mode](identity), (mode, identity)


UNAUTHORIZED_CASES = {
    # amplify-js#4270: neither x-api-key nor Authorization.
    "no credentials": ({}, "Missing authorization header"),
    # amplify-studio#1003: an unknown (or expired) key.
    "unknown API key": (
        {"x-api-key": "da2-nosuchkey"},
        "You are not authorized to make this call.",
    ),
    # amplify-js#9513: the Lambda authorizer answered isAuthorized false.
    "Lambda says no": ({"authorization": "deny-bob"}, "You are not authorized to make this call."),
    # amplify-js#4373: a token no configured provider verifies.
    "expired OIDC token": (
        {"authorization": oidc_token(exp=int(time.time()) - 60)},
        "Token has expired.",
    ),
}


@pytest.mark.parametrize("case", UNAUTHORIZED_CASES)
def test_a_request_no_mode_accepts_is_a_401(api: tuple[str, Server], case: str) -> None:
    _, server = api
    headers, message = UNAUTHORIZED_CASES[case]
    response = post(server, headers, json.dumps({"query": "{ whoami { authType } }"}))
    assert response.status_code == 401
    assert response.headers["x-amzn-errortype"] == "UnauthorizedException"
    assert response.json() == {
        "errors": [{"errorType": "UnauthorizedException", "message": message}]
    }
