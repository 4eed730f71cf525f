"""AppSync fields the local server accepts without acting on them: each shape checked as
AppSync's API model types it (botocore's appsync service model: CreateGraphqlApi, CreateResolver,
CreateFunction, CreateDataSource), each present one named in a notice, none refused."""

from __future__ import annotations

from pathlib import Path

from definition.appsync_yaml.api import read_appsync_yaml
from definition.model import (
    ApiCacheSpec,
    ApiCachingBehavior,
    CachingConfig,
    FieldLogLevel,
    LogConfig,
)
from tests.unit.definition.appsync_yaml.appsync_yaml_support import (
    HEAD,
    problems,
    write_definition,
)

SCHEMA = "type Query { a: String b: String }\n"
CODE = "def request(ctx):\n    return {}\n\ndef response(ctx):\n    return ctx.result\n"
NO_EFFECT = "accepted; no local effect yet"

EVERY_FIELD = f"""{HEAD}
apiKeys: [{{id: da2-key}}]
xrayEnabled: true
logConfig:
  fieldLogLevel: ALL
  cloudWatchLogsRoleArn: arn:aws:iam::123456789012:role/appsync-logs
  excludeVerboseContent: true
tags: {{team: mobile}}
apiType: MERGED
mergedApiExecutionRoleArn: arn:aws:iam::123456789012:role/merged
visibility: PRIVATE
ownerContact: mobile@example.com
enhancedMetricsConfig:
  resolverLevelMetricsBehavior: PER_RESOLVER_METRICS
  dataSourceLevelMetricsBehavior: FULL_REQUEST_DATA_SOURCE_METRICS
  operationLevelMetricsConfig: ENABLED
dataSources:
  - name: Fn
    type: AWS_LAMBDA
    serviceRoleArn: arn:aws:iam::123456789012:role/appsync-lambda
    metricsConfig: ENABLED
    lambdaConfig:
      handler: "handlers:fn"
      lambdaFunctionArn: arn:aws:lambda:us-east-1:123456789012:function:fn
  - name: Table
    type: AMAZON_DYNAMODB
    dynamodbConfig: {{tableName: T, useCallerCredentials: true}}
functions:
  - {{name: f, dataSourceName: Fn, code: code.py, maxBatchSize: 10}}
resolvers:
  - typeName: Query
    fieldName: a
    dataSourceName: Fn
    code: code.py
    metricsConfig: ENABLED
    cachingConfig: {{ttl: 60, cachingKeys: ["$context.arguments.id"]}}
  - {{typeName: Query, fieldName: b, kind: PIPELINE, pipelineConfig: {{functions: [f]}}}}
"""


def _write(folder: Path, text: str) -> Path:
    (folder / "code.py").write_text(CODE)
    return write_definition(folder, SCHEMA, text)


def test_every_field_without_a_local_effect_loads_with_one_notice_each(tmp_path: Path) -> None:
    definition = read_appsync_yaml(_write(tmp_path, EVERY_FIELD))
    assert [(notice.key_path, notice.message) for notice in definition.notices] == [
        (
            "dataSources[0].serviceRoleArn",
            f"{NO_EFFECT} (calls are made with the local credentials, not the role)",
        ),
        (
            "dataSources[0].metricsConfig",
            f"{NO_EFFECT} (no enhanced metrics: /metrics has the standard ones)",
        ),
        (
            "dataSources[0].lambdaConfig.lambdaFunctionArn",
            f"{NO_EFFECT} (the local `handler` is called)",
        ),
        (
            "dataSources[1].dynamodbConfig.useCallerCredentials",
            f"{NO_EFFECT} (calls are made with the local credentials, not the caller's)",
        ),
        (
            "functions[0].maxBatchSize",
            f"{NO_EFFECT} (a function's Lambda calls are not batched locally)",
        ),
        (
            "resolvers[0].metricsConfig",
            f"{NO_EFFECT} (no enhanced metrics: /metrics has the standard ones)",
        ),
        ("xrayEnabled", f"{NO_EFFECT} (no X-Ray traces are recorded)"),
        ("tags", f"{NO_EFFECT} (tags are not listed by any local API)"),
        ("apiType", f"{NO_EFFECT} (source APIs are not merged locally)"),
        ("mergedApiExecutionRoleArn", f"{NO_EFFECT} (source APIs are not merged locally)"),
        ("visibility", f"{NO_EFFECT} (the API answers on the local address whatever it says)"),
        ("ownerContact", f"{NO_EFFECT} (not used locally)"),
        (
            "enhancedMetricsConfig",
            f"{NO_EFFECT} (no enhanced metrics: /metrics has the standard ones)",
        ),
    ]
    assert all(notice.file == str(tmp_path / "appsync.yaml") for notice in definition.notices)
    # Kept, typed: the API's log follows logConfig and the API cache cachingConfig (no notice).
    assert definition.log_config == LogConfig(
        FieldLogLevel.ALL, "arn:aws:iam::123456789012:role/appsync-logs", True
    )
    assert definition.resolvers[0].caching_config == CachingConfig(60, ("$context.arguments.id",))


def test_values_that_ask_for_what_the_server_does_get_no_notice(tmp_path: Path) -> None:
    text = f"""{HEAD}
xrayEnabled: false
apiType: GRAPHQL
visibility: GLOBAL
dataSources:
  - name: Table
    type: AMAZON_DYNAMODB
    dynamodbConfig: {{tableName: T, useCallerCredentials: false}}
  - {{name: Local, type: NONE, metricsConfig: DISABLED}}
"""
    assert read_appsync_yaml(_write(tmp_path, text)).notices == ()


