"""Cognito identity pools through the server's AWS endpoint with boto3's `cognito-identity`
client, and the credentials they vend signing AppSync (botocore's SigV4Auth) and the endpoint.

The enhanced (simple) flow of "Identity pools (federated identities) authentication flow"
(Amazon Cognito Developer Guide): GetId, then GetCredentialsForIdentity, for a guest and for a
user signed in to a user pool whose ID token is the login. `$ctx.identity` under AWS_IAM names
the pool, the identity, its kind and provider, and the assumed role's session
`arn:aws:sts::<account>:assumed-role/<role>/CognitoIdentityCredentials` (AppSync's resolver
context reference). Refusals carry Cognito's own texts (appsync.aws.identity_logins and
appsync.aws.cognito_identity name the threads that recorded each). The server runs on a manual
clock, so tokens and credentials expire without waiting.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import boto3
import httpx
import jwt
import pytest
from botocore.exceptions import ClientError

from appsync.clock import ManualClock
from tests.fixtures import keys
from tests.fixtures.aws_signing import aws_client, signed_headers
from tests.fixtures.cognito_pools import confirmed_user, user_pool
from tests.integration.conftest import Server, request_error, serve, write_whoami_api

PASSWORD = "Correct-Horse-9-Battery"
AUTH_ROLE = "arn:aws:iam::123456789012:role/notes-authRole"
UNAUTH_ROLE = "arn:aws:iam::123456789012:role/notes-unauthRole"
QUERY = json.dumps({"query": "{ anyone { authType identity } }"})


@dataclass(frozen=True, slots=True)
class Pools:
    idp: Any
    identity: Any
    user_pool_id: str
    client_id: str
    other_client_id: str
    identity_pool_id: str

    @property
    def provider(self) -> str:
        return f"cognito-idp.us-east-1.amazonaws.com/{self.user_pool_id}"


@pytest.fixture(scope="module")
def clock() -> ManualClock:
    # The API's clock, which tokens and credentials expire on; requests are still signed and
    # checked on the wall clock, as `serve --clock manual` does.
    return ManualClock(datetime.now(UTC))


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, clock: ManualClock) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp("identity")
    auth = {
        "authenticationType": "API_KEY",
        "apiKeys": [{"id": "da2-identitypoolstest00000000"}],
        "additionalAuthenticationProviders": [{"authenticationType": "AWS_IAM"}],
    }
    with serve(write_whoami_api(folder, "identity", auth, ("whoami", "anyone")), clock) as up:
        yield up


@pytest.fixture(scope="module")
def pools(server: Server) -> Pools:
    endpoint = f"http://{server.host}:{server.port}"
    idp, pool_id, client_id = user_pool(endpoint, "identity", ["ALLOW_USER_PASSWORD_AUTH"])
    other = idp.create_user_pool_client(UserPoolId=pool_id, ClientName="other")
    confirmed_user(idp, pool_id, "ada", PASSWORD)
    identity = aws_client("cognito-identity", endpoint)
    provider = f"cognito-idp.us-east-1.amazonaws.com/{pool_id}"
    made = identity.create_identity_pool(
        IdentityPoolName="notes",
        AllowUnauthenticatedIdentities=True,
        CognitoIdentityProviders=[{"ProviderName": provider, "ClientId": client_id}],
    )
    identity.set_identity_pool_roles(
        IdentityPoolId=made["IdentityPoolId"],
        Roles={"authenticated": AUTH_ROLE, "unauthenticated": UNAUTH_ROLE},
    )
    return Pools(
        idp,
        identity,
        pool_id,
        client_id,
        other["UserPoolClient"]["ClientId"],
        made["IdentityPoolId"],
    )


def _tokens(pools: Pools, client_id: str | None = None) -> dict[str, str]:
    result: dict[str, str] = pools.idp.initiate_auth(
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "ada", "PASSWORD": PASSWORD},
        ClientId=client_id or pools.client_id,
    )["AuthenticationResult"]
    return result


def _credentials(pools: Pools, logins: dict[str, str] | None = None) -> dict[str, Any]:
    extra = {"Logins": logins} if logins else {}
    identity_id = pools.identity.get_id(IdentityPoolId=pools.identity_pool_id, **extra)
    answer: dict[str, Any] = pools.identity.get_credentials_for_identity(
        IdentityId=identity_id["IdentityId"], **extra
    )
    return answer


def _signed_query(server: Server, vended: dict[str, Any]) -> httpx.Response:
    """The query signed for `appsync` with the vended credentials, as Amplify's `iam` mode."""
    credentials = vended["Credentials"]
    key = (credentials["AccessKeyId"], credentials["SecretKey"], credentials["SessionToken"])
    headers = {"content-type": "application/json"}
    signed = signed_headers("POST", server.url, "appsync", QUERY.encode(), headers, key)
    return httpx.post(server.url, content=QUERY, headers=signed, timeout=10)


