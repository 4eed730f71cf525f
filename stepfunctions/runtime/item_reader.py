"""A Distributed Map's ItemReader: items from an S3 object or from an S3 listing.

The engine does not import boto3; the composition root registers an `ObjectStore` on the
TaskRegistry (for example one that reads from the configured S3 endpoint). Formats follow the
developer guide ("ItemReader (Map)"):
* `s3:getObject` with ReaderConfig.InputType JSON (an array), JSONL (one value per line) or CSV
  (each row an object of strings, headers from the FIRST_ROW or GIVEN in CSVHeaders, CSVDelimiter
  COMMA, PIPE, SEMICOLON, SPACE or TAB);
* `s3:listObjectsV2`: one item per object, `{"Etag", "Key", "LastModified", "Size",
  "StorageClass"}`;
* ReaderConfig.MaxItems / MaxItemsPath limits the count. Failures are States.ItemReaderFailed.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping
from typing import Any, Protocol

from stepfunctions.errors import StatesError
from stepfunctions.language.model import ReaderConfig

ITEM_READER_FAILED = "States.ItemReaderFailed"


class ObjectStore(Protocol):
    """What an ItemReader needs from S3."""

    async def get_object(self, bucket: str, key: str) -> bytes:
        """The object's bytes; raise `StatesError` (e.g. S3.NoSuchKey) when it cannot."""
        ...

    async def list_objects(self, bucket: str, prefix: str) -> list[dict[str, Any]]:
        """ListObjectsV2 contents: Etag, Key, LastModified (epoch seconds), Size, StorageClass."""
        ...


async def read_items(
    store: ObjectStore | None, resource: str, parameters: Any, config: ReaderConfig
) -> list[Any]:
    """The items an ItemReader yields, before MaxItems."""
    if store is None:
        # AWS differs: without a registered object store there is no S3 to read from.
        raise StatesError(
            ITEM_READER_FAILED, "No S3 endpoint is configured for ItemReader.", prefixed=True
        )
    if not isinstance(parameters, Mapping) or not isinstance(parameters.get("Bucket"), str):
        raise StatesError(ITEM_READER_FAILED, "The ItemReader needs a Bucket.", prefixed=True)
    bucket: str = parameters["Bucket"]
    if resource.endswith(":s3:listObjectsV2"):
        prefix = parameters.get("Prefix") or ""
        return list(await store.list_objects(bucket, str(prefix)))
    key = parameters.get("Key")
    if not isinstance(key, str):
        raise StatesError(ITEM_READER_FAILED, "The ItemReader needs a Key.", prefixed=True)
    body = await store.get_object(bucket, key)
    return parse_items(body, config)


def parse_items(body: bytes, config: ReaderConfig) -> list[Any]:
    """Decode an object's content as ReaderConfig.InputType says."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise StatesError(
            ITEM_READER_FAILED, "The object is not UTF-8 text.", prefixed=True
        ) from exc
    input_type = (config.input_type or "JSON").upper()
    if input_type == "JSON":
        try:
            value = json.loads(text)
        except ValueError as exc:
            raise StatesError(
                ITEM_READER_FAILED, "Attempting to map over non-iterable node.", prefixed=True
            ) from exc
        if not isinstance(value, list):
            raise StatesError(
                ITEM_READER_FAILED, "Attempting to map over non-iterable node.", prefixed=True
            )
        return value
    if input_type == "JSONL":
        try:
            return [json.loads(line) for line in text.splitlines() if line.strip()]
        except ValueError as exc:
            raise StatesError(
                ITEM_READER_FAILED, "A line of the JSONL object is not JSON.", prefixed=True
            ) from exc
    if input_type == "CSV":
        return _csv_rows(text, config)
    raise StatesError(
        ITEM_READER_FAILED, f"The InputType {input_type} is not supported.", prefixed=True
    )


def _csv_rows(text: str, config: ReaderConfig) -> list[dict[str, str]]:
    rows = list(csv.reader(io.StringIO(text), delimiter=config.csv_delimiter))
    if config.csv_header_location == "GIVEN":
        headers = list(config.csv_headers)
    else:
        if not rows:
            return []
        headers, rows = rows[0], rows[1:]
    items: list[dict[str, str]] = []
    for row in rows:
        if not row:
            continue
        if len(row) > len(headers):
            raise StatesError(
                ITEM_READER_FAILED,
                "A CSV row has more fields than there are headers.",
                prefixed=True,
            )
        # Missing trailing fields are empty strings; every value stays a string.
        items.append({header: row[i] if i < len(row) else "" for i, header in enumerate(headers)})
    return items
