"""A template's queues, topics, subscriptions and buckets exist in the embedded SQS, SNS and S3
(moto's backends) while `resources_created` is entered, as CloudFormation creates them (the
dead-letter queue before the queue whose RedrivePolicy names it; a subscription under the ARN
its `Ref` gave), a second creation changes nothing but what changed, and they are gone after."""

from __future__ import annotations

import json
from typing import Any

import pytest
from moto.s3.models import s3_backends
from moto.sns.models import sns_backends
from moto.sqs.models import sqs_backends

from appsync.aws.service_resources import CreatedResources, resources_created
from appsync.errors import ConfigError
from definition.problems import Problem
from definition.service_resources import (
    BucketSpec,
    QueueSpec,
    ServiceResources,
    SubscriptionSpec,
    TopicSpec,
)

ACCOUNT, REGION = "123456789012", "eu-west-1"
DEAD = QueueSpec("unit-dead", REGION, ACCOUNT, {}, "Dead.Properties")
JOBS = QueueSpec(
    "unit-jobs",
    REGION,
    ACCOUNT,
    {
        "VisibilityTimeout": "60",
        "RedrivePolicy": json.dumps({"deadLetterTargetArn": DEAD.arn, "maxReceiveCount": 3}),
    },
    "Jobs.Properties",
)
TOPIC_ARN = f"arn:aws:sns:{REGION}:{ACCOUNT}:unit-news"
SUBSCRIPTION_ARN = f"{TOPIC_ARN}:0f0e0d0c-0b0a-0908-0706-050403020100"
RESOURCES = ServiceResources(
    # The queue first, its dead-letter queue after: created the other way round.
    queues=(JOBS, DEAD),
    topics=(TopicSpec(TOPIC_ARN, {"DisplayName": "News"}, "News.Properties"),),
    subscriptions=(
        SubscriptionSpec(
            TOPIC_ARN,
            "sqs",
            JOBS.arn,
            {"RawMessageDelivery": "true"},
            "Inbox.Properties",
            SUBSCRIPTION_ARN,
        ),
    ),
    buckets=(
        BucketSpec(
            "unit-uploads",
            REGION,
            True,
            ({"AllowedMethods": ["GET"], "AllowedOrigins": ["*"], "MaxAgeSeconds": 60},),
            "Uploads.Properties",
        ),
    ),
)


def _locate(key_path: str, message: str) -> Problem:
    return Problem("template.yaml", key_path, message)


def _sqs() -> Any:
    return sqs_backends[ACCOUNT][REGION]


def _sns() -> Any:
    return sns_backends[ACCOUNT][REGION]


def test_each_resource_is_created_with_its_settings_and_removed_after() -> None:
    with resources_created(CreatedResources(), RESOURCES, _locate):
        jobs = _sqs().get_queue("unit-jobs")
        assert jobs.visibility_timeout == 60
        assert jobs.redrive_policy["deadLetterTargetArn"] == DEAD.arn
        assert _sns().get_topic(TOPIC_ARN).display_name == "News"
        subscription = _sns().subscriptions[SUBSCRIPTION_ARN]
        assert (subscription.protocol, subscription.endpoint) == ("sqs", JOBS.arn)
        assert subscription.attributes["RawMessageDelivery"] == "true"
        # Published to the topic, raw: the queue holds the message itself.
        _sns().publish("hello", arn=TOPIC_ARN)
        assert [message.body for message in jobs.messages] == ["hello"]
        bucket = s3_backends[ACCOUNT]["global"].get_bucket("unit-uploads")
        assert bucket.versioning_status == "Enabled"
        assert [(rule.allowed_methods, rule.max_age_seconds) for rule in bucket.cors] == [
            (["GET"], "60")
        ]
    assert "unit-jobs" not in _sqs().queues
    assert "unit-dead" not in _sqs().queues
    assert TOPIC_ARN not in _sns().topics
    assert SUBSCRIPTION_ARN not in _sns().subscriptions
    assert "unit-uploads" not in s3_backends.bucket_accounts


def test_creating_again_keeps_what_exists_and_sets_what_changed() -> None:
    created = CreatedResources()
    with resources_created(created, RESOURCES, _locate):
        _sqs().send_message("unit-jobs", "kept")
        changed = QueueSpec("unit-jobs", REGION, ACCOUNT, {"VisibilityTimeout": "5"}, "Jobs")
        created.create(ServiceResources(queues=(changed,)), _locate)
        jobs = _sqs().get_queue("unit-jobs")
        assert jobs.visibility_timeout == 5
        assert [message.body for message in jobs.messages] == ["kept"]
        assert len(_sns().subscriptions) == len(set(_sns().subscriptions))


def test_a_resource_the_service_refuses_is_a_start_problem() -> None:
    # A FIFO topic whose name does not end in .fifo: CreateTopic's InvalidParameter.
    topic = TopicSpec(f"arn:aws:sns:{REGION}:{ACCOUNT}:unit-plain", {"FifoTopic": "true"}, "T")
    created = CreatedResources()
    with pytest.raises(ConfigError) as caught:
        created.create(ServiceResources(topics=(topic,)), _locate)
    [problem] = caught.value.problems
    assert problem.key_path == "T"
    assert problem.message.startswith("InvalidParameter: Fifo Topic names must end with .fifo")


def _redriving_to(name: str, target: QueueSpec) -> QueueSpec:
    policy = json.dumps({"deadLetterTargetArn": target.arn, "maxReceiveCount": 2})
    return QueueSpec(name, REGION, ACCOUNT, {"RedrivePolicy": policy}, f"{name}.Properties")


def test_a_chain_of_dead_letter_queues_is_created_from_its_end() -> None:
    # jobs -> retries -> last: each dead-letter queue exists before the queue naming it, as
    # CloudFormation orders them by their GetAtt references.
    last = QueueSpec("unit-chain-last", REGION, ACCOUNT, {}, "Last.Properties")
    retries = _redriving_to("unit-chain-retries", last)
    jobs = _redriving_to("unit-chain-jobs", retries)
    with resources_created(
        CreatedResources(), ServiceResources(queues=(jobs, retries, last)), _locate
    ):
        queues = _sqs().queues
        assert queues["unit-chain-jobs"].redrive_policy["deadLetterTargetArn"] == retries.arn
        assert queues["unit-chain-retries"].redrive_policy["deadLetterTargetArn"] == last.arn
    assert "unit-chain-last" not in _sqs().queues
