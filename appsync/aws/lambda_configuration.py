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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypedDict

from definition.model import LambdaFunctionSpec
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


# What `summarize` makes of an empty directory: a function without local code (an image).
_NO_CODE = CodeSummary(
    0, base64.b64encode(hashlib.sha256().digest()).decode(), "1970-01-01T00:00:00.000+0000"
)


def function_configuration(spec: FunctionSpec, arn: str, region: str) -> dict[str, Any]:
    """Lambda's FunctionConfiguration of a declared function (`$LATEST`, Active)."""
    configuration = _configuration(spec.name, arn, summarize(spec.code_dir))
    configuration.update(
        Runtime=spec.runtime,
        Handler=spec.handler,
        Timeout=max(1, round(spec.timeout)),  # whole seconds on the wire (CreateFunction's)
        MemorySize=spec.memory_size,
    )
    return _with_settings(configuration, spec.environment, spec.layers, arn, region)


def declared_configuration(spec: LambdaFunctionSpec, region: str) -> dict[str, Any]:
    """The FunctionConfiguration of a declared function that cannot run here (a container
    image, a runtime this machine has not), as its template declares it: it exists on AWS all
    the same, and its Invoke is refused (`functions_embedded.Refusal`). A container image has
    no `Runtime` or `Handler` (Lambda leaves them out for PackageType Image); code that is not a
    local directory counts as empty."""
    code = summarize(spec.code) if isinstance(spec.code, Path) else _NO_CODE
    configuration = _configuration(spec.function_name, spec.arn, code)
    if spec.package_type != "Image":
        declared = {"Runtime": spec.runtime, "Handler": spec.handler}
        configuration.update({key: value for key, value in declared.items() if value})
    configuration.update(
        Timeout=spec.timeout,
        MemorySize=spec.memory_size,
        PackageType=spec.package_type,
        Architectures=list(spec.architectures),
    )
    return _with_settings(configuration, spec.environment, spec.layers, spec.arn, region)


def _configuration(name: str, arn: str, code: CodeSummary) -> dict[str, Any]:
    """The members every declared function's FunctionConfiguration has, in Lambda's order."""
    return {
        "FunctionName": name,
        "FunctionArn": arn,
        "CodeSize": code.size,
        "Description": "",
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
        "LoggingConfig": {"LogFormat": "Text", "LogGroup": f"/aws/lambda/{name}"},
    }


def _with_settings(
    configuration: dict[str, Any],
    environment: Mapping[str, str],
    layers: Sequence[Path],
    arn: str,
    region: str,
) -> dict[str, Any]:
    if environment:
        configuration["Environment"] = {"Variables": dict(environment)}
    if layers:
        account = arn.split(":")[4]
        configuration["Layers"] = [
            {
                "Arn": f"arn:aws:lambda:{region}:{account}:layer:{layer.name}:1",
                "CodeSize": summarize(layer).size,
            }
            for layer in layers
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


def get_declared_function(spec: LambdaFunctionSpec, region: str) -> dict[str, Any]:
    """GetFunction's answer for a declared function that cannot run here
    (`declared_configuration`): its code directory as for the others, an image's repository
    type alone."""
    # AWS differs: an image's `ImageUri` and `ResolvedImageUri` are not given (the template's
    # image is not kept).
    code: dict[str, str] = {"RepositoryType": "ECR"}
    if isinstance(spec.code, Path):
        code = {"RepositoryType": "S3", "Location": spec.code.resolve().as_uri()}
    answer: dict[str, Any] = {
        "Configuration": declared_configuration(spec, region),
        "Code": code,
    }
    if spec.reserved_concurrent_executions is not None:
        answer["Concurrency"] = {
            "ReservedConcurrentExecutions": spec.reserved_concurrent_executions
        }
    return answer
