"""`syncConfig` of resolvers and functions (AppSync's SyncConfig: conflictDetection,
conflictHandler, lambdaConflictHandlerConfig: the function's ARN, or a local `handler` in its
place). Conflict detection needs a versioned data source ("Versioning DynamoDB data sources");
elsewhere the block is accepted with a notice."""

from __future__ import annotations

from pathlib import Path

from definition.appsync_yaml.api import read_appsync_yaml
from definition.model import ConflictDetectionType, ConflictHandlerType, SyncConfig
from tests.unit.definition.appsync_yaml.appsync_yaml_support import (
    HEAD,
    problems,
    write_definition,
)

SCHEMA = "type Query { a: String b: String c: String }\n"
CODE = "def request(ctx):\n    return {}\n\ndef response(ctx):\n    return ctx.result\n"
SOURCES = """
dataSources:
  - name: Posts
    type: AMAZON_DYNAMODB
    dynamodbConfig:
      tableName: Post
      versioned: true
      deltaSyncConfig: {baseTableTTL: 43200, deltaSyncTableName: Delta, deltaSyncTableTTL: 30}
  - {name: Plain, type: AMAZON_DYNAMODB, dynamodbConfig: {tableName: Plain}}
"""


def _write(folder: Path, text: str) -> Path:
    (folder / "code.py").write_text(CODE)
    return write_definition(folder, SCHEMA, HEAD + SOURCES + text)


def test_each_handler_is_read_with_its_lambda_function(tmp_path: Path) -> None:
    text = """
functions:
  - name: save
    dataSourceName: Posts
    code: code.py
    syncConfig:
      conflictDetection: VERSION
      conflictHandler: LAMBDA
      lambdaConflictHandlerConfig:
        handler: "conflicts:resolve"
        lambdaConflictHandlerArn: arn:aws:lambda:us-east-1:123456789012:function:resolve
resolvers:
  - typeName: Query
    fieldName: a
    dataSourceName: Posts
    code: code.py
    syncConfig: {conflictDetection: VERSION, conflictHandler: AUTOMERGE}
  - {typeName: Query, fieldName: b, kind: PIPELINE, pipelineConfig: {functions: [save]}}
  - typeName: Query
    fieldName: c
    dataSourceName: Posts
    code: code.py
    syncConfig:
      conflictDetection: VERSION
      conflictHandler: LAMBDA
      lambdaConflictHandlerConfig: {lambdaConflictHandlerArn: resolve}
"""
    definition = read_appsync_yaml(_write(tmp_path, text))
    assert definition.resolvers[2].sync_config == SyncConfig(
        ConflictDetectionType.VERSION,
        ConflictHandlerType.LAMBDA,
        lambda_conflict_handler_arn="resolve",
    )
    assert definition.functions[0].sync_config == SyncConfig(
        ConflictDetectionType.VERSION, ConflictHandlerType.LAMBDA, "conflicts:resolve"
    )
    assert definition.resolvers[0].sync_config == SyncConfig(
        ConflictDetectionType.VERSION, ConflictHandlerType.AUTOMERGE
    )
    assert [(notice.key_path, notice.message) for notice in definition.notices] == [
        (
            "functions[0].syncConfig.lambdaConflictHandlerConfig.lambdaConflictHandlerArn",
            "accepted; no local effect yet (the local `handler` is called)",
        )
    ]


def test_a_sync_config_without_a_versioned_data_source_detects_nothing(tmp_path: Path) -> None:
    text = """
functions:
  - {name: save, dataSourceName: Posts, code: code.py}
resolvers:
  - typeName: Query
    fieldName: a
    dataSourceName: Plain
    code: code.py
    syncConfig: {conflictDetection: VERSION, conflictHandler: OPTIMISTIC_CONCURRENCY}
  - typeName: Query
    fieldName: b
    kind: PIPELINE
    pipelineConfig: {functions: [save]}
    syncConfig: {conflictDetection: VERSION, conflictHandler: AUTOMERGE}
  - typeName: Query
    fieldName: c
    dataSourceName: Posts
    code: code.py
    syncConfig: {conflictDetection: NONE}
"""
    definition = read_appsync_yaml(_write(tmp_path, text))
    assert [(notice.key_path, notice.message) for notice in definition.notices] == [
        (
            "resolvers[0].syncConfig",
            "detects no conflict: data source Plain is not a versioned DynamoDB data source",
        ),
        ("resolvers[1].syncConfig", "detects no conflict: a pipeline resolver has no data source"),
    ]
    assert definition.resolvers[2].sync_config == SyncConfig(ConflictDetectionType.NONE)


def test_a_lambda_handler_needs_its_function_and_only_it_takes_one(tmp_path: Path) -> None:
    text = """
resolvers:
  - typeName: Query
    fieldName: a
    dataSourceName: Posts
    code: code.py
    syncConfig: {conflictDetection: VERSION, conflictHandler: LAMBDA}
  - typeName: Query
    fieldName: b
    dataSourceName: Posts
    code: code.py
    syncConfig:
      conflictDetection: VERSION
      conflictHandler: AUTOMERGE
      lambdaConflictHandlerConfig: {handler: "conflicts:resolve"}
  - typeName: Query
    fieldName: c
    dataSourceName: Posts
    code: code.py
    syncConfig: {conflictHandler: MERGE, lambdaConflictHandlerConfig: {handler: resolve}}
"""
    assert problems(_write(tmp_path, text)) == [
        "resolvers[0].syncConfig.lambdaConflictHandlerConfig.lambdaConflictHandlerArn: "
        "required; expected a non-empty string",
        "resolvers[1].syncConfig.lambdaConflictHandlerConfig: "
        "has no effect unless conflictHandler is LAMBDA",
        "resolvers[2].syncConfig.conflictDetection: required; expected one of VERSION | NONE",
        "resolvers[2].syncConfig.conflictHandler: "
        "expected one of OPTIMISTIC_CONCURRENCY | AUTOMERGE | LAMBDA | NONE, got 'MERGE'",
        "resolvers[2].syncConfig.lambdaConflictHandlerConfig: "
        "has no effect unless conflictHandler is LAMBDA",
    ]
