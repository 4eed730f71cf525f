"""AWS::AppSync::GraphQLApi, GraphQLSchema, ApiKey and ApiCache read as their pages of the
CloudFormation User Guide describe their properties."""

from __future__ import annotations

from pathlib import Path

import pytest

from definition.authorization import (
    AuthenticationType,
    DefaultAction,
    LambdaAuthorizerConfig,
    OpenIDConnectConfig,
    UserPoolConfig,
)
from definition.cloudformation.api import read_cloudformation
from definition.errors import InvalidDefinitionError
from definition.model import (
    ApiCacheSpec,
    ApiCachingBehavior,
    ApiDefinition,
    FieldLogLevel,
    InlineSource,
    IntrospectionConfig,
    LogConfig,
)
from tests.unit.definition.cloudformation.cloudformation_support import (
    SETTINGS,
    notices,
    problems,
    read,
    write_template,
)


def _template(tmp_path: Path, properties: str, resources: str = "") -> Path:
    """A template whose API has `properties` (YAML, indented for Properties)."""
    text = f"""
Resources:
  Api:
    Type: AWS::AppSync::GraphQLApi
    Properties:
      Name: posts
{properties}
  Schema:
    Type: AWS::AppSync::GraphQLSchema
    Properties: {{ApiId: !GetAtt Api.ApiId, Definition: "type Query {{ a: Int }}"}}
{resources}"""
    return write_template(tmp_path, text)


def _read(tmp_path: Path, properties: str, resources: str = "") -> ApiDefinition:
    return read_cloudformation(_template(tmp_path, properties, resources), SETTINGS)


def _problems(tmp_path: Path, properties: str, resources: str = "") -> list[str]:
    with pytest.raises(InvalidDefinitionError) as caught:
        _read(tmp_path, properties, resources)
    return [f"{p.logical_id}.{p.key_path}: {p.message}" for p in caught.value.problems]


def test_the_user_pool_of_the_template_is_the_one_the_api_trusts(tmp_path: Path) -> None:
    definition = _read(
        tmp_path,
        """      AuthenticationType: AMAZON_COGNITO_USER_POOLS
      UserPoolConfig:
        UserPoolId: !Ref Pool
        DefaultAction: DENY
        AppIdClientRegex: "^web"
      AdditionalAuthenticationProviders:
        - AuthenticationType: API_KEY
        - AuthenticationType: AWS_IAM
        - AuthenticationType: OPENID_CONNECT
          OpenIDConnectConfig: {Issuer: "https://issuer.example", ClientId: app, IatTTL: "60"}""",
        "  Pool:\n    Type: AWS::Cognito::UserPool\n",
    )
    [pool] = definition.server.user_pools
    auth = definition.authentication
    assert auth.user_pool_config == UserPoolConfig(
        pool.user_pool_id, "eu-west-1", "^web", DefaultAction.DENY
    )
    modes = [p.authentication_type for p in definition.additional_authentication_providers]
    assert modes == [
        AuthenticationType.API_KEY,
        AuthenticationType.AWS_IAM,
        AuthenticationType.OPENID_CONNECT,
    ]
    oidc = definition.additional_authentication_providers[2].open_id_connect_config
    assert oidc == OpenIDConnectConfig("https://issuer.example", "app", 60, 0)


def test_api_settings_keep_appsyncs_defaults_and_limits(tmp_path: Path) -> None:
    definition = _read(tmp_path, "      AuthenticationType: API_KEY")
    assert (
        definition.name,
        definition.query_depth_limit,
        definition.resolver_count_limit,
        definition.introspection,
    ) == ("posts", 0, 10000, IntrospectionConfig.ENABLED)
    definition = _read(
        tmp_path,
        """      AuthenticationType: API_KEY
      QueryDepthLimit: 5
      ResolverCountLimit: 20
      IntrospectionConfig: DISABLED
      XrayEnabled: true
      LogConfig: {FieldLogLevel: ERROR, CloudWatchLogsRoleArn: arn:aws:iam::1:role/logs}""",
    )
    assert (definition.query_depth_limit, definition.resolver_count_limit) == (5, 20)
    assert definition.introspection is IntrospectionConfig.DISABLED
    assert definition.log_config == LogConfig(FieldLogLevel.ERROR, "arn:aws:iam::1:role/logs")
    assert notices(definition) == [
        "Api.Properties.XrayEnabled: accepted; no local effect yet (no X-Ray traces are recorded)",
    ]


