"""A template's SQS queues, SNS topics (and their subscriptions), S3 buckets (filled by their CDK
bucket deployments, `bucket_deployments`) and SSM parameters, created in the embedded services
at start, under the names the template's `Ref` and `Fn::GetAtt` gave them
(`definition.cloudformation.names`), so that a function sending to its declared queue, a
stream mapping's on-failure destination and boto3 on the AWS endpoint find the same ones.

They are made in moto's backends in this process, the ones the AWS endpoint serves
(`appsync.aws.moto_services`), as CloudFormation makes them: a queue with CreateQueue's
attributes (its dead-letter queue first, so that the `RedrivePolicy` names an existing queue),
a topic with CreateTopic's, each subscription with Subscribe and SetSubscriptionAttributes (an
`AWS::SNS::Subscription` keeping the ARN its `Ref` gave), a bucket with CreateBucket, its
versioning, CORS rules and event notifications (as PutBucketNotificationConfiguration sets
them, without the `s3:TestEvent` message S3 sends when they are set: a start is not a new
configuration; `s3_notifications` sends the events), a parameter with PutParameter
(overwriting: the template's value wins). Creating again is idempotent: a queue or topic that
exists takes the declared attributes, a subscription that exists is kept, a bucket that exists
keeps its objects (a deployment puts its files again); so a reload creates what it adds
(`appsync.reload`). What a start created is removed when the server stops (moto's backends
outlive a server in one process, as `user_pools` says). With a data directory, what the queues
and buckets hold is put back at the start and written as it changes (`resource_journal`),
before the deployments put their files again.
"""

from __future__ import annotations

import json
import logging
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from appsync.aws.bucket_deployments import deploy
from appsync.aws.resource_files import ResourceFiles
from appsync.aws.resource_journal import ResourceJournal, journal_changes, journaled
from appsync.aws.s3_notifications import BucketNotifications
from appsync.aws.sns_lambda import LambdaSubscriptions
from appsync.errors import ConfigError, ResourceJournalError
from definition.problems import Problem
from definition.service_resources import (
    BucketNotificationSpec,
    BucketSpec,
    ParameterSpec,
    QueueSpec,
    ServiceResources,
    SubscriptionSpec,
)
from resolvers.datasources.dynamodb_wire import BACKEND_LOCK

logger = logging.getLogger(__name__)

# PutBucketCors's names of a rule's lists, and the XML element names moto's backend keeps.
_CORS_ELEMENTS = {
    "AllowedMethods": "AllowedMethod",
    "AllowedOrigins": "AllowedOrigin",
    "AllowedHeaders": "AllowedHeader",
    "ExposeHeaders": "ExposeHeader",
}


# Where a key path of the definition is, as a problem (`ApiDefinition.problem`).
Locate = Callable[[str, str], Problem]


