"""Every object change of the embedded S3 (moto's backend) reaches the listeners once, with S3's
event type: the ones moto sends itself (PutObject, CopyObject, CompleteMultipartUpload, a
delete) and a versioned bucket's deletes it sends nothing for (a delete marker, a version that
is not the last)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from moto.s3.models import s3_backends

from appsync.aws.object_changes import listen, stop_listening
from resolvers.datasources.dynamodb_wire import BACKEND_LOCK, DEFAULT_ACCOUNT_ID


@pytest.fixture
def heard() -> Iterator[list[tuple[str, str, str]]]:
    found: list[tuple[str, str, str]] = []

    def listener(event_name: str, bucket: Any, key: Any) -> None:
        found.append((event_name, bucket.name, key.name))

    listen(listener)
    try:
        yield found
    finally:
        stop_listening(listener)


def _s3() -> Any:
    return s3_backends[DEFAULT_ACCOUNT_ID]["global"]


def test_puts_copies_and_deletes_are_heard(heard: list[tuple[str, str, str]]) -> None:
    s3 = _s3()
    with BACKEND_LOCK:
        s3.create_bucket("unit-changes", "us-east-1")
        try:
            made = s3.put_object("unit-changes", "a", b"1")
            s3.copy_object(made, "unit-changes", "b")
            s3.delete_object("unit-changes", "a")
            s3.delete_objects("unit-changes", [{"Key": "b"}, {"Key": "missing"}])
        finally:
            s3.buckets.pop("unit-changes", None)
            s3_backends.bucket_accounts.pop("unit-changes", None)
    assert heard == [
        ("s3:ObjectCreated:Put", "unit-changes", "a"),
        ("s3:ObjectCreated:Copy", "unit-changes", "b"),
        ("s3:ObjectRemoved:Delete", "unit-changes", "a"),
        ("s3:ObjectRemoved:Delete", "unit-changes", "b"),
    ]


def test_a_versioned_bucket_s_deletes_are_heard(heard: list[tuple[str, str, str]]) -> None:
    s3 = _s3()
    with BACKEND_LOCK:
        s3.create_bucket("unit-versions", "us-east-1")
        try:
            s3.put_bucket_versioning("unit-versions", "Enabled")
            first = s3.put_object("unit-versions", "k", b"1")
            s3.put_object("unit-versions", "k", b"2")
            s3.delete_object("unit-versions", "k", version_id=first.version_id)
            s3.delete_object("unit-versions", "k")
        finally:
            s3.buckets.pop("unit-versions", None)
            s3_backends.bucket_accounts.pop("unit-versions", None)
    assert [event for event, _, _ in heard] == [
        "s3:ObjectCreated:Put",
        "s3:ObjectCreated:Put",
        "s3:ObjectRemoved:Delete",
        "s3:ObjectRemoved:DeleteMarkerCreated",
    ]


def test_a_listener_no_longer_listening_hears_nothing() -> None:
    found: list[str] = []

    def listener(event_name: str, bucket: Any, key: Any) -> None:
        found.append(event_name)

    listen(listener)
    stop_listening(listener)
    s3 = _s3()
    with BACKEND_LOCK:
        s3.create_bucket("unit-quiet", "us-east-1")
        try:
            s3.put_object("unit-quiet", "a", b"1")
        finally:
            s3.buckets.pop("unit-quiet", None)
            s3_backends.bucket_accounts.pop("unit-quiet", None)
    assert found == []
