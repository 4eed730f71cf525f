"""`AWS::AppSync::GraphQLApi`, `GraphQLSchema`, `ApiKey` and `ApiCache` read into the model.

Property names are the resources' pages in the CloudFormation User Guide (AWS::AppSync::*):
`AuthenticationType` with `UserPoolConfig`, `OpenIDConnectConfig` or `LambdaAuthorizerConfig`,
`AdditionalAuthenticationProviders` (each with `CognitoUserPoolConfig` spelled `UserPoolConfig`),
`LogConfig`, `XrayEnabled`, `IntrospectionConfig`, `QueryDepthLimit`, `ResolverCountLimit`,
`EnvironmentVariables` (resolvers' `ctx.env`); a
schema's `Definition` (inline SDL) or `DefinitionS3Location` (a local file); an API key's
`Description` and `Expires` (epoch seconds, rounded down to the hour as AppSync does); an API
cache's `ApiCachingBehavior`, `Type`, `Ttl` and encryption flags, which the API cache follows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from definition.appsync_yaml.authorization import check_modes
from definition.appsync_yaml.reader import join
from definition.authorization import (
    ApiKeySpec,
    AuthenticationType,
    AuthProviderSpec,
    DefaultAction,
    IamConfig,
    LambdaAuthorizerConfig,
    OpenIDConnectConfig,
    UserPoolConfig,
)
from definition.cloudformation.properties import Part, PropertyReader, boolean, integer
from definition.cloudformation.stack import Resource, Stack
from definition.environment_variables import read_environment_variables
from definition.model import (
    ApiCacheSpec,
    ApiCachingBehavior,
    FieldLogLevel,
    IntrospectionConfig,
    LogConfig,
    Source,
)
from definition.problems import Origin

_API_KEYS = (
    *["Name", "AuthenticationType", "AdditionalAuthenticationProviders", "UserPoolConfig"],
    *["OpenIDConnectConfig", "LambdaAuthorizerConfig", "LogConfig", "XrayEnabled", "Tags"],
    *["IntrospectionConfig", "QueryDepthLimit", "ResolverCountLimit", "ApiType", "Visibility"],
    *["OwnerContact", "MergedApiExecutionRoleArn", "EnvironmentVariables"],
    "EnhancedMetricsConfig",
)
_ACCEPTED = {
    "XrayEnabled": "no X-Ray traces are recorded",
    "Tags": "tags are not listed by any local API",
    "OwnerContact": "not used locally",
    "MergedApiExecutionRoleArn": "source APIs are not merged locally",
    "EnhancedMetricsConfig": "no CloudWatch metrics are emitted",
}
_PROVIDER_KEYS = (
    "AuthenticationType",
    "UserPoolConfig",
    "OpenIDConnectConfig",
    "LambdaAuthorizerConfig",
)
_BLOCKS = {
    AuthenticationType.AMAZON_COGNITO_USER_POOLS: "UserPoolConfig",
    AuthenticationType.OPENID_CONNECT: "OpenIDConnectConfig",
    AuthenticationType.AWS_LAMBDA: "LambdaAuthorizerConfig",
}
_CACHING_BEHAVIORS = ("FULL_REQUEST_CACHING", "PER_RESOLVER_CACHING", "OPERATION_LEVEL_CACHING")


@dataclass(frozen=True, slots=True)
class ApiSettings:
    """What the GraphQLApi resource itself says."""

    name: str
    authentication: AuthProviderSpec
    additional: tuple[AuthProviderSpec, ...]
    query_depth_limit: int
    resolver_count_limit: int
    introspection: IntrospectionConfig
    log_config: LogConfig | None
    environment_variables: dict[str, str]


def read_graphql_api(stack: Stack, api: Resource, origins: dict[str, Origin]) -> ApiSettings | None:
    properties = stack.properties(api.logical_id)
    if properties is None:
        return None
    reader = PropertyReader(stack, api.logical_id)
    path = "Properties"
    reader.allowed(properties, path, _API_KEYS)
    reader.accepted(properties, path, _ACCEPTED)
    origins["authenticationType"] = reader.origin("Properties.AuthenticationType")
    origins["additionalAuthenticationProviders"] = reader.origin(
        "Properties.AdditionalAuthenticationProviders"
    )
    for key in _BLOCKS.values():
        origins[key[0].lower() + key[1:]] = reader.origin(f"Properties.{key}")
    name = reader.string(properties, "Name", path, required=True)
    authentication = _provider(reader, properties, path, default=True)
    additional = tuple(
        provider
        for where, item in reader.items(properties, "AdditionalAuthenticationProviders", path)
        if (block := reader.mapping(item, where, _PROVIDER_KEYS)) is not None
        and (provider := _provider(reader, block, where, default=False)) is not None
    )
    check_modes(
        reader,
        authentication,
        additional,
        "Properties.AdditionalAuthenticationProviders[{index}].AuthenticationType",
    )
    # AppSync's ranges: depth 1-75 (0 = no limit), resolvers 1-10000 (0 = 10000).
    depth = integer(reader, properties, "QueryDepthLimit", path) or 0
    count = integer(reader, properties, "ResolverCountLimit", path) or 0
    if not 0 <= depth <= 75:
        reader.problem(join(path, "QueryDepthLimit"), "expected an integer from 0 to 75")
    if not 0 <= count <= 10000:
        reader.problem(join(path, "ResolverCountLimit"), "expected an integer from 0 to 10000")
    introspection = reader.enum(
        properties, "IntrospectionConfig", path, IntrospectionConfig, IntrospectionConfig.ENABLED
    )
    if properties.get("ApiType") == "MERGED":
        reader.notice(join(path, "ApiType"), "accepted; no local effect yet (not merged locally)")
    if properties.get("Visibility") == "PRIVATE":
        reader.notice(join(path, "Visibility"), "accepted; no local effect yet (served locally)")
    log_config = _log_config(reader, properties.get("LogConfig"), join(path, "LogConfig"))
    environment = read_environment_variables(
        reader, properties.get("EnvironmentVariables"), join(path, "EnvironmentVariables")
    )
    if name is None or authentication is None or introspection is None:
        return None
    return ApiSettings(
        name,
        authentication,
        additional,
        depth,
        count or 10000,
        introspection,
        log_config,
        environment,
    )


def _provider(
    reader: PropertyReader, block: dict[str, Any], path: str, *, default: bool
) -> AuthProviderSpec | None:
    mode = reader.enum(block, "AuthenticationType", path, AuthenticationType, None)
    if mode is None:
        return None
    for kind, key in _BLOCKS.items():
        if key in block and kind is not mode:
            reader.problem(join(path, key), f"has no effect on an {mode} provider")
    if mode is AuthenticationType.API_KEY:
        return AuthProviderSpec(mode)
    if mode is AuthenticationType.AWS_IAM:
        # Signatures of every key of the embedded IAM and STS are accepted (appsync.authorizer).
        return AuthProviderSpec(mode, iam_config=IamConfig())
    where = join(path, _BLOCKS[mode])
    config = reader.mapping(block.get(_BLOCKS[mode]), where, _CONFIG_KEYS[mode])
    if config is None:
        return None
    if mode is AuthenticationType.AMAZON_COGNITO_USER_POOLS:
        if not default and "DefaultAction" in config:
            reader.problem(join(where, "DefaultAction"), "an additional provider has none")
        action = reader.enum(config, "DefaultAction", where, DefaultAction, DefaultAction.ALLOW)
        pool_id = reader.string(config, "UserPoolId", where, required=True)
        region = reader.string(config, "AwsRegion", where, required=False) or reader.stack.region
        regex = reader.string(config, "AppIdClientRegex", where, required=False)
        if pool_id is None or action is None:
            return None
        return AuthProviderSpec(
            mode, user_pool_config=UserPoolConfig(pool_id, region, regex, action)
        )
    if mode is AuthenticationType.OPENID_CONNECT:
        issuer = reader.string(config, "Issuer", where, required=True)
        client = reader.string(config, "ClientId", where, required=False)
        iat = integer(reader, config, "IatTTL", where) or 0
        auth = integer(reader, config, "AuthTTL", where) or 0
        if issuer is None:
            return None
        return AuthProviderSpec(
            mode, open_id_connect_config=OpenIDConnectConfig(issuer, client, iat, auth)
        )
    # `!GetAtt Fn.Arn` of a template's function is its local ARN, which the local Lambda runtime
    # runs; another ARN is kept, and its requests are refused (named in a warning at start).
    uri = reader.string(config, "AuthorizerUri", where, required=True)
    ttl = integer(reader, config, "AuthorizerResultTtlInSeconds", where) or 0
    expression = reader.string(config, "IdentityValidationExpression", where, required=False)
    if uri is None:
        return None
    return AuthProviderSpec(
        mode,
        lambda_authorizer_config=LambdaAuthorizerConfig(
            authorizer_result_ttl_in_seconds=ttl,
            identity_validation_expression=expression,
            authorizer_uri=uri,
        ),
    )


_CONFIG_KEYS = {
    AuthenticationType.AMAZON_COGNITO_USER_POOLS: (
        "UserPoolId",
        "AwsRegion",
        "AppIdClientRegex",
        "DefaultAction",
    ),
    AuthenticationType.OPENID_CONNECT: ("Issuer", "ClientId", "IatTTL", "AuthTTL"),
    AuthenticationType.AWS_LAMBDA: (
        "AuthorizerUri",
        "AuthorizerResultTtlInSeconds",
        "IdentityValidationExpression",
    ),
}


def _log_config(reader: PropertyReader, raw: Any, path: str) -> LogConfig | None:
    if raw is None:
        return None
    block = reader.mapping(
        raw, path, ("FieldLogLevel", "CloudWatchLogsRoleArn", "ExcludeVerboseContent")
    )
    if block is None:
        return None
    level = reader.enum(block, "FieldLogLevel", path, FieldLogLevel, None)
    role = reader.string(block, "CloudWatchLogsRoleArn", path, required=False)
    exclude = boolean(reader, block, "ExcludeVerboseContent", path)
    if level is None:
        return None
    return LogConfig(level, role, exclude)


def read_schema(schemas: list[Part], origins: dict[str, Origin]) -> Source | None:
    """The API's one GraphQLSchema resource: its SDL, inline or a local file."""
    if not schemas:
        return None
    if len(schemas) > 1:
        names = ", ".join(part.resource.logical_id for part in schemas)
        for part in schemas[1:]:
            part.reader().problem("", f"the API has one schema; it has {names}")
    properties = schemas[0].properties
    reader = schemas[0].reader()
    reader.allowed(properties, "Properties", ("ApiId", "Definition", "DefinitionS3Location"))
    source, where = reader.source(properties, "Definition", "DefinitionS3Location", "Properties")
    if where is None:
        reader.problem("Properties.Definition", "required: Definition or DefinitionS3Location")
        return None
    origins["schema"] = reader.origin(where)
    return source


