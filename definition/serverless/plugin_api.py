"""serverless-appsync-plugin's `appSync` block (plugin v2) compiled into the API's
CloudFormation resources, as the plugin's `Api` does (`src/resources/Api.ts`): the
`AWS::AppSync::GraphQLApi`, its schema, API keys and cache.

Keys and defaults are the plugin's documentation's (doc/general-config.md, authentication.md,
API-keys.md, caching.md): `name`; `schema` (a file, a glob, or a list; default
`schema.graphql`); `authentication` and `additionalAuthentications` (`type` and `config`:
`userPoolId`, `awsRegion`, `appIdClientRegex`, `defaultAction` (ALLOW); `issuer`, `clientId`,
`iatTTL`, `authTTL`; `functionName`, `functionArn` or `function`,
`identityValidationExpression`, `authorizerResultTtlInSeconds`); `apiKeys` (names, or `name`,
`description`, `expiresAfter`, `expiresAt`, `apiKeyId`); `logging` (`level`, `enabled`,
`excludeVerboseContent`, `roleArn`); `caching` (`behavior`, `type`, `ttl` (3600), `enabled`,
`atRestEncryption`, `transitEncryption`); `xrayEnabled`, `visibility`, `introspection`,
`queryDepthLimit`, `resolverCountLimit`, `tags`, `environment`, `enhancedMetrics`, `esbuild`
(options for bundling JavaScript resolvers, or `false`). `domain` and `waf` are accepted with a
notice.

An API key's expiry: `expiresAt` is kept; `expiresAfter` (and the default, 365 days) count from
each deployment, so from each start locally: such a key does not expire.
"""

from __future__ import annotations

import glob
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from definition.appsync_yaml.reader import join
from definition.serverless.compiler import API, SCHEMA, Compiled, PluginReader, api_id, cfn_name

_AUTH_TYPES = ("API_KEY", "AWS_IAM", "AMAZON_COGNITO_USER_POOLS", "AWS_LAMBDA", "OPENID_CONNECT")
_NOT_SERVED = {
    "domain": "the API answers on its local address, not a custom domain",
    "waf": "no AWS WAF in front of the local API",
}


def compile_api(reader: PluginReader, config: dict[str, Any], path: str, out: Compiled) -> None:
    """The API, schema, keys and cache of `config` (the `appSync` block at `path`)."""
    name = reader.string(config, "name", path, required=True) or "api"
    reader.api_name = name
    reader.substitutions = _mapping(reader, config, "substitutions", path)
    esbuild = config.get("esbuild")
    reader.esbuild = None if esbuild is False else _mapping(reader, config, "esbuild", path)
    properties: dict[str, Any] = {
        "Name": name,
        "XrayEnabled": config.get("xrayEnabled") or False,
        "Tags": [{"Key": key, "Value": value} for key, value in _tags(reader, config, path)]
        or None,
        "EnvironmentVariables": config.get("environment"),
        "Visibility": config.get("visibility"),
        "EnhancedMetricsConfig": config.get("enhancedMetrics"),
        "QueryDepthLimit": config.get("queryDepthLimit"),
        "ResolverCountLimit": config.get("resolverCountLimit"),
    }
    if "introspection" in config:
        properties["IntrospectionConfig"] = "ENABLED" if config["introspection"] else "DISABLED"
    authentication = config.get("authentication")
    where = join(path, "authentication")
    if authentication is None:
        reader.problem(where, "required; expected {type: API_KEY | AWS_IAM | ...}")
    else:
        properties.update(_provider(reader, authentication, where, out, additional=False) or {})
    additional = []
    for item_where, item in reader.items(config, "additionalAuthentications", path):
        provider = _provider(reader, item, item_where, out, additional=True)
        if provider is not None:
            additional.append(provider)
    properties["AdditionalAuthenticationProviders"] = additional or None
    logging = reader.block(config.get("logging"), join(path, "logging"))
    if logging and logging.get("enabled") is not False:
        properties["LogConfig"] = {
            "FieldLogLevel": logging.get("level"),
            "CloudWatchLogsRoleArn": logging.get("roleArn"),
            "ExcludeVerboseContent": logging.get("excludeVerboseContent"),
        }
    out.add(API, "AWS::AppSync::GraphQLApi", properties, path)
    _schema(reader, config.get("schema", "schema.graphql"), join(path, "schema"), out)
    kinds = [properties.get("AuthenticationType")]
    kinds += [provider.get("AuthenticationType") for provider in additional]
    if "API_KEY" in kinds:
        _api_keys(reader, config.get("apiKeys") or [], join(path, "apiKeys"), out)
    caching = reader.block(config.get("caching"), join(path, "caching"))
    if caching and caching.get("enabled") is not False:
        reader.caching_ttl = caching.get("ttl") or 3600
        out.add(
            "GraphQlCaching",
            "AWS::AppSync::ApiCache",
            {
                "ApiId": api_id(),
                "ApiCachingBehavior": caching.get("behavior"),
                "AtRestEncryptionEnabled": caching.get("atRestEncryption") or False,
                "TransitEncryptionEnabled": caching.get("transitEncryption") or False,
                "Ttl": caching.get("ttl") or 3600,
                "Type": caching.get("type") or "T2_SMALL",
            },
            join(path, "caching"),
        )
    for key, reason in _NOT_SERVED.items():
        if config.get(key) not in (None, False):
            reader.notice(join(path, key), f"accepted; no local effect ({reason})")


