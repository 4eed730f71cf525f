"""Fields of AppSync's API model that the local server accepts without acting on them (yet).

From botocore's appsync model: CreateGraphqlApi's `logConfig`, `tags`, `xrayEnabled`, `apiType`,
`mergedApiExecutionRoleArn`, `visibility`, `ownerContact` and `enhancedMetricsConfig`;
CreateResolver's `metricsConfig`; CreateFunction's `maxBatchSize`;
CreateDataSource's `serviceRoleArn`, `metricsConfig`, `lambdaConfig.lambdaFunctionArn` and
`dynamodbConfig.useCallerCredentials`. Each is checked for its shape, as AppSync would check it,
and recorded as a `Notice` naming the field, which the server logs once when the API loads:
never refused, never silent. A value that asks for what the server does anyway (`xrayEnabled:
false`, `apiType: GRAPHQL`, `visibility: GLOBAL`) needs no notice. `logConfig` and
`cachingConfig` keep their values, typed: the API's log (`appsync.api_log`) follows `logConfig`,
the API cache (`appsync.api_cache`) `cachingConfig` and `apiCache`, without a notice.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from definition.appsync_yaml.reader import DefinitionReader, Raw, join, kind
from definition.model import (
    ApiCacheSpec,
    ApiCachingBehavior,
    CachingConfig,
    FieldLogLevel,
    LogConfig,
)

# CreateGraphqlApi's fields read here (`xrayEnabled` is among the API's own keys already).
API_FIELDS = (
    *["logConfig", "tags", "apiType", "mergedApiExecutionRoleArn", "visibility"],
    *["ownerContact", "enhancedMetricsConfig"],
)
_LOG_KEYS = ("fieldLogLevel", "cloudWatchLogsRoleArn", "excludeVerboseContent")
_METRICS_KEYS = {
    "resolverLevelMetricsBehavior": ("FULL_REQUEST_RESOLVER_METRICS", "PER_RESOLVER_METRICS"),
    "dataSourceLevelMetricsBehavior": (
        "FULL_REQUEST_DATA_SOURCE_METRICS",
        "PER_DATA_SOURCE_METRICS",
    ),
    "operationLevelMetricsConfig": ("ENABLED", "DISABLED"),
}
_NO_METRICS = "no enhanced metrics: /metrics has the standard ones"
# AppSync's cache TTL range, in seconds (CachingConfig.ttl, ApiCache.ttl).
_TTL_RANGE = (1, 3600)
# The maps a caching key may read (CachingConfig.cachingKeys).
_CACHING_KEY_PREFIXES = ("$context.arguments.", "$context.source.", "$context.identity.")
_API_CACHE_KEYS = (
    *["ttl", "apiCachingBehavior", "type", "transitEncryptionEnabled"],
    *["atRestEncryptionEnabled", "healthMetricsConfig"],
)
# botocore's ApiCacheType.
_CACHE_TYPES = (
    *["SMALL", "MEDIUM", "LARGE", "XLARGE", "LARGE_2X", "LARGE_4X", "LARGE_8X", "LARGE_12X"],
    *["T2_SMALL", "T2_MEDIUM", "R4_LARGE", "R4_XLARGE", "R4_2XLARGE", "R4_4XLARGE", "R4_8XLARGE"],
)


def accepted(reader: DefinitionReader, key_path: str, reason: str) -> None:
    """The notice for one field accepted without a local effect."""
    reader.notice(key_path, f"accepted; no local effect yet ({reason})")


def read_api_fields(reader: DefinitionReader, top: Raw) -> LogConfig | None:
    """The API-level fields of `API_FIELDS` and `xrayEnabled`; the typed `logConfig`."""
    if reader.boolean(top, "xrayEnabled", ""):
        accepted(reader, "xrayEnabled", "no X-Ray traces are recorded")
    log_config = _log_config(reader, top.get("logConfig"))
    if "tags" in top:
        tags = top["tags"]
        if not isinstance(tags, dict) or not all(
            isinstance(key, str) and isinstance(value, str) for key, value in tags.items()
        ):
            reader.problem("tags", f"expected a mapping of strings to strings, got {kind(tags)}")
        else:
            accepted(reader, "tags", "tags are not listed by any local API")
    if _choice(reader, top, "apiType", "", ("GRAPHQL", "MERGED")) == "MERGED":
        accepted(reader, "apiType", "source APIs are not merged locally")
    if reader.string(top, "mergedApiExecutionRoleArn", "", required=False) is not None:
        accepted(reader, "mergedApiExecutionRoleArn", "source APIs are not merged locally")
    if _choice(reader, top, "visibility", "", ("GLOBAL", "PRIVATE")) == "PRIVATE":
        accepted(reader, "visibility", "the API answers on the local address whatever it says")
    if reader.string(top, "ownerContact", "", required=False) is not None:
        accepted(reader, "ownerContact", "not used locally")
    metrics = top.get("enhancedMetricsConfig")
    if metrics is not None:
        block = reader.mapping(metrics, "enhancedMetricsConfig", tuple(_METRICS_KEYS))
        if block is not None:
            for key, choices in _METRICS_KEYS.items():
                _choice(reader, block, key, "enhancedMetricsConfig", choices, required=True)
            accepted(reader, "enhancedMetricsConfig", _NO_METRICS)
    return log_config


def _log_config(reader: DefinitionReader, raw: Any) -> LogConfig | None:
    if raw is None:
        return None
    block = reader.mapping(raw, "logConfig", _LOG_KEYS)
    if block is None:
        return None
    level = reader.enum(block, "fieldLogLevel", "logConfig", FieldLogLevel, None)
    role = reader.string(block, "cloudWatchLogsRoleArn", "logConfig", required=False)
    exclude = reader.boolean(block, "excludeVerboseContent", "logConfig")
    if level is None:
        return None
    return LogConfig(level, role, exclude)


def read_caching_config(reader: DefinitionReader, block: Raw, where: str) -> CachingConfig | None:
    """A resolver's `cachingConfig {ttl, cachingKeys}`."""
    raw = block.get("cachingConfig")
    if raw is None:
        return None
    path = join(where, "cachingConfig")
    caching = reader.mapping(raw, path, ("ttl", "cachingKeys"))
    if caching is None:
        return None
    if "ttl" not in caching:
        reader.problem(join(path, "ttl"), "required; expected seconds from 1 to 3600")
        return None
    ttl = reader.integer(caching, "ttl", path, *_TTL_RANGE, 0)
    keys = caching.get("cachingKeys") or []
    if not isinstance(keys, list) or not all(isinstance(key, str) for key in keys):
        reader.problem(join(path, "cachingKeys"), "expected a list of $context paths")
        return None
    if not ttl:
        return None
    for index, key in enumerate(keys):
        if not key.startswith(_CACHING_KEY_PREFIXES):
            reader.problem(
                join(path, f"cachingKeys[{index}]"),
                "expected an entry of $context.arguments, $context.source or $context.identity",
            )
    return CachingConfig(ttl, tuple(keys))


