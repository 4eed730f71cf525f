"""The role an identity pool's role mapping gives a signed-in user ("Using role-based access
control", Amazon Cognito Developer Guide; RoleMapping and MappingRule in the Cognito Identity
API reference; the Deny text as Cognito answered it in aws-amplify/amplify-js#3621)."""

from __future__ import annotations

from typing import Any

import pytest

from appsync.aws.identity_logins import IdentityPoolError, Login
from appsync.aws.identity_role_mappings import mapped_role

PROVIDER = "cognito-idp.us-east-1.amazonaws.com/us-east-1_Abc123xyz"
KEY = f"{PROVIDER}:web"
AUTH = "arn:aws:iam::123456789012:role/auth"
ROLE = "arn:aws:iam::123456789012:role/{}"


def _login(**claims: Any) -> Login:
    return Login(PROVIDER, "sub-1", "web", claims)


def _token(resolution: str = "AuthenticatedRole") -> dict[str, Any]:
    return {KEY: {"Type": "Token", "AmbiguousRoleResolution": resolution}}


def test_a_token_mapping_gives_the_preferred_role_or_the_asked_one_it_lists() -> None:
    login = _login(
        **{
            "cognito:roles": [ROLE.format("editors"), ROLE.format("readers")],
            "cognito:preferred_role": ROLE.format("editors"),
        }
    )
    assert mapped_role(_token(), [login], AUTH) == ROLE.format("editors")
    # CustomRoleArn picks another of the token's roles; one it does not list is not taken.
    assert mapped_role(_token(), [login], AUTH, ROLE.format("readers")) == ROLE.format("readers")
    assert mapped_role(_token(), [login], AUTH, ROLE.format("admins")) == ROLE.format("editors")


def test_a_token_without_roles_gets_the_authenticated_role_and_one_role_is_taken() -> None:
    assert mapped_role(_token("Deny"), [_login()], AUTH) == AUTH
    only = _login(**{"cognito:roles": [ROLE.format("solo")]})
    assert mapped_role(_token("Deny"), [only], AUTH) == ROLE.format("solo")


def test_several_roles_and_no_preferred_one_is_ambiguous() -> None:
    tied = _login(**{"cognito:roles": [ROLE.format("a"), ROLE.format("b")]})
    assert mapped_role(_token(), [tied], AUTH) == AUTH
    with pytest.raises(IdentityPoolError) as caught:
        mapped_role(_token("Deny"), [tied], AUTH)
    assert (caught.value.code, caught.value.message) == (
        "NotAuthorizedException",
        f"The ambiguous role mapping rules for: {KEY} denied this request.",
    )


def _rules(*rules: tuple[str, str, str, str], resolution: str = "Deny") -> dict[str, Any]:
    listed = [
        {"Claim": claim, "MatchType": match, "Value": value, "RoleARN": ROLE.format(role)}
        for claim, match, value, role in rules
    ]
    return {
        KEY: {
            "Type": "Rules",
            "AmbiguousRoleResolution": resolution,
            "RulesConfiguration": {"Rules": listed},
        }
    }


def test_rules_are_tried_in_order_with_each_match_type() -> None:
    mappings = _rules(
        ("custom:tier", "Equals", "gold", "gold"),
        ("email", "StartsWith", "admin@", "admin"),
        ("email", "Contains", "@corp.", "staff"),
        ("custom:tier", "NotEqual", "banned", "member"),
    )
    gold = _login(**{"custom:tier": "gold", "email": "admin@corp.example"})
    assert mapped_role(mappings, [gold], AUTH) == ROLE.format("gold")
    admin = _login(**{"custom:tier": "silver", "email": "admin@corp.example"})
    assert mapped_role(mappings, [admin], AUTH) == ROLE.format("admin")
    staff = _login(**{"custom:tier": "silver", "email": "ada@corp.example"})
    assert mapped_role(mappings, [staff], AUTH) == ROLE.format("staff")
    member = _login(**{"custom:tier": "silver", "email": "ada@home.example"})
    assert mapped_role(mappings, [member], AUTH) == ROLE.format("member")
    # CustomRoleArn takes a later matching rule's role over the order.
    assert mapped_role(mappings, [gold], AUTH, ROLE.format("staff")) == ROLE.format("staff")
    with pytest.raises(IdentityPoolError):
        mapped_role(mappings, [_login(**{"custom:tier": "banned"})], AUTH)
    # A claim the token lacks matches no rule, NotEqual included.
    with pytest.raises(IdentityPoolError):
        mapped_role(mappings, [_login()], AUTH)


def test_list_and_boolean_claims_are_matched_by_their_members_and_json_text() -> None:
    mappings = _rules(
        ("cognito:groups", "Equals", "editors", "editors"),
        ("email_verified", "Equals", "true", "verified"),
        resolution="AuthenticatedRole",
    )
    editor = _login(**{"cognito:groups": ["readers", "editors"]})
    assert mapped_role(mappings, [editor], AUTH) == ROLE.format("editors")
    verified = _login(email_verified=True)
    assert mapped_role(mappings, [verified], AUTH) == ROLE.format("verified")
    assert mapped_role(mappings, [_login(email_verified=False)], AUTH) == AUTH


def test_a_login_of_another_client_or_provider_has_no_mapping() -> None:
    other = Login(PROVIDER, "sub-1", "mobile", {"cognito:roles": [ROLE.format("x")]})
    assert mapped_role(_token("Deny"), [other], AUTH) == AUTH
    assert mapped_role({}, [_login()], AUTH) == AUTH
