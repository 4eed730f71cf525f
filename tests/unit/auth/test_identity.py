"""What `$util.authType()` says for each mode (AppSync's resolver utility reference), and the
principal every provider produces."""

from __future__ import annotations

from auth.identity import AUTH_TYPES, Principal
from auth.modes import AuthMode


def test_every_mode_has_appsyncs_auth_type_text() -> None:
    assert AUTH_TYPES == {
        AuthMode.API_KEY: "API Key Authorization",
        AuthMode.AWS_IAM: "IAM Authorization",
        AuthMode.AMAZON_COGNITO_USER_POOLS: "User Pool Authorization",
        AuthMode.OPENID_CONNECT: "Open ID Connect Authorization",
        AuthMode.AWS_LAMBDA: "Lambda Authorization",
    }


def test_a_principal_denies_nothing_and_belongs_to_no_group_unless_told() -> None:
    principal = Principal(AuthMode.API_KEY, None, AUTH_TYPES[AuthMode.API_KEY])
    assert principal.denied_fields == frozenset()
    assert principal.cognito_groups == frozenset()
    assert not principal.default_action_deny