def test_bad_api_settings_are_problems(tmp_path: Path) -> None:
    assert _problems(
        tmp_path,
        """      AuthenticationType: API_KEY
      QueryDepthLimit: 99
      Colour: blue
      UserPoolConfig: {UserPoolId: x}
      AdditionalAuthenticationProviders:
        - AuthenticationType: API_KEY
        - AuthenticationType: AWS_LAMBDA
          LambdaAuthorizerConfig: {AuthorizerUri: arn:aws:lambda:eu-west-1:1:function:auth}
        - AuthenticationType: AMAZON_COGNITO_USER_POOLS
          UserPoolConfig: {UserPoolId: x, DefaultAction: ALLOW}""",
    ) == [
        "Api.Properties.Colour: unknown property; expected one of Name, AuthenticationType, "
        "AdditionalAuthenticationProviders, UserPoolConfig, OpenIDConnectConfig, "
        "LambdaAuthorizerConfig, LogConfig, XrayEnabled, Tags, IntrospectionConfig, "
        "QueryDepthLimit, ResolverCountLimit, ApiType, Visibility, OwnerContact, "
        "MergedApiExecutionRoleArn, EnvironmentVariables, EnhancedMetricsConfig",
        "Api.Properties.UserPoolConfig: has no effect on an API_KEY provider",
        "Api.Properties.AdditionalAuthenticationProviders[2].UserPoolConfig.DefaultAction: an "
        "additional provider has none",
        "Api.Properties.AdditionalAuthenticationProviders[0].AuthenticationType: API_KEY is "
        "already configured; it may appear only once",
        "Api.Properties.QueryDepthLimit: expected an integer from 0 to 75",
    ]


def test_the_schema_is_inline_or_a_local_file(tmp_path: Path) -> None:
    definition = read(tmp_path, "")
    [schema] = definition.schema
    assert isinstance(schema, InlineSource)
    assert schema.name == "Schema.Properties.Definition"
    assert schema.text.startswith("type Query")
    (tmp_path / "schema.graphql").write_text("type Query { a: Int }")
    path = _template(tmp_path, "      AuthenticationType: API_KEY")
    path.write_text(
        path.read_text().replace(
            'Definition: "type Query { a: Int }"', "DefinitionS3Location: ./schema.graphql"
        )
    )
    definition = read_cloudformation(path, SETTINGS)
    assert definition.schema == (tmp_path / "schema.graphql",)
    assert str(definition.problem("schema", "bad")) == (
        f"{path}: Schema.Properties.DefinitionS3Location: bad"
    )


def test_schema_problems_name_the_schema_resource(tmp_path: Path) -> None:
    second = """
  Second:
    Type: AWS::AppSync::GraphQLSchema
    Properties: {ApiId: !GetAtt Api.ApiId, Definition: "type Query { b: Int }"}
"""
    assert problems(tmp_path, second) == ["Second.: the API has one schema; it has Schema, Second"]
    path = _template(tmp_path, "      AuthenticationType: API_KEY")
    path.write_text(
        path.read_text().replace(
            'Definition: "type Query { a: Int }"', "DefinitionS3Location: s3://bucket/s.graphql"
        )
    )
    with pytest.raises(InvalidDefinitionError) as caught:
        read_cloudformation(path, SETTINGS)
    [problem] = caught.value.problems
    assert (problem.logical_id, problem.key_path) == ("Schema", "Properties.DefinitionS3Location")
    assert problem.message.startswith("s3://bucket/s.graphql is not local")
    assert caught.value.schema == ()


