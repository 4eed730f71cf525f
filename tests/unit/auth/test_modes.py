"""AppSync's authorization modes and one auth directive as the schema states it."""

from __future__ import annotations

from auth.modes import AuthDirective, AuthMode


def test_modes_are_appsyncs_authentication_type_values() -> None:
    assert [mode.value for mode in AuthMode] == [
        "API_KEY",
        "AWS_IAM",
        "OPENID_CONNECT",
        "AMAZON_COGNITO_USER_POOLS",
        "AWS_LAMBDA",
    ]
    assert AuthMode("AWS_LAMBDA") is AuthMode.AWS_LAMBDA


def test_a_directive_without_groups_admits_any_group() -> None:
    directive = AuthDirective(AuthMode.AMAZON_COGNITO_USER_POOLS)
    assert directive.cognito_groups is None
    assert not directive.legacy_aws_auth
    # Directives are compared by value: the schema builds them once per type and field.
    assert directive == AuthDirective(AuthMode.AMAZON_COGNITO_USER_POOLS, None, False)
