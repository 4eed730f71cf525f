"""The authorization part of the definition spells AppSync's own enums and members: checked
against botocore's `appsync/2017-07-25` service model, the shapes CreateGraphqlApi takes."""

from __future__ import annotations

import dataclasses
import re

import botocore.session
from botocore.model import ServiceModel

from definition.authorization import (
    AuthenticationType,
    DefaultAction,
    LambdaAuthorizerConfig,
    OpenIDConnectConfig,
    UserPoolConfig,
)


def _model() -> ServiceModel:
    model: ServiceModel = botocore.session.get_session().get_service_model("appsync")
    return model


def _snake(name: str) -> str:
    return re.sub(r"(?<=[a-z])(?=[A-Z])", "_", name).lower()


def test_the_enums_are_appsyncs() -> None:
    model = _model()
    authentication: list[str] = model.shape_for("AuthenticationType").enum  # type: ignore[attr-defined]
    actions: list[str] = model.shape_for("DefaultAction").enum  # type: ignore[attr-defined]
    assert {t.value for t in AuthenticationType} == set(authentication)
    assert {a.value for a in DefaultAction} == set(actions)


def test_each_config_holds_appsyncs_members_under_their_python_names() -> None:
    """Every member AppSync's shape has is a field; the fields beyond AppSync's are the local
    `jwks_file` and `handler`."""
    model = _model()
    cases = {
        UserPoolConfig: ("UserPoolConfig", {}),
        OpenIDConnectConfig: ("OpenIDConnectConfig", {"iatTTL": "iat_ttl", "authTTL": "auth_ttl"}),
        LambdaAuthorizerConfig: ("LambdaAuthorizerConfig", {}),
    }
    for config, (shape, renamed) in cases.items():
        members = model.shape_for(shape).members  # type: ignore[attr-defined]
        expected = {renamed.get(name, _snake(name)) for name in members}
        fields = {f.name for f in dataclasses.fields(config)}
        assert expected <= fields, (config, expected - fields)
        assert fields - expected <= {"jwks_file", "handler"}, (config, fields - expected)


def test_unset_ttls_are_unchecked_and_a_pool_allows_by_default() -> None:
    # AppSync: iatTTL/authTTL of 0 (or absent) are not enforced; defaultAction ALLOW admits
    # every user of the pool where no group directive narrows it.
    oidc = OpenIDConnectConfig("https://issuer.example.com")
    assert (oidc.iat_ttl, oidc.auth_ttl) == (0, 0)
    assert UserPoolConfig("us-east-1_x", "us-east-1").default_action is DefaultAction.ALLOW
