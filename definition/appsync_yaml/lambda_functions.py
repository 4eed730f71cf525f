"""`server.lambda` (local only): the Lambda functions the local Lambda runtime runs.

    server:
      lambda:
        nodeSdkDirectory: .aws-sdk-js         # where Node.js functions find @aws-sdk/* (optional)
        functions:
          - FunctionName: likes               # AWS::Lambda::Function's properties, as a SAM
            Runtime: nodejs20.x               # template's function writes them
            Handler: index.handler
            CodeUri: functions/likes          # the code's directory (or Code: {ZipFile: ...})
            Timeout: 3                        # seconds, 1-900 (default 3)
            MemorySize: 128                   # MB, 128-10240 (default 128)
            Environment: {Variables: {TABLE: Likes}}
            Layers: [layers/common]           # layers' content directories, in order
            ReservedConcurrentExecutions: 2   # past it, Invoke is throttled as in Lambda
            concurrencyLimit: 4               # local: at most this many worker processes
            pythonExecutable: .venv           # local: a Python function's interpreter or venv
            requirementsFile: requirements.txt  # local: installed for a Python function (its
                                              # code directory's own is, when it has one)

A data source names a function by its ARN (`lambdaConfig.lambdaFunctionArn`), which is
`arn:aws:lambda:<region>:123456789012:function:<FunctionName>` in the region of the AWS endpoint
(`server.aws.region`, else `server.stepFunctions.region`, else us-east-1). The property names and
defaults are CloudFormation's (`AWS::Lambda::Function`; `CodeUri` is SAM's); the camelCase keys
are local additions, as `seed` is beside a table's CreateTable input.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from definition.appsync_yaml.reader import DefinitionReader, Raw, join, kind
from definition.model import LOCAL_ACCOUNT_ID, InlineSource, LambdaFunctionSpec, Source

_LAMBDA_KEYS = ("functions", "nodeSdkDirectory")
_FUNCTION_KEYS = (
    *["FunctionName", "Runtime", "Handler", "CodeUri", "Code", "Timeout", "MemorySize"],
    *["Environment", "Layers", "ReservedConcurrentExecutions", "Description"],
    *["concurrencyLimit", "pythonExecutable", "requirementsFile"],
)
# CreateFunction's limits (and CloudFormation's): Timeout 1-900 s, MemorySize 128-10240 MB.
_MAX_TIMEOUT = 900
_MIN_MEMORY, _MAX_MEMORY = 128, 10_240


def read_lambda(
    reader: DefinitionReader, raw: Any, region: str
) -> tuple[tuple[LambdaFunctionSpec, ...], Path | None]:
    """`server.lambda`: its functions, and the Node.js SDK directory (None: the default)."""
    if raw is None:
        return (), None
    path = "server.lambda"
    block = reader.mapping(raw, path, _LAMBDA_KEYS)
    if block is None:
        return (), None
    functions: list[LambdaFunctionSpec] = []
    for where, item in reader.items(block, "functions", path):
        function = _function(reader, item, where, region)
        if function is None:
            continue
        if any(other.function_name == function.function_name for other in functions):
            name = function.function_name
            reader.problem(join(where, "FunctionName"), f"function {name!r} is declared twice")
            continue
        functions.append(function)
    sdk = reader.string(block, "nodeSdkDirectory", path, required=False)
    return tuple(functions), (reader.file.parent / sdk).resolve() if sdk else None


def _function(
    reader: DefinitionReader, raw: Any, where: str, region: str
) -> LambdaFunctionSpec | None:
    block = reader.mapping(raw, where, _FUNCTION_KEYS)
    if block is None:
        return None
    name = reader.string(block, "FunctionName", where, required=True)
    runtime = reader.string(block, "Runtime", where, required=True)
    handler = reader.string(block, "Handler", where, required=True)
    code = _code(reader, block, where)
    timeout = reader.integer(block, "Timeout", where, 1, _MAX_TIMEOUT, 3)
    memory = reader.integer(block, "MemorySize", where, _MIN_MEMORY, _MAX_MEMORY, 128)
    reserved = _optional_count(reader, block, "ReservedConcurrentExecutions", where)
    limit = _optional_count(reader, block, "concurrencyLimit", where)
    reader.string(block, "Description", where, required=False)
    environment = _environment(reader, block.get("Environment"), join(where, "Environment"))
    layers = tuple(
        layer
        for item_where, item in reader.items(block, "Layers", where)
        if (layer := _directory(reader, item, item_where)) is not None
    )
    python = reader.string(block, "pythonExecutable", where, required=False)
    python_executable = (reader.file.parent / python).resolve() if python else None
    requirements = reader.string(block, "requirementsFile", where, required=False)
    requirements_file = (reader.file.parent / requirements).resolve() if requirements else None
    if requirements_file is not None and not requirements_file.is_file():
        reader.problem(join(where, "requirementsFile"), f"file not found: {requirements_file}")
    if name is None or runtime is None or handler is None or code is None:
        return None
    return LambdaFunctionSpec(
        function_name=name,
        arn=f"arn:aws:lambda:{region}:{LOCAL_ACCOUNT_ID}:function:{name}",
        runtime=runtime,
        handler=handler,
        code=code,
        environment=environment,
        timeout=timeout,
        memory_size=memory,
        reserved_concurrent_executions=reserved,
        layers=layers,
        concurrency_limit=limit,
        python_executable=python_executable,
        requirements=requirements_file,
    )


def _code(reader: DefinitionReader, block: Raw, where: str) -> Source | None:
    """`CodeUri` (a directory), or `Code`: a directory, or `{ZipFile: <source text>}`."""
    if ("CodeUri" in block) == ("Code" in block):
        reader.problem(where, "expected CodeUri (the code's directory) or Code, one of them")
        return None
    if "CodeUri" in block:
        return _directory(reader, block["CodeUri"], join(where, "CodeUri"))
    raw, path = block["Code"], join(where, "Code")
    if not isinstance(raw, dict):
        return _directory(reader, raw, path)
    inline = reader.mapping(raw, path, ("ZipFile",))
    if inline is None:
        return None
    text = reader.string(inline, "ZipFile", path, required=True)
    return None if text is None else InlineSource(text, join(path, "ZipFile"))


def _directory(reader: DefinitionReader, raw: Any, where: str) -> Path | None:
    if not isinstance(raw, str) or not raw:
        reader.problem(where, f"expected a directory path, got {kind(raw)}")
        return None
    resolved = (reader.file.parent / raw).resolve()
    if not resolved.is_dir():
        reader.problem(where, f"directory not found: {resolved}")
        return None
    return resolved


def _optional_count(reader: DefinitionReader, block: Raw, key: str, where: str) -> int | None:
    if block.get(key) is None:
        return None
    return reader.integer(block, key, where, 0, 1_000_000, 0)


def _environment(reader: DefinitionReader, raw: Any, path: str) -> dict[str, str]:
    """`Environment: {Variables: {NAME: value}}`; values are strings (numbers and booleans are
    written as CloudFormation writes them)."""
    if raw is None:
        return {}
    block = reader.mapping(raw, path, ("Variables",))
    variables = (block or {}).get("Variables") or {}
    if not isinstance(variables, dict):
        reader.problem(join(path, "Variables"), f"expected a mapping, got {kind(variables)}")
        return {}
    found = {}
    for name, value in variables.items():
        if isinstance(value, bool):
            found[str(name)] = "true" if value else "false"
        elif isinstance(value, str | int | float):
            found[str(name)] = str(value)
        else:
            reader.problem(join(path, f"Variables.{name}"), f"expected a string, got {kind(value)}")
    return found
