"""serverless-appsync-plugin's data sources, pipeline functions and resolvers compiled into
CloudFormation, as the plugin's `DataSource`, `PipelineFunction` and `Resolver` do
(`src/resources/*.ts`, `src/getAppSyncConfig.ts`), with its documentation's keys
(doc/dataSources.md, pipeline-functions.md, resolvers.md, substitutions.md, syncConfig.md).

- `dataSources`, `resolvers`, `pipelineFunctions`: mappings, or lists of mappings (one per
  `${file(...)}`) merged. A data source's key is its name; its `config` per type.
- A resolver's key is `Type.field`, or any name with `type` and `field`. `kind` defaults to
  PIPELINE, which needs `functions` (names, or functions defined inline, named
  `<Type_field>_<index>`); UNIT needs `dataSource` (a name, or a data source defined inline,
  named after the key). A string value is a UNIT resolver on that data source.
- `code` (APPSYNC_JS) or `request`/`response` (VTL; `false` leaves one out): files relative to
  the service file. A PIPELINE resolver with neither gets the plugin's default JavaScript
  (`request` returns `{}`, `response` returns `ctx.prev.result`); a UNIT resolver with neither
  is a direct Lambda resolver.
- `substitutions` (the API's, then the resolver's or function's) replace `${name}` in VTL and
  `#name#` in JavaScript.

JavaScript and TypeScript are bundled with esbuild as the plugin bundles them (`bundling`),
unless the API's `esbuild` is `false`.
"""

from __future__ import annotations

import re
from typing import Any

from definition.appsync_yaml.reader import join
from definition.serverless.bundling import BundlingError, bundled, needs_bundling
from definition.serverless.compiler import (
    Compiled,
    PluginReader,
    api_id,
    cfn_name,
    substituted,
)

_DEFAULT_JS = """
export function request() {
  return {};
}

export function response(ctx) {
  return ctx.prev.result;
}
"""
_JS_RUNTIME = {"Name": "APPSYNC_JS", "RuntimeVersion": "1.0.0"}
_VTL = r"\$\{{{name}\}}"
_JS = r"#{name}#"
_DATA_SOURCE_TYPES = (
    *["AMAZON_DYNAMODB", "AMAZON_OPENSEARCH_SERVICE", "AWS_LAMBDA", "HTTP", "NONE"],
    *["RELATIONAL_DATABASE", "AMAZON_EVENTBRIDGE", "AMAZON_BEDROCK_RUNTIME"],
    # Plugin v1's name for OpenSearch.
    "AMAZON_ELASTICSEARCH",
)


def merged(reader: PluginReader, raw: Any, where: str) -> dict[str, tuple[str, Any]]:
    """getAppSyncConfig's flattenMaps: a mapping, or a list of mappings merged; each entry
    with its key path."""
    if raw is None:
        return {}
    maps = raw if isinstance(raw, list) else [raw]
    found: dict[str, tuple[str, Any]] = {}
    for index, item in enumerate(maps):
        item_where = f"{where}[{index}]" if isinstance(raw, list) else where
        if not isinstance(item, dict):
            reader.problem(item_where, "expected a mapping of names to definitions")
            continue
        for key, value in item.items():
            found[str(key)] = (join(item_where, str(key)), value)
    return found


def _resource_name(name: str) -> str:
    # getAppSyncConfig's `replace(/[^a-z_]/i, '_')` replaces the first such character only.
    return re.sub(r"[^a-z_]", "_", name, count=1, flags=re.IGNORECASE)


