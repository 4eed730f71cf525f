"""Authorization in appsync.yaml: providers with their blocks as typed values, API keys, and
every problem with its key path. Block names are AppSync's API model's (`userPoolConfig`,
`openIDConnectConfig`, `lambdaAuthorizerConfig`), with the local `iamConfig`."""

from __future__ import annotations

from pathlib import Path

from definition.appsync_yaml.api import read_appsync_yaml
from definition.authorization import (
    AuthenticationType,
    AuthProviderSpec,
    DefaultAction,
    IamConfig,
    IamCredential,
    LambdaAuthorizerConfig,
    OpenIDConnectConfig,
    UserPoolConfig,
)
from tests.unit.definition.appsync_yaml.appsync_yaml_support import problems, write_definition

SCHEMA = "type Query { a: String }\n"


def _providers(folder: Path, text: str) -> tuple[AuthProviderSpec, ...]:
    definition = read_appsync_yaml(
        write_definition(folder, SCHEMA, "schema: schema.graphql\n" + text)
    )
    return (definition.authentication, *definition.additional_authentication_providers)


def test_each_type_reads_its_own_block(tmp_path: Path) -> None:
    (tmp_path / "jwks.json").write_text("{}")
    text = """
authenticationType: AMAZON_COGNITO_USER_POOLS
userPoolConfig:
  userPoolId: us-east-1_Pool
  awsRegion: us-east-1
  defaultAction: ALLOW
  appIdClientRegex: web-.*
additionalAuthenticationProviders:
  - authenticationType: OPENID_CONNECT
    openIDConnectConfig: {issuer: "https://idp", clientId: app, iatTTL: 1000, authTTL: 2000,
                          jwksFile: jwks.json}
  - authenticationType: AWS_LAMBDA
    lambdaAuthorizerConfig:
      handler: authorizers:check
      authorizerResultTtlInSeconds: 300
      identityValidationExpression: ^token-
  - authenticationType: API_KEY
"""
    pool, oidc, authorizer, api_key = _providers(tmp_path, text)
    assert pool == AuthProviderSpec(
        AuthenticationType.AMAZON_COGNITO_USER_POOLS,
        user_pool_config=UserPoolConfig("us-east-1_Pool", "us-east-1", "web-.*"),
    )
    assert oidc.open_id_connect_config == OpenIDConnectConfig(
        "https://idp", "app", 1000, 2000, (tmp_path / "jwks.json").resolve()
    )
    assert authorizer.lambda_authorizer_config == LambdaAuthorizerConfig(
        "authorizers:check", 300, "^token-"
    )
    assert api_key == AuthProviderSpec(AuthenticationType.API_KEY)


def test_a_deny_user_pool_and_iam_credentials_with_their_local_defaults(tmp_path: Path) -> None:
    text = """
authenticationType: AMAZON_COGNITO_USER_POOLS
userPoolConfig: {userPoolId: us-east-1_Pool, awsRegion: us-east-1, defaultAction: DENY}
additionalAuthenticationProviders:
  - authenticationType: AWS_IAM
    iamConfig:
      region: us-east-1
      credentials:
        - {accessKeyId: AKIAEXAMPLE, secretAccessKey: secret, expiration: 1900000000}
"""
    pool, iam = _providers(tmp_path, text)
    assert iam.iam_config == IamConfig(
        (
            IamCredential(
                "AKIAEXAMPLE",
                "secret",
                "123456789012",
                "arn:aws:iam::123456789012:user/local",
                expiration=1900000000,
            ),
        ),
        "us-east-1",
        trust_embedded_iam=False,
    )
    assert pool.user_pool_config is not None
    assert pool.user_pool_config.default_action is DefaultAction.DENY
    # No jwksFile: the builder picks the embedded Cognito's keys.
    assert pool.user_pool_config.jwks_file is None


