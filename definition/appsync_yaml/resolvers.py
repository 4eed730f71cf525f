"""Resolvers and pipeline functions in the definition (CreateResolver, CreateFunction).

A resolver or function runs APPSYNC_JS code (`runtime: {name: APPSYNC_JS, runtimeVersion:
1.0.0}` and `code: file.js`, as AppSync's AppSyncRuntime spells it), PYTHON code (a `.py` file
with `request(ctx)` and `response(ctx)`, APPSYNC_JS's shape) or VTL mapping templates; paths are
relative to the definition file. A UNIT resolver names its data source; a PIPELINE resolver names
up to 10 functions, and its own code is the before (`request`) and after (`response`) step.
"""

from __future__ import annotations

from collections.abc import Sequence

from definition.appsync_yaml.accepted import note_metrics_config, note_unused, read_caching_config
from definition.appsync_yaml.data_sources import Sources
from definition.appsync_yaml.reader import DefinitionReader, Raw, join
from definition.appsync_yaml.sync import note_sync_without_effect, read_sync_config
from definition.model import (
    CodeSpec,
    DataSourceType,
    FunctionSpec,
    ResolverKind,
    ResolverSpec,
    Runtime,
)

Functions = Sequence[FunctionSpec]


_CODE_KEYS = ("runtime", "code", "requestMappingTemplate", "responseMappingTemplate")
# AppSyncRuntime: "The version of the runtime to use. Currently, the only allowed version is
# 1.0.0." (AWS AppSync API reference, AppSyncRuntime).
APPSYNC_JS_VERSION = "1.0.0"
# What the runtime is when a block gives code but no runtime: AppSync requires one ("When code
# is used, the runtime is required", API reference, Resolver); locally the file's suffix tells.
_JS_SUFFIXES = (".js", ".mjs")
NEEDS_CODE = "code (APPSYNC_JS, PYTHON) or mapping templates (VTL)"


def _runtime_name(reader: DefinitionReader, block: Raw, where: str) -> Raw:
    """The block with AppSync's `runtime: {name, runtimeVersion}` object read into its name."""
    value = block.get("runtime")
    if not isinstance(value, dict):
        return block
    path = join(where, "runtime")
    reader.mapping(value, path, ("name", "runtimeVersion"))
    name = value.get("name")
    if name == Runtime.APPSYNC_JS:
        version = value.get("runtimeVersion")
        if version is None:
            reader.problem(
                join(path, "runtimeVersion"), f"required; AppSync has {APPSYNC_JS_VERSION}"
            )
        elif str(version) != APPSYNC_JS_VERSION:
            reader.problem(
                join(path, "runtimeVersion"),
                f"APPSYNC_JS has only version {APPSYNC_JS_VERSION}, got {version!r}",
            )
    if name is None:
        reader.problem(join(path, "name"), "required; expected APPSYNC_JS")
    return {**block, "runtime": name}


def _default_runtime(block: Raw, has_templates: bool) -> Runtime:
    if has_templates:
        return Runtime.VTL
    code = block.get("code")
    if isinstance(code, str) and code.endswith(_JS_SUFFIXES):
        return Runtime.APPSYNC_JS
    return Runtime.PYTHON


def _code(reader: DefinitionReader, block: Raw, where: str) -> CodeSpec | None:
    """APPSYNC_JS or PYTHON code, or VTL templates; None when none is given."""
    block = _runtime_name(reader, block, where)
    has_templates = "requestMappingTemplate" in block or "responseMappingTemplate" in block
    if block.get("runtime") is None and "code" not in block and not has_templates:
        return None
    default = _default_runtime(block, has_templates)
    runtime = reader.enum(block, "runtime", where, Runtime, default)
    code = reader.file_path(block, "code", where)
    request = reader.file_path(block, "requestMappingTemplate", where)
    response = reader.file_path(block, "responseMappingTemplate", where)
    if runtime in (Runtime.PYTHON, Runtime.APPSYNC_JS):
        if "code" not in block:
            suffix = ".py" if runtime is Runtime.PYTHON else ".js"
            reader.problem(
                join(where, "code"), f"required for the {runtime} runtime; a {suffix} file"
            )
        if has_templates:
            reader.problem(where, f"mapping templates need the VTL runtime, not {runtime}")
    elif runtime is Runtime.VTL and "code" in block:
        reader.problem(join(where, "code"), "the VTL runtime takes mapping templates, not code")
    if runtime is None:
        return None
    return CodeSpec(runtime, code, request, response)


