"""AWS::Lambda::EventSourceMapping from an SQS queue, read as "Lambda parameters for Amazon SQS
event source mappings" (services-sqs-parameters.html) has them: BatchSize 1 to 10,000 (default
10, at most 10 for a FIFO queue, above 10 only with a batching window of at least 1 s),
MaximumBatchingWindowInSeconds 0 to 300, FilterCriteria, FunctionResponseTypes; the stream
sources' parameters are refused."""

from __future__ import annotations

from pathlib import Path

from definition.service_resources import QueueMappingSpec
from tests.unit.definition.cloudformation.cloudformation_support import notices, problems, read

QUEUES = """
  Jobs:
    Type: AWS::SQS::Queue
    Properties: {QueueName: jobs}
  Ordered:
    Type: AWS::SQS::Queue
    Properties: {QueueName: ordered.fifo, FifoQueue: true}
  Worker:
    Type: AWS::Lambda::Function
    Properties: {FunctionName: worker, Runtime: python3.12, Handler: app.handler, Code: code}
"""


def _folder(tmp_path: Path) -> Path:
    (tmp_path / "code").mkdir(exist_ok=True)
    return tmp_path


def test_a_queue_mapping_with_lambdas_defaults_and_its_settings(tmp_path: Path) -> None:
    definition = read(
        _folder(tmp_path),
        QUEUES
        + """
  Plain:
    Type: AWS::Lambda::EventSourceMapping
    Properties: {EventSourceArn: !GetAtt Jobs.Arn, FunctionName: !Ref Worker}
  Tuned:
    Type: AWS::Lambda::EventSourceMapping
    Properties:
      EventSourceArn: !GetAtt Jobs.Arn
      FunctionName: !GetAtt Worker.Arn
      BatchSize: 100
      MaximumBatchingWindowInSeconds: 2
      Enabled: false
      FunctionResponseTypes: [ReportBatchItemFailures]
      FilterCriteria: {Filters: [{Pattern: '{"body": {"kind": ["job"]}}'}]}
      ScalingConfig: {MaximumConcurrency: 5}
""",
    )
    plain, tuned = definition.server.resources.queue_mappings
    jobs = "arn:aws:sqs:eu-west-1:123456789012:jobs"
    assert plain == QueueMappingSpec("worker", jobs, key_path="Plain.Properties")
    assert (tuned.function_name, tuned.batch_size, tuned.maximum_batching_window_seconds) == (
        "worker",
        100,
        2,
    )
    assert not tuned.enabled
    assert tuned.report_batch_item_failures
    assert [pattern.text for pattern in tuned.filters] == ['{"body": {"kind": ["job"]}}']
    assert (plain.queue_name, plain.region, plain.account_id) == (
        "jobs",
        "eu-west-1",
        "123456789012",
    )
    # Not a stream mapping, and no notice saying it is not read.
    assert definition.server.stream_mappings == ()
    assert [n for n in notices(definition) if n.startswith(("Plain", "Tuned"))] == [
        "Tuned.Properties.ScalingConfig: accepted; no local effect yet (one batch at a time per "
        "queue)"
    ]


def test_what_lambda_refuses_for_a_queue_is_a_problem(tmp_path: Path) -> None:
    found = problems(
        _folder(tmp_path),
        QUEUES
        + """
  Big:
    Type: AWS::Lambda::EventSourceMapping
    Properties: {EventSourceArn: !GetAtt Jobs.Arn, FunctionName: worker, BatchSize: 50}
  Fifo:
    Type: AWS::Lambda::EventSourceMapping
    Properties:
      EventSourceArn: !GetAtt Ordered.Arn
      FunctionName: worker
      BatchSize: 20
      MaximumBatchingWindowInSeconds: 5
  Streamy:
    Type: AWS::Lambda::EventSourceMapping
    Properties:
      EventSourceArn: !GetAtt Jobs.Arn
      FunctionName: worker
      StartingPosition: LATEST
      MaximumRetryAttempts: 2
""",
    )
    assert found == [
        "Big.Properties.MaximumBatchingWindowInSeconds: at least 1 with a BatchSize above 10",
        "Fifo.Properties.BatchSize: at most 10 for a FIFO queue",
        "Streamy.Properties.StartingPosition: not for an SQS queue (Lambda refuses it): a "
        "queue's failed messages go to its dead-letter queue (RedrivePolicy)",
        "Streamy.Properties.MaximumRetryAttempts: not for an SQS queue (Lambda refuses it): a "
        "queue's failed messages go to its dead-letter queue (RedrivePolicy)",
    ]
