"""What compiling serverless-appsync-plugin's configuration into CloudFormation shares: the
reader whose problems name the service file's key paths, the resources made so far, where each
came from, and the Lambda functions the configuration declares inline.

The plugin's own names (`src/resources/Naming.ts`) make the logical ids: `GraphQlApi`,
`GraphQlSchema`, `GraphQlApi<key name>`, `GraphQlDs<name>`, `GraphQlFunctionConfiguration
<name>`, `GraphQlResolver<type><field>`, `GraphQlCaching`, each with every character that is
not a letter or digit removed, so that `resources:` and `${appsync:...}` name them as the
deployed stack does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from definition.appsync_yaml.reader import DefinitionReader

API = "GraphQlApi"
SCHEMA = "GraphQlSchema"


def cfn_name(name: str) -> str:
    """Naming.getCfnName: letters and digits only."""
    return re.sub(r"[^a-zA-Z0-9]", "", name)


def api_id() -> dict[str, Any]:
    return {"Fn::GetAtt": [API, "ApiId"]}


@dataclass(slots=True)
class Compiled:
    """The resources compiled so far: by logical id, the key path each came from, the file
    each mapping template or code property was read from, and the functions declared inline
    (by the name the plugin gives them in the service's `functions`)."""

    resources: dict[str, dict[str, Any]] = field(default_factory=dict)
    where: dict[str, str] = field(default_factory=dict)
    files: dict[str, Path] = field(default_factory=dict)
    functions: dict[str, Any] = field(default_factory=dict)
    schema: tuple[Path, ...] = ()

    def add(self, logical_id: str, kind: str, properties: dict[str, Any], where: str) -> None:
        self.resources[logical_id] = {"Type": kind, "Properties": _pruned(properties)}
        self.where[logical_id] = where


def _pruned(value: Any) -> Any:
    """`value` without the keys whose value is None, at every depth: what the plugin leaves
    undefined is left out of the template it writes."""
    if isinstance(value, dict):
        return {key: _pruned(item) for key, item in value.items() if item is not None}
    if isinstance(value, list):
        return [_pruned(item) for item in value]
    return value


class PluginReader(DefinitionReader):
    """Key-path problems in the service file, its folder for relative paths, and the API's
    settings the data sources and resolvers read (substitutions, caching TTL)."""

    def __init__(self, file: Path) -> None:
        super().__init__(file)
        self.service_dir = file.parent
        self.substitutions: dict[str, Any] = {}
        self.caching_ttl: int | None = None
        # The API's `esbuild` options for bundling JavaScript resolvers; None: not bundled.
        self.esbuild: dict[str, Any] | None = {}
        self.api_name = "api"

    def block(self, raw: Any, where: str) -> dict[str, Any]:
        """A mapping the plugin's schema calls for; empty (and a problem) when it is not one,
        nothing when absent."""
        if raw is None:
            return {}
        if not isinstance(raw, dict):
            self.problem(where, f"expected a mapping, got {type(raw).__name__}")
            return {}
        return raw

    def local(self, name: Any, where: str, *, required: bool = True) -> Path | None:
        """A file named relative to the service file's folder."""
        if not isinstance(name, str) or not name:
            if required or name is not None:
                self.problem(where, "expected the path of a file, relative to the service file")
            return None
        path = (self.service_dir / name).resolve()
        if not path.is_file():
            self.problem(where, f"file not found: {path}")
            return None
        return path

    def lambda_arn(
        self, config: dict[str, Any], where: str, embedded_name: str, compiled: Compiled
    ) -> Any:
        """Api.getLambdaArn: `functionArn`, else the service function `functionName` (with
        `functionAlias`), else the function defined inline under `function`."""
        if "functionArn" in config:
            return config["functionArn"]
        if "functionName" in config:
            name = config["functionName"]
            if not isinstance(name, str) or not name:
                self.problem(f"{where}.functionName", "expected a function's name")
                return None
            return _function_arn(name, config.get("functionAlias"))
        if isinstance(config.get("function"), dict):
            compiled.functions[embedded_name] = config["function"]
            return _function_arn(embedded_name, None)
        self.problem(where, "must specify functionName, functionArn or function (all exclusives)")
        return None


def lambda_logical_id(function_name: str) -> str:
    """The Serverless Framework's naming.getLambdaLogicalId: `-` as `Dash`, `_` as
    `Underscore`, the first letter upper-cased, then `LambdaFunction`."""
    normalized = function_name.replace("-", "Dash").replace("_", "Underscore")
    return normalized[:1].upper() + normalized[1:] + "LambdaFunction"


def _function_arn(name: str, alias: Any) -> Any:
    arn = {"Fn::GetAtt": [lambda_logical_id(name), "Arn"]}
    return {"Fn::Join": [":", [arn, alias]]} if alias else arn


def substituted(text: str, substitutions: dict[str, Any], pattern: str) -> Any:
    """MappingTemplate/JsResolver.processTemplateSubstitutions: each `${name}` (VTL) or
    `#name#` (JS) of a substitution becomes its value, through `Fn::Join` of `Fn::Sub` parts, so
    that a value may be an intrinsic function (`!Ref Table`)."""
    regex = re.compile(pattern.format(name=r"([\w\d\-_]+)"))
    used = [name for name in dict.fromkeys(regex.findall(text)) if name in substitutions]
    if not used:
        return text
    chooser = re.compile(pattern.format(name="(" + "|".join(map(re.escape, used)) + ")"))
    parts: list[Any] = []
    position = 0
    for found in chooser.finditer(text):
        if found.start() > position:
            parts.append(text[position : found.start()])
        name = found.group(1)
        parts.append({"Fn::Sub": [f"${{{name}}}", {name: substitutions[name]}]})
        position = found.end()
    if position < len(text):
        parts.append(text[position:])
    return {"Fn::Join": ["", parts]}