def test_keys_of_the_embedded_iam_are_trusted_on_opt_in(tmp_path: Path) -> None:
    text = """
authenticationType: AWS_IAM
iamConfig: {trustEmbeddedIam: true}
"""
    [iam] = _providers(tmp_path, text)
    assert iam.iam_config == IamConfig((), None, trust_embedded_iam=True)
    wrong = "schema: schema.graphql\nauthenticationType: AWS_IAM\n"
    wrong += "iamConfig: {trustEmbeddedIam: yes-please}\n"
    assert problems(write_definition(tmp_path, SCHEMA, wrong)) == [
        "iamConfig.trustEmbeddedIam: expected true or false"
    ]


def test_oidc_needs_an_issuer(tmp_path: Path) -> None:
    text = """
schema: schema.graphql
authenticationType: OPENID_CONNECT
openIDConnectConfig: {clientId: x, jwksFile: missing.json}
"""
    assert problems(write_definition(tmp_path, SCHEMA, text), all_in_file=True) == [
        "openIDConnectConfig.issuer: required; expected a non-empty string",
        f"openIDConnectConfig.jwksFile: file not found: {tmp_path / 'missing.json'}",
    ]


def test_additional_provider_blocks_are_named_by_index(tmp_path: Path) -> None:
    text = """
schema: schema.graphql
authenticationType: API_KEY
additionalAuthenticationProviders:
  - authenticationType: AMAZON_COGNITO_USER_POOLS
    userPoolConfig: {userPoolId: us-east-1_abc, defaultAction: MAYBE}
  - authenticationType: AWS_LAMBDA
"""
    assert problems(write_definition(tmp_path, SCHEMA, text)) == [
        "additionalAuthenticationProviders[0].userPoolConfig.defaultAction: "
        "has no effect on an additional provider (default mode only)",
        "additionalAuthenticationProviders[0].userPoolConfig.awsRegion: "
        "required; expected a non-empty string",
        "additionalAuthenticationProviders[1].lambdaAuthorizerConfig: "
        "required for this authenticationType",
        "additionalAuthenticationProviders[1].lambdaAuthorizerConfig.authorizerUri: "
        "required: the authorizer function's ARN or name (a declared function), or a local "
        "`handler`",
    ]


def test_bad_values_in_blocks_name_their_keys(tmp_path: Path) -> None:
    text = """
schema: schema.graphql
authenticationType: AWS_IAM
iamConfig:
  region: 5
  credentials: [{accessKeyId: A, expiration: soon}]
additionalAuthenticationProviders:
  - authenticationType: OPENID_CONNECT
    openIDConnectConfig: {issuer: "https://idp", iatTTL: -1}
  - authenticationType: AMAZON_COGNITO_USER_POOLS
    userPoolConfig: 3
"""
    assert problems(write_definition(tmp_path, SCHEMA, text)) == [
        "iamConfig.credentials[0].secretAccessKey: required; expected a non-empty string",
        "iamConfig.credentials[0].expiration: expected a non-negative integer",
        "iamConfig.region: expected a string",
        "additionalAuthenticationProviders[0].openIDConnectConfig.iatTTL: "
        "expected a non-negative integer",
        "additionalAuthenticationProviders[1].userPoolConfig: expected a mapping, got int",
    ]


def test_api_key_expiry_forms_round_down_to_the_hour(tmp_path: Path) -> None:
    text = """
schema: schema.graphql
authenticationType: API_KEY
apiKeys:
  - {id: da2-epoch, expires: 1893457799}
  - {id: da2-timestamp, expires: "2030-01-01T00:59:59+00:00"}
  - {id: da2-date, expires: 2030-01-01}
  - {id: da2-forever, description: local}
"""
    keys = read_appsync_yaml(write_definition(tmp_path, SCHEMA, text)).api_keys
    # AppSync rounds `expires` down to the hour (CreateApiKey): all three are 2030-01-01T00:00Z.
    assert [(key.id, key.expires) for key in keys] == [
        ("da2-epoch", 1893456000),
        ("da2-timestamp", 1893456000),
        ("da2-date", 1893456000),
        ("da2-forever", None),
    ]
    assert keys[3].description == "local"


