"""S3 locations in a template, read as the local files they stand for.

A template names code, schemas, templates and definitions by S3 location
(`DefinitionS3Location`, `CodeS3Location`, `Code: {S3Bucket, S3Key}`, ...). Locally they must
be files: a location written as a path (`./schema.graphql`, as `aws cloudformation package`
and SAM take them) is relative to the template; an `s3://bucket/key` (or `{Bucket, Key}`, or a
nested stack's `TemplateURL` as an S3 object URL, path-style `https://s3.<region>.amazonaws.com/
bucket/key` or virtual-hosted `https://bucket.s3.<region>.amazonaws.com/key`) is local when the
format it came from says which file it stands for (a CDK asset in `cdk.out`, a SAM `CodeUri`
path, an Amplify project's build folder). Any other location is an error that says it is not
local.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from definition.errors import TemplateValueError

_URI = re.compile(r"^s3://([^/]+)/(.+)$")
# S3 object URLs ("Methods for accessing a bucket", Amazon S3 User Guide): path-style, with
# `s3.amazonaws.com`, `s3.<region>.` or the legacy `s3-<region>.`; and virtual-hosted.
_S3_HOST = r"s3(?:[.-][a-z0-9-]+)?\.amazonaws\.com(?:\.cn)?"
_PATH_STYLE = re.compile(rf"^https://{_S3_HOST}/([^/]+)/(.+)$")
_VIRTUAL_HOSTED = re.compile(rf"^https://([^/]+)\.{_S3_HOST}/(.+)$")
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://")


@dataclass(frozen=True, slots=True)
class LocalAssets:
    """Where S3 objects are on the local disk: `objects` maps `(bucket, key)` to a file or a
    directory; paths are relative to `base_dir`."""

    base_dir: Path
    objects: Mapping[tuple[str, str], Path] = field(default_factory=dict)

    def locate(self, value: Any, path: str, *, directory: bool = False) -> Path:
        """The local file (or, with `directory`, folder) that an S3 location stands for."""
        if isinstance(value, dict):
            bucket = value.get("Bucket", value.get("S3Bucket"))
            key = value.get("Key", value.get("S3Key"))
            if not isinstance(bucket, str) or not isinstance(key, str):
                raise TemplateValueError(path, "expected an S3 location {Bucket, Key}")
            return self._object(bucket, key, path, directory)
        if not isinstance(value, str) or not value:
            raise TemplateValueError(path, "expected an S3 location or a local path")
        found = _URI.match(value) or _PATH_STYLE.match(value) or _VIRTUAL_HOSTED.match(value)
        if found is not None:
            return self._object(found[1], found[2], path, directory)
        if _SCHEME.match(value):
            raise TemplateValueError(path, f"{value} is not a local file or an s3:// location")
        return self._checked((self.base_dir / value).resolve(), path, directory)

    def _object(self, bucket: str, key: str, path: str, directory: bool) -> Path:
        local = self.objects.get((bucket, key))
        if local is None:
            raise TemplateValueError(
                path,
                f"s3://{bucket}/{key} is not local: appsync-local reads files, so write the "
                "path of the file (relative to the template) instead",
            )
        return self._checked(local, path, directory)

    def _checked(self, local: Path, path: str, directory: bool) -> Path:
        exists = local.is_dir() if directory else local.is_file()
        if not exists:
            what = "directory" if directory else "file"
            raise TemplateValueError(path, f"{what} not found: {local}")
        return local