def test_api_keys_expire_on_the_hour_and_caches_are_kept(tmp_path: Path) -> None:
    definition = read(
        tmp_path,
        """
  Key:
    Type: AWS::AppSync::ApiKey
    Properties: {ApiId: !GetAtt Api.ApiId, Description: web, Expires: 1767229199}
  Forever:
    Type: AWS::AppSync::ApiKey
    Properties: {ApiId: !GetAtt Api.ApiId}
  Cache:
    Type: AWS::AppSync::ApiCache
    Properties:
      ApiId: !GetAtt Api.ApiId
      ApiCachingBehavior: PER_RESOLVER_CACHING
      Type: SMALL
      Ttl: 300
      TransitEncryptionEnabled: true
""",
    )
    key, forever = definition.api_keys
    assert (key.description, key.expires) == ("web", 1767225600)
    assert key.id.startswith("da2-")
    assert key.id != forever.id
    assert forever.expires is None
    assert definition.api_cache == ApiCacheSpec(
        ApiCachingBehavior.PER_RESOLVER_CACHING, "SMALL", 300, False, True
    )
    # The API cache follows it: no notice.
    assert notices(definition) == []


def test_bad_keys_and_caches_are_problems(tmp_path: Path) -> None:
    assert problems(
        tmp_path,
        """
  Key:
    Type: AWS::AppSync::ApiKey
    Properties: {ApiId: !GetAtt Api.ApiId, Expires: soon}
  Cache:
    Type: AWS::AppSync::ApiCache
    Properties: {ApiId: !GetAtt Api.ApiId, ApiCachingBehavior: ALWAYS, Type: SMALL, Ttl: 0}
""",
    ) == [
        "Key.Properties.Expires: expected epoch seconds",
        "Cache.Properties.ApiCachingBehavior: expected one of FULL_REQUEST_CACHING | "
        "PER_RESOLVER_CACHING | OPERATION_LEVEL_CACHING, got 'ALWAYS'",
        "Cache.Properties.Ttl: required; expected seconds from 1 to 3600",
    ]


def test_a_lambda_authorizer_names_the_templates_function_by_its_arn(tmp_path: Path) -> None:
    # AWS::AppSync::GraphQLApi LambdaAuthorizerConfig: AuthorizerUri is the function's ARN,
    # `!GetAtt Fn.Arn`; the TTL defaults to 0 (no caching).
    definition = _read(
        tmp_path,
        """      AuthenticationType: AWS_LAMBDA
      LambdaAuthorizerConfig:
        AuthorizerUri: !GetAtt Check.Arn
        IdentityValidationExpression: "^tok-"
      AdditionalAuthenticationProviders:
        - AuthenticationType: API_KEY""",
        """  Check:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: nodejs20.x
      Handler: index.handler
      Code: {ZipFile: "exports.handler = async () => ({isAuthorized: true})"}
""",
    )
    [function] = definition.server.lambda_functions
    config = definition.authentication.lambda_authorizer_config
    assert config == LambdaAuthorizerConfig(
        identity_validation_expression="^tok-", authorizer_uri=function.arn
    )
    assert function.arn.startswith("arn:aws:lambda:eu-west-1:123456789012:function:")


def test_environment_variables_are_the_apis_own(tmp_path: Path) -> None:
    """`EnvironmentVariables` (Map of String) on AWS::AppSync::GraphQLApi: read, no notice."""
    properties = """      AuthenticationType: API_KEY
      EnvironmentVariables: {STAGE: dev, TABLE: !Sub "Posts-${AWS::Region}"}"""
    definition = _read(tmp_path, properties)
    assert dict(definition.environment_variables) == {
        "STAGE": "dev",
        "TABLE": f"Posts-{SETTINGS.region}",
    }
    assert not [n for n in definition.notices if "EnvironmentVariables" in n.key_path]
    bad = """      AuthenticationType: API_KEY
      EnvironmentVariables: {STAGE: [dev]}"""
    assert _problems(tmp_path, bad) == [
        "Api.Properties.EnvironmentVariables.STAGE: expected a string, got list"
    ]
