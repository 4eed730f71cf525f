"""A service's `functions` compiled into `AWS::Lambda::Function` resources, as the Serverless
Framework compiles them (v3, `lib/plugins/aws/package/compile/functions.js` and
`lib/plugins/aws/lib/naming.js`), for the local Lambda runtime:
- the logical id is `naming.getLambdaLogicalId`: the function's key with `-` as `Dash` and `_`
  as `Underscore`, the first letter upper-cased, then `LambdaFunction` (what
  serverless-appsync-plugin's `functionName` and `!GetAtt XLambdaFunction.Arn` name);
- `FunctionName` is `name`, else `<service>-<stage>-<key>` (`Service.setFunctionNames`);
- `Runtime`, `MemorySize` (1024) and `Timeout` (6 seconds) are the function's, else the
  provider's, else the framework's defaults; `Environment` merges the provider's variables
  with the function's; `layers` and `architecture` likewise;
- the code is the service's folder, which the framework packages (`handler` is a path in it).
A `stream` event (`lib/plugins/aws/package/compile/events/stream.js`) compiles into the
`AWS::Lambda::EventSourceMapping` the framework writes: `EventSourceArn` the event's `arn` (or
the string itself), `FunctionName` the function's ARN, `BatchSize` 10 and `StartingPosition`
TRIM_HORIZON unless given, `Enabled`, `batchWindow` as `MaximumBatchingWindowInSeconds`,
`maximumRetryAttempts`, `bisectBatchOnFunctionError`, `functionResponseType`,
`maximumRecordAgeInSeconds`, `tumblingWindowInSeconds`, `destinations.onFailure` and
`filterPatterns`, under `naming.getStreamLogicalId`'s logical id. An `sqs` event
(`compile/events/sqs.js`) compiles into the mapping from its queue: `EventSourceArn` the
event's `arn` (or the string itself), `BatchSize` 10 unless given, `maximumBatchingWindow` as
`MaximumBatchingWindowInSeconds`, `Enabled`, `functionResponseType`, `filterPatterns` and
`maximumConcurrency` (`ScalingConfig`), under `naming.getQueueLogicalId`'s logical id
(`<Function>EventSourceMappingSQS<QueueName>`). The template reader then follows a DynamoDB
stream's or a queue's mapping. An `s3` event compiles into its bucket (`s3_events`). Other
events (`http`, `schedule`, ...) do not trigger functions locally: a notice names the functions
that have them.
"""

from __future__ import annotations

import json
from typing import Any

from definition.serverless.compiler import Compiled, PluginReader, lambda_logical_id
from definition.serverless.s3_events import compile_s3_events

# Provider.getRuntime's default (Serverless Framework v3).
_RUNTIME = "nodejs14.x"


def compile_functions(
    reader: PluginReader,
    functions: dict[str, Any],
    provider: dict[str, Any],
    service: str,
    stage: str,
    out: Compiled,
    path: str = "functions",
) -> None:
    with_events = []
    compile_s3_events(reader, functions, provider, out, path)
    for key, raw in functions.items():
        where = f"{path}.{key}"
        if raw is None:
            continue
        if not isinstance(raw, dict):
            reader.problem(where, "expected a function's settings")
            continue
        events = raw.get("events") or []
        streams = [
            event["stream"] for event in events if isinstance(event, dict) and "stream" in event
        ]
        for stream in streams:
            _stream_mapping(key, stream, out, f"{where}.events")
        queues = [event["sqs"] for event in events if isinstance(event, dict) and "sqs" in event]
        for queue in queues:
            _queue_mapping(key, queue, out, f"{where}.events")
        buckets = [event for event in events if isinstance(event, dict) and "s3" in event]
        if len(streams) + len(queues) + len(buckets) < len(events):
            with_events.append(key)
        environment = {**(provider.get("environment") or {}), **(raw.get("environment") or {})}
        architecture = raw.get("architecture") or provider.get("architecture")
        layers = raw.get("layers") or provider.get("layers")
        if raw.get("image") is not None:
            reader.notice(f"{where}.image", "container images do not run locally")
        out.add(
            lambda_logical_id(key),
            "AWS::Lambda::Function",
            {
                "FunctionName": raw.get("name") or f"{service}-{stage}-{key}",
                "Handler": raw.get("handler"),
                "Runtime": raw.get("runtime") or provider.get("runtime") or _RUNTIME,
                "Code": ".",
                "MemorySize": raw.get("memorySize") or provider.get("memorySize") or 1024,
                "Timeout": raw.get("timeout") or provider.get("timeout") or 6,
                "Environment": {"Variables": environment} if environment else None,
                "Layers": layers,
                "Architectures": [architecture] if architecture else None,
                "Description": raw.get("description"),
            },
            where,
        )
    if with_events:
        reader.notice(
            path,
            f"accepted; events do not trigger functions locally ({', '.join(with_events)})",
        )