def read_api_keys(keys: list[Part]) -> tuple[ApiKeySpec, ...]:
    found = []
    for part in keys:
        properties = part.properties
        reader = part.reader()
        path = "Properties"
        reader.allowed(properties, path, ("ApiId", "ApiKeyId", "Description", "Expires"))
        description = reader.string(properties, "Description", path, required=False)
        expires = properties.get("Expires")
        if expires is not None and (isinstance(expires, bool) or not _is_number(expires)):
            reader.problem(join(path, "Expires"), "expected epoch seconds")
            continue
        seconds = int(float(expires)) if expires is not None else None
        key = part.stack.names.api_key(part.resource.logical_id)
        # AppSync rounds an API key's expiry down to the nearest hour (CreateApiKey `expires`).
        found.append(ApiKeySpec(key, description, seconds - seconds % 3600 if seconds else None))
    return tuple(found)


def read_api_cache(caches: list[Part]) -> ApiCacheSpec | None:
    for part in caches[:1]:
        properties = part.properties
        reader = part.reader()
        path = "Properties"
        reader.allowed(
            properties,
            path,
            (
                *["ApiId", "ApiCachingBehavior", "Type", "Ttl", "AtRestEncryptionEnabled"],
                *["TransitEncryptionEnabled", "HealthMetricsConfig"],
            ),
        )
        behavior = reader.string(properties, "ApiCachingBehavior", path, required=True)
        if behavior is not None and behavior not in _CACHING_BEHAVIORS:
            reader.problem(
                join(path, "ApiCachingBehavior"),
                f"expected one of {' | '.join(_CACHING_BEHAVIORS)}, got {behavior!r}",
            )
        kind = reader.string(properties, "Type", path, required=True)
        ttl = integer(reader, properties, "Ttl", path)
        if ttl is None or not 1 <= ttl <= 3600:
            reader.problem(join(path, "Ttl"), "required; expected seconds from 1 to 3600")
        at_rest = boolean(reader, properties, "AtRestEncryptionEnabled", path)
        transit = boolean(reader, properties, "TransitEncryptionEnabled", path)
        if behavior is None or behavior not in _CACHING_BEHAVIORS or kind is None or ttl is None:
            return None
        return ApiCacheSpec(ApiCachingBehavior(behavior), kind, ttl, at_rest, transit)
    return None


def _is_number(value: Any) -> bool:
    try:
        float(value)
    except (TypeError, ValueError):
        return False
    return True
