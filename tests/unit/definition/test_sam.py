"""SAM templates are expanded by AWS's own translator, offline, and read as the CloudFormation
template they become; local `CodeUri`, `DefinitionUri` and `SchemaUri` paths stand for their
files."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from definition.cloudformation.parameters import StackSettings
from definition.errors import InvalidDefinitionError
from definition.model import DataSourceType, InlineSource, ResolverKind, Runtime
from definition.sam import read_sam

FIXTURE = Path(__file__).parents[2] / "integration" / "apis" / "iac" / "sam" / "template.yaml"
SETTINGS = StackSettings("posts", "eu-west-1")


def test_the_fixture_expands_into_the_api(monkeypatch: pytest.MonkeyPatch) -> None:
    # Offline and without AWS configuration: the translator is given the region.
    for name in ("AWS_REGION", "AWS_DEFAULT_REGION"):
        monkeypatch.delenv(name, raising=False)
    # A profile the configuration lacks would fail a real boto3 session.
    monkeypatch.setenv("AWS_PROFILE", "nonexistent")
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent")
    definition = read_sam(FIXTURE, SETTINGS)
    iac = FIXTURE.parent.parent
    assert definition.name == "posts-dev"
    assert definition.schema == (iac / "schema.graphql",)
    assert {source.name: source.type for source in definition.data_sources} == {
        "StepFunctionsSync": DataSourceType.HTTP,
        "Posts": DataSourceType.AMAZON_DYNAMODB,
        "Echo": DataSourceType.AWS_LAMBDA,
        "PostsApiNoneDataSource": DataSourceType.NONE,
    }
    [table] = definition.server.dynamodb.tables
    posts = next(source for source in definition.data_sources if source.name == "Posts")
    assert posts.dynamodb is not None
    assert posts.dynamodb.table_name == table.table_name
    # SimpleTable: a PAY_PER_REQUEST table keyed by `id` (S) (AWS::Serverless::SimpleTable).
    assert table.create_table_input["BillingMode"] == "PAY_PER_REQUEST"
    assert table.create_table_input["KeySchema"] == [{"AttributeName": "id", "KeyType": "HASH"}]
    [machine] = definition.server.step_functions.state_machines
    assert isinstance(machine.definition, InlineSource)
    assert "JSONata" in machine.definition.text
    [echo] = definition.server.lambda_functions
    assert (echo.code, echo.handler) == (iac / "functions" / "echo", "app.handler")
    assert echo.environment == {"TABLE_NAME": table.table_name}
    by_field = {resolver.field_name: resolver for resolver in definition.resolvers}
    assert by_field["getPost"].kind is ResolverKind.PIPELINE
    functions = {function.name: function for function in definition.functions}
    assert functions["getPost"].code.code == iac / "code" / "getPost.js"
    quote = functions["quote"].code
    assert quote.runtime is Runtime.APPSYNC_JS
    assert isinstance(quote.code, InlineSource)
    assert (
        f'stateMachineArn: "arn:aws:states:eu-west-1:123456789012:stateMachine:{machine.name}"'
        in (quote.code.text)
    )
    [key] = definition.api_keys
    assert key.description == "the fixture's key"


def test_the_translators_problems_name_the_resource(tmp_path: Path) -> None:
    path = tmp_path / "template.yaml"
    path.write_text(
        """
Transform: AWS::Serverless-2016-10-31
Resources:
  Api:
    Type: AWS::Serverless::GraphQLApi
    Properties:
      SchemaInline: "type Query { a: Int }"
      Auth: {Type: NOPE}
"""
    )
    with pytest.raises(InvalidDefinitionError) as caught:
        read_sam(path, SETTINGS)
    [problem] = caught.value.problems
    assert (problem.logical_id, problem.message) == ("Api", "SAM: Property 'Auth.Type' is invalid.")


def test_a_template_sam_cannot_read_is_a_problem(tmp_path: Path) -> None:
    path = tmp_path / "template.yaml"
    path.write_text("Transform: AWS::Serverless-2016-10-31\nResources: []\n")
    with pytest.raises(InvalidDefinitionError) as caught:
        read_sam(path, SETTINGS)
    [problem] = caught.value.problems
    assert (problem.logical_id, problem.message) == (None, "SAM: 'Resources' section is required")


def _stream_template(folder: Path, event_properties: str) -> Path:
    """A SAM template with a streamed table and a function whose DynamoDB event has
    `event_properties` (YAML lines) besides its Stream."""
    (folder / "code").mkdir()
    path = folder / "template.yaml"
    path.write_text(
        """