def _dynamodb(server: Server, credentials: dict[str, Any], session_token: str) -> Any:
    return boto3.client(
        "dynamodb",
        endpoint_url=f"http://{server.host}:{server.port}",
        region_name="us-east-1",
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretKey"],
        aws_session_token=session_token,
    )


def _refusal(error: pytest.ExceptionInfo[ClientError]) -> tuple[str, str]:
    found = error.value.response["Error"]
    return found["Code"], found["Message"]


def test_a_guest_gets_credentials_of_the_unauthenticated_role(
    server: Server, pools: Pools, clock: ManualClock
) -> None:
    vended = _credentials(pools)
    credentials = vended["Credentials"]
    assert credentials["AccessKeyId"].startswith("ASIA")
    assert len(credentials["AccessKeyId"]) == 20
    # An hour, on the server's clock.
    assert int(credentials["Expiration"].timestamp()) == int(clock.time()) + 3600
    response = _signed_query(server, vended)
    assert response.status_code == 200
    who = response.json()["data"]["anyone"]
    assert who["authType"] == "IAM Authorization"
    identity = json.loads(who["identity"])
    assert identity["username"].endswith(":CognitoIdentityCredentials")
    assert identity["username"].startswith("AROA")
    assert {k: v for k, v in identity.items() if k != "username"} == {
        "accountId": "123456789012",
        "cognitoIdentityPoolId": pools.identity_pool_id,
        "cognitoIdentityId": vended["IdentityId"],
        "sourceIp": ["127.0.0.1"],
        "userArn": "arn:aws:sts::123456789012:assumed-role/notes-unauthRole/"
        "CognitoIdentityCredentials",
        "cognitoIdentityAuthType": "unauthenticated",
        "cognitoIdentityAuthProvider": None,
    }


def test_each_guest_get_id_is_a_new_identity(pools: Pools) -> None:
    first = pools.identity.get_id(IdentityPoolId=pools.identity_pool_id)["IdentityId"]
    second = pools.identity.get_id(IdentityPoolId=pools.identity_pool_id)["IdentityId"]
    assert first != second
    assert first.startswith("us-east-1:")


def test_a_signed_in_user_keeps_one_identity_with_the_authenticated_role(
    server: Server, pools: Pools
) -> None:
    logins = {pools.provider: _tokens(pools)["IdToken"]}
    first = pools.identity.get_id(IdentityPoolId=pools.identity_pool_id, Logins=logins)
    again = {pools.provider: _tokens(pools)["IdToken"]}
    second = pools.identity.get_id(IdentityPoolId=pools.identity_pool_id, Logins=again)
    assert first["IdentityId"] == second["IdentityId"]
    vended = _credentials(pools, logins)
    assert vended["IdentityId"] == first["IdentityId"]
    identity = json.loads(_signed_query(server, vended).json()["data"]["anyone"]["identity"])
    sub = pools.idp.admin_get_user(UserPoolId=pools.user_pool_id, Username="ada")
    [subject] = [a["Value"] for a in sub["UserAttributes"] if a["Name"] == "sub"]
    assert identity["cognitoIdentityAuthType"] == "authenticated"
    assert identity["userArn"] == (
        "arn:aws:sts::123456789012:assumed-role/notes-authRole/CognitoIdentityCredentials"
    )
    assert identity["cognitoIdentityAuthProvider"] == (
        f"{pools.provider},{pools.provider}:CognitoSignIn:{subject}"
    )
    listed = pools.identity.list_identities(IdentityPoolId=pools.identity_pool_id, MaxResults=60)
    assert {
        "IdentityId": first["IdentityId"],
        "Logins": [pools.provider],
    }.items() <= next(
        each for each in listed["Identities"] if each["IdentityId"] == first["IdentityId"]
    ).items()


