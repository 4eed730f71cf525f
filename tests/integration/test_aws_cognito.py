"""The embedded Cognito through the AWS endpoint, and AppSync verifying what it issues.

A user pool, an app client and a user are made with boto3 through the server's AWS endpoint;
the user signs in with InitiateAuth sent unsigned, as Amplify sends it. The tokens are signed
with the key made for this installation (kept in the data directory), so an API whose
`userPoolConfig` names that pool without a `jwksFile` accepts them, and refuses with AppSync's
401 a token forged with the private key that ships inside moto
(`moto/cognitoidp/resources/jwks-private.json`), as well as the tokens of another installation.
"""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import jwt

from appsync.data_directory import DataDirectory
from auth.cognito import moto_jwks_file
from tests.fixtures.aws_signing import aws_client
from tests.integration.conftest import Server, serve, write_whoami_api

PASSWORD = "Correct-Horse-9-Battery"
QUERY = {"query": "{ whoami { authType identity } }"}


@dataclass(frozen=True, slots=True)
class SignedIn:
    pool_id: str
    client_id: str
    id_token: str
    access_token: str


def _sign_in(server: Server) -> SignedIn:
    endpoint = f"http://{server.host}:{server.port}"
    idp = aws_client("cognito-idp", endpoint)
    pool_id = idp.create_user_pool(PoolName="embedded")["UserPool"]["Id"]
    client_id = idp.create_user_pool_client(
        UserPoolId=pool_id, ClientName="web", ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"]
    )["UserPoolClient"]["ClientId"]
    idp.admin_create_user(UserPoolId=pool_id, Username="ada")
    idp.admin_set_user_password(
        UserPoolId=pool_id, Username="ada", Password=PASSWORD, Permanent=True
    )
    # InitiateAuth is one of Cognito's unsigned operations: a browser has no AWS keys.
    body = {
        "ClientId": client_id,
        "AuthFlow": "USER_PASSWORD_AUTH",
        "AuthParameters": {"USERNAME": "ada", "PASSWORD": PASSWORD},
    }
    headers = {
        "content-type": "application/x-amz-json-1.1",
        "x-amz-target": "AWSCognitoIdentityProviderService.InitiateAuth",
    }
    answer = httpx.post(endpoint + "/", json=body, headers=headers)
    assert answer.status_code == 200, answer.text
    tokens = answer.json()["AuthenticationResult"]
    return SignedIn(pool_id, client_id, tokens["IdToken"], tokens["AccessToken"])


def _key_api(folder: Path) -> Path:
    folder.mkdir()
    return write_whoami_api(folder, "keyed", {"authenticationType": "API_KEY"})


def _pool_api(folder: Path, pool: SignedIn) -> Path:
    folder.mkdir()
    auth = {
        "authenticationType": "AMAZON_COGNITO_USER_POOLS",
        "userPoolConfig": {
            "userPoolId": pool.pool_id,
            "awsRegion": "us-east-1",
            "appIdClientRegex": pool.client_id,
        },
    }
    return write_whoami_api(folder, "embedded-pool", auth)


def _ask(server: Server, token: str) -> httpx.Response:
    return httpx.post(server.url, json=QUERY, headers={"authorization": token}, timeout=10)


def _moto_private_key() -> Any:
    private = Path(moto_jwks_file()).parent / "jwks-private.json.gz"
    document = json.loads(gzip.decompress(private.read_bytes()))
    return jwt.PyJWK(document).key


def _forged(token: str, kid: str) -> str:
    """The same claims, signed with moto's bundled private key."""
    claims = jwt.decode(token, options={"verify_signature": False})
    claims["cognito:groups"] = ["admins"]
    return jwt.encode(claims, _moto_private_key(), algorithm="RS256", headers={"kid": kid})


def test_tokens_of_the_embedded_pool_verify_and_forged_ones_do_not(tmp_path: Path) -> None:
    data = DataDirectory(tmp_path / ".appsync-local")
    first = _key_api(tmp_path / "first")
    with serve(first, data=data) as server:
        pool = _sign_in(server)
    assert (tmp_path / ".appsync-local" / ".gitignore").read_text() == "*\n"
    assert (tmp_path / ".appsync-local" / "cognito-signing-key.json").is_file()
    # The same installation, restarted with an API on that pool.
    with serve(_pool_api(tmp_path / "second", pool), data=data) as server:
        for token in (pool.id_token, pool.access_token):
            answer = _ask(server, token)
            assert answer.status_code == 200, answer.text
            who = answer.json()["data"]["whoami"]
            assert who["authType"] == "User Pool Authorization"
            identity = json.loads(who["identity"])
            assert identity["username"] == "ada"
            assert (
                identity["issuer"] == f"https://cognito-idp.us-east-1.amazonaws.com/{pool.pool_id}"
            )
        kid = jwt.get_unverified_header(pool.id_token)["kid"]
        for forged_kid in ("dummy", kid):  # moto's own kid, and this installation's
            refused = _ask(server, _forged(pool.id_token, forged_kid))
            assert refused.status_code == 401
            assert refused.json() == {
                "errors": [
                    {
                        "errorType": "UnauthorizedException",
                        "message": "Valid authorization header not provided.",
                    }
                ]
            }


def test_another_installation_refuses_the_tokens(tmp_path: Path) -> None:
    first = _key_api(tmp_path / "first")
    with serve(first, data=DataDirectory(tmp_path / "one")) as server:
        pool = _sign_in(server)
    with serve(
        _pool_api(tmp_path / "second", pool), data=DataDirectory(tmp_path / "two")
    ) as server:
        assert _ask(server, pool.id_token).status_code == 401
