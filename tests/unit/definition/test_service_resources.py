"""The model of a template's queues, topics and buckets: names and ARNs as SQS and SNS write
them (`arn:aws:sqs:<region>:<account>:<name>`, `arn:aws:sns:<region>:<account>:<name>`)."""

from __future__ import annotations

from definition.service_resources import BucketSpec, QueueSpec, ServiceResources, TopicSpec


def test_a_queue_s_arn_names_its_region_account_and_name() -> None:
    queue = QueueSpec("jobs.fifo", "eu-west-1", "123456789012", {"FifoQueue": "true"})
    assert queue.arn == "arn:aws:sqs:eu-west-1:123456789012:jobs.fifo"


def test_a_topic_s_name_and_region_are_its_arn_s() -> None:
    topic = TopicSpec("arn:aws:sns:ap-south-1:123456789012:news")
    assert (topic.topic_name, topic.region) == ("news", "ap-south-1")


def test_resources_are_false_when_nothing_is_declared() -> None:
    assert not ServiceResources()
    assert ServiceResources(buckets=(BucketSpec("uploads", "us-east-1"),))
