"""The API definition file (`appsync.yaml`, or JSON) read into typed, frozen values.

Keys are AppSync's own API model names (CreateGraphqlApi, CreateDataSource, CreateFunction,
CreateResolver, CreateApiKey in botocore's `appsync/2017-07-25/service-2.json`), so a user who
knows CloudFormation or the console reads the file at sight. Two local twists: code and templates
are file paths (relative to the definition file), and a Lambda data source names a local Python
handler `module:function` instead of a function ARN. Settings that only the local server has live
under a separate `server:` key.

Every problem is collected with its key path (`resolvers[2].dataSourceName`) before failing, so
one run of `appsync-local validate` lists them all.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any, TypeVar

import yaml

from appsync.errors import ConfigError, ConfigProblem
from auth.modes import AuthMode

E = TypeVar("E", bound=StrEnum)


class DataSourceType(StrEnum):
    NONE = "NONE"
    AWS_LAMBDA = "AWS_LAMBDA"


class Runtime(StrEnum):
    """PYTHON is APPSYNC_JS's shape (`request(ctx)` / `response(ctx)`) for Python users."""

    PYTHON = "PYTHON"
    VTL = "VTL"


class ResolverKind(StrEnum):
    UNIT = "UNIT"
    PIPELINE = "PIPELINE"


class IntrospectionConfig(StrEnum):
    ENABLED = "ENABLED"
    DISABLED = "DISABLED"


@dataclass(frozen=True, slots=True)
class ApiKeySpec:
    """`apiKeys[]`: AppSync's ApiKey; `expires` in epoch seconds, None for no expiry locally."""

    id: str
    description: str | None
    expires: int | None


@dataclass(frozen=True, slots=True)
class AuthProviderSpec:
    """`authenticationType` or one of `additionalAuthenticationProviders[]`.

    `settings` keeps the mode's own block (`userPoolConfig`, `openIDConnectConfig`,
    `lambdaAuthorizerConfig`) as written, for the auth package's config of that mode.
    """

    authentication_type: AuthMode
    settings: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class DataSourceSpec:
    name: str
    type: DataSourceType
    description: str | None
    lambda_handler: str | None  # `lambdaConfig.handler`: "module:function"


@dataclass(frozen=True, slots=True)
class CodeSpec:
    """Where a resolver's or function's handlers live: one PYTHON file or two VTL templates."""

    runtime: Runtime
    code: Path | None
    request_mapping_template: Path | None
    response_mapping_template: Path | None


@dataclass(frozen=True, slots=True)
class FunctionSpec:
    name: str
    data_source_name: str
    code: CodeSpec
    key_path: str


@dataclass(frozen=True, slots=True)
class ResolverSpec:
    type_name: str
    field_name: str
    kind: ResolverKind
    data_source_name: str | None
    code: CodeSpec | None  # None: a direct Lambda resolver, or a pipeline without before/after
    functions: tuple[str, ...]
    max_batch_size: int
    key_path: str


@dataclass(frozen=True, slots=True)
class ServerSpec:
    """The `server:` section: settings of the local server that AppSync does not expose."""

    # AppSync ends every request after 30 seconds (aws-appsync-community#43: "30 seconds is a
    # hard limit"); a shorter value makes the limit testable.
    execution_timeout_seconds: float = 30.0
    max_request_body_bytes: int = 5 * 1024 * 1024
    domain_name: str | None = None


@dataclass(frozen=True, slots=True)
class ApiConfig:
    file: Path
    name: str
    schema: tuple[Path, ...]
    authentication: AuthProviderSpec
    additional_authentication_providers: tuple[AuthProviderSpec, ...]
    api_keys: tuple[ApiKeySpec, ...]
    data_sources: tuple[DataSourceSpec, ...]
    functions: tuple[FunctionSpec, ...]
    resolvers: tuple[ResolverSpec, ...]
    query_depth_limit: int
    resolver_count_limit: int
    introspection: IntrospectionConfig
    server: ServerSpec

    @property
    def base_dir(self) -> Path:
        return self.file.parent