def test_a_signed_in_identity_needs_its_login_for_credentials(pools: Pools) -> None:
    logins = {pools.provider: _tokens(pools)["IdToken"]}
    identity_id = pools.identity.get_id(IdentityPoolId=pools.identity_pool_id, Logins=logins)
    with pytest.raises(ClientError) as refused:
        pools.identity.get_credentials_for_identity(IdentityId=identity_id["IdentityId"])
    assert _refusal(refused) == (
        "NotAuthorizedException",
        f"Access to Identity '{identity_id['IdentityId']}' is forbidden.",
    )


@pytest.mark.parametrize(
    ("login", "message"),
    [
        ("not-a-token", "Invalid login token. Not a valid OpenId Connect identity token."),
        ("access", "Invalid login token. Missing a required claim: aud"),
        ("other client", "Token is not from a supported provider of this identity pool."),
        ("tampered", "Invalid login token. Couldn't verify signed token."),
    ],
)
def test_a_bad_login_is_refused_as_cognito_refuses_it(
    pools: Pools, login: str, message: str
) -> None:
    match login:
        case "access":
            token = _tokens(pools)["AccessToken"]
        case "other client":
            token = _tokens(pools, pools.other_client_id)["IdToken"]
        case "tampered":
            # The same signature over other claims.
            token = keys.tampered(_tokens(pools)["IdToken"], **{"cognito:username": "eve"})
        case _:
            token = login
    with pytest.raises(ClientError) as refused:
        pools.identity.get_id(IdentityPoolId=pools.identity_pool_id, Logins={pools.provider: token})
    assert _refusal(refused) == ("NotAuthorizedException", message)


def test_a_provider_the_pool_does_not_list_is_refused(pools: Pools) -> None:
    token = _tokens(pools)["IdToken"]
    with pytest.raises(ClientError) as refused:
        pools.identity.get_id(
            IdentityPoolId=pools.identity_pool_id,
            Logins={"cognito-idp.us-west-2.amazonaws.com/us-west-2_elsewhere": token},
        )
    assert _refusal(refused) == (
        "NotAuthorizedException",
        "Token is not from a supported provider of this identity pool.",
    )


def test_an_unknown_pool_or_identity_is_not_found(pools: Pools) -> None:
    unknown = "us-east-1:00000000-0000-0000-0000-000000000000"
    with pytest.raises(ClientError) as refused:
        pools.identity.get_id(IdentityPoolId=unknown)
    assert _refusal(refused) == (
        "ResourceNotFoundException",
        f"IdentityPool '{unknown}' not found.",
    )
    with pytest.raises(ClientError) as refused:
        pools.identity.get_credentials_for_identity(IdentityId=unknown)
    assert _refusal(refused) == ("ResourceNotFoundException", f"Identity '{unknown}' not found.")


def test_a_pool_without_guests_or_roles_refuses_as_cognito_does(pools: Pools) -> None:
    provider = {"ProviderName": pools.provider, "ClientId": pools.client_id}
    made = pools.identity.create_identity_pool(
        IdentityPoolName="members",
        AllowUnauthenticatedIdentities=False,
        CognitoIdentityProviders=[provider],
    )["IdentityPoolId"]
    with pytest.raises(ClientError) as refused:
        pools.identity.get_id(IdentityPoolId=made)
    assert _refusal(refused) == (
        "NotAuthorizedException",
        "Unauthenticated access is not supported for this identity pool.",
    )
    logins = {pools.provider: _tokens(pools)["IdToken"]}
    identity_id = pools.identity.get_id(IdentityPoolId=made, Logins=logins)["IdentityId"]
    with pytest.raises(ClientError) as refused:
        pools.identity.get_credentials_for_identity(IdentityId=identity_id, Logins=logins)
    assert _refusal(refused) == (
        "InvalidIdentityPoolConfigurationException",
        "Invalid identity pool configuration. Check assigned IAM roles for this pool.",
    )
    assert pools.identity.get_identity_pool_roles(IdentityPoolId=made)["Roles"] == {}