class PluginCompiler:
    """Compiles one API's data sources, functions and resolvers into `out`."""

    def __init__(self, reader: PluginReader, out: Compiled) -> None:
        self.reader = reader
        self.out = out
        self.sources: dict[str, str] = {}  # data source name -> logical id
        self.functions: dict[str, str] = {}

    def compile(self, config: dict[str, Any], path: str) -> None:
        inline_sources: list[tuple[str, str, Any]] = []
        inline_functions: list[tuple[str, str, dict[str, Any]]] = []
        resolvers = merged(self.reader, config.get("resolvers"), join(path, "resolvers"))
        for key, (where, resolver) in resolvers.items():
            if isinstance(resolver, dict):
                source = resolver.get("dataSource")
                if resolver.get("kind") == "UNIT" and isinstance(source, dict):
                    inline_sources.append((_resource_name(key), f"{where}.dataSource", source))
                listed = resolver.get("functions")
                for index, function in enumerate(listed if isinstance(listed, list) else []):
                    if isinstance(function, dict):
                        name = f"{_resource_name(key)}_{index}"
                        inline_functions.append((name, f"{where}.functions[{index}]", function))
        functions = merged(
            self.reader, config.get("pipelineFunctions"), join(path, "pipelineFunctions")
        )
        for name, (where, function) in functions.items():
            if isinstance(function, dict) and isinstance(function.get("dataSource"), dict):
                inline_sources.append((name, f"{where}.dataSource", function["dataSource"]))
        for name, where, function in inline_functions:
            if isinstance(function.get("dataSource"), dict):
                inline_sources.append((name, f"{where}.dataSource", function["dataSource"]))
        sources = merged(self.reader, config.get("dataSources"), join(path, "dataSources"))
        for name, (where, source) in [
            *sources.items(),
            *((name, (where, source)) for name, where, source in inline_sources),
        ]:
            self.data_source(name, source, where)
        for name, (where, function) in functions.items():
            self.function(name, function, where)
        for name, where, function in inline_functions:
            source = function.get("dataSource")
            self.function(
                name,
                {**function, "dataSource": name if isinstance(source, dict) else source},
                where,
            )
        for key, (where, resolver) in resolvers.items():
            self.resolver(key, resolver, where)

    # -- data sources

    def data_source(self, name: str, raw: Any, where: str) -> None:
        reader = self.reader
        block = reader.mapping(raw, where, ("type", "description", "config"))
        if block is None:
            return
        kind = block.get("type")
        if kind not in _DATA_SOURCE_TYPES:
            reader.problem(join(where, "type"), f"must be one of {', '.join(_DATA_SOURCE_TYPES)}")
            return
        config = block.get("config") or {}
        config_where = join(where, "config")
        if not isinstance(config, dict):
            reader.problem(config_where, "expected a mapping")
            return
        if kind not in ("NONE", "AMAZON_BEDROCK_RUNTIME") and "config" not in block:
            reader.problem(config_where, f"required for {kind}")
            return
        properties: dict[str, Any] = {
            "ApiId": api_id(),
            "Name": name,
            "Description": block.get("description"),
            "Type": kind,
        }
        region = config.get("region") or {"Ref": "AWS::Region"}
        if kind == "AMAZON_DYNAMODB":
            properties["DynamoDBConfig"] = self._dynamodb(config, config_where, region)
        elif kind == "AWS_LAMBDA":
            arn = reader.lambda_arn(config, config_where, name, self.out)
            properties["LambdaConfig"] = {"LambdaFunctionArn": arn}
        elif kind == "HTTP":
            properties["HttpConfig"] = self._http(config, config_where)
        elif kind in ("AMAZON_OPENSEARCH_SERVICE", "AMAZON_ELASTICSEARCH"):
            endpoint = config.get("endpoint") or (
                {
                    "Fn::Join": [
                        "",
                        ["https://", {"Fn::GetAtt": [config["domain"], "DomainEndpoint"]}],
                    ]
                }
                if config.get("domain")
                else None
            )
            key = "OpenSearchServiceConfig" if kind.endswith("SERVICE") else "ElasticsearchConfig"
            properties[key] = {"AwsRegion": region, "Endpoint": endpoint}
        elif kind == "RELATIONAL_DATABASE":
            properties["RelationalDatabaseConfig"] = {
                "RelationalDatabaseSourceType": config.get("relationalDatabaseSourceType")
                or "RDS_HTTP_ENDPOINT",
                "RdsHttpEndpointConfig": {
                    "AwsRegion": region,
                    "DbClusterIdentifier": config.get("dbClusterIdentifier"),
                    "DatabaseName": config.get("databaseName"),
                    "Schema": config.get("schema"),
                    "AwsSecretStoreArn": config.get("awsSecretStoreArn"),
                },
            }
        elif kind == "AMAZON_EVENTBRIDGE":
            properties["EventBridgeConfig"] = {"EventBusArn": config.get("eventBusArn")}
        logical_id = f"GraphQlDs{cfn_name(name)}"
        self.sources[name] = logical_id
        self.out.add(logical_id, "AWS::AppSync::DataSource", properties, where)

    def _dynamodb(self, config: dict[str, Any], where: str, region: Any) -> dict[str, Any]:
        if "tableName" not in config:
            self.reader.problem(join(where, "tableName"), "required")
        found: dict[str, Any] = {
            "AwsRegion": region,
            "TableName": config.get("tableName"),
            "UseCallerCredentials": bool(config.get("useCallerCredentials")),
        }
        delta = config.get("deltaSyncConfig")
        # DataSource.getDeltaSyncConfig: versioning only with a deltaSyncConfig.
        if config.get("versioned") and isinstance(delta, dict):
            found["Versioned"] = True
            found["DeltaSyncConfig"] = {
                "BaseTableTTL": delta.get("baseTableTTL") or 43200,
                "DeltaSyncTableName": delta.get("deltaSyncTableName"),
                "DeltaSyncTableTTL": delta.get("deltaSyncTableTTL") or 1440,
            }
        return found

    def _http(self, config: dict[str, Any], where: str) -> dict[str, Any]:
        found: dict[str, Any] = {"Endpoint": config.get("endpoint")}
        where = join(where, "authorizationConfig")
        authorization = self.reader.block(config.get("authorizationConfig"), where)
        if authorization:
            signing = self.reader.block(
                authorization.get("awsIamConfig"), join(where, "awsIamConfig")
            )
            found["AuthorizationConfig"] = {
                "AuthorizationType": authorization.get("authorizationType"),
                "AwsIamConfig": {
                    "SigningRegion": signing.get("signingRegion") or {"Ref": "AWS::Region"},
                    "SigningServiceName": signing.get("signingServiceName"),
                },
            }
        return found

    # -- pipeline functions and resolvers

    def function(self, name: str, raw: Any, where: str) -> None:
        reader = self.reader
        block = reader.mapping(
            raw,
            where,
            (
                *["dataSource", "description", "code", "request", "response"],
                *["maxBatchSize", "substitutions", "sync"],
            ),
        )
        if block is None:
            return
        source = self._source_of(block.get("dataSource"), join(where, "dataSource"))
        properties: dict[str, Any] = {
            "ApiId": api_id(),
            "Name": name,
            "DataSourceName": source,
            "Description": block.get("description"),
            "FunctionVersion": "2018-05-29",
            "MaxBatchSize": block.get("maxBatchSize"),
        }
        logical_id = f"GraphQlFunctionConfiguration{cfn_name(name)}"
        self._handlers(logical_id, block, where, properties, javascript="code" in block)
        properties["SyncConfig"] = self._sync(block, where, name + "_Sync")
        self.functions[name] = logical_id
        self.out.add(logical_id, "AWS::AppSync::FunctionConfiguration", properties, where)

    def resolver(self, key: str, raw: Any, where: str) -> None:
        reader = self.reader
        if isinstance(raw, str):
            raw = {"kind": "UNIT", "dataSource": raw}
        if not isinstance(raw, dict):
            reader.problem(where, "expected a resolver definition, or a data source's name")
            return
        key_type, _, key_field = key.partition(".")
        type_name = raw.get("type") or (key_type if key_field else None)
        field_name = raw.get("field") or key_field or None
        if not isinstance(type_name, str) or not isinstance(field_name, str):
            reader.problem(
                where,
                "resolver definitions that do not specify Type.field in the key must specify "
                "the type and field as properties",
            )
            return
        kind = raw.get("kind") or "PIPELINE"
        if kind not in ("UNIT", "PIPELINE"):
            reader.problem(join(where, "kind"), 'must be "UNIT" or "PIPELINE"')
            return
        logical_id = cfn_name(f"GraphQlResolver{type_name}{field_name}")
        properties: dict[str, Any] = {
            "ApiId": api_id(),
            "TypeName": type_name,
            "FieldName": field_name,
        }
        vtl = "request" in raw or "response" in raw
        javascript = "code" in raw or (not vtl and kind != "UNIT")
        self._handlers(logical_id, raw, where, properties, javascript=javascript)
        properties["CachingConfig"] = self._caching(raw.get("caching"), join(where, "caching"))
        properties["SyncConfig"] = self._sync(raw, where, f"{type_name}_{field_name}_Sync")
        if kind == "UNIT":
            if "dataSource" not in raw:
                reader.problem(join(where, "dataSource"), "required for a UNIT resolver")
                return
            source = raw["dataSource"]
            properties["Kind"] = "UNIT"
            properties["DataSourceName"] = self._source_of(
                _resource_name(key) if isinstance(source, dict) else source,
                join(where, "dataSource"),
            )
            properties["MaxBatchSize"] = raw.get("maxBatchSize")
        else:
            listed = raw.get("functions")
            if not isinstance(listed, list):
                reader.problem(
                    join(where, "functions"),
                    "required for a PIPELINE resolver (the default kind): a list of pipeline "
                    "functions; or write kind: UNIT with a dataSource",
                )
                return
            names = [
                item if isinstance(item, str) else f"{_resource_name(key)}_{index}"
                for index, item in enumerate(listed)
            ]
            ids = []
            for index, name in enumerate(names):
                if name not in self.functions:
                    reader.problem(
                        f"{where}.functions[{index}]",
                        f"references unknown Pipeline function '{name}'",
                    )
                    continue
                ids.append({"Fn::GetAtt": [self.functions[name], "FunctionId"]})
            properties["Kind"] = "PIPELINE"
            properties["PipelineConfig"] = {"Functions": ids}
        self.out.add(logical_id, "AWS::AppSync::Resolver", properties, where)

    def _source_of(self, name: Any, where: str) -> Any:
        if not isinstance(name, str) or not name:
            self.reader.problem(where, "expected a data source's name, or a data source definition")
            return None
        if name not in self.sources:
            self.reader.problem(where, f"references unknown DataSource '{name}'")
            return None
        return {"Fn::GetAtt": [self.sources[name], "Name"]}

    def _handlers(
        self,
        logical_id: str,
        block: dict[str, Any],
        where: str,
        properties: dict[str, Any],
        *,
        javascript: bool,
    ) -> None:
        """`code` (or the default JavaScript) or the VTL templates, substitutions made."""
        own = self.reader.block(block.get("substitutions"), join(where, "substitutions"))
        substitutions = {**self.reader.substitutions, **own}
        if javascript:
            properties["Runtime"] = _JS_RUNTIME
            if "code" not in block:
                properties["Code"] = _DEFAULT_JS
                return
            self._text(
                logical_id,
                "Code",
                block["code"],
                join(where, "code"),
                properties,
                substitutions,
                _JS,
            )
            return
        for key, prop in (
            ("request", "RequestMappingTemplate"),
            ("response", "ResponseMappingTemplate"),
        ):
            if block.get(key) not in (None, False):
                self._text(
                    logical_id, prop, block[key], join(where, key), properties, substitutions, _VTL
                )

    def _text(
        self,
        logical_id: str,
        prop: str,
        name: Any,
        where: str,
        properties: dict[str, Any],
        substitutions: dict[str, Any],
        pattern: str,
    ) -> None:
        path = self.reader.local(name, where)
        if path is None:
            return
        text = path.read_text(encoding="utf-8")
        written = True
        options = self.reader.esbuild
        if prop == "Code" and options is not None and needs_bundling(path, text):
            try:
                text = bundled(path, options, self.reader.service_dir)
            except BundlingError as error:
                self.reader.problem(where, error.message)
                return
            written = False
        value = substituted(text, substitutions, pattern)
        if value == text and written:
            properties[f"{prop}S3Location"] = str(path)
        else:
            properties[prop] = value
            self.out.files[f"{logical_id}.Properties.{prop}"] = path

    def _caching(self, raw: Any, where: str) -> dict[str, Any] | None:
        """Resolver caching: `true` (the API's TTL) or `{ttl, keys}`."""
        default = self.reader.caching_ttl or 3600
        if raw is True:
            return {"Ttl": default}
        if raw is None or raw is False:
            return None
        block = self.reader.block(raw, where)
        return {"CachingKeys": block.get("keys"), "Ttl": block.get("ttl") or default}

    def _sync(self, block: dict[str, Any], where: str, embedded: str) -> dict[str, Any] | None:
        """SyncConfig.compile: VERSION and OPTIMISTIC_CONCURRENCY by default; a LAMBDA handler
        names its function. `true` (plugin v1) is VERSION alone."""
        sync = block.get("sync")
        # The plugin's test is JavaScript's `if (config.sync)`: `{}` is a sync config.
        if sync is None or sync is False:
            return None
        if sync is True:
            return {"ConflictDetection": "VERSION"}
        if not isinstance(sync, dict):
            self.reader.block(sync, join(where, "sync"))
            return None
        detection = sync.get("conflictDetection") or "VERSION"
        if detection != "VERSION":
            return {"ConflictDetection": detection}
        handler = sync.get("conflictHandler") or "OPTIMISTIC_CONCURRENCY"
        found: dict[str, Any] = {"ConflictDetection": detection, "ConflictHandler": handler}
        if handler == "LAMBDA":
            arn = self.reader.lambda_arn(sync, join(where, "sync"), embedded, self.out)
            found["LambdaConflictHandlerConfig"] = {"LambdaConflictHandlerArn": arn}
        return found