def _stream_mapping(function: str, stream: Any, out: Compiled, where: str) -> None:
    """The EventSourceMapping the framework compiles a `stream` event into."""
    settings = stream if isinstance(stream, dict) else {}
    arn = settings.get("arn") if settings else stream
    kind = settings.get("type") or (arn.split(":")[2] if isinstance(arn, str) else "")
    destinations = settings.get("destinations") or {}
    failure = destinations.get("onFailure")
    patterns = settings.get("filterPatterns")
    out.add(
        _stream_logical_id(function, str(kind), _stream_name(arn)),
        "AWS::Lambda::EventSourceMapping",
        {
            "BatchSize": settings.get("batchSize") or 10,
            "Enabled": settings.get("enabled", True),
            "EventSourceArn": arn,
            "FunctionName": {"Fn::GetAtt": [lambda_logical_id(function), "Arn"]},
            "ParallelizationFactor": settings.get("parallelizationFactor"),
            "StartingPosition": settings.get("startingPosition") or "TRIM_HORIZON",
            "MaximumBatchingWindowInSeconds": settings.get("batchWindow"),
            "MaximumRetryAttempts": settings.get("maximumRetryAttempts"),
            "BisectBatchOnFunctionError": settings.get("bisectBatchOnFunctionError"),
            "FunctionResponseTypes": [settings["functionResponseType"]]
            if settings.get("functionResponseType")
            else None,
            "MaximumRecordAgeInSeconds": settings.get("maximumRecordAgeInSeconds") or None,
            "TumblingWindowInSeconds": settings.get("tumblingWindowInSeconds"),
            "DestinationConfig": {
                "OnFailure": {
                    "Destination": failure.get("arn") if isinstance(failure, dict) else failure
                }
            }
            if failure
            else None,
            # JSON.stringify's text: no spaces.
            "FilterCriteria": {
                "Filters": [{"Pattern": json.dumps(p, separators=(",", ":"))} for p in patterns]
            }
            if isinstance(patterns, list)
            else None,
        },
        where,
    )


def _queue_mapping(function: str, queue: Any, out: Compiled, where: str) -> None:
    """The EventSourceMapping the framework compiles an `sqs` event into."""
    settings = queue if isinstance(queue, dict) else {}
    arn = settings.get("arn") if settings else queue
    name = _stream_name(arn) if isinstance(arn, dict) else str(arn).split(":")[-1]
    patterns = settings.get("filterPatterns")
    concurrency = settings.get("maximumConcurrency")
    normalized = function.replace("-", "Dash").replace("_", "Underscore")
    alphanumeric = "".join(char for char in name if char.isalnum())
    out.add(
        f"{_upper_first(normalized)}EventSourceMappingSQS{_upper_first(alphanumeric)}",
        "AWS::Lambda::EventSourceMapping",
        {
            "BatchSize": settings.get("batchSize") or 10,
            "MaximumBatchingWindowInSeconds": settings.get("maximumBatchingWindow"),
            "EventSourceArn": arn,
            "FunctionName": {"Fn::GetAtt": [lambda_logical_id(function), "Arn"]},
            "Enabled": settings.get("enabled", True),
            "FunctionResponseTypes": [settings["functionResponseType"]]
            if settings.get("functionResponseType")
            else None,
            "FilterCriteria": {
                "Filters": [{"Pattern": json.dumps(p, separators=(",", ":"))} for p in patterns]
            }
            if isinstance(patterns, list)
            else None,
            "ScalingConfig": {"MaximumConcurrency": concurrency} if concurrency else None,
        },
        where,
    )


def _stream_name(arn: Any) -> str:
    """stream.js's name of the stream: a `Fn::GetAtt`'s resource, a `Ref`'s, a `Fn::Join`'s last
    part after its last `/`, else the ARN's part after `table/`."""
    if isinstance(arn, dict):
        if "Fn::GetAtt" in arn:
            return str(arn["Fn::GetAtt"][0])
        if "Ref" in arn:
            return str(arn["Ref"])
        if "Fn::ImportValue" in arn:
            return str(arn["Fn::ImportValue"])
        if "Fn::Join" in arn:
            return str(arn["Fn::Join"][1][-1]).split("/")[-1]
        return ""
    parts = str(arn).split("/")
    return parts[1] if len(parts) > 1 else ""


def _stream_logical_id(function: str, kind: str, stream: str) -> str:
    """naming.getStreamLogicalId: the normalized function name, `EventSourceMapping`, the
    stream's type and its name in letters and digits, each upper-cased first."""
    name = function.replace("-", "Dash").replace("_", "Underscore")
    alphanumeric = "".join(char for char in stream if char.isalnum())
    return f"{_upper_first(name)}EventSourceMapping{_upper_first(kind)}{_upper_first(alphanumeric)}"


def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]
