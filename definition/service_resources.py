"""The SQS queues, SNS topics (with their subscriptions), S3 buckets (with the CDK bucket
deployments that fill them) and SSM parameters a template declares, created in the embedded
services at start so that the functions and stream mappings that name
them reach real ones (`appsync.service_resources`).

Each is what the template's resource says, in the API's own terms: a queue's CreateQueue
attributes (strings, as the API takes them), a topic's CreateTopic attributes, a
subscription's Subscribe protocol, endpoint and attributes, a bucket's name with its
versioning, CORS rules (PutBucketCors's `CORSRule`s) and event notifications (the
destinations of PutBucketNotificationConfiguration), a parameter's PutParameter name,
type and value, a deployment's local source files and destination, a role's policies.
`key_path` is where the template states it (`<LogicalId>.Properties`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from definition.event_filters import FilterPattern


@dataclass(frozen=True, slots=True)
class QueueSpec:
    """An `AWS::SQS::Queue`: its name (`.fifo` ending a FIFO queue's), region and account (its
    ARN's), and CreateQueue's `Attributes` (`RedrivePolicy` as JSON text naming its dead-letter
    queue's ARN)."""

    queue_name: str
    region: str
    account_id: str
    attributes: Mapping[str, str] = field(default_factory=dict)
    key_path: str = ""

    @property
    def arn(self) -> str:
        return f"arn:aws:sqs:{self.region}:{self.account_id}:{self.queue_name}"


@dataclass(frozen=True, slots=True)
class SubscriptionSpec:
    """An `AWS::SNS::Subscription` (or an item of a topic's `Subscription` list): Subscribe's
    `Protocol` and `Endpoint` (a queue's or function's ARN), and its attributes
    (`RawMessageDelivery`, `FilterPolicy` as JSON text, ...). `subscription_arn` is the ARN
    the resource's `Ref` gave (None for an item of a topic's list, which has no `Ref`)."""

    topic_arn: str
    protocol: str
    endpoint: str
    attributes: Mapping[str, str] = field(default_factory=dict)
    key_path: str = ""
    subscription_arn: str | None = None


@dataclass(frozen=True, slots=True)
class TopicSpec:
    """An `AWS::SNS::Topic`: its ARN (which names it, its region and account) and CreateTopic's
    `Attributes` (`FifoTopic`, `ContentBasedDeduplication`, `DisplayName`)."""

    topic_arn: str
    attributes: Mapping[str, str] = field(default_factory=dict)
    key_path: str = ""

    @property
    def topic_name(self) -> str:
        return self.topic_arn.rsplit(":", 1)[1]

    @property
    def region(self) -> str:
        return self.topic_arn.split(":")[3]


@dataclass(frozen=True, slots=True)
class BucketNotificationSpec:
    """One destination of a bucket's event notifications (PutBucketNotificationConfiguration's
    `LambdaFunctionConfigurations`, `QueueConfigurations` or `TopicConfigurations` item):
    `destination` is `lambda`, `queue` or `topic`, `arn` the function's, queue's or topic's,
    `events` S3's event types (`s3:ObjectCreated:*`, `s3:ObjectRemoved:Delete`, ...), and the
    key filter's `prefix` and `suffix` ("" when absent). `configuration_id` is the `Id`
    (None: S3 makes one up)."""

    destination: str
    arn: str
    events: tuple[str, ...]
    prefix: str = ""
    suffix: str = ""
    configuration_id: str | None = None


@dataclass(frozen=True, slots=True)
class BucketSpec:
    """An `AWS::S3::Bucket`: its name, whether versioning is on, its CORS rules as
    PutBucketCors takes them (`AllowedMethods`, `AllowedOrigins`, `AllowedHeaders`,
    `ExposeHeaders`, `MaxAgeSeconds`, `ID`), and its event notifications (its own
    `NotificationConfiguration`, and those a `Custom::S3BucketNotifications` of CDK adds)."""

    bucket_name: str
    region: str
    versioning: bool = False
    cors_rules: tuple[Mapping[str, Any], ...] = ()
    key_path: str = ""
    notifications: tuple[BucketNotificationSpec, ...] = ()


@dataclass(frozen=True, slots=True)
class RoleSpec:
    """An `AWS::IAM::Role` and the identity-based policies the template gives it: its inline
    `Policies`, the `AWS::IAM::Policy` and `AWS::IAM::ManagedPolicy` resources naming it in
    `Roles`, and those of its `ManagedPolicyArns` the template declares, as policy documents;
    `unknown_policies` are the managed policy ARNs it names that the template does not
    declare (AWS managed policies), whose statements are not known locally."""

    role_name: str
    policies: tuple[Mapping[str, Any], ...] = ()
    unknown_policies: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ParameterSpec:
    """An `AWS::SSM::Parameter`: PutParameter's `Name`, `Type` (`String` or `StringList`,
    the types CloudFormation creates), `Value` and `Description`, in the stack's region."""

    name: str
    region: str
    value: str
    type: str = "String"
    description: str | None = None
    key_path: str = ""


@dataclass(frozen=True, slots=True)
class BucketDeploymentSpec:
    """A `Custom::CDKBucketDeployment` (CDK's `BucketDeployment`): its sources, each the local
    file or directory of a `cdk.out` asset, put into `destination_bucket` under `prefix` as the
    construct's handler does (a directory's files; with `extract` false, a zip file as one
    object), `prune` deleting what else is under `prefix`; `system_metadata` and
    `user_metadata` as `aws s3 sync` sets them (`content-type`, `cache-control`, ...)."""

    destination_bucket: str
    # Each source: its local file or directory, and its object key (whose base name a zip
    # that is not extracted takes).
    sources: tuple[tuple[Path, str], ...]
    prefix: str = ""
    extract: bool = True
    prune: bool = True
    system_metadata: Mapping[str, str] = field(default_factory=dict)
    user_metadata: Mapping[str, str] = field(default_factory=dict)
    key_path: str = ""


@dataclass(frozen=True, slots=True)
class QueueMappingSpec:
    """An `AWS::Lambda::EventSourceMapping` from an SQS queue to a declared function (Lambda's
    CreateEventSourceMapping for a queue, with its defaults: 10 messages a batch, no batching
    window, no filters, the batch failed whole)."""

    function_name: str
    queue_arn: str
    batch_size: int = 10
    maximum_batching_window_seconds: int = 0
    enabled: bool = True
    filters: tuple[FilterPattern, ...] = ()
    # FunctionResponseTypes holds ReportBatchItemFailures.
    report_batch_item_failures: bool = False
    key_path: str = ""

    @property
    def queue_name(self) -> str:
        return self.queue_arn.rsplit(":", 1)[1]

    @property
    def region(self) -> str:
        return self.queue_arn.split(":")[3]

    @property
    def account_id(self) -> str:
        return self.queue_arn.split(":")[4]


@dataclass(frozen=True, slots=True)
class ServiceResources:
    """Everything of these kinds a definition declares (none: nothing is created), the
    mappings from its queues to its functions, and its IAM roles' policies (which decide what
    an identity pool's credentials may do in S3)."""

    queues: tuple[QueueSpec, ...] = ()
    topics: tuple[TopicSpec, ...] = ()
    subscriptions: tuple[SubscriptionSpec, ...] = ()
    buckets: tuple[BucketSpec, ...] = ()
    queue_mappings: tuple[QueueMappingSpec, ...] = ()
    parameters: tuple[ParameterSpec, ...] = ()
    deployments: tuple[BucketDeploymentSpec, ...] = ()
    roles: tuple[RoleSpec, ...] = ()

    def __bool__(self) -> bool:
        return bool(
            self.queues
            or self.topics
            or self.subscriptions
            or self.buckets
            or self.parameters
            or self.deployments
        )
