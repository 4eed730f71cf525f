"""Our own definition file (`appsync.yaml`, or JSON) read into an `ApiDefinition`.

Keys are AppSync's own API model names (CreateGraphqlApi, CreateDataSource, CreateFunction,
CreateResolver, CreateApiKey in botocore's `appsync/2017-07-25/service-2.json`), so a user who
knows CloudFormation or the console reads the file at sight. Two local twists: code and templates
are file paths (relative to the definition file), and a Lambda data source names a local Python
handler `module:function` instead of a function ARN. Settings that only the local server has live
under a separate `server:` key.

Every problem is collected with its key path (`resolvers[2].dataSourceName`) before failing, so
one run of `appsync-local validate` lists them all. This module reads the top level; each block
has its own parser beside it (authorization, data_sources, resolvers, server).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from definition.appsync_yaml.accepted import API_FIELDS, read_api_cache, read_api_fields
from definition.appsync_yaml.authorization import (
    AUTH_BLOCKS,
    additional_providers,
    api_keys,
    auth_provider,
    check_api_keys,
    check_blocks,
    check_modes,
)
from definition.appsync_yaml.data_sources import data_sources
from definition.appsync_yaml.reader import DefinitionReader, Raw, kind
from definition.appsync_yaml.resolvers import read_functions, read_resolvers
from definition.appsync_yaml.server import read_server
from definition.environment_variables import read_environment_variables
from definition.errors import InvalidDefinitionError
from definition.model import ApiDefinition, IntrospectionConfig
from definition.problems import Problem

# libyaml's parser when PyYAML has it (its wheels do): a tenth of the pure-Python one's time.
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_TOP_KEYS = (
    *["name", "schema", "authenticationType"],
    *AUTH_BLOCKS,
    *["additionalAuthenticationProviders", "apiKeys", "dataSources", "functions", "resolvers"],
    *["queryDepthLimit", "resolverCountLimit", "introspectionConfig", "xrayEnabled"],
    *API_FIELDS,
    "environmentVariables",
    "apiCache",
    "server",
)


def read_appsync_yaml(path: Path) -> ApiDefinition:
    """Read and check a definition; raises InvalidDefinitionError listing every problem."""
    reader = DefinitionReader(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise InvalidDefinitionError(
            [Problem(str(path), "", f"cannot read: {error.strerror}")]
        ) from None
    try:
        raw = json.loads(text) if path.suffix == ".json" else yaml.load(text, Loader=_SAFE_LOADER)
    except (yaml.YAMLError, json.JSONDecodeError) as error:
        raise InvalidDefinitionError(
            [Problem(str(path), "", f"not valid YAML/JSON: {error}")]
        ) from None
    definition = _read(reader, path.resolve(), raw)
    if reader.problems or definition is None:
        raise InvalidDefinitionError(reader.problems, reader.schema)
    return definition


def _read(reader: DefinitionReader, file: Path, raw: Any) -> ApiDefinition | None:
    top = reader.mapping(raw, "", _TOP_KEYS)
    if top is None:
        return None
    name = reader.string(top, "name", "", required=False) or file.parent.name
    schema = reader.schema = _schema_files(reader, top)
    authentication = auth_provider(reader, top, "")
    additional = additional_providers(reader, top)
    check_modes(reader, authentication, additional)
    check_blocks(reader, top)
    keys = api_keys(reader, top)
    providers = additional if authentication is None else (authentication, *additional)
    check_api_keys(reader, top, providers)
    sources = data_sources(reader, top)
    functions = read_functions(reader, top, sources)
    resolvers = read_resolvers(reader, top, sources, functions)
    introspection = reader.enum(
        top, "introspectionConfig", "", IntrospectionConfig, IntrospectionConfig.ENABLED
    )
    log_config = read_api_fields(reader, top)
    api_cache = read_api_cache(reader, top)
    environment = read_environment_variables(
        reader, top.get("environmentVariables"), "environmentVariables"
    )
    server = read_server(reader, top.get("server"))
    # AppSync's ranges: depth 1-75 (0 = no limit), resolvers 1-10000 (0 = 10000).
    query_depth_limit = reader.integer(top, "queryDepthLimit", "", 0, 75, 0)
    resolver_count_limit = reader.integer(top, "resolverCountLimit", "", 0, 10000, 0) or 10000
    if authentication is None or introspection is None:
        return None
    return ApiDefinition(
        file=file,
        name=name,
        schema=schema,
        authentication=authentication,
        additional_authentication_providers=additional,
        api_keys=keys,
        data_sources=sources,
        functions=functions,
        resolvers=resolvers,
        query_depth_limit=query_depth_limit,
        resolver_count_limit=resolver_count_limit,
        introspection=introspection,
        log_config=log_config,
        api_cache=api_cache,
        environment_variables=environment,
        server=server,
        notices=tuple(reader.notices),
    )


def _schema_files(reader: DefinitionReader, top: Raw) -> tuple[Path, ...]:
    value = top.get("schema")
    if value is None:
        reader.problem("schema", "required; expected a .graphql file or a list of them")
        return ()
    entries = [("schema", value)] if isinstance(value, str) else reader.items(top, "schema", "")
    found = []
    for where, item in entries:
        if not isinstance(item, str):
            reader.problem(where, f"expected a file path, got {kind(item)}")
            continue
        path = (reader.file.parent / item).resolve()
        if path.is_file():
            found.append(path)
        else:
            reader.problem(where, f"file not found: {path}")
    return tuple(found)
