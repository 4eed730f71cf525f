"""A service's functions become the Lambda functions the framework deploys (Serverless
Framework v3: compile/functions.js for the defaults, naming.js for the logical ids,
Service.setFunctionNames for the names)."""

from __future__ import annotations

from pathlib import Path

from definition.serverless.compiler import Compiled, PluginReader
from definition.serverless.functions import compile_functions
from tests.unit.definition.serverless.serverless_support import HEAD, TABLE, get_post, read


def test_functions_take_the_framework_s_names_and_defaults(tmp_path: Path) -> None:
    reader = PluginReader(tmp_path / "serverless.yml")
    out = Compiled()
    provider = {"runtime": "python3.12", "environment": {"STAGE": "dev", "TABLE": "a"}}
    functions = {
        "get-post": {"handler": "posts.get", "environment": {"TABLE": "b"}},
        "list_posts": {
            "handler": "posts.list",
            "name": "custom",
            "timeout": 30,
            "memorySize": 256,
            "runtime": "nodejs20.x",
            "events": [{"http": "GET posts"}],
        },
        "removed": None,
    }
    compile_functions(reader, functions, provider, "posts", "dev", out)
    assert list(out.resources) == [
        "GetDashpostLambdaFunction",
        "List_postsLambdaFunction".replace("_", "Underscore"),
    ]
    get = out.resources["GetDashpostLambdaFunction"]["Properties"]
    assert get == {
        "FunctionName": "posts-dev-get-post",
        "Handler": "posts.get",
        "Runtime": "python3.12",
        "Code": ".",
        "MemorySize": 1024,
        "Timeout": 6,
        "Environment": {"Variables": {"STAGE": "dev", "TABLE": "b"}},
    }
    listed = out.resources["ListUnderscorepostsLambdaFunction"]["Properties"]
    assert (listed["FunctionName"], listed["Timeout"], listed["MemorySize"], listed["Runtime"]) == (
        "custom",
        30,
        256,
        "nodejs20.x",
    )
    assert out.where["GetDashpostLambdaFunction"] == "functions.get-post"
    assert [notice.message for notice in reader.notices] == [
        "accepted; events do not trigger functions locally (list_posts)"
    ]
    assert reader.problems == []


def test_a_function_that_is_not_a_mapping_is_a_problem(tmp_path: Path) -> None:
    reader = PluginReader(tmp_path / "serverless.yml")
    compile_functions(reader, {"bad": "handler.main"}, {}, "posts", "dev", Compiled())
    assert [(p.key_path, p.message) for p in reader.problems] == [
        ("functions.bad", "expected a function's settings")
    ]


def test_stream_events_compile_into_event_source_mappings(tmp_path: Path) -> None:
    """compile/events/stream.js: BatchSize 10 and StartingPosition TRIM_HORIZON unless given,
    the function's ARN, naming.getStreamLogicalId's logical id; the string form too."""
    reader = PluginReader(tmp_path / "serverless.yml")
    out = Compiled()
    arn = "arn:aws:dynamodb:eu-west-1:123456789012:table/Jobs/stream/2024-01-01T00:00:00.000"
    functions = {
        "index-posts": {
            "handler": "index.handler",
            "events": [
                {
                    "stream": {
                        "type": "dynamodb",
                        "arn": {"Fn::GetAtt": ["PostsTable", "StreamArn"]},
                        "batchWindow": 5,
                        "maximumRetryAttempts": 2,
                        "filterPatterns": [{"eventName": ["INSERT"]}],
                    }
                },
                {"stream": arn},
            ],
        }
    }
    compile_functions(reader, functions, {}, "posts", "dev", out)
    function_arn = {"Fn::GetAtt": ["IndexDashpostsLambdaFunction", "Arn"]}
    assert out.resources["IndexDashpostsEventSourceMappingDynamodbPostsTable"] == {
        "Type": "AWS::Lambda::EventSourceMapping",
        "Properties": {
            "BatchSize": 10,
            "Enabled": True,
            "EventSourceArn": {"Fn::GetAtt": ["PostsTable", "StreamArn"]},
            "FunctionName": function_arn,
            "StartingPosition": "TRIM_HORIZON",
            "MaximumBatchingWindowInSeconds": 5,
            "MaximumRetryAttempts": 2,
            "FilterCriteria": {"Filters": [{"Pattern": '{"eventName":["INSERT"]}'}]},
        },
    }
    assert out.resources["IndexDashpostsEventSourceMappingDynamodbJobs"]["Properties"] == {
        "BatchSize": 10,
        "Enabled": True,
        "EventSourceArn": arn,
        "FunctionName": function_arn,
        "StartingPosition": "TRIM_HORIZON",
    }
    # Only stream events: no notice about events that do not trigger.
    assert reader.notices == []


