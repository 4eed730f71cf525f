"""A service's `s3` events compiled as the Serverless Framework v3 compiles them
(compile/events/s3/index.js): the bucket `S3Bucket<Name>` with the event's
LambdaConfigurations item (default `s3:ObjectCreated:*`, `rules` as the key filter), a
`provider.s3` entry's name and properties; an `existing: true` bucket's event is a notice."""

from __future__ import annotations

from pathlib import Path

from definition.service_resources import BucketNotificationSpec
from tests.unit.definition.serverless.serverless_support import HEAD, get_post, read

API = """
appSync:
  name: posts
  authentication: {type: API_KEY}
  dataSources:
    none: {type: NONE}
  resolvers:
"""


def test_s3_events_make_their_buckets_with_the_function_s_notifications(tmp_path: Path) -> None:
    text = (
        HEAD.replace(
            "provider:\n",
            "provider:\n  s3:\n    photos:\n      name: posts-photos\n"
            "      versioningConfiguration: {Status: Enabled}\n",
        )
        + """
functions:
  thumbs:
    handler: index.handler
    events:
      - s3: posts-inbox
      - s3:
          bucket: photos
          event: s3:ObjectRemoved:*
          rules: [{prefix: in/}, {suffix: .jpg}]
      - s3: {bucket: legacy-bucket, existing: true}
"""
        + API
        + get_post("none")
    )
    definition = read(tmp_path, text)
    [function] = definition.server.lambda_functions
    inbox, photos = sorted(definition.server.resources.buckets, key=lambda b: b.bucket_name)
    assert (inbox.bucket_name, inbox.key_path) == ("posts-inbox", "S3BucketPostsinbox.Properties")
    assert inbox.notifications == (
        BucketNotificationSpec("lambda", function.arn, ("s3:ObjectCreated:*",)),
    )
    assert (photos.bucket_name, photos.key_path) == ("posts-photos", "S3BucketPhotos.Properties")
    assert photos.versioning
    assert photos.notifications == (
        BucketNotificationSpec("lambda", function.arn, ("s3:ObjectRemoved:*",), "in/", ".jpg"),
    )
    assert any(
        "events[2].s3: accepted; an existing bucket's notification"
        in notice.key_path + ": " + notice.message
        for notice in definition.notices
    )
    assert not any("events do not trigger" in notice.message for notice in definition.notices)
