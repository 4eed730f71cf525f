"""`AWS::Lambda::Function` (and the `AWS::Lambda::LayerVersion`s it uses) read into the model's
Lambda function specs, for the local Lambda runtime to run.

Properties keep CloudFormation's names and defaults (AWS::Lambda::Function): `FunctionName`
(else the name CloudFormation generates, the one `Ref` gives), `Runtime`, `Handler`, `Code`
(`ZipFile` inline; `S3Bucket`/`S3Key` standing for a local directory, a CDK asset or a SAM
`CodeUri`; or, before `aws cloudformation package`, a local path), `Environment.Variables`,
`Timeout` (3 s), `MemorySize` (128 MB), `ReservedConcurrentExecutions`, `Layers`,
`Architectures` (x86_64), `PackageType` (Zip). A layer the template declares is its `Content`
directory (a zip archive is not unpacked: a notice); another layer's ARN is kept and said to be
unavailable locally. Networking, tracing,
logging, dead letters and signing are accepted with a notice.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from definition.appsync_yaml.reader import join
from definition.cloudformation.properties import PropertyReader, integer
from definition.cloudformation.stack import Stack
from definition.errors import TemplateValueError
from definition.model import LambdaFunctionSpec, Source

_KEYS = (
    *["FunctionName", "Runtime", "Handler", "Code", "Environment", "Timeout", "MemorySize"],
    *["ReservedConcurrentExecutions", "Layers", "Role", "Architectures", "PackageType"],
    *["Description", "Tags", "VpcConfig", "TracingConfig", "DeadLetterConfig", "KmsKeyArn"],
    *["EphemeralStorage", "FileSystemConfigs", "ImageConfig", "LoggingConfig", "RecursiveLoop"],
    *["RuntimeManagementConfig", "SnapStart", "CodeSigningConfigArn"],
)
_NO_LOCAL_EFFECT = {
    "VpcConfig": "functions run on the local network",
    "TracingConfig": "no X-Ray traces are recorded",
    "DeadLetterConfig": "failed asynchronous events are not sent anywhere",
    "KmsKeyArn": "environment variables are not encrypted locally",
    "EphemeralStorage": "functions use the local disk",
    "FileSystemConfigs": "no EFS file systems locally",
    "LoggingConfig": "logs go to the server's log",
    "SnapStart": "no snapshots locally",
    "CodeSigningConfigArn": "code is not signature-checked locally",
    "Tags": "tags are not listed",
}


def read_lambda_functions(stack: Stack) -> tuple[LambdaFunctionSpec, ...]:
    layers = _layers(stack)
    functions = []
    for resource in stack.of_type("AWS::Lambda::Function"):
        properties = stack.properties(resource.logical_id)
        if properties is None:
            continue
        reader = PropertyReader(stack, resource.logical_id)
        path = "Properties"
        reader.allowed(properties, path, _KEYS)
        reader.accepted(properties, path, _NO_LOCAL_EFFECT)
        package = reader.string(properties, "PackageType", path, required=False) or "Zip"
        runtime = reader.string(properties, "Runtime", path, required=package == "Zip")
        handler = reader.string(properties, "Handler", path, required=package == "Zip")
        code = _code(reader, properties.get("Code"), join(path, "Code"))
        environment = _environment(reader, properties.get("Environment"), join(path, "Environment"))
        timeout = integer(reader, properties, "Timeout", path)
        memory = integer(reader, properties, "MemorySize", path)
        reserved = integer(reader, properties, "ReservedConcurrentExecutions", path)
        local_layers, other_layers = [], []
        for where, arn in reader.items(properties, "Layers", path):
            if arn in layers:
                local_layers.append(layers[arn])
            elif isinstance(arn, str):
                other_layers.append(arn)
                reader.notice(
                    where, f"the layer {arn} is not in the template: not available locally"
                )
        architectures = properties.get("Architectures") or ["x86_64"]
        role = properties.get("Role")
        functions.append(
            LambdaFunctionSpec(
                function_name=str(stack.names.ref(resource.logical_id, "")),
                arn=str(stack.names.get_att(resource.logical_id, "Arn", "")),
                runtime=runtime,
                handler=handler,
                code=code,
                environment=environment,
                timeout=3 if timeout is None else timeout,
                memory_size=128 if memory is None else memory,
                reserved_concurrent_executions=reserved,
                layers=tuple(local_layers),
                layer_arns=tuple(other_layers),
                architectures=tuple(str(item) for item in architectures),
                package_type=package,
                role_arn=role if isinstance(role, str) and role else None,
            )
        )
    return tuple(functions)


def _code(reader: PropertyReader, raw: Any, path: str) -> Source | None:
    if isinstance(raw, str):
        # A local path, as `aws cloudformation package` takes it before uploading it.
        return _folder(reader, raw, path)
    block = reader.mapping(
        raw,
        path,
        ("ZipFile", "S3Bucket", "S3Key", "S3ObjectVersion", "ImageUri", "SourceKMSKeyArn"),
    )
    if block is None:
        return None
    if "ZipFile" in block:
        text = reader.string(block, "ZipFile", path, required=True)
        return None if text is None else reader.inline(text, join(path, "ZipFile"))
    if "ImageUri" in block:
        reader.notice(join(path, "ImageUri"), "container images do not run locally")
        return None
    return _folder(reader, block, path)


def _folder(reader: PropertyReader, location: Any, path: str) -> Path | None:
    """The local folder of the code; a .zip archive (what `aws cloudformation package` and the
    Amplify CLI upload) is accepted with a notice and not run."""
    try:
        return reader.stack.assets.locate(location, path, directory=True)
    except TemplateValueError as error:
        try:
            archive = reader.stack.assets.locate(location, path)
        except TemplateValueError:
            archive = None
        if archive is not None and archive.suffix == ".zip":
            reader.notice(
                path,
                f"accepted; no local effect yet ({archive.name} is a .zip archive; the local "
                "Lambda runtime runs a folder of code: the function is not run)",
            )
        else:
            reader.problem(error.path, error.message)
        return None


def _environment(reader: PropertyReader, raw: Any, path: str) -> dict[str, str]:
    if raw is None:
        return {}
    block = reader.mapping(raw, path, ("Variables",))
    variables = (block or {}).get("Variables") or {}
    if not isinstance(variables, dict):
        reader.problem(join(path, "Variables"), "expected a mapping of names to strings")
        return {}
    return {str(name): _string(value) for name, value in variables.items()}


def _string(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _layers(stack: Stack) -> dict[str, Path]:
    """The template's own layers: each one's local ARN -> its content directory."""
    found = {}
    for resource in stack.of_type("AWS::Lambda::LayerVersion"):
        properties = stack.properties(resource.logical_id)
        if properties is None:
            continue
        reader = PropertyReader(stack, resource.logical_id)
        where = "Properties.Content"
        try:
            content = stack.assets.locate(properties.get("Content"), where, directory=True)
        except TemplateValueError as error:
            archive = _archive(stack, properties.get("Content"), where)
            if archive is None:
                reader.problem(error.path, error.message)
            else:
                # CDK's BucketDeployment ships its AWS CLI layer so (Amplify Gen 2's data stack
                # has two); only its custom resource, which does not run locally, uses it.
                reader.notice(
                    where,
                    f"{archive.name} is a zip archive, not unpacked locally: a function that "
                    "uses this layer runs without it",
                )
            continue
        found[str(stack.names.ref(resource.logical_id, ""))] = content
    return found


def _archive(stack: Stack, location: Any, where: str) -> Path | None:
    """The zip archive a layer's `Content` names, when it is one."""
    try:
        local = stack.assets.locate(location, where)
    except TemplateValueError:
        return None
    return local if local.suffix == ".zip" else None