def _streamed_service(stream: str) -> str:
    """A service whose `indexer` has the `stream` event (YAML at the event's indentation) on its
    table's stream."""
    return (
        HEAD
        + """
functions:
  indexer:
    handler: index.handler
    events:
"""
        + stream
        + """appSync:
  name: posts
  authentication: {type: API_KEY}
  dataSources:
    none: {type: NONE}
  resolvers:
"""
        + get_post("none")
        + TABLE
        + "        StreamSpecification: {StreamViewType: NEW_IMAGE}\n"
    )


def test_a_services_stream_event_is_followed(tmp_path: Path) -> None:
    text = _streamed_service(
        "      - stream: {type: dynamodb, arn: !GetAtt PostsTable.StreamArn, "
        "startingPosition: LATEST}\n"
    )
    [mapping] = read(tmp_path, text).server.stream_mappings
    assert (mapping.function_name, mapping.starting_position.value, mapping.batch_size) == (
        "posts-dev-indexer",
        "LATEST",
        10,
    )
    assert mapping.table_name.startswith("posts-dev-PostsTable-")


def test_a_stream_event_s_filters_and_failure_settings_are_followed(tmp_path: Path) -> None:
    """stream.js's `filterPatterns` (each JSON.stringify'd into FilterCriteria),
    `functionResponseType`, `bisectBatchOnFunctionError`, `maximumRecordAgeInSeconds` and
    `destinations.onFailure` (an ARN, or `{arn, type}`) reach the mapping the server follows."""
    text = _streamed_service(
        """      - stream:
          type: dynamodb
          arn: !GetAtt PostsTable.StreamArn
          filterPatterns:
            - eventName: [INSERT]
            - dynamodb: {NewImage: {title: {S: [{prefix: draft}]}}}
          functionResponseType: ReportBatchItemFailures
          bisectBatchOnFunctionError: true
          maximumRecordAgeInSeconds: 120
          destinations:
            onFailure: {arn: "arn:aws:sns:eu-west-1:123456789012:failed", type: sns}
"""
    )
    [mapping] = read(tmp_path, text).server.stream_mappings
    assert [each.text for each in mapping.filters] == [
        '{"eventName":["INSERT"]}',
        '{"dynamodb":{"NewImage":{"title":{"S":[{"prefix":"draft"}]}}}}',
    ]
    assert mapping.filters[1].matches({"dynamodb": {"NewImage": {"title": {"S": "draft: hi"}}}})
    assert mapping.report_batch_item_failures
    assert mapping.bisect_batch_on_function_error
    assert mapping.maximum_record_age_seconds == 120
    assert mapping.on_failure_destination == "arn:aws:sns:eu-west-1:123456789012:failed"


def test_a_services_sqs_event_and_resources_queue_are_followed(tmp_path: Path) -> None:
    """sqs.js compiles `sqs` events into the queue's EventSourceMapping
    (`<Function>EventSourceMappingSQS<Queue>`: batchSize, maximumBatchingWindow,
    functionResponseType, filterPatterns); the `resources:` block's queue is created."""
    text = (
        HEAD
        + """
functions:
  worker:
    handler: index.handler
    environment: {JOBS_URL: !Ref JobsQueue}
    events:
      - sqs:
          arn: !GetAtt JobsQueue.Arn
          batchSize: 20
          maximumBatchingWindow: 2
          functionResponseType: ReportBatchItemFailures
          filterPatterns: [{body: {kind: [job]}}]
appSync:
  name: posts
  authentication: {type: API_KEY}
  dataSources:
    none: {type: NONE}
  resolvers:
"""
        + get_post("none")
        + """
resources:
  Resources:
    JobsQueue:
      Type: AWS::SQS::Queue
      Properties: {QueueName: posts-jobs}
"""
    )
    definition = read(tmp_path, text)
    [queue] = definition.server.resources.queues
    [mapping] = definition.server.resources.queue_mappings
    assert mapping.key_path == "WorkerEventSourceMappingSQSJobsQueue.Properties"
    assert (mapping.function_name, mapping.queue_arn) == ("posts-dev-worker", queue.arn)
    assert (mapping.batch_size, mapping.maximum_batching_window_seconds) == (20, 2)
    assert mapping.report_batch_item_failures
    assert [pattern.text for pattern in mapping.filters] == ['{"body":{"kind":["job"]}}']
    [function] = definition.server.lambda_functions
    assert function.environment["JOBS_URL"] == "http://127.0.0.1:20002/123456789012/posts-jobs"
