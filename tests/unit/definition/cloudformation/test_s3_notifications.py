"""A bucket's event notifications read from a template: `AWS::S3::Bucket`'s
`NotificationConfiguration` (aws-properties-s3-bucket-notificationconfiguration.html: one
`Event` and `Filter.S3Key.Rules` per item) and CDK's `Custom::S3BucketNotifications` (its
`NotificationConfiguration` is PutBucketNotificationConfiguration's: `Events`, `Id`,
`Filter.Key.FilterRules`), with S3's event types
(notification-how-to-event-types-and-destinations.html)."""

from __future__ import annotations

from pathlib import Path

from definition.service_resources import BucketNotificationSpec
from tests.unit.definition.cloudformation.cloudformation_support import notices, problems, read

FUNCTION = "arn:aws:lambda:eu-west-1:123456789012:function:thumbs"

TEMPLATE = """
  Thumbs:
    Type: AWS::Lambda::Function
    Properties:
      FunctionName: thumbs
      Runtime: python3.12
      Handler: app.handler
      Code: {ZipFile: "def handler(event, context): pass"}
  Done:
    Type: AWS::SQS::Queue
    Properties: {QueueName: done}
  Uploads:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: uploads
      NotificationConfiguration:
        LambdaConfigurations:
          - Event: s3:ObjectCreated:*
            Function: !GetAtt Thumbs.Arn
            Filter: {S3Key: {Rules: [{Name: prefix, Value: in/}, {Name: Suffix, Value: .jpg}]}}
        QueueConfigurations:
          - {Event: "s3:ObjectRemoved:Delete", Queue: !GetAtt Done.Arn}
        EventBridgeConfiguration: {EventBridgeEnabled: true}
  UploadsNotifications:
    Type: Custom::S3BucketNotifications
    Properties:
      ServiceToken: arn:aws:lambda:eu-west-1:123456789012:function:handler
      BucketName: !Ref Uploads
      Managed: true
      NotificationConfiguration:
        TopicConfigurations:
          - Id: copies
            TopicArn: arn:aws:sns:eu-west-1:123456789012:copies
            Events: ["s3:ObjectCreated:Copy", "s3:ObjectCreated:Put"]
            Filter: {Key: {FilterRules: [{Name: prefix, Value: out/}]}}
"""


def test_a_bucket_s_own_configurations_and_cdk_s_are_one_list(tmp_path: Path) -> None:
    definition = read(tmp_path, TEMPLATE)
    [bucket] = definition.server.resources.buckets
    assert bucket.notifications == (
        BucketNotificationSpec("lambda", FUNCTION, ("s3:ObjectCreated:*",), "in/", ".jpg"),
        BucketNotificationSpec(
            "queue", "arn:aws:sqs:eu-west-1:123456789012:done", ("s3:ObjectRemoved:Delete",)
        ),
        BucketNotificationSpec(
            "topic",
            "arn:aws:sns:eu-west-1:123456789012:copies",
            ("s3:ObjectCreated:Copy", "s3:ObjectCreated:Put"),
            "out/",
            "",
            "copies",
        ),
    )
    assert (
        "Uploads.Properties.NotificationConfiguration.EventBridgeConfiguration: accepted; no "
        "local effect yet (S3 events do not reach EventBridge locally)"
    ) in notices(definition)


def test_a_custom_resource_naming_another_bucket_is_noticed(tmp_path: Path) -> None:
    definition = read(
        tmp_path,
        """
  Elsewhere:
    Type: Custom::S3BucketNotifications
    Properties:
      ServiceToken: arn:aws:lambda:eu-west-1:123456789012:function:handler
      BucketName: imported-bucket
      NotificationConfiguration:
        QueueConfigurations:
          - {QueueArn: "arn:aws:sqs:eu-west-1:123456789012:q", Events: ["s3:ObjectCreated:*"]}
""",
    )
    assert definition.server.resources.buckets == ()
    assert (
        "Elsewhere.Properties: names the bucket imported-bucket, which no stack declares: "
        "accepted, and no notification is sent locally"
    ) in notices(definition)


def test_unknown_event_types_and_filter_rules_are_problems(tmp_path: Path) -> None:
    found = problems(
        tmp_path,
        """
  Uploads:
    Type: AWS::S3::Bucket
    Properties:
      NotificationConfiguration:
        QueueConfigurations:
          - Event: s3:ObjectCreated
            Queue: arn:aws:sqs:eu-west-1:123456789012:q
          - Event: s3:ObjectCreated:Put
            Queue: arn:aws:sqs:eu-west-1:123456789012:q
            Filter: {S3Key: {Rules: [{Name: starts, Value: a}, {Name: prefix, Value: 1}]}}
  Custom:
    Type: Custom::S3BucketNotifications
    Properties:
      ServiceToken: arn:aws:lambda:eu-west-1:123456789012:function:handler
      BucketName: !Ref Uploads
      NotificationConfiguration:
        LambdaFunctionConfigurations:
          - {LambdaFunctionArn: "arn:aws:lambda:eu-west-1:123456789012:function:f", Events: []}
""",
    )
    path = "Uploads.Properties.NotificationConfiguration.QueueConfigurations"
    assert found == [
        f"{path}[0].Event: 's3:ObjectCreated': not an S3 event type (expected one such as "
        "s3:ObjectCreated:* or s3:ObjectRemoved:Delete)",
        f"{path}[1].Filter.S3Key.Rules[0].Name: expected prefix or suffix, got 'starts'",
        f"{path}[1].Filter.S3Key.Rules[1].Value: expected a string",
        "Custom.Properties.NotificationConfiguration.LambdaFunctionConfigurations[0].Events: "
        "expected a list of event types",
    ]
