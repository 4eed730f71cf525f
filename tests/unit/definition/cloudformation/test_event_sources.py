"""AWS::Lambda::EventSourceMapping from a DynamoDB stream, read as the CloudFormation User Guide
and Lambda's CreateEventSourceMapping describe it: BatchSize 1-10,000 (default 100),
MaximumRetryAttempts -1 to 10,000 (default -1), MaximumBatchingWindowInSeconds 0-300,
StartingPosition required (TRIM_HORIZON or LATEST for DynamoDB), Enabled default true;
FilterCriteria, FunctionResponseTypes, BisectBatchOnFunctionError, MaximumRecordAgeInSeconds
(-1, or 60 to 604,800) and DestinationConfig as "Lambda parameters for Amazon DynamoDB event source
mappings" (services-ddb-params.html) lists them."""

from __future__ import annotations

import textwrap
from pathlib import Path

from definition.model import StartingPosition, StreamMappingSpec
from tests.unit.definition.cloudformation.cloudformation_support import notices, problems, read

TABLES = """
  Posts:
    Type: AWS::DynamoDB::Table
    Properties:
      TableName: Posts
      BillingMode: PAY_PER_REQUEST
      KeySchema: [{AttributeName: id, KeyType: HASH}]
      AttributeDefinitions: [{AttributeName: id, AttributeType: S}]
      StreamSpecification: {StreamViewType: NEW_AND_OLD_IMAGES}
  Plain:
    Type: AWS::DynamoDB::Table
    Properties:
      TableName: Plain
      BillingMode: PAY_PER_REQUEST
      KeySchema: [{AttributeName: id, KeyType: HASH}]
      AttributeDefinitions: [{AttributeName: id, AttributeType: S}]
  Indexer:
    Type: AWS::Lambda::Function
    Properties: {FunctionName: indexer, Runtime: python3.12, Handler: app.handler, Code: code}
"""
STREAM_ARN = "arn:aws:dynamodb:eu-west-1:123456789012:table/Posts/stream/1970-01-01T00:00:00.000"


def _latest(logical_id: str, properties: str) -> str:
    """A mapping from the Posts stream to `indexer` at LATEST, with more `properties` (YAML)."""
    return (
        f"  {logical_id}:\n    Type: AWS::Lambda::EventSourceMapping\n    Properties:\n"
        "      EventSourceArn: !GetAtt Posts.StreamArn\n      FunctionName: indexer\n"
        "      StartingPosition: LATEST\n"
        + textwrap.indent(textwrap.dedent(properties).strip("\n"), " " * 6)
        + "\n"
    )


def _folder(tmp_path: Path) -> Path:
    (tmp_path / "code").mkdir(exist_ok=True)
    return tmp_path


def test_a_stream_mapping_with_lambdas_defaults(tmp_path: Path) -> None:
    definition = read(
        _folder(tmp_path),
        TABLES
        + """
  Mapping:
    Type: AWS::Lambda::EventSourceMapping
    Properties:
      EventSourceArn: !GetAtt Posts.StreamArn
      FunctionName: !Ref Indexer
      StartingPosition: LATEST
  Second:
    Type: AWS::Lambda::EventSourceMapping
    Properties:
      EventSourceArn: !GetAtt Posts.StreamArn
      FunctionName: !GetAtt Indexer.Arn
      StartingPosition: TRIM_HORIZON
      BatchSize: 10
      MaximumRetryAttempts: 2
      MaximumBatchingWindowInSeconds: 5
      Enabled: false
""",
    )
    assert definition.server.stream_mappings == (
        StreamMappingSpec(
            "indexer", "Posts", STREAM_ARN, StartingPosition.LATEST, key_path="Mapping.Properties"
        ),
        StreamMappingSpec(
            "indexer",
            "Posts",
            STREAM_ARN,
            StartingPosition.TRIM_HORIZON,
            batch_size=10,
            maximum_retry_attempts=2,
            maximum_batching_window_seconds=5,
            enabled=False,
            key_path="Second.Properties",
        ),
    )
    assert not [n for n in notices(definition) if "EventSourceMapping" in n]