def read_api_cache(reader: DefinitionReader, top: Raw) -> ApiCacheSpec | None:
    """`apiCache {ttl, apiCachingBehavior, type, transitEncryptionEnabled,
    atRestEncryptionEnabled, healthMetricsConfig}`: CreateApiCache's fields."""
    raw = top.get("apiCache")
    if raw is None:
        return None
    block = reader.mapping(raw, "apiCache", _API_CACHE_KEYS)
    if block is None:
        return None
    behavior = reader.enum(block, "apiCachingBehavior", "apiCache", ApiCachingBehavior, None)
    if "ttl" not in block:
        reader.problem("apiCache.ttl", "required; expected seconds from 1 to 3600")
    ttl = reader.integer(block, "ttl", "apiCache", *_TTL_RANGE, 0)
    cache_type = _choice(reader, block, "type", "apiCache", _CACHE_TYPES) or "SMALL"
    _choice(reader, block, "healthMetricsConfig", "apiCache", ("ENABLED", "DISABLED"))
    transit = reader.boolean(block, "transitEncryptionEnabled", "apiCache")
    at_rest = reader.boolean(block, "atRestEncryptionEnabled", "apiCache")
    if behavior is None or not ttl:
        return None
    return ApiCacheSpec(behavior, cache_type, ttl, at_rest, transit)


def note_metrics_config(reader: DefinitionReader, block: Raw, where: str) -> None:
    """`metricsConfig` of a resolver or data source: ENABLED or DISABLED."""
    if _choice(reader, block, "metricsConfig", where, ("ENABLED", "DISABLED")) == "ENABLED":
        accepted(reader, join(where, "metricsConfig"), _NO_METRICS)


def note_unused(reader: DefinitionReader, block: Mapping[str, Any], where: str) -> None:
    """The data source and function fields that name AWS resources the server does not use:
    each present one (a true `useCallerCredentials`) gets its notice."""
    reasons = {
        "serviceRoleArn": "calls are made with the local credentials, not the role",
        "lambdaFunctionArn": "the local `handler` is called",
        "useCallerCredentials": "calls are made with the local credentials, not the caller's",
        "maxBatchSize": "a function's Lambda calls are not batched locally",
    }
    for key, reason in reasons.items():
        if block.get(key) not in (None, False, 0):
            accepted(reader, join(where, key), reason)


def _choice(
    reader: DefinitionReader,
    block: Raw,
    key: str,
    path: str,
    choices: tuple[str, ...],
    *,
    required: bool = False,
) -> str | None:
    value = block.get(key)
    if value is None:
        if required:
            reader.problem(join(path, key), f"required; expected one of {' | '.join(choices)}")
        return None
    if value not in choices:
        reader.problem(join(path, key), f"expected one of {' | '.join(choices)}, got {value!r}")
        return None
    return str(value)