class CreatedResources:
    """What `create` made (and `remove` takes away), by service; `lambda_subscriptions`
    delivers the messages of its `lambda` subscriptions, `bucket_notifications` the buckets'
    events."""

    def __init__(self) -> None:
        self.lambda_subscriptions = LambdaSubscriptions()
        self.bucket_notifications = BucketNotifications()
        self.queues: set[tuple[str, str, str]] = set()
        self.topics: set[str] = set()
        self.subscriptions: set[str] = set()
        self.buckets: set[str] = set()
        self.parameters: set[tuple[str, str]] = set()
        # What the definition declares now (a reload's adds to the start's).
        self.declared = ServiceResources()
        # Where their queues' and buckets' changes are written (with a data directory).
        self.journal: ResourceJournal | None = None

    def create(self, resources: ServiceResources, locate: Locate, *, deploy: bool = True) -> None:
        """Everything `resources` declares, in the embedded services (idempotent); raises
        ConfigError for what they refuse, at the resource `locate` places. Without `deploy`,
        the bucket deployments wait for `deploy` (after the kept objects are back)."""
        from moto.core.exceptions import ServiceException

        self.declared = resources
        with BACKEND_LOCK:
            current = ""
            try:
                for queue in _dead_letter_queues_first(resources.queues):
                    current = queue.key_path
                    self._queue(queue)
                for topic in resources.topics:
                    current = topic.key_path
                    backend = _sns(topic.region)
                    if topic.topic_arn not in backend.topics:
                        self.topics.add(topic.topic_arn)
                    made = backend.create_topic(topic.topic_name, dict(topic.attributes))
                    for name, value in topic.attributes.items():
                        backend.set_topic_attribute(made.arn, name, value)
                for subscription in resources.subscriptions:
                    current = subscription.key_path
                    self._subscribe(subscription)
                for bucket in resources.buckets:
                    current = bucket.key_path
                    self._bucket(bucket)
                for parameter in resources.parameters:
                    current = parameter.key_path
                    self._parameter(parameter)
            except ServiceException as error:
                problem = locate(current, f"{error.code}: {error.message}")
                raise ConfigError([problem]) from error
            if self.journal is not None:
                self.journal.keep(resources)
        if deploy:
            self.deploy(locate)
        logger.debug(
            "created %d queue(s), %d topic(s), %d bucket(s) of the template",
            len(resources.queues),
            len(resources.topics),
            len(resources.buckets),
        )

    def deploy(self, locate: Locate) -> None:
        """The declared bucket deployments done (`bucket_deployments`), written to the journal
        when there is one; raises ConfigError for a destination S3 refuses or a source that
        cannot be read."""
        from moto.core.exceptions import ServiceException

        with journaled():
            for deployment in self.declared.deployments:
                try:
                    deploy(_s3(), deployment)
                except ServiceException as error:
                    problem = locate(deployment.key_path, f"{error.code}: {error.message}")
                    raise ConfigError([problem]) from error
                except (OSError, zipfile.BadZipFile) as error:
                    problem = locate(deployment.key_path, f"cannot read a source: {error}")
                    raise ConfigError([problem]) from error

    def _parameter(self, parameter: ParameterSpec) -> None:
        put_parameter(parameter)
        self.parameters.add((parameter.region, parameter.name))

    def _queue(self, queue: QueueSpec) -> None:
        backend = _sqs(queue.region, queue.account_id)
        if queue.queue_name in backend.queues:
            backend.set_queue_attributes(queue.queue_name, dict(queue.attributes))
            return
        backend.create_queue(queue.queue_name, **queue.attributes)
        self.queues.add((queue.account_id, queue.region, queue.queue_name))

    def _subscribe(self, spec: SubscriptionSpec) -> None:
        region = spec.topic_arn.split(":")[3]
        backend = _sns(region)
        made = backend.subscribe(spec.topic_arn, spec.endpoint, spec.protocol)
        wanted = spec.subscription_arn
        if wanted is not None and made.arn != wanted:
            # The ARN the template's `Ref` gave, in place of moto's random one.
            backend.subscriptions.pop(made.arn, None)
            made.arn = wanted
            made.attributes["SubscriptionArn"] = wanted
            backend.subscriptions[wanted] = made
        self.subscriptions.add(made.arn)
        for name, value in spec.attributes.items():
            backend.set_subscription_attributes(made.arn, name, value)
        if spec.protocol == "lambda":
            self.lambda_subscriptions.install(made)

    def _bucket(self, bucket: BucketSpec) -> None:
        from moto.s3.models import s3_backends

        backend = _s3()
        if bucket.bucket_name not in s3_backends.bucket_accounts:
            backend.create_bucket(bucket.bucket_name, bucket.region)
            self.buckets.add(bucket.bucket_name)
        if bucket.versioning:
            backend.put_bucket_versioning(bucket.bucket_name, "Enabled")
        if bucket.cors_rules:
            backend.put_bucket_cors(bucket.bucket_name, [_moto_cors(r) for r in bucket.cors_rules])
        if bucket.notifications:
            from moto.s3.models import NotificationConfiguration

            # AWS differs: S3 sends `s3:TestEvent` to the queues and topics when a configuration
            # is set (a deployment); a start sets it without one.

            made = backend.get_bucket(bucket.bucket_name)
            made.notification_configuration = NotificationConfiguration(
                **_moto_notifications(bucket.notifications)
            )

    def remove(self) -> None:
        """What `create` made, gone from the embedded services."""
        from moto.s3.models import s3_backends

        with BACKEND_LOCK:
            for account, region, name in self.queues:
                _sqs(region, account).queues.pop(name, None)
            for arn in self.subscriptions:
                _sns(arn.split(":")[3]).subscriptions.pop(arn, None)
            for arn in self.topics:
                _sns(arn.split(":")[3]).delete_topic(arn)
            for name in self.buckets:
                s3_backends.bucket_accounts.pop(name, None)
                _s3().buckets.pop(name, None)
            for region, name in self.parameters:
                _ssm(region).delete_parameter(name)
        for made in (self.queues, self.topics, self.subscriptions, self.buckets, self.parameters):
            made.clear()


