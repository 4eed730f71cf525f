"""`AWS::Lambda::EventSourceMapping` from a table's DynamoDB stream to a Lambda function, read
into the model for the local Lambda runtime (a SAM function's `Events: {Type: DynamoDB}` becomes
one through AWS's translator).

Properties are the resource's page of the CloudFormation User Guide, with Lambda's
CreateEventSourceMapping rules for a DynamoDB stream: `EventSourceArn` (`!GetAtt
Table.StreamArn`), `FunctionName` (a name, an ARN, `!Ref Fn`), `StartingPosition` (required:
`TRIM_HORIZON` or `LATEST`; `AT_TIMESTAMP` is Kinesis's), `BatchSize` (1 to 10,000, default
100), `MaximumRetryAttempts` (-1, retry until the record expires, the default, to 10,000),
`MaximumBatchingWindowInSeconds` (0 to 300), `Enabled` (default true). The table must be one
the template declares with a `StreamSpecification`. A mapping from another source (SQS,
Kinesis, Kafka, MQ, DocumentDB) is accepted with a notice and reads nothing; so are the
properties the local poller does not act on (filters, destinations, bisecting, parallelization,
windows, partial batch responses, record age).
"""

from __future__ import annotations

import re
from typing import Any

from definition.appsync_yaml.reader import join
from definition.cloudformation.properties import PropertyReader, boolean, integer
from definition.cloudformation.stack import Stack
from definition.model import StartingPosition, StreamMappingSpec, TableDeclaration

EVENT_SOURCE_MAPPING = "AWS::Lambda::EventSourceMapping"
_STREAM_ARN = re.compile(r"^arn:[\w-]+:dynamodb:[\w-]+:\d{12}:table/(?P<table>[^/]+)/stream/.+$")
_KEYS = (
    *["EventSourceArn", "FunctionName", "StartingPosition", "StartingPositionTimestamp"],
    *["BatchSize", "MaximumRetryAttempts", "MaximumBatchingWindowInSeconds", "Enabled"],
    *["FilterCriteria", "DestinationConfig", "BisectBatchOnFunctionError"],
    *["ParallelizationFactor", "TumblingWindowInSeconds", "FunctionResponseTypes"],
    *["MaximumRecordAgeInSeconds", "Tags", "KmsKeyArn", "MetricsConfig", "ProvisionedPollerConfig"],
    *["Queues", "Topics", "SourceAccessConfigurations", "SelfManagedEventSource", "ScalingConfig"],
    *["AmazonManagedKafkaEventSourceConfig", "SelfManagedKafkaEventSourceConfig"],
    "DocumentDBEventSourceConfig",
)
_NO_LOCAL_EFFECT = {
    "FilterCriteria": "every record is delivered: filters are not applied",
    "DestinationConfig": "a discarded batch is logged, not sent on-failure",
    "BisectBatchOnFunctionError": "a failed batch is retried whole",
    "ParallelizationFactor": "one batch at a time per table",
    "TumblingWindowInSeconds": "no tumbling windows",
    "FunctionResponseTypes": "a partial batch response is not read: the batch is retried whole",
    "MaximumRecordAgeInSeconds": "records do not age out locally",
    "Tags": "tags are not listed",
    "MetricsConfig": "no CloudWatch metrics",
    "ProvisionedPollerConfig": "one local poller",
}


def read_stream_mappings(
    stack: Stack, tables: tuple[TableDeclaration, ...]
) -> tuple[StreamMappingSpec, ...]:
    """The stack's mappings from DynamoDB streams (`tables`: the tables the template declares)."""
    streams = {
        table.table_name for table in tables if "StreamSpecification" in table.create_table_input
    }
    found = []
    for resource in stack.of_type(EVENT_SOURCE_MAPPING):
        properties = stack.properties(resource.logical_id)
        if properties is None:
            continue
        reader = PropertyReader(stack, resource.logical_id)
        path = "Properties"
        reader.allowed(properties, path, _KEYS)
        source = reader.string(properties, "EventSourceArn", path, required=False)
        matched = _STREAM_ARN.match(source or "")
        if matched is None:
            reader.notice(
                join(path, "EventSourceArn"),
                "accepted; no local effect yet (only DynamoDB streams are read locally: "
                f"{source or 'a self-managed source'} is not)",
            )
            continue
        reader.accepted(properties, path, _NO_LOCAL_EFFECT)
        table = matched["table"]
        if table not in streams:
            reader.problem(
                join(path, "EventSourceArn"),
                f"the table {table} is not declared with a StreamSpecification in the template",
            )
        function = reader.string(properties, "FunctionName", path, required=True)
        position = reader.enum(properties, "StartingPosition", path, StartingPosition, None)
        if position is None and "StartingPosition" not in properties:
            reader.problem(
                join(path, "StartingPosition"),
                "required for a DynamoDB stream: TRIM_HORIZON or LATEST",
            )
        batch = _bounded(reader, properties, "BatchSize", (1, 10_000), 100)
        retries = _bounded(reader, properties, "MaximumRetryAttempts", (-1, 10_000), -1)
        window = _bounded(reader, properties, "MaximumBatchingWindowInSeconds", (0, 300), 0)
        enabled = boolean(reader, properties, "Enabled", path) if "Enabled" in properties else True
        if function is None or position is None:
            continue
        found.append(
            StreamMappingSpec(
                function_name=_function_name(function),
                table_name=table,
                event_source_arn=str(source),
                starting_position=position,
                batch_size=batch,
                maximum_retry_attempts=retries,
                maximum_batching_window_seconds=window,
                enabled=enabled,
                key_path=f"{resource.logical_id}.Properties",
            )
        )
    return tuple(found)


def _bounded(
    reader: PropertyReader,
    properties: dict[str, Any],
    key: str,
    bounds: tuple[int, int],
    default: int,
) -> int:
    value = integer(reader, properties, key, "Properties")
    if value is None:
        return default
    low, high = bounds
    if not low <= value <= high:
        reader.problem(f"Properties.{key}", f"expected an integer from {low} to {high}")
        return default
    return value


def _function_name(identifier: str) -> str:
    """The function's name in a FunctionName: a name, an ARN or a partial ARN (`123456789012:
    function:name`), a version or alias qualifier left out (only $LATEST runs locally)."""
    parts = identifier.split(":")
    if "function" in parts:
        parts = parts[parts.index("function") + 1 :]
    return parts[0]