def test_their_shapes_are_checked_as_appsyncs_model_types_them(tmp_path: Path) -> None:
    text = f"""{HEAD}
xrayEnabled: "yes"
logConfig: {{cloudWatchLogsRoleArn: arn}}
tags: [team]
apiType: FEDERATED
enhancedMetricsConfig: {{operationLevelMetricsConfig: MAYBE}}
dataSources: [{{name: Local, type: NONE, metricsConfig: true}}]
resolvers:
  - typeName: Query
    fieldName: a
    dataSourceName: Local
    code: code.py
    cachingConfig: {{ttl: 7200}}
"""
    assert problems(_write(tmp_path, text)) == [
        "dataSources[0].metricsConfig: expected one of ENABLED | DISABLED, got True",
        "resolvers[0].cachingConfig.ttl: expected an integer from 1 to 3600",
        "xrayEnabled: expected true or false, got str",
        "logConfig.fieldLogLevel: required; expected one of NONE | ERROR | ALL | INFO | DEBUG",
        "tags: expected a mapping of strings to strings, got list",
        "apiType: expected one of GRAPHQL | MERGED, got 'FEDERATED'",
        "enhancedMetricsConfig.resolverLevelMetricsBehavior: required; expected one of "
        "FULL_REQUEST_RESOLVER_METRICS | PER_RESOLVER_METRICS",
        "enhancedMetricsConfig.dataSourceLevelMetricsBehavior: required; expected one of "
        "FULL_REQUEST_DATA_SOURCE_METRICS | PER_DATA_SOURCE_METRICS",
        "enhancedMetricsConfig.operationLevelMetricsConfig: expected one of ENABLED | DISABLED, "
        "got 'MAYBE'",
    ]


def test_appsyncs_other_data_source_types_load_with_a_notice(tmp_path: Path) -> None:
    # CreateDataSource's types (botocore's DataSourceType) the server does not serve yet.
    text = f"""{HEAD}
dataSources:
  - name: Search
    type: AMAZON_OPENSEARCH_SERVICE
    openSearchServiceConfig: {{endpoint: "https://search.example.com", awsRegion: us-east-1}}
  - name: Sql
    type: RELATIONAL_DATABASE
    relationalDatabaseConfig: {{relationalDatabaseSourceType: RDS_HTTP_ENDPOINT}}
  - {{name: Bus, type: AMAZON_EVENTBRIDGE, eventBridgeConfig: {{eventBusArn: arn}}}}
  - {{name: Model, type: AMAZON_BEDROCK_RUNTIME}}
"""
    definition = read_appsync_yaml(_write(tmp_path, text))
    assert [(notice.key_path, notice.message) for notice in definition.notices] == [
        (
            f"dataSources[{index}].type",
            f"{NO_EFFECT} (a {kind} data source is not served locally: its resolvers fail)",
        )
        for index, kind in enumerate(
            [
                "AMAZON_OPENSEARCH_SERVICE",
                "RELATIONAL_DATABASE",
                "AMAZON_EVENTBRIDGE",
                "AMAZON_BEDROCK_RUNTIME",
            ]
        )
    ]


def test_a_function_version_other_than_2018_05_29_is_refused(tmp_path: Path) -> None:
    # "Note: Only 2018-05-29 version is currently supported in functions" (resolver mapping
    # template changelog).
    text = f"""{HEAD}
dataSources: [{{name: Local, type: NONE}}]
functions:
  - {{name: f, dataSourceName: Local, code: code.py, functionVersion: "2017-02-28"}}
"""
    assert problems(_write(tmp_path, text)) == [
        "functions[0].functionVersion: expected 2018-05-29, got '2017-02-28'"
    ]


def test_api_cache_and_caching_keys_are_read_as_appsyncs_model_types_them(tmp_path: Path) -> None:
    text = f"""{HEAD}
apiCache: {{ttl: 120, apiCachingBehavior: PER_RESOLVER_CACHING, type: LARGE}}
server: {{apiCache: {{redisUrl: "redis://127.0.0.1:6379/2"}}}}
dataSources: [{{name: Local, type: NONE}}]
resolvers:
  - typeName: Query
    fieldName: a
    dataSourceName: Local
    code: code.py
    cachingConfig: {{ttl: 30, cachingKeys: ["$context.identity.sub", "$context.arguments.id"]}}
"""
    definition = read_appsync_yaml(_write(tmp_path, text))
    assert definition.api_cache == ApiCacheSpec(
        ApiCachingBehavior.PER_RESOLVER_CACHING, "LARGE", 120
    )
    assert definition.server.api_cache_redis_url == "redis://127.0.0.1:6379/2"
    assert definition.resolvers[0].caching_config == CachingConfig(
        30, ("$context.identity.sub", "$context.arguments.id")
    )
    assert definition.notices == ()


def test_api_cache_problems_name_their_key(tmp_path: Path) -> None:
    text = f"""{HEAD}
apiCache: {{ttl: 0, apiCachingBehavior: SOMETIMES, type: HUGE}}
server: {{apiCache: {{redisUrl: "http://cache"}}}}
dataSources: [{{name: Local, type: NONE}}]
resolvers:
  - typeName: Query
    fieldName: a
    dataSourceName: Local
    code: code.py
    cachingConfig: {{ttl: 30, cachingKeys: ["$context.stash.id"]}}
"""
    found = problems(_write(tmp_path, text))
    assert any("apiCache.apiCachingBehavior: expected one of" in p for p in found)
    assert any("apiCache.ttl" in p for p in found)
    assert any("apiCache.type: expected one of SMALL" in p for p in found)
    assert any("server.apiCache.redisUrl: not a Redis URL" in p for p in found)
    assert any(
        "resolvers[0].cachingConfig.cachingKeys[0]: expected an entry of $context.arguments" in p
        for p in found
    )