def read_functions(
    reader: DefinitionReader, top: Raw, sources: Sources
) -> tuple[FunctionSpec, ...]:
    functions: list[FunctionSpec] = []
    allowed = (
        *["name", "description", "dataSourceName", "functionVersion", "syncConfig"],
        *["maxBatchSize", *_CODE_KEYS],
    )
    for where, item in reader.items(top, "functions", ""):
        block = reader.mapping(item, where, allowed)
        if block is None:
            continue
        name = reader.string(block, "name", where, required=True)
        source = _data_source_name(reader, block, where, sources)
        code = _code(reader, block, where)
        if code is None:
            reader.problem(where, f"a function needs {NEEDS_CODE}")
        version = block.get("functionVersion")
        if version is not None and version != "2018-05-29":
            # "Note: Only 2018-05-29 version is currently supported in functions" (resolver
            # mapping template changelog).
            reader.problem(join(where, "functionVersion"), f"expected 2018-05-29, got {version!r}")
        reader.integer(block, "maxBatchSize", where, 0, 2000, 0)
        note_unused(reader, {"maxBatchSize": block.get("maxBatchSize")}, where)
        sync = read_sync_config(reader, block, where)
        spec = next((s for s in sources if s.name == source), None)
        if spec is not None:
            note_sync_without_effect(reader, sync, spec, where)
        if name is not None and any(function.name == name for function in functions):
            reader.problem(join(where, "name"), f"function {name!r} is defined twice")
        elif name is not None and source is not None and code is not None:
            functions.append(FunctionSpec(name, source, code, where, sync))
    return tuple(functions)


def _data_source_name(
    reader: DefinitionReader, block: Raw, where: str, sources: Sources
) -> str | None:
    name = reader.string(block, "dataSourceName", where, required=True)
    if name is not None and not any(source.name == name for source in sources):
        known = ", ".join(source.name for source in sources) or "none defined"
        reader.problem(f"{where}.dataSourceName", f"no data source named {name!r} (known: {known})")
        return None
    return name


def read_resolvers(
    reader: DefinitionReader, top: Raw, sources: Sources, functions: Functions
) -> tuple[ResolverSpec, ...]:
    resolvers: list[ResolverSpec] = []
    seen: set[str] = set()
    allowed = (
        *["typeName", "fieldName", "kind", "dataSourceName", "pipelineConfig", "maxBatchSize"],
        *["syncConfig", "cachingConfig", "metricsConfig", *_CODE_KEYS],
    )
    for where, item in reader.items(top, "resolvers", ""):
        block = reader.mapping(item, where, allowed)
        if block is None:
            continue
        resolver = _resolver(reader, block, where, sources, functions)
        if resolver is None:
            continue
        target = f"{resolver.type_name}.{resolver.field_name}"
        if target in seen:
            reader.problem(where, f"{target} already has a resolver")
        else:
            seen.add(target)
            resolvers.append(resolver)
    return tuple(resolvers)


def _resolver(
    reader: DefinitionReader, block: Raw, where: str, sources: Sources, functions: Functions
) -> ResolverSpec | None:
    type_name = reader.string(block, "typeName", where, required=True)
    field_name = reader.string(block, "fieldName", where, required=True)
    kind = reader.enum(block, "kind", where, ResolverKind, ResolverKind.UNIT)
    source = None
    if kind is not ResolverKind.PIPELINE:
        source = _data_source_name(reader, block, where, sources)
    code = _code(reader, block, where)
    names: tuple[str, ...] = ()
    if kind is ResolverKind.PIPELINE:
        names = _pipeline_functions(reader, block, where, functions)
        if "dataSourceName" in block:
            reader.problem(join(where, "dataSourceName"), "a PIPELINE resolver has no data source")
    else:
        if "pipelineConfig" in block:
            reader.problem(join(where, "pipelineConfig"), "only a PIPELINE resolver has one")
        spec = next((s for s in sources if s.name == source), None)
        if code is None and spec is not None and spec.type is not DataSourceType.AWS_LAMBDA:
            reader.problem(where, f"needs {NEEDS_CODE}; only Lambda may omit them")
    # AppSync: maxBatchSize 0-2000, for Lambda batching.
    max_batch_size = reader.integer(block, "maxBatchSize", where, 0, 2000, 0)
    sync = read_sync_config(reader, block, where)
    target = next((s for s in sources if s.name == source), None)
    if kind is ResolverKind.PIPELINE or target is not None:
        note_sync_without_effect(reader, sync, target, where)
    caching = read_caching_config(reader, block, where)
    note_metrics_config(reader, block, where)
    if type_name is None or field_name is None or kind is None:
        return None
    return ResolverSpec(
        type_name, field_name, kind, source, code, names, max_batch_size, where, sync, caching
    )


def _pipeline_functions(
    reader: DefinitionReader, block: Raw, where: str, functions: Functions
) -> tuple[str, ...]:
    path = join(where, "pipelineConfig")
    config = reader.mapping(block.get("pipelineConfig", {}), path, ("functions",))
    if config is None:
        return ()
    if not config.get("functions"):
        reader.problem(join(path, "functions"), "required; expected a list of function names")
        return ()
    names = []
    known = {function.name for function in functions}
    for item_where, name in reader.items(config, "functions", path):
        if not isinstance(name, str) or name not in known:
            listed = ", ".join(sorted(known)) or "none defined"
            reader.problem(item_where, f"no function named {name!r} (known: {listed})")
        else:
            names.append(name)
    # AppSync: "A resolver can only be composed of 10 functions" (amplify-cli#9547).
    if len(names) > 10:
        reader.problem(join(path, "functions"), "a resolver can only be composed of 10 functions")
    return tuple(names)
