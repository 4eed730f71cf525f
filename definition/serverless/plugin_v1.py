"""serverless-appsync-plugin v1's `custom.appSync` read as the v2 `appSync` block it becomes.

The plugin's upgrade guide (doc/upgrading-from-v1.md) lists the renames, and v1's own
`src/get-config.js` and `src/index.js` (branch v1) its defaults, which differ from v2's:
- `authenticationType` with `userPoolConfig`, `openIdConnectConfig` or
  `lambdaAuthorizerConfig` (`lambdaFunctionArn` for `functionArn`) is `authentication`;
  `additionalAuthenticationProviders` is `additionalAuthentications`; `logConfig`
  (`loggingRoleArn`) is `logging` (`roleArn`); `name` defaults to `api`.
- `apiKeys` absent, with API_KEY auth, is one key named `Default`; unnamed keys are `Key1`,
  `Key2`, ... in order.
- `dataSources` is a list (or a mapping) of `{name, type, config}`.
- `mappingTemplates` (nested lists flattened) are the resolvers, UNIT unless `kind: PIPELINE`;
  `functionConfigurations` the pipeline functions (named by `getCfnName(name)`). A template
  left out is `defaultMappingTemplates.request`/`.response`, else
  `<Type>.<field>.request.vtl` / `<name>.request.vtl`, in `mappingTemplatesLocation`
  (default `mapping-templates`; functions: `functionConfigurationsLocation`, default the
  same); `false` leaves it out. `sync: true` is VERSION detection alone.
- Resolver `caching` applies only when the API has `caching`.
- Logical ids (`getLogicalId`): an API key is `GraphQlApiKey<name>` (v2: `GraphQlApi<name>`);
  an API given in a list (`custom.appSync: [...]`, even of one) prefixes every id with its
  `name`, first letter upper-cased (`Blog` + `GraphQlApi`), so that `resources:` and other
  stacks name them as the deployed stack has them.
Several APIs (a list) are one API per stack in v2, and one here: a list of one is read, a
longer one is a problem. An `apiId` (resources added to an existing API in AWS) is a problem.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from definition.appsync_yaml.reader import join
from definition.serverless.compiler import API, Compiled, PluginReader, cfn_name

_CONFIG_BLOCKS = {
    "AMAZON_COGNITO_USER_POOLS": "userPoolConfig",
    "OPENID_CONNECT": "openIdConnectConfig",
    "AWS_LAMBDA": "lambdaAuthorizerConfig",
}


@dataclass(frozen=True, slots=True)
class V1Api:
    """The v2 block a v1 API reads as, the key path of the one v1 API read, and whether it was
    given in a list (its logical ids then carry its name)."""

    block: dict[str, Any]
    path: str
    listed: bool

    def rename(self, out: Compiled) -> None:
        """The compiled resources under v1's logical ids (`getLogicalId`), references included."""
        prefix = ""
        if self.listed:
            name = str(self.block.get("name") or "api")
            prefix = name[:1].upper() + name[1:]
        names = {
            logical_id: cfn_name(prefix + _v1_id(logical_id, resource))
            for logical_id, resource in out.resources.items()
        }
        out.resources = {names[key]: _renamed(value, names) for key, value in out.resources.items()}
        out.where = {names.get(key, key): where for key, where in out.where.items()}


def _v1_id(logical_id: str, resource: dict[str, Any]) -> str:
    if resource.get("Type") == "AWS::AppSync::ApiKey" and logical_id.startswith(API):
        return f"{API}Key{logical_id[len(API) :]}"
    return logical_id


def _renamed(value: Any, names: dict[str, str]) -> Any:
    """`value` with its `Ref`s and `Fn::GetAtt`s of renamed resources renamed."""
    if isinstance(value, list):
        return [_renamed(item, names) for item in value]
    if not isinstance(value, dict):
        return value
    if len(value) == 1 and isinstance(value.get("Ref"), str):
        return {"Ref": names.get(value["Ref"], value["Ref"])}
    target = value.get("Fn::GetAtt") if len(value) == 1 else None
    if isinstance(target, list) and target and isinstance(target[0], str):
        return {"Fn::GetAtt": [names.get(target[0], target[0]), *target[1:]]}
    return {key: _renamed(item, names) for key, item in value.items()}


