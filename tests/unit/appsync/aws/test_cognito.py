"""The embedded user pools sign with the installation's key: moto 5.2.5's real InitiateAuth,
with the hook in place, issues tokens that verify against the data directory's public key and
not against the key pair bundled with moto; with the hook gone, moto signs as it always did."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import jwt
import pytest
from moto import mock_aws

from appsync.aws.cognito import EmbeddedPoolKeys, signing_with
from appsync.data_directory import DataDirectory
from auth.cognito import moto_jwks_file
from auth.errors import JwksUnavailableError


@pytest.fixture
def idp() -> Iterator[Any]:
    with mock_aws():
        yield boto3.client(
            "cognito-idp",
            region_name="us-east-1",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )


def _sign_in(idp: Any) -> tuple[str, dict[str, str]]:
    pool = idp.create_user_pool(PoolName="local")["UserPool"]["Id"]
    client = idp.create_user_pool_client(
        UserPoolId=pool, ClientName="web", ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"]
    )["UserPoolClient"]["ClientId"]
    idp.admin_create_user(UserPoolId=pool, Username="ada")
    idp.admin_set_user_password(
        UserPoolId=pool, Username="ada", Password="Passw0rd!", Permanent=True
    )
    result = idp.initiate_auth(
        ClientId=client,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "ada", "PASSWORD": "Passw0rd!"},
    )
    tokens: dict[str, str] = result["AuthenticationResult"]
    return client, tokens


def _moto_public_key() -> Any:
    document = json.loads(gzip.decompress(Path(moto_jwks_file()).read_bytes()))
    return jwt.PyJWK(document["keys"][0]).key


def test_tokens_are_signed_with_the_installations_key(idp: Any, tmp_path: Path) -> None:
    directory = DataDirectory(tmp_path / "data")
    with signing_with(directory):
        client, tokens = _sign_in(idp)
        # moto reads its own access tokens back (GetUser): the hook keeps that working.
        assert idp.get_user(AccessToken=tokens["AccessToken"])["Username"] == "ada"
    [public] = directory.cognito_jwks()["keys"]
    assert jwt.get_unverified_header(tokens["IdToken"])["kid"] == public["kid"]
    claims = jwt.decode(
        tokens["IdToken"], jwt.PyJWK(public).key, algorithms=["RS256"], audience=client
    )
    assert claims["cognito:username"] == "ada"
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(tokens["IdToken"], _moto_public_key(), algorithms=["RS256"], audience=client)


def test_without_the_hook_moto_signs_with_its_bundled_key(idp: Any) -> None:
    with signing_with(DataDirectory.ephemeral()):
        pass
    client, tokens = _sign_in(idp)
    claims = jwt.decode(
        tokens["IdToken"], _moto_public_key(), algorithms=["RS256"], audience=client
    )
    assert claims["cognito:username"] == "ada"


def test_the_server_started_last_signs(idp: Any) -> None:
    first, second = DataDirectory.ephemeral(), DataDirectory.ephemeral()
    with signing_with(first), signing_with(second):
        _, tokens = _sign_in(idp)
    kid = jwt.get_unverified_header(tokens["AccessToken"])["kid"]
    assert kid == second.cognito_jwks()["keys"][0]["kid"]


@pytest.mark.anyio
async def test_the_pool_keys_are_the_public_jwks(tmp_path: Path) -> None:
    directory = DataDirectory(tmp_path / "data")
    assert await EmbeddedPoolKeys(directory).fetch() == directory.cognito_jwks()


@pytest.mark.anyio
async def test_an_unusable_data_directory_makes_the_keys_unavailable(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(JwksUnavailableError):
        await EmbeddedPoolKeys(DataDirectory(blocker / "data")).fetch()
