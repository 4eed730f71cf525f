"""A service's `functions` compiled into `AWS::Lambda::Function` resources, as the Serverless
Framework compiles them (v3, `lib/plugins/aws/package/compile/functions.js` and
`lib/plugins/aws/lib/naming.js`), for the local Lambda runtime:
- the logical id is `naming.getLambdaLogicalId`: the function's key with `-` as `Dash` and `_`
  as `Underscore`, the first letter upper-cased, then `LambdaFunction` (what
  serverless-appsync-plugin's `functionName` and `!GetAtt XLambdaFunction.Arn` name);
- `FunctionName` is `name`, else `<service>-<stage>-<key>` (`Service.setFunctionNames`);
- `Runtime`, `MemorySize` (1024) and `Timeout` (6 seconds) are the function's, else the
  provider's, else the framework's defaults; `Environment` merges the provider's variables
  with the function's; `layers` and `architecture` likewise;
- the code is the service's folder, which the framework packages (`handler` is a path in it).
Events (`http`, `schedule`, `sqs`, ...) do not trigger functions locally: a notice names the
functions that have them.
"""

from __future__ import annotations

from typing import Any

from definition.serverless.compiler import Compiled, PluginReader, lambda_logical_id

# Provider.getRuntime's default (Serverless Framework v3).
_RUNTIME = "nodejs14.x"


def compile_functions(
    reader: PluginReader,
    functions: dict[str, Any],
    provider: dict[str, Any],
    service: str,
    stage: str,
    out: Compiled,
    path: str = "functions",
) -> None:
    with_events = []
    for key, raw in functions.items():
        where = f"{path}.{key}"
        if raw is None:
            continue
        if not isinstance(raw, dict):
            reader.problem(where, "expected a function's settings")
            continue
        if raw.get("events"):
            with_events.append(key)
        environment = {**(provider.get("environment") or {}), **(raw.get("environment") or {})}
        architecture = raw.get("architecture") or provider.get("architecture")
        layers = raw.get("layers") or provider.get("layers")
        if raw.get("image") is not None:
            reader.notice(f"{where}.image", "container images do not run locally")
        out.add(
            lambda_logical_id(key),
            "AWS::Lambda::Function",
            {
                "FunctionName": raw.get("name") or f"{service}-{stage}-{key}",
                "Handler": raw.get("handler"),
                "Runtime": raw.get("runtime") or provider.get("runtime") or _RUNTIME,
                "Code": ".",
                "MemorySize": raw.get("memorySize") or provider.get("memorySize") or 1024,
                "Timeout": raw.get("timeout") or provider.get("timeout") or 6,
                "Environment": {"Variables": environment} if environment else None,
                "Layers": layers,
                "Architectures": [architecture] if architecture else None,
                "Description": raw.get("description"),
            },
            where,
        )
    if with_events:
        reader.notice(
            path,
            f"accepted; events do not trigger functions locally ({', '.join(with_events)})",
        )