def as_v2(reader: PluginReader, raw: Any, path: str) -> V1Api | None:
    """The v2 block of the one v1 API read."""
    listed = isinstance(raw, list)
    if isinstance(raw, list):
        if len(raw) != 1:
            reader.problem(
                path,
                f"{len(raw)} APIs: appsync-local serves one API, as plugin v2 does (one per "
                "stack): keep one",
            )
            return None
        raw, path = raw[0], f"{path}[0]"
    if not isinstance(raw, dict):
        reader.problem(path, "expected the API's settings")
        return None
    if raw.get("apiId") is not None:
        reader.problem(
            join(path, "apiId"),
            "adds to an API that exists in AWS; appsync-local serves the API the file declares: "
            "remove apiId",
        )
        return None
    v2: dict[str, Any] = {
        key: raw[key]
        for key in (
            *["schema", "caching", "substitutions", "xrayEnabled", "tags", "dataSources"],
            "domain",
        )
        if key in raw
    }
    v2["name"] = raw.get("name") or "api"
    v2["authentication"] = _provider(raw)
    additional = raw.get("additionalAuthenticationProviders") or []
    v2["additionalAuthentications"] = (
        [_provider(item) if isinstance(item, dict) else item for item in additional]
        if isinstance(additional, list)
        else additional
    )
    if isinstance(raw.get("logConfig"), dict):
        log = raw["logConfig"]
        v2["logging"] = {
            "level": log.get("level"),
            "roleArn": log.get("loggingRoleArn"),
            "excludeVerboseContent": log.get("excludeVerboseContent"),
        }
    if raw.get("wafConfig"):
        v2["waf"] = raw["wafConfig"]
    v2["apiKeys"] = _api_keys(raw.get("apiKeys"))
    if isinstance(raw.get("dataSources"), list | dict):
        v2["dataSources"] = _data_sources(reader, raw["dataSources"], join(path, "dataSources"))
    location = raw.get("mappingTemplatesLocation") or "mapping-templates"
    defaults = raw.get("defaultMappingTemplates") or {}
    v2["resolvers"] = {
        f"{item.get('type')}.{item.get('field')}": _resolver(item, location, defaults, raw)
        for item in _flat(raw.get("mappingTemplates"))
        if isinstance(item, dict)
    }
    functions_location = raw.get("functionConfigurationsLocation") or location
    v2["pipelineFunctions"] = {
        cfn_name(str(item.get("name"))): _function(item, functions_location, defaults)
        for item in _flat(raw.get("functionConfigurations"))
        if isinstance(item, dict)
    }
    return V1Api(v2, path, listed)


def _provider(raw: dict[str, Any]) -> dict[str, Any]:
    kind = raw.get("authenticationType")
    provider: dict[str, Any] = {"type": kind}
    block = raw.get(_CONFIG_BLOCKS.get(str(kind), ""))
    if isinstance(block, dict):
        config = dict(block)
        if "lambdaFunctionArn" in config:
            config["functionArn"] = config.pop("lambdaFunctionArn")
        provider["config"] = config
    return provider


def _api_keys(raw: Any) -> Any:
    if raw is None:
        return [{"name": "Default", "description": "Auto-generated api key"}]
    if not isinstance(raw, list):
        return raw
    keys = []
    unnamed = 0
    for item in raw:
        key = {"name": item} if isinstance(item, str) else item
        if isinstance(key, dict) and not key.get("name"):
            unnamed += 1
            key = {**key, "name": f"Key{unnamed}"}
        keys.append(key)
    return keys


def _data_sources(
    reader: PluginReader, raw: list[Any] | dict[str, Any], where: str
) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for index, item in enumerate(raw if isinstance(raw, list) else [raw]):
        if not isinstance(item, dict):
            reader.problem(f"{where}[{index}]", "expected a data source")
            continue
        entries: list[tuple[Any, Any]] = (
            [(item["name"], item)] if isinstance(item.get("name"), str) else list(item.items())
        )
        for name, source in entries:
            if not isinstance(source, dict):
                continue
            source = {key: value for key, value in source.items() if key != "name"}
            config = source.get("config")
            if isinstance(config, dict) and "lambdaFunctionArn" in config:
                config = dict(config)
                config["functionArn"] = config.pop("lambdaFunctionArn")
                source["config"] = config
            found[str(name)] = source
    return found


def _flat(raw: Any) -> list[Any]:
    if not isinstance(raw, list):
        return []
    return [leaf for item in raw for leaf in (_flat(item) if isinstance(item, list) else [item])]


def _template(
    item: dict[str, Any], key: str, location: str, defaults: dict[str, Any], default: str
) -> Any:
    name = item[key] if key in item else defaults.get(key)
    if name is False:
        return False
    return f"{location}/{name or default}"


def _resolver(
    item: dict[str, Any], location: str, defaults: dict[str, Any], api: dict[str, Any]
) -> dict[str, Any]:
    stem = f"{item.get('type')}.{item.get('field')}"
    resolver: dict[str, Any] = {
        "type": item.get("type"),
        "field": item.get("field"),
        "kind": item.get("kind") or "UNIT",
        "request": _template(item, "request", location, defaults, f"{stem}.request.vtl"),
        "response": _template(item, "response", location, defaults, f"{stem}.response.vtl"),
    }
    if resolver["kind"] == "PIPELINE":
        functions = item.get("functions")
        resolver["functions"] = (
            [cfn_name(str(name)) for name in functions]
            if isinstance(functions, list)
            else functions
        )
    else:
        resolver["dataSource"] = item.get("dataSource")
    for key in ("maxBatchSize", "sync", "substitutions"):
        if key in item:
            resolver[key] = item[key]
    if api.get("caching") and "caching" in item:
        resolver["caching"] = item["caching"]
    return resolver


def _function(item: dict[str, Any], location: str, defaults: dict[str, Any]) -> dict[str, Any]:
    name = str(item.get("name"))
    function: dict[str, Any] = {
        "dataSource": item.get("dataSource"),
        "request": _template(item, "request", location, defaults, f"{name}.request.vtl"),
        "response": _template(item, "response", location, defaults, f"{name}.response.vtl"),
    }
    for key in ("description", "maxBatchSize", "sync", "substitutions"):
        if key in item:
            function[key] = item[key]
    return function
