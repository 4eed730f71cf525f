"""The one place that hears of each object the embedded S3 (moto's backend, in this process)
creates or removes, for everything that follows them: the data directory's journal
(`resource_journal`) and the buckets' event notifications (`s3_notifications`).

moto calls its own `moto.s3.notifications.send_event(account_id, event_name, bucket, key)` at
each change it makes to an object: PutObject and a POST upload (`s3:ObjectCreated:Put`,
`Post`), CopyObject (`Copy`), CompleteMultipartUpload (`CompleteMultipartUpload`), DeleteObject
and DeleteObjects of an unversioned key or of a key's last version (`s3:ObjectRemoved:Delete`),
and tagging, ACL and restore changes. That function is replaced, once per process, by one that
hands each change to the listeners instead (moto's own delivery invokes its Lambda backend,
which holds none of the declared functions). The changes moto sends no event for are a
versioned bucket's deletes: a DeleteObject without a version id makes a delete marker
(`s3:ObjectRemoved:DeleteMarkerCreated`), and one of a version that is not the key's last
removes it (`s3:ObjectRemoved:Delete`); `S3Backend.delete_object` is wrapped to send those.

Listeners are called in moto's thread, with the embedded backends' lock held: they note the
change and return, and never wait.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from resolvers.datasources.dynamodb_wire import BACKEND_LOCK

# S3's event name (`s3:ObjectCreated:Put`), moto's FakeBucket and its FakeKey (or
# FakeDeleteMarker: a removed object's key as it was, or the marker put in its place).
ObjectListener = Callable[[str, Any, Any], None]

DELETE_MARKER_CREATED = "s3:ObjectRemoved:DeleteMarkerCreated"
REMOVED = "s3:ObjectRemoved:Delete"

_listeners: list[ObjectListener] = []


def listen(listener: ObjectListener) -> None:
    """`listener` told of every object change from now on (see the module's docstring)."""
    _track()
    # Under the lock: moto's threads read the list there.
    with BACKEND_LOCK:
        if listener not in _listeners:
            _listeners.append(listener)


def stop_listening(listener: ObjectListener) -> None:
    with BACKEND_LOCK:
        if listener in _listeners:
            _listeners.remove(listener)


def changed(event_name: str, bucket: Any, key: Any) -> None:
    """Tell every listener (in moto's thread, the backends' lock held)."""
    for listener in list(_listeners):
        listener(event_name, bucket, key)


def _track() -> None:
    """moto's `send_event` replaced and `delete_object` wrapped; once per process."""
    from moto.s3 import notifications
    from moto.s3.models import S3Backend

    if getattr(notifications.send_event, "appsync_local", False):
        return
    delete_object = S3Backend.delete_object

    def send_event(account_id: str, event_name: Any, bucket: Any, key: Any) -> None:
        if key is not None:
            changed(str(getattr(event_name, "value", event_name)), bucket, key)

    def remove(self: Any, bucket_name: str, key_name: str, *args: Any, **kwargs: Any) -> Any:
        version_id = args[0] if args else kwargs.get("version_id")
        bucket = self.buckets.get(bucket_name)
        versions = list(bucket.keys.getlist(key_name, [])) if bucket is not None else []
        outcome = delete_object(self, bucket_name, key_name, *args, **kwargs)
        if bucket is None or not bucket.is_versioned or not outcome[0]:
            return outcome
        if version_id is None:
            changed(DELETE_MARKER_CREATED, bucket, bucket.keys.get(key_name))
        elif key_name in bucket.keys:
            # A version that was not the key's last: moto sends nothing for it.
            gone = [key for key in versions if str(key.version_id) == str(version_id)]
            if gone:
                changed(REMOVED, bucket, gone[0])
        return outcome

    send_event.appsync_local = True  # type: ignore[attr-defined]
    notifications.send_event = send_event
    S3Backend.delete_object = remove  # type: ignore[method-assign]