def test_the_credentials_sign_calls_to_the_aws_endpoint(server: Server, pools: Pools) -> None:
    credentials = _credentials(pools)["Credentials"]
    dynamodb = _dynamodb(server, credentials, credentials["SessionToken"])
    assert "TableNames" in dynamodb.list_tables()
    forged = _dynamodb(server, credentials, "not-the-session-token")
    with pytest.raises(ClientError) as refused:
        forged.list_tables()
    assert refused.value.response["Error"]["Code"] == "UnrecognizedClientException"


def test_an_open_id_token_names_the_identity_and_the_pool(pools: Pools) -> None:
    identity_id = pools.identity.get_id(IdentityPoolId=pools.identity_pool_id)["IdentityId"]
    token = pools.identity.get_open_id_token(IdentityId=identity_id)
    claims = jwt.decode(token["Token"], options={"verify_signature": False})
    assert (claims["sub"], claims["aud"], claims["amr"]) == (
        identity_id,
        pools.identity_pool_id,
        ["unauthenticated"],
    )
    assert claims["iss"] == "https://cognito-identity.amazonaws.com"
    assert claims["exp"] - claims["iat"] == 600


def test_the_basic_flow_assumes_the_role_with_the_open_id_token(
    server: Server, pools: Pools
) -> None:
    # GetOpenIdToken, then STS's AssumeRoleWithWebIdentity with it (unsigned, as boto3 sends
    # it): the credentials are the role's session named by the caller.
    endpoint = f"http://{server.host}:{server.port}"
    sts = aws_client("sts", endpoint)
    logins = {pools.provider: _tokens(pools)["IdToken"]}
    identity_id = pools.identity.get_id(IdentityPoolId=pools.identity_pool_id, Logins=logins)
    token = pools.identity.get_open_id_token(IdentityId=identity_id["IdentityId"], Logins=logins)
    assumed = sts.assume_role_with_web_identity(
        RoleArn=AUTH_ROLE, RoleSessionName="web", WebIdentityToken=token["Token"]
    )
    assert assumed["SubjectFromWebIdentityToken"] == identity_id["IdentityId"]
    assert assumed["Audience"] == pools.identity_pool_id
    assert assumed["Provider"] == "cognito-identity.amazonaws.com"
    arn = "arn:aws:sts::123456789012:assumed-role/notes-authRole/web"
    assert assumed["AssumedRoleUser"]["Arn"] == arn
    credentials = assumed["Credentials"]
    vended = {
        "Credentials": {
            "AccessKeyId": credentials["AccessKeyId"],
            "SecretKey": credentials["SecretAccessKey"],
            "SessionToken": credentials["SessionToken"],
        }
    }
    identity = json.loads(_signed_query(server, vended).json()["data"]["anyone"]["identity"])
    assert (identity["userArn"], identity["cognitoIdentityAuthType"]) == (arn, "authenticated")
    assert identity["cognitoIdentityId"] == identity_id["IdentityId"]
    forged = keys.tampered(token["Token"], sub="us-east-1:someone-else")
    with pytest.raises(ClientError) as refused:
        sts.assume_role_with_web_identity(
            RoleArn=AUTH_ROLE, RoleSessionName="web", WebIdentityToken=forged
        )
    assert _refusal(refused) == ("InvalidIdentityToken", "Couldn't verify signed token.")


def test_expired_tokens_and_credentials_are_refused(
    server: Server, pools: Pools, clock: ManualClock
) -> None:
    """Last in the module: it moves the server's clock two hours on."""
    id_token = _tokens(pools)["IdToken"]
    vended = _credentials(pools)
    clock.advance(7200)
    response = _signed_query(server, vended)
    assert request_error(response) == (
        403,
        "ExpiredTokenException",
        "ExpiredTokenException",
        "The security token included in the request is expired",
    )
    with pytest.raises(ClientError) as refused:
        pools.identity.get_id(
            IdentityPoolId=pools.identity_pool_id, Logins={pools.provider: id_token}
        )
    code, message = _refusal(refused)
    assert code == "NotAuthorizedException"
    assert message.startswith("Invalid login token. Token expired: ")
    now, expires = message.rsplit(": ", 1)[1].split(" >= ")
    assert int(now) == int(clock.time())
    assert int(expires) < int(now)
