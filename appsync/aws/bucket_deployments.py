"""CDK's bucket deployments (`Custom::CDKBucketDeployment`), done in the embedded S3 at start
as the construct's handler does them in the cloud (`definition.cloudformation.
bucket_deployments` reads them): each source unpacked (`Extract`, a directory asset's files or
a zip's members) or copied as one zip object, then `aws s3 sync` to the destination bucket
under the prefix: every file put, with `--delete` (`Prune`) every other object under the
prefix deleted. The content type is `SystemMetadata`'s, or guessed from the file's extension as
the AWS CLI's `s3 sync` guesses it (Python's `mimetypes`, which the CLI uses too); user
metadata goes under `x-amz-meta-`.

Called with the backends' lock held (`appsync.aws.service_resources`), inside the resource
journal's `journaled()` when there is a data directory, so the objects are written there as
uploads are; a restart deploys again over what was kept.
"""

from __future__ import annotations

import io
import logging
import mimetypes
import zipfile
from pathlib import Path
from typing import Any

from definition.service_resources import BucketDeploymentSpec

logger = logging.getLogger(__name__)


def deployed_files(spec: BucketDeploymentSpec) -> dict[str, bytes]:
    """The objects `spec` puts, by key (the prefix included)."""
    files: dict[str, bytes] = {}
    for local, key in spec.sources:
        if not spec.extract:
            body = local.read_bytes() if local.is_file() else _zipped(local)
            files[key.rsplit("/", 1)[-1]] = body
        elif local.is_dir():
            for path in sorted(local.rglob("*")):
                if path.is_file():
                    files[path.relative_to(local).as_posix()] = path.read_bytes()
        else:
            with zipfile.ZipFile(local) as archive:
                for member in archive.infolist():
                    if not member.is_dir():
                        files[member.filename] = archive.read(member)
    prefix = spec.prefix
    if prefix and not prefix.endswith("/"):
        # `aws s3 sync DIR s3://bucket/prefix` writes under `prefix/`.
        prefix += "/"
    return {prefix + name: body for name, body in files.items()}


def deploy(backend: Any, spec: BucketDeploymentSpec) -> None:
    """`spec`'s objects put into its bucket of `backend` (moto's S3), the rest under its prefix
    deleted when it prunes."""
    files = deployed_files(spec)
    bucket = spec.destination_bucket
    for key, body in files.items():
        made = backend.put_object(bucket, key, body)
        made.set_metadata(_metadata(spec, key))
    if spec.prune:
        existing = [key for key in backend.get_bucket(bucket).keys if key.startswith(spec.prefix)]
        for key in existing:
            if key not in files:
                backend.delete_object(bucket, key)
    logger.debug("deployed %d object(s) to %s", len(files), bucket)


def _metadata(spec: BucketDeploymentSpec, key: str) -> dict[str, str]:
    system = dict(spec.system_metadata)
    content_type = system.pop("content-type", None) or mimetypes.guess_type(key)[0]
    metadata = {_SYSTEM_HEADERS.get(name, name): value for name, value in system.items()}
    if content_type is not None:
        metadata["Content-Type"] = content_type
    for name, value in spec.user_metadata.items():
        metadata[f"x-amz-meta-{name}"] = value
    return metadata


# `aws s3 sync`'s options, as SystemMetadata names them, and the headers they set.
_SYSTEM_HEADERS = {
    "cache-control": "Cache-Control",
    "content-disposition": "Content-Disposition",
    "content-encoding": "Content-Encoding",
    "content-language": "Content-Language",
    "expires": "Expires",
}


def _zipped(directory: Path) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(directory.rglob("*")):
            if path.is_file():
                archive.write(path, path.relative_to(directory).as_posix())
    return buffer.getvalue()
