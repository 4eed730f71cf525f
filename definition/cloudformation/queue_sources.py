"""`AWS::Lambda::EventSourceMapping` from an SQS queue to a Lambda function (a SAM function's
`Events: {Type: SQS}` becomes one through AWS's translator, a Serverless function's `sqs` event
through the framework's compiler), read into the model for the local poller
(`appsync.queue_mappings`).

As "Lambda parameters for Amazon SQS event source mappings" (AWS Lambda Developer Guide,
services-sqs-parameters.html) has them: `EventSourceArn` (`!GetAtt Queue.Arn`), `FunctionName`,
`BatchSize` (1 to 10,000, 10 by default; at most 10 for a FIFO queue; above 10 only with a
`MaximumBatchingWindowInSeconds` of at least 1), `MaximumBatchingWindowInSeconds` (0 to 300),
`Enabled`, `FilterCriteria` and `FunctionResponseTypes` (`[ReportBatchItemFailures]`).
`ScalingConfig` is accepted with a notice (one batch at a time locally). The stream sources'
parameters (`StartingPosition`, `MaximumRetryAttempts`, `BisectBatchOnFunctionError`,
`DestinationConfig`, `MaximumRecordAgeInSeconds`, `ParallelizationFactor`,
`TumblingWindowInSeconds`) are problems, as CreateEventSourceMapping refuses them for a queue:
a queue's failures go to its own dead-letter queue (its `RedrivePolicy`).
"""

from __future__ import annotations

from definition.appsync_yaml.reader import join
from definition.cloudformation.event_sources import (
    EVENT_SOURCE_MAPPING,
    QUEUE_ARN,
    bounded,
    filter_patterns,
    function_name_of,
    partial_responses,
)
from definition.cloudformation.properties import PropertyReader, boolean
from definition.cloudformation.stack import Stack
from definition.service_resources import QueueMappingSpec

_STREAM_ONLY = (
    *["StartingPosition", "StartingPositionTimestamp", "MaximumRetryAttempts"],
    *["BisectBatchOnFunctionError", "DestinationConfig", "MaximumRecordAgeInSeconds"],
    *["ParallelizationFactor", "TumblingWindowInSeconds"],
)
_NO_LOCAL_EFFECT = {
    "ScalingConfig": "one batch at a time per queue",
    "Tags": "tags are not listed",
    "MetricsConfig": "no CloudWatch metrics",
    "KmsKeyArn": "filters are not encrypted locally",
}
# The largest batch without a batching window, and a FIFO queue's largest.
_PLAIN_BATCH = 10


def read_queue_mappings(stack: Stack) -> tuple[QueueMappingSpec, ...]:
    found = []
    for resource in stack.of_type(EVENT_SOURCE_MAPPING):
        properties = stack.properties(resource.logical_id)
        if properties is None:
            continue
        source = properties.get("EventSourceArn")
        if not isinstance(source, str) or not QUEUE_ARN.match(source):
            continue
        reader = PropertyReader(stack, resource.logical_id)
        path = "Properties"
        reader.accepted(properties, path, _NO_LOCAL_EFFECT)
        for key in _STREAM_ONLY:
            if key in properties:
                reader.problem(
                    join(path, key),
                    "not for an SQS queue (Lambda refuses it): a queue's failed messages go to "
                    "its dead-letter queue (RedrivePolicy)",
                )
        function = reader.string(properties, "FunctionName", path, required=True)
        batch = bounded(reader, properties, "BatchSize", (1, 10_000), _PLAIN_BATCH)
        window = bounded(reader, properties, "MaximumBatchingWindowInSeconds", (0, 300), 0)
        if source.endswith(".fifo") and batch > _PLAIN_BATCH:
            reader.problem(join(path, "BatchSize"), "at most 10 for a FIFO queue")
        elif batch > _PLAIN_BATCH and window < 1:
            reader.problem(
                join(path, "MaximumBatchingWindowInSeconds"),
                "at least 1 with a BatchSize above 10",
            )
        enabled = boolean(reader, properties, "Enabled", path) if "Enabled" in properties else True
        filters = filter_patterns(reader, properties.get("FilterCriteria"))
        partial = partial_responses(reader, properties.get("FunctionResponseTypes"))
        if function is None:
            continue
        found.append(
            QueueMappingSpec(
                function_name=function_name_of(function),
                queue_arn=source,
                batch_size=batch,
                maximum_batching_window_seconds=window,
                enabled=enabled,
                filters=filters,
                report_batch_item_failures=partial,
                key_path=f"{resource.logical_id}.{path}",
            )
        )
    return tuple(found)
