"""S3 for a Distributed Map's ItemReader: the `ObjectStore` the engine reads items through.

Register it with `TaskRegistry.register_object_store(S3ObjectStore(clients))`. A refusal (no such
bucket or key) fails the Map with States.ItemReaderFailed and S3's message in the Java SDK's
cause format.
"""

from __future__ import annotations

from typing import Any

from stepfunctions.errors import StatesError
from stepfunctions.integrations.aws import AwsClients
from stepfunctions.integrations.errors import IntegrationCallError
from stepfunctions.runtime.clock import Clock, SystemClock
from stepfunctions.runtime.item_reader import ITEM_READER_FAILED


class S3ObjectStore:
    """`ObjectStore` over boto3's S3 client (the embedded moto, or a configured endpoint)."""

    def __init__(self, clients: AwsClients, clock: Clock | None = None) -> None:
        self._clients = clients
        # Only `busy()` is used: virtual time waits while a request is in flight.
        self._clock: Clock = clock if clock is not None else SystemClock()

    async def get_object(self, bucket: str, key: str) -> bytes:
        answer = await self._call("GetObject", {"Bucket": bucket, "Key": key})
        body = answer["Body"]
        data: bytes = body.read()
        return data

    async def list_objects(self, bucket: str, prefix: str) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        parameters: dict[str, Any] = {"Bucket": bucket, "Prefix": prefix}
        while True:
            answer = await self._call("ListObjectsV2", dict(parameters))
            for entry in answer.get("Contents", []):
                items.append(
                    {
                        "Etag": entry.get("ETag"),
                        "Key": entry.get("Key"),
                        "LastModified": entry["LastModified"].timestamp(),
                        "Size": entry.get("Size"),
                        "StorageClass": entry.get("StorageClass"),
                    }
                )
            token = answer.get("NextContinuationToken")
            if not answer.get("IsTruncated") or not token:
                return items
            parameters["ContinuationToken"] = token

    async def _call(self, operation: str, parameters: dict[str, Any]) -> dict[str, Any]:
        try:
            return await self._clients.call("s3", operation, parameters, self._clock)
        except IntegrationCallError as error:
            cause = (
                f"{error.message} (Service: Amazon S3; Status Code: {error.status}; Error Code: "
                f"{error.code}; Request ID: {error.request_id}; Proxy: null)"
            )
            raise StatesError(ITEM_READER_FAILED, cause, prefixed=True) from error
