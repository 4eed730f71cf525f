"""`AWS::Lambda::EventSourceMapping` from a table's DynamoDB stream to a Lambda function, read
into the model for the local Lambda runtime (a SAM function's `Events: {Type: DynamoDB}` becomes
one through AWS's translator, a Serverless function's `stream` event through the framework's
compiler).

Properties are the resource's page of the CloudFormation User Guide, with Lambda's
CreateEventSourceMapping rules for a DynamoDB stream ("Lambda parameters for Amazon DynamoDB
event source mappings", services-ddb-params.html): `EventSourceArn` (`!GetAtt
Table.StreamArn`), `FunctionName` (a name, an ARN, `!Ref Fn`), `StartingPosition` (required:
`TRIM_HORIZON` or `LATEST`; `AT_TIMESTAMP` is Kinesis's), `BatchSize` (1 to 10,000, default
100), `MaximumRetryAttempts` (-1, retry until the record expires, the default, to 10,000),
`MaximumBatchingWindowInSeconds` (0 to 300), `Enabled` (default true), `FilterCriteria`
(`Filters: [{Pattern: "<json>"}]`, `definition.event_filters`), `FunctionResponseTypes`
(`[ReportBatchItemFailures]`), `BisectBatchOnFunctionError`, `MaximumRecordAgeInSeconds` (-1,
never, the default, or 60 to 604,800) and `DestinationConfig.OnFailure.Destination` (an SQS queue's
or SNS topic's ARN; an S3 bucket is accepted with a notice). The table must be one the template
declares with a `StreamSpecification`. A mapping from an SQS queue is `queue_sources`'; one from
another source (Kinesis, Kafka, MQ, DocumentDB) is accepted with a notice and reads nothing; so
are the properties the local poller does not act on (parallelization, tumbling windows, tags,
metrics).
"""

from __future__ import annotations

import re
from typing import Any

