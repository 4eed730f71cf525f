"""A Serverless Framework service (`serverless.yml`) with serverless-appsync-plugin's API, read
into an `ApiDefinition` through the CloudFormation it deploys as.

The service file is YAML (CloudFormation's `!Ref`, `!GetAtt`, ... allowed, as the framework
allows them) or JSON. Its variables are resolved first (`variables`); then the plugin's
`appSync` block (plugin v2), or `custom.appSync` (plugin v1, `plugin_v1`), is compiled into the
resources the plugin adds to the stack (`plugin_api`, `plugin_resolvers`), the service's
`functions` into Lambda functions (`functions`), and the `resources` section (a mapping, or a
list of them merged, as the framework merges `${file(...)}`s) is merged over them. The result
is read as the stack `<service>-<stage>` (`provider.stackName` when set, or `--stack`) in the
stage's region, by the CloudFormation engine every template reader shares.

Problems name the service file's key paths (`appSync.resolvers.Query.getPost.dataSource`,
`resources.Resources.PostsTable.Properties.KeySchema`); a plugin v1 service's are written with
v2's names under `custom.appSync`. Mapping templates and code keep their own files' names in
the problems found in them.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import Any

from definition.cloudformation.api import read_stack
from definition.cloudformation.assets import LocalAssets
from definition.cloudformation.parameters import StackSettings, stack_name_for
from definition.cloudformation.stack import Stack
from definition.cloudformation.template import Template, parse_template_text, read_text
from definition.errors import InvalidDefinitionError
from definition.format_marks import service_file
from definition.model import (
    DEFAULT_REGION,
    LOCAL_ENDPOINT_URL,
    ApiDefinition,
    CodeSpec,
    InlineSource,
    Source,
)
from definition.problems import Notice, Origin, Problem
from definition.serverless.compiler import Compiled, PluginReader
from definition.serverless.functions import compile_functions
from definition.serverless.plugin_api import compile_api
from definition.serverless.plugin_resolvers import PluginCompiler
from definition.serverless.plugin_v1 import as_v2
from definition.serverless.variables import Options, Resolver

_REGION = re.compile(r"[a-z]{2}(-[a-z]+)+-\d+")
_STAGE = re.compile(r"[A-Za-z0-9-]+")
# The service file's keys the stack is compiled from (`_read_configuration`).
_READ = ("service", "appSync", "resources")
_PROVIDER_READ = (
    *["stackName", "stackParameters", "environment", "runtime", "memorySize", "timeout"],
    *["layers", "architecture", "s3"],
)
_FUNCTION_READ = (
    *["name", "handler", "runtime", "memorySize", "timeout", "environment", "layers"],
    *["architecture", "image", "description"],
)
_SECTIONS = ("Parameters", "Conditions", "Mappings", "Outputs", "Transform", "Description")
# A CloudFormation property path's start -> the plugin's key it was compiled from.
_PLUGIN_KEYS = (
    ("Properties.RequestMappingTemplate", "request"),
    ("Properties.ResponseMappingTemplate", "response"),
    ("Properties.Code", "code"),
    ("Properties.DataSourceName", "dataSource"),
    ("Properties.PipelineConfig", "functions"),
    ("Properties.SyncConfig", "sync"),
    ("Properties.CachingConfig", "caching"),
    ("Properties.MaxBatchSize", "maxBatchSize"),
    ("Properties.TypeName", "type"),
    ("Properties.FieldName", "field"),
    ("Properties.AdditionalAuthenticationProviders", "additionalAuthentications"),
    ("Properties.AuthenticationType", "authentication.type"),
    ("Properties.UserPoolConfig", "authentication.config"),
    ("Properties.OpenIDConnectConfig", "authentication.config"),
    ("Properties.LambdaAuthorizerConfig", "authentication.config"),
    ("Properties.LogConfig", "logging"),
    ("Properties.Expires", "expiresAt"),
    ("Properties.Type", "type"),
)


def read_serverless(
    path: Path,
    options: Options,
    stack_name: str | None = None,
    *,
    endpoint_url: str = LOCAL_ENDPOINT_URL,
) -> ApiDefinition:
    """Read the service's API; raises InvalidDefinitionError listing every problem.
    `endpoint_url`: the server's own address (`StackSettings`)."""
    file = (service_file(path) or path).resolve()
    body = parse_template_text(read_text(file), file)
    if not isinstance(body, dict):
        raise InvalidDefinitionError([Problem(str(file), "", "expected a service definition")])
    resolver = Resolver(file, body, options)
    config = _read_configuration(resolver, body)
    reader = PluginReader(file)
    reader.problems = resolver.problems
    reader.notices = resolver.notices
    service = config.get("service")
    if isinstance(service, dict):
        service = service.get("name")
    if not isinstance(service, str) or not service:
        reader.problem("service", "required; expected the service's name")
        service = "service"
    stage, region = resolver.stage(), resolver.region()
    if not _REGION.fullmatch(region):
        reader.problem("provider.region", f"expected an AWS region (us-east-1), got {region!r}")
        region = DEFAULT_REGION
    if not _STAGE.fullmatch(stage):
        reader.problem(
            "provider.stage", f"expected a stage name (letters, digits, -), got {stage!r}"
        )
        stage = "dev"
    out = Compiled()
    _compile_plugin(reader, config, out)
    provider = _section(config, "provider")
    functions = config.get("functions") or {}
    if not isinstance(functions, dict):
        reader.problem("functions", "expected a mapping of names to functions")
        functions = {}
    compile_functions(reader, {**functions, **out.functions}, provider, service, stage, out)
    template_body = _template(reader, config.get("resources"), out)
    if reader.problems:
        raise InvalidDefinitionError(reader.problems, out.schema)
    name = stack_name or str(provider.get("stackName") or f"{service}-{stage}")
    stack = Stack(
        Template(file, template_body),
        StackSettings(
            stack_name_for(name),
            region,
            parameters=_stack_parameters(provider),
            endpoint_url=endpoint_url,
        ),
        LocalAssets(file.parent),
    )
    try:
        definition = read_stack(stack)
    except InvalidDefinitionError as error:
        raise InvalidDefinitionError(
            [_remapped(problem, out, file) for problem in error.problems], out.schema
        ) from None
    return _as_written(definition, out, reader, file)