Transform: AWS::Serverless-2016-10-31
Resources:
  Posts:
    Type: AWS::DynamoDB::Table
    Properties:
      TableName: Posts
      BillingMode: PAY_PER_REQUEST
      KeySchema: [{AttributeName: id, KeyType: HASH}]
      AttributeDefinitions: [{AttributeName: id, AttributeType: S}]
      StreamSpecification: {StreamViewType: NEW_IMAGE}
  Indexer:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: code
      Handler: app.handler
      Runtime: python3.12
      Events:
        Changes:
          Type: DynamoDB
          Properties:
            Stream: !GetAtt Posts.StreamArn
"""
        + textwrap.indent(textwrap.dedent(event_properties), " " * 12)
        + """
  Api:
    Type: AWS::AppSync::GraphQLApi
    Properties: {Name: posts, AuthenticationType: API_KEY}
  Schema:
    Type: AWS::AppSync::GraphQLSchema
    Properties: {ApiId: !GetAtt Api.ApiId, Definition: "type Query { a: String }"}
"""
    )
    return path


def test_a_functions_dynamodb_event_is_a_stream_mapping(tmp_path: Path) -> None:
    """SAM's `Events: {Type: DynamoDB}` (AWS::Serverless::Function, "DynamoDB" event source
    type: Stream, StartingPosition, BatchSize ...) becomes an AWS::Lambda::EventSourceMapping."""
    path = _stream_template(
        tmp_path,
        """
        StartingPosition: TRIM_HORIZON
        BatchSize: 5
        MaximumRetryAttempts: 3
        """,
    )
    [mapping] = read_sam(path, SETTINGS).server.stream_mappings
    [function] = read_sam(path, SETTINGS).server.lambda_functions
    assert (mapping.function_name, mapping.table_name) == (function.function_name, "Posts")
    assert (mapping.batch_size, mapping.maximum_retry_attempts) == (5, 3)
    assert mapping.starting_position.value == "TRIM_HORIZON"


def test_a_dynamodb_event_s_filters_and_failure_settings(tmp_path: Path) -> None:
    """The DynamoDB event's FilterCriteria, FunctionResponseTypes, BisectBatchOnFunctionError,
    MaximumRecordAgeInSeconds and DestinationConfig (`OnFailure: {Type: SQS, Destination}`,
    SAM's "DynamoDB" event source type page) pass through AWS's translator to the mapping."""
    path = _stream_template(
        tmp_path,
        """
        StartingPosition: LATEST
        FilterCriteria:
          Filters: [{Pattern: '{"eventName": ["INSERT", "MODIFY"]}'}]
        FunctionResponseTypes: [ReportBatchItemFailures]
        BisectBatchOnFunctionError: true
        MaximumRecordAgeInSeconds: 3600
        DestinationConfig:
          OnFailure:
            Type: SQS
            Destination: arn:aws:sqs:us-east-1:123456789012:failed
        """,
    )
    [mapping] = read_sam(path, SETTINGS).server.stream_mappings
    assert [each.text for each in mapping.filters] == ['{"eventName": ["INSERT", "MODIFY"]}']
    assert mapping.report_batch_item_failures
    assert mapping.bisect_batch_on_function_error
    assert mapping.maximum_record_age_seconds == 3600
    assert mapping.on_failure_destination == "arn:aws:sqs:us-east-1:123456789012:failed"


def _with_api(folder: Path, resources: str) -> Path:
    """A SAM template of `resources` (YAML under `Resources:`) and the smallest API, with a
    `code` folder for its functions."""
    (folder / "code").mkdir()
    path = folder / "template.yaml"
    text = f"Transform: AWS::Serverless-2016-10-31\nResources:{resources}"
    path.write_text(
        text
        + """  Api:
    Type: AWS::AppSync::GraphQLApi
    Properties: {Name: posts, AuthenticationType: API_KEY}
  Schema:
    Type: AWS::AppSync::GraphQLSchema
    Properties: {ApiId: !GetAtt Api.ApiId, Definition: "type Query { a: String }"}
"""
    )
    return path


def test_a_functions_sqs_event_is_a_queue_mapping(tmp_path: Path) -> None:
    """SAM's `Events: {Type: SQS}` (AWS::Serverless::Function, "SQS" event source type: Queue,
    BatchSize, FunctionResponseTypes ...) becomes an AWS::Lambda::EventSourceMapping from the
    template's queue, which the server creates."""
    path = _with_api(
        tmp_path,
        """
  Jobs:
    Type: AWS::SQS::Queue
    Properties: {QueueName: jobs, VisibilityTimeout: 60}
  Worker:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: code
      Handler: app.handler
      Runtime: python3.12
      Environment: {Variables: {JOBS: !Ref Jobs}}
      Events:
        Work:
          Type: SQS
          Properties:
            Queue: !GetAtt Jobs.Arn
            BatchSize: 5
            FunctionResponseTypes: [ReportBatchItemFailures]
""",
    )
    definition = read_sam(path, SETTINGS)
    [queue] = definition.server.resources.queues
    assert (queue.queue_name, queue.attributes) == ("jobs", {"VisibilityTimeout": "60"})
    [mapping] = definition.server.resources.queue_mappings
    [function] = definition.server.lambda_functions
    assert (mapping.function_name, mapping.queue_arn) == (function.function_name, queue.arn)
    assert (mapping.batch_size, mapping.report_batch_item_failures) == (5, True)
    assert function.environment["JOBS"] == "http://127.0.0.1:20002/123456789012/jobs"


