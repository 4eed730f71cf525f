"""A bucket's event notifications read into the model (`BucketSpec.notifications`), from the two
ways a template states them:

* `AWS::S3::Bucket`'s `NotificationConfiguration` ("AWS::S3::Bucket NotificationConfiguration",
  https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-s3-bucket-notificationconfiguration.html):
  `LambdaConfigurations` (`Function`), `QueueConfigurations` (`Queue`) and
  `TopicConfigurations` (`Topic`), each with one `Event` and a `Filter.S3Key.Rules` list of
  `{Name: prefix | suffix, Value}`; SAM's translator writes a function's `Events: {Type: S3}`
  there, and `EventBridgeConfiguration` is accepted with a notice;
* CDK's `Custom::S3BucketNotifications` (what `bucket.addEventNotification` and Amplify Gen 2's
  storage triggers synthesize): its handler calls PutBucketNotificationConfiguration with the
  resource's `NotificationConfiguration`, whose shape is the API's
  (https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketNotificationConfiguration.html):
  `LambdaFunctionConfigurations` (`LambdaFunctionArn`), `QueueConfigurations` (`QueueArn`),
  `TopicConfigurations` (`TopicArn`), each with `Events`, `Id` and
  `Filter.Key.FilterRules`. Locally its configurations join the bucket's own (with `Managed:
  false` CDK's handler keeps the others too; with `true` the resource is the only writer).

Event types are S3's ("Supported event types for SQS, SNS, and Lambda",
https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-how-to-event-types-and-destinations.html).
"""

from __future__ import annotations

from typing import Any

from definition.appsync_yaml.reader import join
from definition.cloudformation.properties import PropertyReader, checked_properties
from definition.cloudformation.stack import Stack
from definition.service_resources import BucketNotificationSpec

NOTIFICATIONS = "Custom::S3BucketNotifications"

EVENT_TYPES = frozenset(
    {
        "s3:TestEvent",
        *["s3:ObjectCreated:*", "s3:ObjectCreated:Put", "s3:ObjectCreated:Post"],
        *["s3:ObjectCreated:Copy", "s3:ObjectCreated:CompleteMultipartUpload"],
        *["s3:ObjectRemoved:*", "s3:ObjectRemoved:Delete", "s3:ObjectRemoved:DeleteMarkerCreated"],
        *["s3:ObjectRestore:*", "s3:ObjectRestore:Post", "s3:ObjectRestore:Completed"],
        *["s3:ObjectRestore:Delete", "s3:ReducedRedundancyLostObject", "s3:Replication:*"],
        "s3:Replication:OperationFailedReplication",
        "s3:Replication:OperationNotTracked",
        "s3:Replication:OperationMissedThreshold",
        "s3:Replication:OperationReplicatedAfterThreshold",
        *["s3:LifecycleExpiration:*", "s3:LifecycleExpiration:Delete"],
        *["s3:LifecycleExpiration:DeleteMarkerCreated", "s3:LifecycleTransition"],
        *["s3:IntelligentTiering", "s3:ObjectTagging:*", "s3:ObjectTagging:Put"],
        *["s3:ObjectTagging:Delete", "s3:ObjectAcl:Put"],
    }
)

# CloudFormation's lists: (list, destination, the key naming its ARN).
_TEMPLATE_LISTS = (
    ("LambdaConfigurations", "lambda", "Function"),
    ("QueueConfigurations", "queue", "Queue"),
    ("TopicConfigurations", "topic", "Topic"),
)
# PutBucketNotificationConfiguration's lists.
_API_LISTS = (
    ("LambdaFunctionConfigurations", "lambda", "LambdaFunctionArn"),
    ("QueueConfigurations", "queue", "QueueArn"),
    ("TopicConfigurations", "topic", "TopicArn"),
)
_CUSTOM_KEYS = (
    *["ServiceToken", "BucketName", "NotificationConfiguration", "Managed"],
    "SkipDestinationValidation",
)