def test_what_lambda_refuses_for_a_dynamodb_stream(tmp_path: Path) -> None:
    refused = problems(
        _folder(tmp_path),
        TABLES
        + """
  Mapping:
    Type: AWS::Lambda::EventSourceMapping
    Properties:
      EventSourceArn: !GetAtt Plain.StreamArn
      FunctionName: indexer
      StartingPosition: AT_TIMESTAMP
      BatchSize: 0
      MaximumRetryAttempts: -2
""",
    )
    assert refused == [
        "Mapping.Properties.EventSourceArn: the table Plain is not declared with a "
        "StreamSpecification in the template",
        "Mapping.Properties.StartingPosition: expected one of TRIM_HORIZON | LATEST, got "
        "'AT_TIMESTAMP'",
        "Mapping.Properties.BatchSize: expected an integer from 1 to 10000",
        "Mapping.Properties.MaximumRetryAttempts: expected an integer from -1 to 10000",
    ]


def test_other_sources_and_unacted_properties_are_named(tmp_path: Path) -> None:
    definition = read(
        _folder(tmp_path),
        TABLES
        + """
  Kinesis:
    Type: AWS::Lambda::EventSourceMapping
    Properties:
      EventSourceArn: arn:aws:kinesis:eu-west-1:123456789012:stream/clicks
      FunctionName: indexer
      StartingPosition: LATEST
"""
        + _latest(
            "Filtered",
            """
            TumblingWindowInSeconds: 30
""",
        ),
    )
    assert [mapping.key_path for mapping in definition.server.stream_mappings] == [
        "Filtered.Properties"
    ]
    named = [n for n in notices(definition) if n.startswith(("Kinesis", "Filtered"))]
    assert named == [
        "Kinesis.Properties.EventSourceArn: accepted; no local effect yet (only DynamoDB "
        "streams are read locally: arn:aws:kinesis:eu-west-1:123456789012:stream/clicks is not)",
        "Filtered.Properties.TumblingWindowInSeconds: accepted; no local effect yet (no "
        "tumbling windows)",
    ]


def test_filters_partial_responses_bisecting_age_and_destination(tmp_path: Path) -> None:
    definition = read(
        _folder(tmp_path),
        TABLES
        + _latest(
            "Mapping",
            """
            FilterCriteria:
              Filters:
                - Pattern: '{"eventName": ["INSERT"]}'
                - Pattern: '{"dynamodb": {"NewImage": {"kind": {"S": [{"prefix": "a"}]}}}}'
            FunctionResponseTypes: [ReportBatchItemFailures]
            BisectBatchOnFunctionError: true
            MaximumRecordAgeInSeconds: 60
            DestinationConfig:
              OnFailure: {Destination: arn:aws:sqs:eu-west-1:123456789012:failed}
""",
        ),
    )
    [mapping] = definition.server.stream_mappings
    assert [each.text for each in mapping.filters] == [
        '{"eventName": ["INSERT"]}',
        '{"dynamodb": {"NewImage": {"kind": {"S": [{"prefix": "a"}]}}}}',
    ]
    assert mapping.report_batch_item_failures
    assert mapping.bisect_batch_on_function_error
    assert mapping.maximum_record_age_seconds == 60
    assert mapping.on_failure_destination == "arn:aws:sqs:eu-west-1:123456789012:failed"
    assert not [n for n in notices(definition) if n.startswith("Mapping")]