@contextmanager
def resources_created(
    created: CreatedResources,
    resources: ServiceResources,
    locate: Locate,
    kept: Path | None = None,
    *,
    fsync: bool = False,
) -> Iterator[None]:
    """While inside, the embedded services hold `resources`, their queues and buckets with what
    they held when a server using the same `kept` file (the snapshot beside its journal,
    `resource_files`) stopped or was killed; each change is written as it is made (with
    `fsync`, to the disk). Entering and leaving read and write files: callers on an event loop
    do both in a worker thread."""
    if not resources:
        yield
        return
    created.create(resources, locate, deploy=kept is None)
    if kept is None:
        try:
            yield
        finally:
            created.remove()
        return
    journal = ResourceJournal(ResourceFiles(kept, fsync=fsync), resources)
    try:
        journal.start()
    except ResourceJournalError as error:
        created.remove()
        raise ConfigError([Problem("appsync-local serve", "--data-dir", str(error))]) from error
    created.journal = journal
    journal_changes(journal)
    try:
        created.deploy(locate)
        yield
    finally:
        journal_changes(None)
        created.journal = None
        journal.stop()
        created.remove()


def _dead_letter_queues_first(queues: tuple[QueueSpec, ...]) -> list[QueueSpec]:
    """`queues` with each dead-letter queue before the queues whose RedrivePolicy names it,
    along a chain of them too (a queue's dead-letter queue may have one of its own)."""
    by_arn = {queue.arn: queue for queue in queues}
    ordered: list[QueueSpec] = []
    placed: set[str] = set()
    for queue in queues:
        chain = []
        # Up the chain to the first queue placed, not declared, or seen (a cycle SQS refuses).
        while queue.arn not in placed and queue not in chain:
            chain.append(queue)
            policy = queue.attributes.get("RedrivePolicy")
            target = json.loads(policy).get("deadLetterTargetArn") if policy else None
            if target not in by_arn:
                break
            queue = by_arn[target]
        for each in reversed(chain):
            placed.add(each.arn)
            ordered.append(each)
    return ordered


def _moto_cors(rule: Any) -> dict[str, Any]:
    moto_rule: dict[str, Any] = {
        _CORS_ELEMENTS[key]: value for key, value in rule.items() if key in _CORS_ELEMENTS
    }
    if "MaxAgeSeconds" in rule:
        moto_rule["MaxAgeSeconds"] = str(rule["MaxAgeSeconds"])
    if "ID" in rule:
        moto_rule["ID"] = rule["ID"]
    return moto_rule


def _moto_notifications(specs: tuple[BucketNotificationSpec, ...]) -> dict[str, Any]:
    """moto's NotificationConfiguration arguments (its parsed PutBucketNotificationConfiguration
    XML: `{"CloudFunction" | "Queue" | "Topic": arn, "Event": [...], "Filter", "Id"}`)."""
    made: dict[str, list[dict[str, Any]]] = {"cloud_function": [], "queue": [], "topic": []}
    for spec in specs:
        kind, key = {
            "lambda": ("cloud_function", "CloudFunction"),
            "queue": ("queue", "Queue"),
            "topic": ("topic", "Topic"),
        }[spec.destination]
        item: dict[str, Any] = {key: spec.arn, "Event": list(spec.events)}
        rules = [
            {"Name": name, "Value": value}
            for name, value in (("prefix", spec.prefix), ("suffix", spec.suffix))
            if value
        ]
        if rules:
            item["Filter"] = {"S3Key": {"FilterRule": rules}}
        if spec.configuration_id is not None:
            item["Id"] = spec.configuration_id
        made[kind].append(item)
    return made


def _sqs(region: str, account: str) -> Any:
    from moto.sqs.models import sqs_backends

    return sqs_backends[account][region]


def _sns(region: str) -> Any:
    from moto.core.models import DEFAULT_ACCOUNT_ID
    from moto.sns.models import sns_backends

    return sns_backends[DEFAULT_ACCOUNT_ID][region]


def put_parameter(parameter: ParameterSpec, data_type: str = "text") -> None:
    """`parameter` in moto's SSM, as PutParameter with `Overwrite` puts it (the backends' lock
    held by the caller)."""
    _ssm(parameter.region).put_parameter(
        name=parameter.name,
        description=parameter.description,
        value=parameter.value,
        parameter_type=parameter.type,
        allowed_pattern=None,
        keyid=None,
        overwrite=True,
        tags=[],
        data_type=data_type,
        tier=None,
        policies=None,
    )


def _ssm(region: str) -> Any:
    from moto.core.models import DEFAULT_ACCOUNT_ID
    from moto.ssm.models import ssm_backends

    return ssm_backends[DEFAULT_ACCOUNT_ID][region]


def _s3() -> Any:
    from moto.core.models import DEFAULT_ACCOUNT_ID
    from moto.s3.models import s3_backends

    return s3_backends[DEFAULT_ACCOUNT_ID]["global"]
