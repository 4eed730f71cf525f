"""serverless-appsync-plugin's API settings (v2 `appSync`) become the API the plugin deploys:
authentication and additional providers, API keys, logging, caching, limits and the schema's
files, with the plugin's defaults (doc/general-config.md, authentication.md, API-keys.md,
caching.md; src/resources/Api.ts)."""

from __future__ import annotations

from pathlib import Path

from definition.authorization import AuthenticationType, DefaultAction
from definition.model import IntrospectionConfig
from tests.unit.definition.serverless.serverless_support import HEAD, get_post, problems, read

_RESOLVER = """
  dataSources:
    none: {type: NONE}
  resolvers:
""" + get_post("none")


def test_authentication_and_additional_providers(tmp_path: Path) -> None:
    text = f"""{HEAD}
appSync:
  name: posts
  authentication:
    type: AMAZON_COGNITO_USER_POOLS
    config: {{userPoolId: eu-west-1_abc}}
  additionalAuthentications:
    - type: API_KEY
    - type: AWS_IAM
    - type: OPENID_CONNECT
      config: {{issuer: https://auth.example.test, clientId: web, iatTTL: 100}}
    - type: AMAZON_COGNITO_USER_POOLS
      config: {{userPoolId: eu-west-1_other, awsRegion: us-east-2}}
  apiKeys: [web]
{_RESOLVER}"""
    definition = read(tmp_path, text)
    default = definition.authentication
    assert default.authentication_type is AuthenticationType.AMAZON_COGNITO_USER_POOLS
    assert default.user_pool_config is not None
    # awsRegion defaults to the stack's region; defaultAction to ALLOW (authentication.md).
    assert default.user_pool_config.aws_region == "eu-west-1"
    assert default.user_pool_config.default_action is DefaultAction.ALLOW
    kinds = [p.authentication_type for p in definition.additional_authentication_providers]
    assert kinds == [
        AuthenticationType.API_KEY,
        AuthenticationType.AWS_IAM,
        AuthenticationType.OPENID_CONNECT,
        AuthenticationType.AMAZON_COGNITO_USER_POOLS,
    ]
    oidc = definition.additional_authentication_providers[2].open_id_connect_config
    assert oidc is not None
    assert (oidc.issuer, oidc.client_id, oidc.iat_ttl) == (
        "https://auth.example.test",
        "web",
        100,
    )
    other = definition.additional_authentication_providers[3].user_pool_config
    assert other is not None
    assert other.aws_region == "us-east-2"
    assert [key.description for key in definition.api_keys] == ["web"]


def test_api_keys_expire_only_at_a_fixed_time(tmp_path: Path) -> None:
    # API-keys.md: expiresAfter counts from each deployment, expiresAt is a date-time; a key's
    # expiry is rounded down to the hour (AppSync's CreateApiKey).
    text = f"""{HEAD}
appSync:
  name: posts
  authentication: {{type: API_KEY}}
  apiKeys:
    - john
    - {{name: jane, description: Jane's key, expiresAfter: 30d}}
    - {{name: joe, expiresAt: '2030-02-13T10:45:00'}}
{_RESOLVER}"""
    definition = read(tmp_path, text)
    keys = [(key.description, key.expires) for key in definition.api_keys]
    assert keys == [
        ("john", None),
        ("Jane's key", None),
        ("joe", 1897207200),
    ]  # 2030-02-13T10:00:00Z
    # Each key's value is the one CloudFormation's GraphQlApi<name> gives, stable per name.
    assert len({key.id for key in definition.api_keys}) == 3
    assert all(key.id.startswith("da2-") for key in definition.api_keys)


def test_the_api_s_settings(tmp_path: Path) -> None:
    text = f"""{HEAD}
appSync:
  name: posts
  authentication: {{type: AWS_IAM}}
  introspection: false
  queryDepthLimit: 10
  resolverCountLimit: 100
  xrayEnabled: true
  logging: {{level: ERROR, excludeVerboseContent: true}}
  caching: {{behavior: PER_RESOLVER_CACHING}}
  waf: {{rules: [throttle]}}
{_RESOLVER}"""
    definition = read(tmp_path, text)
    assert definition.introspection is IntrospectionConfig.DISABLED
    assert (definition.query_depth_limit, definition.resolver_count_limit) == (10, 100)
    assert definition.log_config is not None
    assert definition.log_config.exclude_verbose_content
    # caching.md: ttl 3600 and SMALL are the defaults (the plugin writes T2_SMALL).
    assert definition.api_cache is not None
    assert (definition.api_cache.ttl, definition.api_cache.type) == (3600, "T2_SMALL")
    notices = {notice.key_path for notice in definition.notices}
    # WAF has no local effect; the API's log and its cache are served, without a notice.
    assert "appSync.waf" in notices
    assert not {"appSync.caching", "appSync.logging"} & notices


def test_the_schema_s_files_and_globs_are_read_in_order(tmp_path: Path) -> None:
    # general-config.md "Multiple files": a list, or a glob; extensions merge into the types.
    (tmp_path / "schemas").mkdir()
    (tmp_path / "schemas" / "a.graphql").write_text("type Query { getPost(id: ID!): Post }")
    (tmp_path / "schemas" / "b.graphql").write_text(
        "type Post { id: ID! }\nextend type Query { listPosts: [Post] }"
    )
    text = f"""{HEAD}
appSync:
  name: posts
  schema: schemas/*.graphql
  authentication: {{type: API_KEY}}
{_RESOLVER}"""
    definition = read(tmp_path, text)
    assert [Path(str(source)).name for source in definition.schema] == ["a.graphql", "b.graphql"]
    listed = text.replace("schemas/*.graphql", "[schemas/b.graphql, schema.graphql]")
    assert [Path(str(s)).name for s in read(tmp_path, listed).schema] == [
        "b.graphql",
        "schema.graphql",
    ]


def test_bad_api_settings_are_problems_at_their_keys(tmp_path: Path) -> None:
    text = f"""{HEAD}
appSync:
  name: posts
  schema: missing/*.graphql
  authentication: {{type: COGNITO}}
  additionalAuthentications:
    - {{type: OPENID_CONNECT}}
    - {{type: AMAZON_COGNITO_USER_POOLS, config: {{}}}}
    - {{type: AWS_LAMBDA, config: {{authorizerResultTtlInSeconds: 10}}}}
  apiKeys:
    - {{description: no name}}
{_RESOLVER}"""
    assert problems(tmp_path, text) == [
        "appSync.authentication.type: must be one of API_KEY, AWS_IAM, "
        "AMAZON_COGNITO_USER_POOLS, AWS_LAMBDA, OPENID_CONNECT",
        "appSync.additionalAuthentications[0].config: required for OPENID_CONNECT; expected a "
        "mapping",
        "appSync.additionalAuthentications[1].config.userPoolId: required",
        "appSync.additionalAuthentications[2].config: must specify functionName, functionArn "
        "or function (all exclusives)",
        f"appSync.schema: no file matches {tmp_path}/missing/*.graphql",
    ]


def test_environment_is_the_apis_environment_variables(tmp_path: Path) -> None:
    """The plugin's `environment` becomes the GraphQLApi's `EnvironmentVariables`
    (doc/general-config.md; src/resources/Api.ts:
    `EnvironmentVariables: this.config.environment`)."""
    text = f"""{HEAD}
appSync:
  name: posts
  authentication: {{type: API_KEY}}
  environment: {{STAGE: dev, LIMIT: 5}}
{_RESOLVER}"""
    assert dict(read(tmp_path, text).environment_variables) == {"STAGE": "dev", "LIMIT": "5"}