def test_filters_and_failure_settings_lambda_refuses(tmp_path: Path) -> None:
    refused = problems(
        _folder(tmp_path),
        TABLES
        + _latest(
            "Mapping",
            """
            FilterCriteria:
              Filters:
                - Pattern: '{"eventName": "INSERT"}'
                - Pattern: '{"eventName": [{"wildcard": "*"}]}'
                - {}
            FunctionResponseTypes: [ReportItemFailures]
            MaximumRecordAgeInSeconds: 604801
            DestinationConfig:
              OnFailure: {Destination: arn:aws:lambda:eu-west-1:123456789012:function:f}
""",
        )
        + _latest(
            "Unshaped",
            """
            FilterCriteria: {Pattern: '{}'}
            MaximumRecordAgeInSeconds: 30
            DestinationConfig: {OnFailure: arn:aws:sqs:eu-west-1:123456789012:failed}
            """,
        )
        + _latest(
            "Malformed",
            """
            DestinationConfig: {OnFailure: {Destination: "arn:aws:sqs:eu-west-1"}}
            """,
        )
        + _latest(
            "Fifo",
            """
            DestinationConfig:
              OnFailure: {Destination: arn:aws:sqs:eu-west-1:123456789012:failed.fifo}
            """,
        ),
    )
    assert refused == [
        "Mapping.Properties.MaximumRecordAgeInSeconds: expected -1 or an integer from 60 to 604800",
        "Mapping.Properties.FilterCriteria.Filters[0].Pattern: eventName: must be an object or "
        "an array",
        "Mapping.Properties.FilterCriteria.Filters[1].Pattern: eventName: unrecognized match "
        "type wildcard",
        "Mapping.Properties.FilterCriteria.Filters[2].Pattern: expected the pattern as JSON text",
        "Mapping.Properties.FunctionResponseTypes: expected [ReportBatchItemFailures] or []",
        "Mapping.Properties.DestinationConfig.OnFailure.Destination: expected an SQS queue's or "
        "SNS topic's ARN, got 'arn:aws:lambda:eu-west-1:123456789012:function:f'",
        "Unshaped.Properties.MaximumRecordAgeInSeconds: expected -1 or an integer from 60 to "
        "604800",
        "Unshaped.Properties.FilterCriteria: expected {Filters: [{Pattern: <JSON text>}, ...]}",
        "Unshaped.Properties.DestinationConfig: expected {OnFailure: {Destination: <ARN>}}",
        "Malformed.Properties.DestinationConfig.OnFailure.Destination: expected an SQS queue's "
        "or SNS topic's ARN, got 'arn:aws:sqs:eu-west-1'",
        "Fifo.Properties.DestinationConfig.OnFailure.Destination: expected a standard queue or "
        "topic: a FIFO one cannot be used",
    ]


def test_an_s3_destination_is_a_notice(tmp_path: Path) -> None:
    definition = read(
        _folder(tmp_path),
        TABLES
        + _latest(
            "Mapping",
            """
            DestinationConfig: {OnFailure: {Destination: arn:aws:s3:::failures}}
""",
        ),
    )
    assert definition.server.stream_mappings[0].on_failure_destination is None
    assert [n for n in notices(definition) if n.startswith("Mapping")] == [
        "Mapping.Properties.DestinationConfig.OnFailure.Destination: accepted; no local effect "
        "yet (S3 destinations are not written)"
    ]


def test_a_template_s_own_queue_is_the_destination(tmp_path: Path) -> None:
    """The template's AWS::SQS::Queue is created in the embedded SQS: its `Arn` names it."""
    definition = read(
        _folder(tmp_path),
        TABLES
        + """
  Failures:
    Type: AWS::SQS::Queue
    Properties: {QueueName: failures}
"""
        + _latest(
            "Mapping",
            """
            DestinationConfig: {OnFailure: {Destination: !GetAtt Failures.Arn}}
            """,
        ),
    )
    assert definition.server.stream_mappings[0].on_failure_destination == (
        "arn:aws:sqs:eu-west-1:123456789012:failures"
    )
    assert [n for n in notices(definition) if n.startswith("Mapping")] == []
