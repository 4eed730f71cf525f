"""What a template's queues and buckets hold, kept in the data directory between runs
(`data_directory.RESOURCES_FILE`): the messages of each queue and the objects of each bucket,
written when the server stops and put back when it starts, after the resources are created
(`appsync.aws.service_resources`).

AWS differs: DynamoDB's writes reach the data directory as they are answered; these are written
at a clean stop only, so a killed server loses what its queues and buckets received since it
started. A message put back is sent again (a new `MessageId`, its `SentTimestamp` now, its
receive count 0, visible at once); an object is its latest version with its content type and
user metadata (a versioned bucket's older versions are not kept).
"""

from __future__ import annotations

import base64
import json
import logging
import os
from pathlib import Path
from typing import Any

from definition.service_resources import ServiceResources
from resolvers.datasources.dynamodb_wire import BACKEND_LOCK, DEFAULT_ACCOUNT_ID

logger = logging.getLogger(__name__)


def save(resources: ServiceResources, file: Path) -> None:
    """The declared queues' messages and buckets' objects, written to `file` whole."""
    from moto.s3.models import s3_backends
    from moto.sqs.models import sqs_backends

    kept: dict[str, Any] = {"queues": {}, "buckets": {}}
    with BACKEND_LOCK:
        for spec in resources.queues:
            queue = sqs_backends[spec.account_id][spec.region].queues.get(spec.queue_name)
            if queue is not None:
                kept["queues"][spec.queue_name] = [_message(m) for m in queue._messages]
        s3 = s3_backends[DEFAULT_ACCOUNT_ID]["global"]
        for bucket_spec in resources.buckets:
            bucket = s3.buckets.get(bucket_spec.bucket_name)
            if bucket is not None:
                objects = [_object(name, key) for name, key in bucket.keys.items()]
                kept["buckets"][bucket_spec.bucket_name] = [o for o in objects if o is not None]
    partial = file.with_suffix(".tmp")
    try:
        partial.write_text(json.dumps(kept), encoding="utf-8")
        os.replace(partial, file)
    except OSError as error:
        logger.warning("the queues' and buckets' contents were not kept in %s: %s", file, error)


def restore(resources: ServiceResources, file: Path) -> None:
    """Put back what `save` kept, into the declared queues and buckets that exist again."""
    from moto.core.exceptions import ServiceException
    from moto.s3.models import s3_backends
    from moto.sqs.models import sqs_backends

    try:
        kept = json.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return
    except (OSError, ValueError) as error:
        logger.warning("%s could not be read: the queues and buckets start empty (%s)", file, error)
        return
    if not isinstance(kept, dict):
        logger.warning("%s could not be put back: it holds no object", file)
        return
    queues, buckets = kept.get("queues"), kept.get("buckets")
    with BACKEND_LOCK:
        for spec in resources.queues:
            backend = sqs_backends[spec.account_id][spec.region]
            for message in _entries(queues, spec.queue_name):
                try:
                    backend.send_message(
                        spec.queue_name,
                        message["body"],
                        message_attributes=message.get("attributes") or None,
                        deduplication_id=message.get("deduplicationId"),
                        group_id=message.get("groupId"),
                    )
                except (ServiceException, KeyError, TypeError, ValueError) as error:
                    logger.warning(
                        "a kept message of %s could not be put back: %r", spec.queue_name, error
                    )
        s3 = s3_backends[DEFAULT_ACCOUNT_ID]["global"]
        for bucket_spec in resources.buckets:
            for stored in _entries(buckets, bucket_spec.bucket_name):
                try:
                    value = base64.b64decode(stored["value"], validate=True)
                    made = s3.put_object(
                        bucket_spec.bucket_name, stored["key"], value, disable_notification=True
                    )
                    made.set_metadata(dict(stored.get("metadata") or {}))
                except (ServiceException, KeyError, TypeError, ValueError) as error:
                    logger.warning(
                        "a kept object of %s could not be put back: %r",
                        bucket_spec.bucket_name,
                        error,
                    )


def _entries(kept: Any, name: str) -> list[dict[str, Any]]:
    """The kept entries of the queue or bucket `name` (in the file's `queues` or `buckets`)
    that are objects; what is not is logged and skipped."""
    found = kept.get(name) if isinstance(kept, dict) else None
    if found is None:
        return []
    entries = (
        [entry for entry in found if isinstance(entry, dict)] if isinstance(found, list) else []
    )
    if not isinstance(found, list) or len(entries) < len(found):
        logger.warning("kept entries of %s could not be put back: not objects", name)
    return entries


def _message(message: Any) -> dict[str, Any]:
    return {
        "body": message.body,
        "attributes": message.message_attributes,
        "deduplicationId": message.deduplication_id,
        "groupId": message.group_id,
    }


def _object(name: str, key: Any) -> dict[str, Any] | None:
    value = getattr(key, "value", None)
    if not isinstance(value, bytes):
        return None  # a delete marker
    return {
        "key": name,
        "value": base64.b64encode(value).decode(),
        "metadata": dict(key.metadata),
    }
