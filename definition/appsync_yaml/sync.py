"""`syncConfig` of resolvers and functions: conflict detection on versioned data sources.

AppSync's SyncConfig (CreateResolver, CreateFunction): `conflictDetection` VERSION | NONE,
`conflictHandler` OPTIMISTIC_CONCURRENCY | AUTOMERGE | LAMBDA | NONE, and for LAMBDA
`lambdaConflictHandlerConfig.lambdaConflictHandlerArn`, the function (its ARN or name) the local
Lambda runtime runs; or, in its place, a local `handler` (`module:function`, as a Lambda data
source's), called in the server's process (it wins when both are given). Conflict
detection needs a versioned data source ("Conflict Detection, Conflict Resolution, and Sync
operations require a Versioned data source", Versioning DynamoDB data sources); elsewhere the
block does nothing and says so in a notice.
"""

from __future__ import annotations

from definition.appsync_yaml.accepted import accepted
from definition.appsync_yaml.reader import DefinitionReader, Raw, join
from definition.model import (
    ConflictDetectionType,
    ConflictHandlerType,
    DataSourceSpec,
    SyncConfig,
)

_SYNC_KEYS = ("conflictDetection", "conflictHandler", "lambdaConflictHandlerConfig")
_LAMBDA_KEYS = ("handler", "lambdaConflictHandlerArn")


def read_sync_config(reader: DefinitionReader, block: Raw, where: str) -> SyncConfig | None:
    raw = block.get("syncConfig")
    if raw is None:
        return None
    path = join(where, "syncConfig")
    sync = reader.mapping(raw, path, _SYNC_KEYS)
    if sync is None:
        return None
    detection = reader.enum(sync, "conflictDetection", path, ConflictDetectionType, None)
    handler = reader.enum(
        sync, "conflictHandler", path, ConflictHandlerType, ConflictHandlerType.NONE
    )
    function = arn = None
    lambda_path = join(path, "lambdaConflictHandlerConfig")
    if handler is ConflictHandlerType.LAMBDA:
        lambda_block = reader.mapping(
            sync.get("lambdaConflictHandlerConfig", {}), lambda_path, _LAMBDA_KEYS
        )
        if lambda_block is not None and "handler" not in lambda_block:
            arn = reader.string(
                lambda_block, "lambdaConflictHandlerArn", lambda_path, required=True
            )
        elif lambda_block is not None:
            function = reader.string(lambda_block, "handler", lambda_path, required=True)
            if function is not None and function.count(":") != 1:
                reader.problem(
                    join(lambda_path, "handler"), f"expected module:function, got {function!r}"
                )
                function = None
            if "lambdaConflictHandlerArn" in lambda_block:
                accepted(
                    reader,
                    join(lambda_path, "lambdaConflictHandlerArn"),
                    "the local `handler` is called",
                )
    elif "lambdaConflictHandlerConfig" in sync:
        reader.problem(lambda_path, "has no effect unless conflictHandler is LAMBDA")
    if detection is None or handler is None:
        return None
    if handler is ConflictHandlerType.LAMBDA and function is None and arn is None:
        return None
    return SyncConfig(detection, handler, function, arn)


def note_sync_without_effect(
    reader: DefinitionReader, sync: SyncConfig | None, source: DataSourceSpec | None, where: str
) -> None:
    """A `syncConfig` that detects conflicts where there is no versioned data source."""
    if sync is None or not sync.detects_conflicts:
        return
    if source is not None and source.dynamodb is not None and source.dynamodb.versioned:
        return
    what = (
        "a pipeline resolver has no data source"
        if source is None
        else (f"data source {source.name} is not a versioned DynamoDB data source")
    )
    # AppSync too detects no conflict there: the notice says why, nothing is refused.
    reader.notice(join(where, "syncConfig"), f"detects no conflict: {what}")
