"""A definition's user pools exist in the embedded Cognito (moto's backend) under their own ids
while `user_pools_created` is entered, with the template's settings, and not after."""

from __future__ import annotations

from typing import Any

from moto.cognitoidp.models import cognitoidp_backends

from appsync.aws.user_pools import user_pools_created
from definition.cognito_resources import UserPoolClientSpec, UserPoolSpec

POOL_ID = "eu-west-1_AbCdEf123"
POOL = UserPoolSpec(
    POOL_ID,
    "posts-users",
    {"UserPoolName": "posts-users", "MfaConfiguration": "OFF", "UsernameAttributes": ["email"]},
    (
        UserPoolClientSpec(
            "1example23456789abcdefghij",
            "web",
            {"UserPoolId": POOL_ID, "ExplicitAuthFlows": ["ALLOW_USER_PASSWORD_AUTH"]},
        ),
        UserPoolClientSpec(
            "2example23456789abcdefghij",
            "server",
            {"UserPoolId": POOL_ID, "GenerateSecret": True},
        ),
    ),
)


def _pools() -> dict[str, Any]:
    pools: dict[str, Any] = cognitoidp_backends["123456789012"]["eu-west-1"].user_pools
    return pools


def test_each_pool_and_client_is_created_under_its_own_id() -> None:
    with user_pools_created([POOL]):
        pool = _pools()[POOL_ID]
        assert (pool.id, pool.name) == (POOL_ID, "posts-users")
        assert pool.arn == f"arn:aws:cognito-idp:eu-west-1:123456789012:userpool/{POOL_ID}"
        assert pool.extended_config["UsernameAttributes"] == ["email"]
        web = pool.clients["1example23456789abcdefghij"].to_json(extended=True)
        assert (web["ClientId"], web["ClientName"], web["UserPoolId"]) == (
            "1example23456789abcdefghij",
            "web",
            POOL_ID,
        )
        assert web["ExplicitAuthFlows"] == ["ALLOW_USER_PASSWORD_AUTH"]
        server = pool.clients["2example23456789abcdefghij"].to_json(extended=True)
        assert "ClientSecret" in server
        assert len(pool.clients) == 2
    assert POOL_ID not in _pools()