def template_notifications(
    reader: PropertyReader, config: Any
) -> tuple[BucketNotificationSpec, ...]:
    """An `AWS::S3::Bucket`'s `NotificationConfiguration`."""
    where = "Properties.NotificationConfiguration"
    if config is None:
        return ()
    keys = [name for name, _, _ in _TEMPLATE_LISTS]
    block = reader.mapping(config, where, (*keys, "EventBridgeConfiguration"))
    if block is None:
        return ()
    if block.get("EventBridgeConfiguration"):
        reader.notice(
            "Properties.NotificationConfiguration.EventBridgeConfiguration",
            "accepted; no local effect yet (S3 events do not reach EventBridge locally)",
        )
    found = []
    for list_key, destination, arn_key in _TEMPLATE_LISTS:
        for path, item in reader.items(block, list_key, where):
            entry = reader.mapping(item, path, ("Event", "Filter", arn_key))
            if entry is None:
                continue
            arn = reader.string(entry, arn_key, path, required=True)
            event = reader.string(entry, "Event", path, required=True)
            if arn is None or event is None or not _known(reader, [event], join(path, "Event")):
                continue
            prefix, suffix = _filter(reader, entry.get("Filter"), path, ("S3Key", "Rules"))
            found.append(BucketNotificationSpec(destination, arn, (event,), prefix, suffix))
    return tuple(found)


def read_custom_notifications(
    stack: Stack,
) -> list[tuple[str, tuple[BucketNotificationSpec, ...], str]]:
    """Each `Custom::S3BucketNotifications`: the bucket it names, its configurations, and where
    the template states it."""
    found = []
    for resource in stack.of_type(NOTIFICATIONS):
        checked = checked_properties(stack, resource.logical_id, _CUSTOM_KEYS, {})
        if checked is None:
            continue
        reader, properties = checked
        path = "Properties"
        bucket = reader.string(properties, "BucketName", path, required=True)
        config = properties.get("NotificationConfiguration")
        if bucket is None or config is None:
            continue
        where = join(path, "NotificationConfiguration")
        keys = [name for name, _, _ in _API_LISTS]
        block = reader.mapping(config, where, (*keys, "EventBridgeConfiguration"))
        if block is None:
            continue
        specs = []
        for list_key, destination, arn_key in _API_LISTS:
            for item_path, item in reader.items(block, list_key, where):
                entry = reader.mapping(item, item_path, ("Id", "Events", "Filter", arn_key))
                if entry is None:
                    continue
                arn = reader.string(entry, arn_key, item_path, required=True)
                events = entry.get("Events")
                events_path = join(item_path, "Events")
                if not isinstance(events, list) or not events:
                    reader.problem(events_path, "expected a list of event types")
                    continue
                if arn is None or not _known(reader, events, events_path):
                    continue
                prefix, suffix = _filter(
                    reader, entry.get("Filter"), item_path, ("Key", "FilterRules")
                )
                identifier = reader.string(entry, "Id", item_path, required=False)
                specs.append(
                    BucketNotificationSpec(
                        destination, arn, tuple(events), prefix, suffix, identifier
                    )
                )
        found.append((bucket, tuple(specs), f"{resource.logical_id}.{path}"))
    return found


def _known(reader: PropertyReader, events: list[Any], path: str) -> bool:
    unknown = [event for event in events if event not in EVENT_TYPES]
    if unknown:
        reader.problem(
            path,
            f"{', '.join(map(repr, unknown))}: not an S3 event type "
            "(expected one such as s3:ObjectCreated:* or s3:ObjectRemoved:Delete)",
        )
    return not unknown


def _filter(
    reader: PropertyReader, config: Any, path: str, names: tuple[str, str]
) -> tuple[str, str]:
    """A filter's prefix and suffix; `names` are its key and rules list (`S3Key`/`Rules` in a
    template, `Key`/`FilterRules` in the API)."""
    if config is None:
        return "", ""
    key_name, rules_name = names
    where = join(path, "Filter")
    block = reader.mapping(config, where, (key_name,))
    key = (
        reader.mapping(block.get(key_name), join(where, key_name), (rules_name,)) if block else None
    )
    if key is None:
        return "", ""
    rules: dict[str, str] = {}
    for rule_path, item in reader.items(key, rules_name, join(where, key_name)):
        rule = reader.mapping(item, rule_path, ("Name", "Value"))
        if rule is None:
            continue
        name, value = rule.get("Name"), rule.get("Value")
        # Read without regard to case (S3's own examples write both prefix and Prefix).
        if not isinstance(name, str) or name.lower() not in ("prefix", "suffix"):
            reader.problem(join(rule_path, "Name"), f"expected prefix or suffix, got {name!r}")
        elif not isinstance(value, str):
            reader.problem(join(rule_path, "Value"), "expected a string")
        elif name.lower() in rules:
            reader.problem(rule_path, f"the {name.lower()} rule is given twice")
        else:
            rules[name.lower()] = value
    return rules.get("prefix", ""), rules.get("suffix", "")
