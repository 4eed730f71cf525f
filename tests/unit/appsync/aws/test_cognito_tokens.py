"""A PreTokenGeneration answer applied to a user pool's tokens (Amazon Cognito Developer Guide,
"Pre token generation Lambda trigger": V1_0's claimsOverrideDetails for the ID token and the
groups; V2_0's claimsAndScopeOverrideDetails with idTokenGeneration, accessTokenGeneration and
its scopes), the reserved claims left as they are."""

from __future__ import annotations

import base64
import json
from typing import Any

from appsync.aws.cognito_tokens import claims_of, overridden, response_key, token_source

ID = {"sub": "u-1", "aud": "client", "token_use": "id", "email": "a@example.test", "x": 1}
ACCESS = {"sub": "u-1", "token_use": "access", "scope": "aws.cognito.signin.user.admin"}


def test_v1_changes_the_id_token_and_both_tokens_groups() -> None:
    details: dict[str, Any] = {
        "claimsToAddOrOverride": {"plan": "pro", "x": 2, "sub": "forged", "iss": "elsewhere"},
        "claimsToSuppress": ["email", "token_use"],
        "groupOverrideDetails": {"groupsToOverride": ["admins"]},
    }
    claims, access = overridden(ID, ACCESS, details, "V1_0")
    assert claims == {
        "sub": "u-1",
        "aud": "client",
        "token_use": "id",
        "x": 2,
        "plan": "pro",
        "cognito:groups": ["admins"],
    }
    assert access == {**ACCESS, "cognito:groups": ["admins"]}
    # An empty list of groups removes the claim.
    emptied = overridden(
        {**ID, "cognito:groups": ["a"]},
        ACCESS,
        {"groupOverrideDetails": {"groupsToOverride": []}},
        "V1_0",
    )
    assert "cognito:groups" not in emptied[0]


def test_v2_changes_both_tokens_and_the_access_tokens_scopes() -> None:
    details = {
        "idTokenGeneration": {"claimsToAddOrOverride": {"tier": "gold"}},
        "accessTokenGeneration": {
            "claimsToAddOrOverride": {"tenant": "t-9", "client_id": "other"},
            "claimsToSuppress": ["missing"],
            "scopesToAdd": ["posts/read", "posts/write"],
            "scopesToSuppress": ["aws.cognito.signin.user.admin", "posts/write"],
        },
    }
    claims, access = overridden(ID, ACCESS, details, "V2_0")
    assert claims == {**ID, "tier": "gold"}
    assert access == {**ACCESS, "tenant": "t-9", "scope": "posts/read"}
    # A V1 answer's key is not read from a V2 event's response, and the other way round.
    assert (response_key("V1_0"), response_key("V2_0")) == (
        "claimsOverrideDetails",
        "claimsAndScopeOverrideDetails",
    )


def test_no_details_change_nothing() -> None:
    assert overridden(ID, ACCESS, None, "V2_0") == (ID, ACCESS)


def test_the_source_follows_the_flow() -> None:
    assert token_source({"AuthFlow": "USER_PASSWORD_AUTH"}) == "TokenGeneration_Authentication"
    assert token_source({"AuthFlow": "REFRESH_TOKEN_AUTH"}) == "TokenGeneration_RefreshTokens"
    assert token_source({"AuthFlow": "REFRESH_TOKEN"}) == "TokenGeneration_RefreshTokens"
    assert (
        token_source({"ChallengeName": "NEW_PASSWORD_REQUIRED"})
        == "TokenGeneration_NewPasswordChallenge"
    )


def test_a_tokens_claims_are_read_without_padding() -> None:
    payload = base64.urlsafe_b64encode(json.dumps({"sub": "u-1", "x": "ab"}).encode())
    token = f"header.{payload.decode().rstrip('=')}.signature"
    assert claims_of(token) == {"sub": "u-1", "x": "ab"}