def _read_configuration(resolver: Resolver, body: dict[str, Any]) -> dict[str, Any]:
    """The keys the stack is compiled from, their variables resolved. The framework resolves
    every key, but the others (other plugins' `custom` settings, `package`, IAM statements,
    events) make nothing locally, and a value there that lives in AWS (an `${ssm:...}`
    deployment bucket) must not stop an offline start."""
    config: dict[str, Any] = {key: resolver.at((key,)) for key in _READ if key in body}
    custom = body.get("custom")
    if custom is not None and (not isinstance(custom, dict) or "appSync" in custom):
        config["custom"] = {"appSync": resolver.at(("custom", "appSync"))}
    config["provider"] = {key: resolver.at(("provider", key)) for key in _PROVIDER_READ}
    functions = body.get("functions")
    if isinstance(functions, dict):
        config["functions"] = {
            name: _function(resolver, str(name), raw) for name, raw in functions.items()
        }
    elif functions is not None:
        config["functions"] = resolver.at(("functions",))
    return config


def _function(resolver: Resolver, name: str, raw: Any) -> Any:
    if not isinstance(raw, dict):
        return resolver.at(("functions", name))
    read = {key: resolver.at(("functions", name, key)) for key in _FUNCTION_READ if key in raw}
    # Only whether it has events is read (a notice names them).
    return {**read, "events": raw.get("events")}


def _compile_plugin(reader: PluginReader, config: dict[str, Any], out: Compiled) -> None:
    block: Any = config.get("appSync")
    path = "appSync"
    custom = _section(config, "custom")
    v1 = None
    if block is None and custom.get("appSync") is not None:
        v1 = as_v2(reader, custom["appSync"], "custom.appSync")
        if v1 is None:
            return
        block, path = v1.block, v1.path
    if block is None:
        reader.problem(
            "appSync",
            "the service declares no AppSync API: serverless-appsync-plugin reads `appSync` "
            "(plugin v2) or `custom.appSync` (plugin v1)",
        )
        return
    if not isinstance(block, dict):
        reader.problem(path, "expected the API's settings")
        return
    compile_api(reader, block, path, out)
    PluginCompiler(reader, out).compile(block, path)
    if v1 is not None:
        v1.rename(out)


def _stack_parameters(provider: dict[str, Any]) -> dict[str, str]:
    """`provider.stackParameters`: the values of the `resources` section's Parameters, as the
    framework passes them to CloudFormation ([{ParameterKey, ParameterValue}])."""
    given = provider.get("stackParameters")
    return {
        str(item.get("ParameterKey")): str(item.get("ParameterValue"))
        for item in (given if isinstance(given, list) else [])
        if isinstance(item, dict) and item.get("ParameterKey")
    }


