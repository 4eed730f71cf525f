"""`load_api`: auth provider blocks read with key-path problems, every problem at once."""

from __future__ import annotations

from pathlib import Path

import pytest

from appsync.app import load_api
from appsync.config import load_config
from appsync.errors import ConfigError


def _problems(folder: Path, definition: str) -> list[tuple[str, str]]:
    (folder / "schema.graphql").write_text("type Query { a: String }\n", encoding="utf-8")
    (folder / "appsync.yaml").write_text(definition, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_api(load_config(folder / "appsync.yaml"))
    return [(problem.key_path, problem.message) for problem in caught.value.problems]


def test_oidc_needs_an_issuer(tmp_path: Path) -> None:
    definition = """
schema: schema.graphql
authenticationType: OPENID_CONNECT
openIDConnectConfig: {clientId: x, jwksFile: missing.json}
"""
    assert _problems(tmp_path, definition) == [
        ("openIDConnectConfig.issuer", "required; expected a non-empty string"),
        ("openIDConnectConfig.jwksFile", f"file not found: {tmp_path / 'missing.json'}"),
    ]


def test_additional_provider_blocks_are_named_by_index(tmp_path: Path) -> None:
    definition = """
schema: schema.graphql
authenticationType: API_KEY
additionalAuthenticationProviders:
  - authenticationType: AMAZON_COGNITO_USER_POOLS
    userPoolConfig: {userPoolId: us-east-1_abc, defaultAction: MAYBE}
  - authenticationType: AWS_LAMBDA
"""
    assert _problems(tmp_path, definition) == [
        (
            "additionalAuthenticationProviders[0].userPoolConfig.defaultAction",
            "expected ALLOW | DENY",
        ),
        (
            "additionalAuthenticationProviders[0].userPoolConfig.awsRegion",
            "required; expected a non-empty string",
        ),
        (
            "additionalAuthenticationProviders[1].lambdaAuthorizerConfig",
            "required for this authenticationType",
        ),
        (
            "additionalAuthenticationProviders[1].lambdaAuthorizerConfig.handler",
            "required; expected a non-empty string",
        ),
    ]
