"""A declared function as Lambda's API describes it: `FunctionConfiguration` (GetFunction's
`Configuration`, GetFunctionConfiguration, ListFunctions' `Functions`) and GetFunction's answer,
with the members and values botocore's `lambda/2015-03-31` model and the Lambda API reference
give them (https://docs.aws.amazon.com/lambda/latest/api/API_FunctionConfiguration.html).

What only a deployment has is described from the code on the disk instead: `CodeSize` is the
size of the code directory's files (bytecode caches left out: the local runtime writes them),
`CodeSha256` (base64 SHA-256, as Lambda writes it) and
`RevisionId` are taken over their paths, sizes and modification times, and `LastModified` is
the newest file's time; GetFunction's `Code.Location` is the directory's `file://` URL where
Lambda gives a pre-signed URL of the package.
"""

from __future__ import annotations

import base64
import hashlib
import os
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypedDict

from functions.model import LATEST, FunctionSpec

# Lambda's LastModified: ISO 8601 with milliseconds and a +0000 offset
# ("2024-01-01T12:00:00.000+0000", FunctionConfiguration).
_LAST_MODIFIED = "%Y-%m-%dT%H:%M:%S.%f"


class Code(TypedDict):
    """GetFunction's `Code` (FunctionCodeLocation)."""

    RepositoryType: str
    Location: str


@dataclass(frozen=True, slots=True)
class CodeSummary:
    """What the code directory's files stand for: size, digest and time of the newest."""

    size: int
    sha256: str
    last_modified: str

    @property
    def revision_id(self) -> str:
        """A RevisionId (a UUID in Lambda) that changes when the code does."""
        digest = base64.b64decode(self.sha256)
        return str(uuid.UUID(bytes=digest[:16], version=4))


def summarize(directory: Path) -> CodeSummary:
    """The code directory (and what it holds, node_modules included) as one deployment."""
    digest = hashlib.sha256()
    size = 0
    newest = 0.0
    for root, folders, files in os.walk(directory):
        folders[:] = sorted(folder for folder in folders if folder != "__pycache__")
        for name in sorted(files):
            path = Path(root) / name
            try:
                stat = path.stat()
            except OSError:
                continue  # removed while being listed
            size += stat.st_size
            newest = max(newest, stat.st_mtime)
            relative = path.relative_to(directory).as_posix()
            digest.update(f"{relative}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    moment = datetime.fromtimestamp(newest, UTC)
    stamp = moment.strftime(_LAST_MODIFIED)[:-3] + "+0000"
    return CodeSummary(size, base64.b64encode(digest.digest()).decode(), stamp)


def function_configuration(spec: FunctionSpec, arn: str, region: str) -> dict[str, Any]:
    """Lambda's FunctionConfiguration of a declared function (`$LATEST`, Active)."""
    code = summarize(spec.code_dir)
    configuration: dict[str, Any] = {
        "FunctionName": spec.name,
        "FunctionArn": arn,
        "Runtime": spec.runtime,
        "Handler": spec.handler,
        "CodeSize": code.size,
        "Description": "",
        # Whole seconds on the wire (CreateFunction's Timeout is an integer).
        "Timeout": max(1, round(spec.timeout)),
        "MemorySize": spec.memory_size,
        "LastModified": code.last_modified,
        "CodeSha256": code.sha256,
        "Version": LATEST,
        "TracingConfig": {"Mode": "PassThrough"},
        "RevisionId": code.revision_id,
        "State": "Active",
        "LastUpdateStatus": "Successful",
        "PackageType": "Zip",
        "Architectures": ["x86_64"],
        "EphemeralStorage": {"Size": 512},
        "SnapStart": {"ApplyOn": "None", "OptimizationStatus": "Off"},
        "LoggingConfig": {"LogFormat": "Text", "LogGroup": f"/aws/lambda/{spec.name}"},
    }
    if spec.environment:
        configuration["Environment"] = {"Variables": dict(spec.environment)}
    if spec.layers:
        account = arn.split(":")[4]
        configuration["Layers"] = [
            {
                "Arn": f"arn:aws:lambda:{region}:{account}:layer:{layer.name}:1",
                "CodeSize": summarize(layer).size,
            }
            for layer in spec.layers
        ]
    return configuration


def get_function(spec: FunctionSpec, arn: str, region: str) -> dict[str, Any]:
    """GetFunction's answer: the configuration, where the code is, and reserved concurrency."""
    location: Code = {"RepositoryType": "S3", "Location": spec.code_dir.resolve().as_uri()}
    answer: dict[str, Any] = {
        "Configuration": function_configuration(spec, arn, region),
        "Code": location,
    }
    if spec.reserved_concurrency is not None:
        answer["Concurrency"] = {"ReservedConcurrentExecutions": spec.reserved_concurrency}
    return answer