# The mode blocks AppSync's API model attaches to a provider.
# `iamConfig` is local: the access keys AWS_IAM signatures are checked against.
_AUTH_BLOCKS = ("userPoolConfig", "openIDConnectConfig", "lambdaAuthorizerConfig", "iamConfig")
_TOP_KEYS = (
    *["name", "schema", "authenticationType"],
    *_AUTH_BLOCKS,
    *["additionalAuthenticationProviders", "apiKeys", "dataSources", "functions", "resolvers"],
    *["queryDepthLimit", "resolverCountLimit", "introspectionConfig", "xrayEnabled", "server"],
)


Raw = dict[str, Any]  # a mapping of the definition file, as parsed
Sources = Sequence[DataSourceSpec]
Functions = Sequence[FunctionSpec]


class _Reader:
    """Walks the raw document, recording a problem (with its key path) for each bad value."""

    def __init__(self, file: Path) -> None:
        self.file = file
        self.problems: list[ConfigProblem] = []
        self.schema: tuple[Path, ...] = ()

    def problem(self, key_path: str, message: str) -> None:
        self.problems.append(ConfigProblem(str(self.file), key_path, message))

    def mapping(self, value: Any, path: str, allowed: Sequence[str]) -> dict[str, Any] | None:
        if not isinstance(value, dict):
            self.problem(path, f"expected a mapping, got {_kind(value)}")
            return None
        for key in value:
            if key not in allowed:
                self.problem(
                    _join(path, str(key)), f"unknown key; expected one of {', '.join(allowed)}"
                )
        return value

    def items(self, raw: dict[str, Any], key: str, path: str) -> list[tuple[str, Any]]:
        value = raw.get(key)
        if value is None:
            return []
        where = _join(path, key)
        if not isinstance(value, list):
            self.problem(where, f"expected a list, got {_kind(value)}")
            return []
        return [(f"{where}[{index}]", item) for index, item in enumerate(value)]

    def string(self, raw: dict[str, Any], key: str, path: str, *, required: bool) -> str | None:
        value = raw.get(key)
        where = _join(path, key)
        if value is None:
            if required:
                self.problem(where, "required; expected a non-empty string")
            return None
        if not isinstance(value, str) or not value:
            self.problem(where, f"expected a non-empty string, got {_kind(value)}")
            return None
        return value

    def integer(
        self, raw: dict[str, Any], key: str, path: str, low: int, high: int, default: int
    ) -> int:
        value = raw.get(key)
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            self.problem(_join(path, key), f"expected an integer from {low} to {high}")
            return default
        return value

    def number(self, raw: dict[str, Any], key: str, path: str, default: float) -> float:
        value = raw.get(key)
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
            self.problem(_join(path, key), "expected a positive number")
            return default
        return float(value)

    def enum(
        self, raw: dict[str, Any], key: str, path: str, kind: type[E], default: E | None
    ) -> E | None:
        value = raw.get(key)
        where = _join(path, key)
        if value is None:
            if default is None:
                self.problem(where, f"required; expected one of {_choices(kind)}")
            return default
        try:
            return kind(value)
        except ValueError:
            self.problem(where, f"expected one of {_choices(kind)}, got {value!r}")
            return default

    def file_path(self, raw: dict[str, Any], key: str, path: str) -> Path | None:
        name = self.string(raw, key, path, required=False)
        if name is None:
            return None
        resolved = (self.file.parent / name).resolve()
        if not resolved.is_file():
            self.problem(_join(path, key), f"file not found: {resolved}")
            return None
        return resolved


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _kind(value: Any) -> str:
    return "nothing" if value is None else type(value).__name__


def _choices(kind: type[StrEnum]) -> str:
    return " | ".join(member.value for member in kind)