def test_bad_api_keys_and_repeated_modes_are_refused(tmp_path: Path) -> None:
    text = """
schema: schema.graphql
authenticationType: AWS_LAMBDA
lambdaAuthorizerConfig: {handler: "authorizers:check"}
additionalAuthenticationProviders:
  - authenticationType: AWS_LAMBDA
    lambdaAuthorizerConfig: {handler: "authorizers:other"}
apiKeys:
  - {expires: next week}
"""
    assert problems(write_definition(tmp_path, SCHEMA, text)) == [
        "additionalAuthenticationProviders[0].authenticationType: "
        "AWS_LAMBDA is already configured; it may appear only once",
        "apiKeys[0].id: required; expected a non-empty string",
        "apiKeys[0].expires: expected epoch seconds or an ISO 8601 timestamp",
        # No API_KEY provider: no key would authenticate anyone.
        "apiKeys: has no effect: no provider has authenticationType: API_KEY",
    ]


def test_a_block_beside_a_provider_of_another_type_is_refused(tmp_path: Path) -> None:
    # The iamConfig at the top belongs to the default provider (API_KEY), so the AWS_IAM
    # provider had no keys and every signed request got 403 from a definition read as sound.
    text = """
schema: schema.graphql
authenticationType: API_KEY
iamConfig:
  credentials: [{accessKeyId: AKIAEXAMPLE, secretAccessKey: secret}]
lambdaAuthorizerConfig: {handler: "authorizers:check"}
additionalAuthenticationProviders:
  - authenticationType: AWS_IAM
  - authenticationType: OPENID_CONNECT
    openIDConnectConfig: {issuer: "https://idp"}
    userPoolConfig: {userPoolId: us-east-1_Pool, awsRegion: us-east-1}
"""
    assert problems(write_definition(tmp_path, SCHEMA, text)) == [
        "lambdaAuthorizerConfig: has no effect on an API_KEY provider: "
        "it belongs beside authenticationType: AWS_LAMBDA",
        "iamConfig: has no effect on an API_KEY provider: move it to the AWS_IAM provider "
        "(additionalAuthenticationProviders[0])",
        "additionalAuthenticationProviders[1].userPoolConfig: has no effect on an "
        "OPENID_CONNECT provider: it belongs beside authenticationType: "
        "AMAZON_COGNITO_USER_POOLS",
    ]


def test_unknown_keys_inside_provider_blocks_are_refused(tmp_path: Path) -> None:
    text = """
schema: schema.graphql
authenticationType: OPENID_CONNECT
openIDConnectConfig: {issuer: "https://idp", clientID: app}
additionalAuthenticationProviders:
  - authenticationType: AWS_IAM
    iamConfig:
      regions: [us-east-1]
      credentials: [{accessKeyId: A, secretAccessKey: s, secretKey: s}]
"""
    assert problems(write_definition(tmp_path, SCHEMA, text)) == [
        "openIDConnectConfig.clientID: unknown key; expected one of issuer, clientId, iatTTL, "
        "authTTL, jwksFile",
        "additionalAuthenticationProviders[0].iamConfig.regions: unknown key; expected one of "
        "region, credentials, trustEmbeddedIam",
        "additionalAuthenticationProviders[0].iamConfig.credentials[0].secretKey: unknown key; "
        "expected one of accessKeyId, secretAccessKey, accountId, userArn, username, "
        "sessionToken, expiration, cognitoIdentityPoolId, cognitoIdentityId, "
        "cognitoIdentityAuthType, cognitoIdentityAuthProvider",
    ]


def test_an_authorizer_uri_is_accepted_with_a_notice(tmp_path: Path) -> None:
    text = """
schema: schema.graphql
authenticationType: AWS_LAMBDA
lambdaAuthorizerConfig:
  handler: "authorizers:check"
  authorizerUri: arn:aws:lambda:us-east-1:123456789012:function:check
"""
    definition = read_appsync_yaml(write_definition(tmp_path, SCHEMA, text))
    assert [f"{notice.key_path}: {notice.message}" for notice in definition.notices] == [
        "lambdaAuthorizerConfig.authorizerUri: not called locally: the local `handler` authorizes"
    ]
