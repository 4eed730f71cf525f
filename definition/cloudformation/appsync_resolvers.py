"""`AWS::AppSync::Resolver` and `AWS::AppSync::FunctionConfiguration` read into the model.

Code is `Runtime: {Name: APPSYNC_JS, RuntimeVersion: 1.0.0}` with `Code` (inline) or
`CodeS3Location` (a local file); VTL is `RequestMappingTemplate` / `ResponseMappingTemplate`
(inline) or their `...S3Location` (local files). A pipeline resolver's
`PipelineConfig.Functions` lists function ids (`!GetAtt Fn.FunctionId`), read back into the
functions' names; `DataSourceName` is a name (`!GetAtt DS.Name`). `SyncConfig`,
`CachingConfig` and `MaxBatchSize` are kept as `appsync.yaml` keeps them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from definition.appsync_yaml.reader import join
from definition.cloudformation.properties import Part, PropertyReader, integer
from definition.model import (
    CachingConfig,
    CodeSpec,
    ConflictDetectionType,
    ConflictHandlerType,
    DataSourceSpec,
    DataSourceType,
    FunctionSpec,
    ResolverKind,
    ResolverSpec,
    Runtime,
    SyncConfig,
)
from definition.problems import Origin

# AppSyncRuntime: "Currently, the only allowed version is 1.0.0." (AWS AppSync API reference).
_JS_VERSION = "1.0.0"
_CODE_KEYS = (
    *["Runtime", "Code", "CodeS3Location", "RequestMappingTemplate"],
    *["RequestMappingTemplateS3Location", "ResponseMappingTemplate"],
    "ResponseMappingTemplateS3Location",
)
_FUNCTION_KEYS = (
    *["ApiId", "Name", "DataSourceName", "Description", "FunctionVersion", "SyncConfig"],
    *["MaxBatchSize", *_CODE_KEYS],
)
_RESOLVER_KEYS = (
    *["ApiId", "TypeName", "FieldName", "Kind", "DataSourceName", "PipelineConfig"],
    *["SyncConfig", "CachingConfig", "MaxBatchSize", "MetricsConfig", *_CODE_KEYS],
)
# The model's key under a resolver or function -> the property that gave it.
_MODEL_KEYS = {
    "code": "Code",
    "requestMappingTemplate": "RequestMappingTemplate",
    "responseMappingTemplate": "ResponseMappingTemplate",
}


def read_functions(
    resources: list[Part],
    sources: Sequence[DataSourceSpec],
    origins: dict[str, Origin],
) -> tuple[tuple[FunctionSpec, ...], dict[str, str | None]]:
    """The pipeline functions, and each one's id -> its name in the model (None for a
    function that has problems)."""
    functions: list[FunctionSpec] = []
    ids: dict[str, str | None] = {}
    names = [part.properties.get("Name") for part in resources]
    for part in resources:
        resource, properties = part.resource, part.properties
        reader = part.reader()
        path = "Properties"
        reader.allowed(properties, path, _FUNCTION_KEYS)
        name = reader.string(properties, "Name", path, required=True)
        source = _data_source(reader, properties, sources)
        where = f"functions[{len(functions)}]"
        try:
            code = _code(reader, properties, where, origins)
        except _CodeRefusedError:
            code = None
        else:
            if code is None:
                reader.problem(
                    path, "a function needs Code (APPSYNC_JS) or mapping templates (VTL)"
                )
        version = properties.get("FunctionVersion")
        if version is not None and version != "2018-05-29":
            # "Only 2018-05-29 version is currently supported in functions" (resolver mapping
            # template changelog).
            reader.problem(join(path, "FunctionVersion"), f"expected 2018-05-29, got {version!r}")
        if integer(reader, properties, "MaxBatchSize", path):
            reader.notice(
                join(path, "MaxBatchSize"),
                "accepted; no local effect yet (a function's Lambda calls are not batched)",
            )
        sync = _sync_config(reader, properties, path)
        function_id = str(part.stack.names.get_att(resource.logical_id, "FunctionId", ""))
        if name is None or source is None or code is None:
            # Pipelines that name it need no problem of their own: this one says it.
            ids[function_id] = None
            continue
        if names.count(name) > 1:
            # AppSync tells functions apart by id; the model by name.
            name = f"{name} ({resource.logical_id})"
        origins[where] = reader.origin()
        ids[function_id] = name
        functions.append(FunctionSpec(name, source, code, where, sync))
    return tuple(functions), ids


def read_resolvers(
    resources: list[Part],
    sources: Sequence[DataSourceSpec],
    function_ids: Mapping[str, str | None],
    origins: dict[str, Origin],
) -> tuple[ResolverSpec, ...]:
    resolvers: list[ResolverSpec] = []
    seen: dict[str, str] = {}
    for part in resources:
        reader = part.reader()
        where = f"resolvers[{len(resolvers)}]"
        resolver = _resolver(reader, part.properties, where, sources, function_ids, origins)
        if resolver is None:
            continue
        target = f"{resolver.type_name}.{resolver.field_name}"
        if target in seen:
            reader.problem(
                "Properties.FieldName", f"{target} already has a resolver ({seen[target]})"
            )
            continue
        seen[target] = part.resource.logical_id
        origins[where] = reader.origin()
        resolvers.append(resolver)
    return tuple(resolvers)


def _resolver(
    reader: PropertyReader,
    properties: dict[str, Any],
    where: str,
    sources: Sequence[DataSourceSpec],
    function_ids: Mapping[str, str | None],
    origins: dict[str, Origin],
) -> ResolverSpec | None:
    path = "Properties"
    reader.allowed(properties, path, _RESOLVER_KEYS)
    type_name = reader.string(properties, "TypeName", path, required=True)
    field_name = reader.string(properties, "FieldName", path, required=True)
    kind = reader.enum(properties, "Kind", path, ResolverKind, ResolverKind.UNIT)
    try:
        code = _code(reader, properties, where, origins)
    except _CodeRefusedError:
        return None
    source = None
    functions: tuple[str, ...] = ()
    if kind is ResolverKind.PIPELINE:
        functions = _pipeline(reader, properties, function_ids)
        if "DataSourceName" in properties:
            reader.notice(join(path, "DataSourceName"), "ignored: a PIPELINE resolver has none")
    else:
        source = _data_source(reader, properties, sources)
        spec = next((s for s in sources if s.name == source), None)
        if code is None and spec is not None and spec.type is not DataSourceType.AWS_LAMBDA:
            reader.problem(
                path,
                "needs Code (APPSYNC_JS) or mapping templates (VTL); only a "
                "Lambda data source may have neither",
            )
        if source is None:
            return None
    max_batch_size = integer(reader, properties, "MaxBatchSize", path) or 0
    if not 0 <= max_batch_size <= 2000:
        reader.problem(join(path, "MaxBatchSize"), "expected an integer from 0 to 2000")
    sync = _sync_config(reader, properties, path)
    caching = _caching_config(reader, properties.get("CachingConfig"), join(path, "CachingConfig"))
    if properties.get("MetricsConfig") == "ENABLED":
        reader.notice(join(path, "MetricsConfig"), "accepted; no local effect yet (no metrics)")
    if type_name is None or field_name is None or kind is None:
        return None
    return ResolverSpec(
        type_name, field_name, kind, source, code, functions, max_batch_size, where, sync, caching
    )


class _CodeRefusedError(Exception):
    """Code or templates given that cannot be read (each problem reported already)."""


def _code(
    reader: PropertyReader, block: dict[str, Any], where: str, origins: dict[str, Origin]
) -> CodeSpec | None:
    """APPSYNC_JS code or VTL templates, inline or local files; None when none is given,
    `_CodeRefusedError` when what is given cannot be read."""
    path = "Properties"
    runtime = block.get("Runtime")
    if runtime is not None:
        config = reader.mapping(runtime, join(path, "Runtime"), ("Name", "RuntimeVersion"))
        if config is None:
            raise _CodeRefusedError
        if config.get("Name") != Runtime.APPSYNC_JS:
            reader.problem(join(path, "Runtime.Name"), f"expected {Runtime.APPSYNC_JS}")
            raise _CodeRefusedError
        if str(config.get("RuntimeVersion")) != _JS_VERSION:
            reader.problem(
                join(path, "Runtime.RuntimeVersion"), f"APPSYNC_JS has only version {_JS_VERSION}"
            )
        code, code_where = reader.source(block, "Code", "CodeS3Location", path)
        if code_where is None:
            reader.problem(
                join(path, "Code"), "required with Runtime APPSYNC_JS: Code or CodeS3Location"
            )
        for key in ("RequestMappingTemplate", "ResponseMappingTemplate"):
            if key in block or f"{key}S3Location" in block:
                reader.problem(join(path, key), "mapping templates are VTL; APPSYNC_JS has Code")
        if code is None or code_where is None:
            raise _CodeRefusedError
        origins[f"{where}.code"] = reader.origin(code_where)
        return CodeSpec(Runtime.APPSYNC_JS, code, None, None)
    if "Code" in block or "CodeS3Location" in block:
        reader.problem(
            join(path, "Runtime"), "required with Code: {Name: APPSYNC_JS, RuntimeVersion: 1.0.0}"
        )
        raise _CodeRefusedError
    templates = []
    for model_key in ("requestMappingTemplate", "responseMappingTemplate"):
        key = _MODEL_KEYS[model_key]
        template, template_where = reader.source(block, key, f"{key}S3Location", path)
        if template_where is not None:
            if template is None:
                raise _CodeRefusedError
            origins[f"{where}.{model_key}"] = reader.origin(template_where)
        templates.append(template)
    if templates == [None, None]:
        return None
    return CodeSpec(Runtime.VTL, None, templates[0], templates[1])


def _data_source(
    reader: PropertyReader, block: dict[str, Any], sources: Sequence[DataSourceSpec]
) -> str | None:
    name = reader.string(block, "DataSourceName", "Properties", required=True)
    if name is not None and not any(source.name == name for source in sources):
        known = ", ".join(source.name for source in sources) or "none defined"
        reader.problem(
            "Properties.DataSourceName", f"no data source named {name!r} (known: {known})"
        )
        return None
    return name


def _pipeline(
    reader: PropertyReader, block: dict[str, Any], function_ids: Mapping[str, str | None]
) -> tuple[str, ...]:
    path = "Properties.PipelineConfig"
    config = reader.mapping(block.get("PipelineConfig", {}), path, ("Functions",))
    if config is None:
        return ()
    names = []
    listed = reader.items(config, "Functions", path)
    for where, item in listed:
        if str(item) not in function_ids:
            reader.problem(
                where, f"no function with the id {item!r}: name one as !GetAtt Fn.FunctionId"
            )
        elif (name := function_ids[str(item)]) is not None:
            names.append(name)
    if not listed:
        reader.problem(join(path, "Functions"), "required; expected the functions' ids")
    # AppSync: "A resolver can only be composed of 10 functions" (amplify-cli#9547).
    if len(names) > 10:
        reader.problem(join(path, "Functions"), "a resolver can only be composed of 10 functions")
    return tuple(names)


def _sync_config(reader: PropertyReader, block: dict[str, Any], path: str) -> SyncConfig | None:
    raw = block.get("SyncConfig")
    if raw is None:
        return None
    where = join(path, "SyncConfig")
    config = reader.mapping(
        raw, where, ("ConflictDetection", "ConflictHandler", "LambdaConflictHandlerConfig")
    )
    if config is None:
        return None
    detection = reader.enum(config, "ConflictDetection", where, ConflictDetectionType, None)
    handler = reader.enum(
        config, "ConflictHandler", where, ConflictHandlerType, ConflictHandlerType.NONE
    )
    if handler is ConflictHandlerType.LAMBDA:
        reader.problem(
            join(where, "LambdaConflictHandlerConfig"),
            "a LAMBDA conflict handler from a template calls its Lambda function, and local "
            "Lambda functions are not wired into the server yet",
        )
        return None
    if detection is None or handler is None:
        return None
    return SyncConfig(detection, handler)


def _caching_config(reader: PropertyReader, raw: Any, path: str) -> CachingConfig | None:
    if raw is None:
        return None
    config = reader.mapping(raw, path, ("Ttl", "CachingKeys"))
    if config is None:
        return None
    ttl = integer(reader, config, "Ttl", path)
    if ttl is None or not 1 <= ttl <= 3600:
        reader.problem(join(path, "Ttl"), "required; expected seconds from 1 to 3600")
        return None
    keys = config.get("CachingKeys") or []
    if not isinstance(keys, list) or not all(isinstance(key, str) for key in keys):
        reader.problem(join(path, "CachingKeys"), "expected a list of $context paths")
        return None
    return CachingConfig(ttl, tuple(keys))