def load_config(path: Path) -> ApiConfig:
    """Read and check an API definition; raises ConfigError listing every problem."""
    reader = _Reader(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise ConfigError(
            [ConfigProblem(str(path), "", f"cannot read: {error.strerror}")]
        ) from None
    try:
        raw = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    except (yaml.YAMLError, json.JSONDecodeError) as error:
        raise ConfigError([ConfigProblem(str(path), "", f"not valid YAML/JSON: {error}")]) from None
    config = _read(reader, path.resolve(), raw)
    if reader.problems or config is None:
        raise ConfigError(reader.problems, reader.schema)
    return config


def _read(reader: _Reader, file: Path, raw: Any) -> ApiConfig | None:
    top = reader.mapping(raw, "", _TOP_KEYS)
    if top is None:
        return None
    name = reader.string(top, "name", "", required=False) or file.parent.name
    schema = reader.schema = _schema_files(reader, top)
    authentication = _auth_provider(reader, top, "")
    additional = tuple(
        provider
        for where, item in reader.items(top, "additionalAuthenticationProviders", "")
        if (block := reader.mapping(item, where, ("authenticationType", *_AUTH_BLOCKS))) is not None
        and (provider := _auth_provider(reader, block, where)) is not None
    )
    _check_modes(reader, authentication, additional)
    api_keys = tuple(_api_keys(reader, top))
    data_sources = tuple(_data_sources(reader, top))
    functions = tuple(_functions(reader, top, data_sources))
    resolvers = tuple(_resolvers(reader, top, data_sources, functions))
    introspection = reader.enum(
        top, "introspectionConfig", "", IntrospectionConfig, IntrospectionConfig.ENABLED
    )
    server = _server(reader, top.get("server"))
    # AppSync's ranges: depth 1-75 (0 = no limit), resolvers 1-10000 (0 = 10000).
    query_depth_limit = reader.integer(top, "queryDepthLimit", "", 0, 75, 0)
    resolver_count_limit = reader.integer(top, "resolverCountLimit", "", 0, 10000, 0) or 10000
    if authentication is None or introspection is None:
        return None
    return ApiConfig(
        file=file,
        name=name,
        schema=schema,
        authentication=authentication,
        additional_authentication_providers=additional,
        api_keys=api_keys,
        data_sources=data_sources,
        functions=functions,
        resolvers=resolvers,
        query_depth_limit=query_depth_limit,
        resolver_count_limit=resolver_count_limit,
        introspection=introspection,
        server=server,
    )


def _schema_files(reader: _Reader, top: dict[str, Any]) -> tuple[Path, ...]:
    value = top.get("schema")
    if value is None:
        reader.problem("schema", "required; expected a .graphql file or a list of them")
        return ()
    entries = [("schema", value)] if isinstance(value, str) else reader.items(top, "schema", "")
    found = []
    for where, item in entries:
        if not isinstance(item, str):
            reader.problem(where, f"expected a file path, got {_kind(item)}")
            continue
        path = (reader.file.parent / item).resolve()
        if path.is_file():
            found.append(path)
        else:
            reader.problem(where, f"file not found: {path}")
    return tuple(found)


def _auth_provider(reader: _Reader, block: dict[str, Any], path: str) -> AuthProviderSpec | None:
    mode = reader.enum(block, "authenticationType", path, AuthMode, None)
    if mode is None:
        return None
    settings = {key: block[key] for key in _AUTH_BLOCKS if key in block}
    for key, value in settings.items():
        if not isinstance(value, dict):
            reader.problem(_join(path, key), f"expected a mapping, got {_kind(value)}")
    return AuthProviderSpec(mode, settings)


def _check_modes(
    reader: _Reader, default: AuthProviderSpec | None, additional: Sequence[AuthProviderSpec]
) -> None:
    # AppSync allows API_KEY, AWS_IAM and AWS_LAMBDA once each across default and additional.
    seen: set[AuthMode] = {default.authentication_type} if default else set()
    for index, provider in enumerate(additional):
        mode = provider.authentication_type
        if mode in seen and mode in (AuthMode.API_KEY, AuthMode.AWS_IAM, AuthMode.AWS_LAMBDA):
            reader.problem(
                f"additionalAuthenticationProviders[{index}].authenticationType",
                f"{mode} is already configured; it may appear only once",
            )
        seen.add(mode)


def _api_keys(reader: _Reader, top: dict[str, Any]) -> list[ApiKeySpec]:
    keys = []
    for where, item in reader.items(top, "apiKeys", ""):
        block = reader.mapping(item, where, ("id", "description", "expires"))
        if block is None:
            continue
        key_id = reader.string(block, "id", where, required=True)
        description = reader.string(block, "description", where, required=False)
        expires = _expires(reader, block.get("expires"), _join(where, "expires"))
        if key_id is not None:
            keys.append(ApiKeySpec(key_id, description, expires))
    return keys


def _expires(reader: _Reader, value: Any, where: str) -> int | None:
    """Epoch seconds, an ISO 8601 timestamp, or a date; AppSync rounds down to the hour."""
    if value is None:
        return None
    moment: datetime | None = None
    if isinstance(value, int) and not isinstance(value, bool):
        return value - value % 3600
    elif isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime(value.year, value.month, value.day)
    elif isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            moment = None
    if moment is None:
        reader.problem(where, "expected epoch seconds or an ISO 8601 timestamp")
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    seconds = int(moment.timestamp())
    return seconds - seconds % 3600


def _data_sources(reader: _Reader, top: dict[str, Any]) -> list[DataSourceSpec]:
    sources: list[DataSourceSpec] = []
    for where, item in reader.items(top, "dataSources", ""):
        block = reader.mapping(item, where, ("name", "type", "description", "lambdaConfig"))
        if block is None:
            continue
        name = reader.string(block, "name", where, required=True)
        kind = reader.enum(block, "type", where, DataSourceType, None)
        description = reader.string(block, "description", where, required=False)
        handler = None
        if kind is DataSourceType.AWS_LAMBDA:
            handler = _lambda_handler(reader, block, where)
        elif "lambdaConfig" in block:
            reader.problem(_join(where, "lambdaConfig"), "only an AWS_LAMBDA data source has one")
        if name is not None and any(source.name == name for source in sources):
            reader.problem(_join(where, "name"), f"data source {name!r} is defined twice")
        elif name is not None and kind is not None:
            sources.append(DataSourceSpec(name, kind, description, handler))
    return sources


def _lambda_handler(reader: _Reader, block: dict[str, Any], where: str) -> str | None:
    config = block.get("lambdaConfig")
    path = _join(where, "lambdaConfig")
    if config is None:
        reader.problem(path, "required for AWS_LAMBDA; expected {handler: module:function}")
        return None
    lambda_config = reader.mapping(config, path, ("handler", "lambdaFunctionArn"))
    if lambda_config is None:
        return None
    handler = reader.string(lambda_config, "handler", path, required=True)
    if handler is not None and handler.count(":") != 1:
        reader.problem(_join(path, "handler"), f"expected module:function, got {handler!r}")
        return None
    return handler


_CODE_KEYS = ("runtime", "code", "requestMappingTemplate", "responseMappingTemplate")


def _code(reader: _Reader, block: dict[str, Any], where: str) -> CodeSpec | None:
    """PYTHON code or VTL templates; None when neither is given."""
    runtime_value = block.get("runtime")
    if isinstance(runtime_value, dict):  # AppSync's {name, runtimeVersion} form
        block = {**block, "runtime": runtime_value.get("name")}
    has_templates = "requestMappingTemplate" in block or "responseMappingTemplate" in block
    if "runtime" not in block and "code" not in block and not has_templates:
        return None
    default = Runtime.VTL if has_templates else Runtime.PYTHON
    runtime = reader.enum(block, "runtime", where, Runtime, default)
    code = reader.file_path(block, "code", where)
    request = reader.file_path(block, "requestMappingTemplate", where)
    response = reader.file_path(block, "responseMappingTemplate", where)
    if runtime is Runtime.PYTHON:
        if "code" not in block:
            reader.problem(_join(where, "code"), "required for the PYTHON runtime; a .py file")
        if has_templates:
            reader.problem(where, "mapping templates need the VTL runtime, not PYTHON")
    elif runtime is Runtime.VTL and "code" in block:
        reader.problem(_join(where, "code"), "the VTL runtime takes mapping templates, not code")
    if runtime is None:
        return None
    return CodeSpec(runtime, code, request, response)


def _functions(reader: _Reader, top: Raw, sources: Sources) -> list[FunctionSpec]:
    functions: list[FunctionSpec] = []
    allowed = ("name", "description", "dataSourceName", "functionVersion", *_CODE_KEYS)
    for where, item in reader.items(top, "functions", ""):
        block = reader.mapping(item, where, allowed)
        if block is None:
            continue
        name = reader.string(block, "name", where, required=True)
        source = _data_source_name(reader, block, where, sources)
        code = _code(reader, block, where)
        if code is None:
            reader.problem(where, "a function needs code (PYTHON) or mapping templates (VTL)")
        if name is not None and any(function.name == name for function in functions):
            reader.problem(_join(where, "name"), f"function {name!r} is defined twice")
        elif name is not None and source is not None and code is not None:
            functions.append(FunctionSpec(name, source, code, where))
    return functions


def _data_source_name(reader: _Reader, block: Raw, where: str, sources: Sources) -> str | None:
    name = reader.string(block, "dataSourceName", where, required=True)
    if name is not None and not any(source.name == name for source in sources):
        known = ", ".join(source.name for source in sources) or "none defined"
        reader.problem(f"{where}.dataSourceName", f"no data source named {name!r} (known: {known})")
        return None
    return name


def _resolvers(
    reader: _Reader, top: Raw, sources: Sources, functions: Functions
) -> list[ResolverSpec]:
    resolvers: list[ResolverSpec] = []
    seen: set[str] = set()
    allowed = (
        *["typeName", "fieldName", "kind", "dataSourceName", "pipelineConfig", "maxBatchSize"],
        *_CODE_KEYS,
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
    return resolvers


def _resolver(
    reader: _Reader, block: Raw, where: str, sources: Sources, functions: Functions
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
            reader.problem(_join(where, "dataSourceName"), "a PIPELINE resolver has no data source")
    else:
        if "pipelineConfig" in block:
            reader.problem(_join(where, "pipelineConfig"), "only a PIPELINE resolver has one")
        spec = next((s for s in sources if s.name == source), None)
        if code is None and spec is not None and spec.type is not DataSourceType.AWS_LAMBDA:
            reader.problem(
                where, "needs code (PYTHON) or mapping templates (VTL); only Lambda may omit them"
            )
    # AppSync: maxBatchSize 0-2000, for Lambda batching.
    max_batch_size = reader.integer(block, "maxBatchSize", where, 0, 2000, 0)
    if type_name is None or field_name is None or kind is None:
        return None
    return ResolverSpec(type_name, field_name, kind, source, code, names, max_batch_size, where)


def _pipeline_functions(
    reader: _Reader, block: Raw, where: str, functions: Functions
) -> tuple[str, ...]:
    path = _join(where, "pipelineConfig")
    config = reader.mapping(block.get("pipelineConfig", {}), path, ("functions",))
    if config is None:
        return ()
    if not config.get("functions"):
        reader.problem(_join(path, "functions"), "required; expected a list of function names")
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
        reader.problem(_join(path, "functions"), "a resolver can only be composed of 10 functions")
    return tuple(names)


def _server(reader: _Reader, value: Any) -> ServerSpec:
    if value is None:
        return ServerSpec()
    keys = ("executionTimeoutSeconds", "maxRequestBodyBytes", "domainName")
    block = reader.mapping(value, "server", keys)
    if block is None:
        return ServerSpec()
    defaults = ServerSpec()
    return ServerSpec(
        execution_timeout_seconds=reader.number(
            block, "executionTimeoutSeconds", "server", defaults.execution_timeout_seconds
        ),
        max_request_body_bytes=reader.integer(
            block, "maxRequestBodyBytes", "server", 1, 1 << 30, defaults.max_request_body_bytes
        ),
        domain_name=reader.string(block, "domainName", "server", required=False),
    )