def _section(config: dict[str, Any], key: str) -> dict[str, Any]:
    value = config.get(key)
    return value if isinstance(value, dict) else {}


def _template(reader: PluginReader, raw: Any, out: Compiled) -> dict[str, Any]:
    """The stack's template: the compiled resources, the `resources` section merged over."""
    sections: dict[str, Any] = {}
    for index, part in enumerate(raw if isinstance(raw, list) else [raw] if raw else []):
        if not isinstance(part, dict):
            where = f"resources[{index}]" if isinstance(raw, list) else "resources"
            reader.problem(where, "expected CloudFormation sections (Resources, Outputs, ...)")
            continue
        sections = _merge(sections, part)
    user = sections.get("Resources") or {}
    if not isinstance(user, dict):
        reader.problem("resources.Resources", "expected a mapping of logical ids to resources")
        user = {}
    body: dict[str, Any] = {
        "AWSTemplateFormatVersion": "2010-09-09",
        **{key: sections[key] for key in _SECTIONS if key in sections},
        "Resources": _merge(out.resources, user),
    }
    return body


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    """`over` merged into `base`, mappings key by key (the framework merges with lodash)."""
    merged = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _plugin_key(property_path: str) -> str:
    """The plugin's key for a CloudFormation property path: `Properties.DataSourceName` is
    `dataSource`, `Properties.DynamoDBConfig.TableName` is `config.tableName`."""
    for prefix, key in _PLUGIN_KEYS:
        if property_path.startswith(prefix):
            rest = re.sub(r"^S3Location", "", property_path[len(prefix) :])
            return key + _camel(rest)
    if property_path.startswith("Properties.") and "Config" in property_path:
        parts = property_path.split(".", 2)[2:]
        return "config" + (_camel("." + parts[0]) if parts else "")
    return ""


def _camel(path: str) -> str:
    """`.TableName.Ref` -> `.tableName.Ref`: the plugin's keys start lower case; intrinsic
    functions keep their names."""
    return re.sub(r"\.(?!Ref\b|Fn::)([A-Z])", lambda found: "." + found[1].lower(), path)


def _remapped(problem: Problem, out: Compiled, file: Path) -> Problem:
    """A problem of the compiled stack, at the service file's key path that wrote it."""
    if problem.file != str(file) or problem.logical_id is None:
        return problem
    where = out.where.get(problem.logical_id)
    if where is None:
        key_path = f"resources.Resources.{problem.logical_id}"
        key_path += f".{problem.key_path}" if problem.key_path else ""
        return Problem(problem.file, key_path, problem.message)
    key = _plugin_key(problem.key_path)
    return Problem(problem.file, f"{where}.{key}" if key else where, problem.message)


def _as_written(
    definition: ApiDefinition, out: Compiled, reader: PluginReader, file: Path
) -> ApiDefinition:
    """The definition with the service file's names: the schema's own files, mapping templates
    named by their files, origins at the service file's key paths, its notices added."""
    origins = {}
    for key, origin in definition.origins.items():
        where = out.where.get(origin.logical_id)
        if origin.file == str(file) and where is not None:
            plugin_key = _plugin_key(origin.property_path)
            origin = Origin(str(file), "", f"{where}.{plugin_key}" if plugin_key else where)
        origins[key] = origin

    def renamed(source: Source | None) -> Source | None:
        if isinstance(source, InlineSource) and source.name in out.files:
            return InlineSource(source.text, str(out.files[source.name]))
        return source

    def code(spec: CodeSpec | None) -> CodeSpec | None:
        if spec is None:
            return None
        return CodeSpec(
            spec.runtime,
            renamed(spec.code),
            renamed(spec.request_mapping_template),
            renamed(spec.response_mapping_template),
        )

    def notice(found: Notice) -> Notice:
        logical_id, _, rest = found.key_path.partition(".")
        where = out.where.get(logical_id)
        if found.file != str(file) or not rest:
            return found
        if where is None:
            key_path = f"resources.Resources.{found.key_path}"
            return Notice(found.file, key_path, found.message)
        plugin_key = _plugin_key(rest)
        return Notice(found.file, f"{where}.{plugin_key}" if plugin_key else where, found.message)

    return dataclasses.replace(
        definition,
        schema=out.schema or definition.schema,
        resolvers=tuple(dataclasses.replace(r, code=code(r.code)) for r in definition.resolvers),
        functions=tuple(
            dataclasses.replace(f, code=code(f.code) or f.code) for f in definition.functions
        ),
        notices=(*reader.notices, *(notice(found) for found in definition.notices)),
        origins=origins,
    )