def _mapping(reader: PluginReader, config: dict[str, Any], key: str, path: str) -> dict[str, Any]:
    return reader.block(config.get(key), join(path, key))


def _tags(reader: PluginReader, config: dict[str, Any], path: str) -> list[tuple[str, Any]]:
    return list(_mapping(reader, config, "tags", path).items())


def _provider(
    reader: PluginReader, raw: Any, where: str, out: Compiled, *, additional: bool
) -> dict[str, Any] | None:
    """Api.compileAuthenticationProvider: `{type, config}` as CloudFormation's provider."""
    block = reader.mapping(raw, where, ("type", "config"))
    if block is None:
        return None
    kind = block.get("type")
    if kind not in _AUTH_TYPES:
        reader.problem(join(where, "type"), f"must be one of {', '.join(_AUTH_TYPES)}")
        return None
    provider: dict[str, Any] = {"AuthenticationType": kind}
    if kind in ("API_KEY", "AWS_IAM"):
        return provider
    config = block.get("config")
    config_where = join(where, "config")
    if not isinstance(config, dict):
        reader.problem(config_where, f"required for {kind}; expected a mapping")
        return None
    if kind == "AMAZON_COGNITO_USER_POOLS":
        if "userPoolId" not in config:
            reader.problem(join(config_where, "userPoolId"), "required")
        provider["UserPoolConfig"] = {
            "AwsRegion": config.get("awsRegion") or {"Fn::Sub": "${AWS::Region}"},
            "UserPoolId": config.get("userPoolId"),
            "AppIdClientRegex": config.get("appIdClientRegex"),
            **({} if additional else {"DefaultAction": config.get("defaultAction") or "ALLOW"}),
        }
    elif kind == "OPENID_CONNECT":
        if "issuer" not in config:
            reader.problem(join(config_where, "issuer"), "required")
        provider["OpenIDConnectConfig"] = {
            "Issuer": config.get("issuer"),
            "ClientId": config.get("clientId"),
            "IatTTL": config.get("iatTTL"),
            "AuthTTL": config.get("authTTL"),
        }
    else:
        arn = reader.lambda_arn(config, config_where, f"{reader.api_name}Authorizer", out)
        provider["LambdaAuthorizerConfig"] = {
            "AuthorizerUri": arn,
            "IdentityValidationExpression": config.get("identityValidationExpression"),
            "AuthorizerResultTtlInSeconds": config.get("authorizerResultTtlInSeconds"),
        }
    return provider


def _schema(reader: PluginReader, raw: Any, where: str, out: Compiled) -> None:
    """Schema.compile: the files (globs allowed) relative to the service file, in the order
    written; the plugin merges them into one document, as AppSync's files are read here."""
    names = raw if isinstance(raw, list) else [raw]
    files: list[Path] = []
    for index, name in enumerate(names):
        item = f"{where}[{index}]" if isinstance(raw, list) else where
        if not isinstance(name, str) or not name:
            reader.problem(item, "expected the path of a .graphql file, or a glob")
            continue
        pattern = str(reader.service_dir / name)
        found = sorted(Path(match).resolve() for match in glob.glob(pattern, recursive=True))
        if not found:
            reader.problem(item, f"no file matches {pattern}")
        files.extend(path for path in found if path not in files)
    out.schema = tuple(files)
    if files:
        out.add(
            SCHEMA,
            "AWS::AppSync::GraphQLSchema",
            {"ApiId": api_id(), "DefinitionS3Location": str(files[0])},
            where,
        )


def _api_keys(reader: PluginReader, raw: Any, where: str, out: Compiled) -> None:
    if not isinstance(raw, list):
        reader.problem(where, "expected a list of keys: names, or {name, description, ...}")
        return
    for index, item in enumerate(raw):
        item_where = f"{where}[{index}]"
        key = {"name": item} if isinstance(item, str) else item
        block = reader.mapping(
            key,
            item_where,
            ("name", "description", "expiresAfter", "expiresAt", "apiKeyId", "wafRules"),
        )
        if block is None:
            continue
        name = reader.string(block, "name", item_where, required=True)
        if name is None:
            continue
        expires = None
        if block.get("expiresAt") is not None and block.get("expiresAfter") is None:
            expires = _epoch(reader, block["expiresAt"], join(item_where, "expiresAt"))
        out.add(
            cfn_name(f"{API}{name}"),
            "AWS::AppSync::ApiKey",
            {
                "ApiId": api_id(),
                "Description": block.get("description") or name,
                "Expires": expires,
                "ApiKeyId": block.get("apiKeyId"),
            },
            item_where,
        )


def _epoch(reader: PluginReader, value: Any, where: str) -> int | None:
    """`expiresAt`: an ISO 8601 date-time (UTC when it names no zone), or epoch seconds."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return int(value)
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        reader.problem(where, f"expected an ISO 8601 date-time, got {value!r}")
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp())