from definition.appsync_yaml.reader import join
from definition.cloudformation.properties import PropertyReader, boolean, integer
from definition.cloudformation.stack import Stack
from definition.event_filters import (
    MAXIMUM_FILTERS,
    EventFilterError,
    FilterPattern,
    parse_pattern,
)
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
_PARTIAL = "ReportBatchItemFailures"
# An SQS queue's ARN, the source of the mappings `queue_sources` reads.
QUEUE_ARN = re.compile(r"^arn:[\w-]+:sqs:[\w-]+:\d{12}:[^:/]+$")
# An on-failure destination: a standard SQS queue or SNS topic (services-ddb-params.html).
_DESTINATION_ARN = re.compile(r"^arn:[\w-]+:(?:sqs|sns):[\w-]+:\d{12}:(?P<name>[^:]+)$")
# MaximumRecordAgeInSeconds is -1 or at least a minute (the CDK's DynamoEventSource: "Minimum
# value of 60 seconds"; the Serverless Framework's stream.js schema: -1 or 60 to 604,800).
_YOUNGEST_AGE, _OLDEST_AGE = 60, 604_800
_NO_LOCAL_EFFECT = {
    "ParallelizationFactor": "one batch at a time per table",
    "TumblingWindowInSeconds": "no tumbling windows",
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
        if QUEUE_ARN.match(source or ""):
            continue  # a queue's mapping (`definition.cloudformation.queue_sources`)
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
        batch = bounded(reader, properties, "BatchSize", (1, 10_000), 100)
        retries = bounded(reader, properties, "MaximumRetryAttempts", (-1, 10_000), -1)
        window = bounded(reader, properties, "MaximumBatchingWindowInSeconds", (0, 300), 0)
        enabled = boolean(reader, properties, "Enabled", path) if "Enabled" in properties else True
        age = _record_age(reader, properties)
        filters = filter_patterns(reader, properties.get("FilterCriteria"))
        partial = partial_responses(reader, properties.get("FunctionResponseTypes"))
        destination = _on_failure(reader, properties.get("DestinationConfig"))
        if function is None or position is None:
            continue
        found.append(
            StreamMappingSpec(
                function_name=function_name_of(function),
                table_name=table,
                event_source_arn=str(source),
                starting_position=position,
                batch_size=batch,
                maximum_retry_attempts=retries,
                maximum_batching_window_seconds=window,
                enabled=enabled,
                key_path=f"{resource.logical_id}.Properties",
                filters=filters,
                report_batch_item_failures=partial,
                bisect_batch_on_function_error=boolean(
                    reader, properties, "BisectBatchOnFunctionError", path
                ),
                maximum_record_age_seconds=age,
                on_failure_destination=destination,
            )
        )
    return tuple(found)


def bounded(
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


def _record_age(reader: PropertyReader, properties: dict[str, Any]) -> int:
    age = integer(reader, properties, "MaximumRecordAgeInSeconds", "Properties")
    if age is None or age == -1:
        return -1
    if not _YOUNGEST_AGE <= age <= _OLDEST_AGE:
        reader.problem(
            "Properties.MaximumRecordAgeInSeconds", "expected -1 or an integer from 60 to 604800"
        )
        return -1
    return age


def filter_patterns(reader: PropertyReader, criteria: Any) -> tuple[FilterPattern, ...]:
    """FilterCriteria's patterns, each checked as CreateEventSourceMapping checks it."""
    path = "Properties.FilterCriteria"
    if criteria is None:
        return ()
    filters = criteria.get("Filters") if isinstance(criteria, dict) else None
    if not isinstance(filters, list):
        reader.problem(path, "expected {Filters: [{Pattern: <JSON text>}, ...]}")
        return ()
    if len(filters) > MAXIMUM_FILTERS:
        reader.problem(join(path, "Filters"), f"at most {MAXIMUM_FILTERS} filters")
    patterns = []
    for index, each in enumerate(filters):
        where = f"{path}.Filters[{index}].Pattern"
        text = each.get("Pattern") if isinstance(each, dict) else None
        if not isinstance(text, str):
            reader.problem(where, "expected the pattern as JSON text")
            continue
        try:
            patterns.append(parse_pattern(text))
        except EventFilterError as error:
            reader.problem(where, str(error))
    return tuple(patterns)


def partial_responses(reader: PropertyReader, types: Any) -> bool:
    """Whether FunctionResponseTypes turns on partial batch responses."""
    if types is None:
        return False
    if not isinstance(types, list) or any(each != _PARTIAL for each in types):
        reader.problem("Properties.FunctionResponseTypes", f"expected [{_PARTIAL}] or []")
        return False
    return bool(types)


def _on_failure(reader: PropertyReader, config: Any) -> str | None:
    """The ARN of DestinationConfig's OnFailure destination, if local delivery can reach it."""
    path = "Properties.DestinationConfig"
    if config is None:
        return None
    failure = config.get("OnFailure") if isinstance(config, dict) else None
    destination = failure.get("Destination") if isinstance(failure, dict) else None
    if not isinstance(destination, str):
        reader.problem(path, "expected {OnFailure: {Destination: <ARN>}}")
        return None
    where = join(path, "OnFailure.Destination")
    if re.match(r"^arn:[\w-]+:s3:::", destination):
        reader.notice(where, "accepted; no local effect yet (S3 destinations are not written)")
        return None
    matched = _DESTINATION_ARN.match(destination)
    if matched is None:
        reader.problem(where, f"expected an SQS queue's or SNS topic's ARN, got {destination!r}")
        return None
    if matched["name"].endswith(".fifo"):
        reader.problem(where, "expected a standard queue or topic: a FIFO one cannot be used")
        return None
    return destination


def function_name_of(identifier: str) -> str:
    """The function's name in a FunctionName: a name, an ARN or a partial ARN (`123456789012:
    function:name`), a version or alias qualifier left out (only $LATEST runs locally)."""
    parts = identifier.split(":")
    if "function" in parts:
        parts = parts[parts.index("function") + 1 :]
    return parts[0]