def test_a_functions_sns_event_is_a_lambda_subscription(tmp_path: Path) -> None:
    """SAM's `Events: {Type: SNS}` becomes an AWS::SNS::Subscription with the lambda protocol
    (and an AWS::Lambda::Permission, accepted), which the server subscribes."""
    path = _with_api(
        tmp_path,
        """
  Alerts:
    Type: AWS::SNS::Topic
    Properties: {TopicName: alerts}
  Listener:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: code
      Handler: app.handler
      Runtime: python3.12
      Events:
        Alert:
          Type: SNS
          Properties:
            Topic: !Ref Alerts
            FilterPolicy: {severity: [high]}
""",
    )
    definition = read_sam(path, SETTINGS)
    [function] = definition.server.lambda_functions
    [subscription] = definition.server.resources.subscriptions
    assert (subscription.topic_arn, subscription.protocol, subscription.endpoint) == (
        "arn:aws:sns:eu-west-1:123456789012:alerts",
        "lambda",
        function.arn,
    )
    assert subscription.attributes == {"FilterPolicy": '{"severity": ["high"]}'}


def test_a_functions_s3_event_is_a_bucket_notification(tmp_path: Path) -> None:
    """SAM's `Events: {Type: S3}` (sam-property-function-s3.html) becomes the bucket's
    `NotificationConfiguration.LambdaConfigurations` item naming the function, which the
    server sends the bucket's events to."""
    path = _with_api(
        tmp_path,
        """
  Photos:
    Type: AWS::S3::Bucket
    Properties: {BucketName: photos}
  Thumbs:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: code
      Handler: app.handler
      Runtime: python3.12
      Events:
        Upload:
          Type: S3
          Properties:
            Bucket: !Ref Photos
            Events: s3:ObjectCreated:*
            Filter: {S3Key: {Rules: [{Name: suffix, Value: .jpg}]}}
""",
    )
    definition = read_sam(path, SETTINGS)
    [function] = definition.server.lambda_functions
    [bucket] = definition.server.resources.buckets
    [notification] = bucket.notifications
    assert (notification.destination, notification.arn, notification.events) == (
        "lambda",
        function.arn,
        ("s3:ObjectCreated:*",),
    )
    assert (notification.prefix, notification.suffix) == ("", ".jpg")
