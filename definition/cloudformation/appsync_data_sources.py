"""`AWS::AppSync::DataSource` read into the model's data sources.

Every type AppSync has: `NONE`; `AMAZON_DYNAMODB` with `DynamoDBConfig` (`TableName`,
`AwsRegion`, `UseCallerCredentials`, `Versioned`, `DeltaSyncConfig` whose TTLs CloudFormation
types as strings); `HTTP` with `HttpConfig` (`Endpoint`, `AuthorizationConfig` with
`AwsIamConfig`), which reaches the embedded Step Functions engine when its endpoint is
`states`; `AWS_LAMBDA` with `LambdaConfig.LambdaFunctionArn`, kept as the function's local ARN
for the local Lambda runtime (a function the template declares runs locally); and the
types the server does not serve (OpenSearch, RDS, EventBridge, Bedrock), accepted with the
notice the server gives for them.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from definition.appsync_yaml.reader import join
from definition.cloudformation.properties import Part, PropertyReader, boolean, integer
from definition.model import (
    DEFAULT_REGION,
    AwsIamConfig,
    DataSourceSpec,
    DataSourceType,
    DeltaSyncConfig,
    DynamoDBConfig,
    HttpConfig,
)
from definition.problems import Origin

_CONFIGS = {
    "DynamoDBConfig": DataSourceType.AMAZON_DYNAMODB,
    "HttpConfig": DataSourceType.HTTP,
    "LambdaConfig": DataSourceType.AWS_LAMBDA,
    "ElasticsearchConfig": DataSourceType.AMAZON_ELASTICSEARCH,
    "OpenSearchServiceConfig": DataSourceType.AMAZON_OPENSEARCH_SERVICE,
    "RelationalDatabaseConfig": DataSourceType.RELATIONAL_DATABASE,
    "EventBridgeConfig": DataSourceType.AMAZON_EVENTBRIDGE,
}
_KEYS = (
    *["ApiId", "Name", "Type", "Description", "ServiceRoleArn", "MetricsConfig"],
    *_CONFIGS,
)
_DYNAMODB_KEYS = ("TableName", "AwsRegion", "UseCallerCredentials", "Versioned", "DeltaSyncConfig")
_DELTA_KEYS = ("BaseTableTTL", "DeltaSyncTableName", "DeltaSyncTableTTL")


def read_data_sources(
    resources: list[Part], origins: dict[str, Origin]
) -> tuple[DataSourceSpec, ...]:
    sources: list[DataSourceSpec] = []
    for part in resources:
        reader = part.reader()
        spec = _data_source(reader, part.properties)
        if spec is None:
            continue
        if any(source.name == spec.name for source in sources):
            reader.problem("Properties.Name", f"data source {spec.name!r} is defined twice")
            continue
        where = f"dataSources[{len(sources)}]"
        origins[where] = reader.origin()
        origins[f"{where}.dynamodbConfig"] = reader.origin("Properties.DynamoDBConfig")
        sources.append(spec)
    return tuple(sources)


def _data_source(reader: PropertyReader, properties: dict[str, Any]) -> DataSourceSpec | None:
    path = "Properties"
    reader.allowed(properties, path, _KEYS)
    name = reader.string(properties, "Name", path, required=True)
    kind = reader.enum(properties, "Type", path, DataSourceType, None)
    if kind is DataSourceType.AWS_STEP_FUNCTIONS:
        reader.problem(
            join(path, "Type"),
            "AppSync has no such type: reach Step Functions with an HTTP data source whose "
            "Endpoint is https://states.<region>.amazonaws.com/",
        )
        return None
    description = reader.string(properties, "Description", path, required=False)
    reader.accepted(
        properties,
        path,
        {
            "ServiceRoleArn": "calls are made with the local credentials, not the role",
            "MetricsConfig": "no CloudWatch metrics are emitted",
        },
    )
    for key, owner in _CONFIGS.items():
        if key in properties and kind is not None and kind is not owner:
            reader.problem(join(path, key), f"only an {owner} data source has one")
    if name is None or kind is None:
        return None
    spec = DataSourceSpec(name, kind, description, None)
    if kind is DataSourceType.AMAZON_DYNAMODB:
        dynamodb = _dynamodb(reader, properties.get("DynamoDBConfig"), join(path, "DynamoDBConfig"))
        return None if dynamodb is None else _with(spec, dynamodb=dynamodb)
    if kind is DataSourceType.HTTP:
        http = _http(reader, properties.get("HttpConfig"), join(path, "HttpConfig"))
        return None if http is None else _with(spec, http=http)
    if kind is DataSourceType.AWS_LAMBDA:
        where = join(path, "LambdaConfig")
        config = reader.mapping(properties.get("LambdaConfig"), where, ("LambdaFunctionArn",))
        if config is None:
            return None
        arn = reader.string(config, "LambdaFunctionArn", where, required=True)
        if arn is None:
            return None
        return _with(spec, lambda_function_arn=arn)
    if not kind.served:
        reader.notice(
            join(path, "Type"),
            f"accepted; no local effect yet (a {kind} data source is not served locally: its "
            "resolvers fail)",
        )
    return spec


def _with(spec: DataSourceSpec, **changes: Any) -> DataSourceSpec:
    values = {
        "name": spec.name,
        "type": spec.type,
        "description": spec.description,
        "lambda_handler": None,
        **changes,
    }
    return DataSourceSpec(**values)


def _dynamodb(reader: PropertyReader, raw: Any, path: str) -> DynamoDBConfig | None:
    block = reader.mapping(raw, path, _DYNAMODB_KEYS)
    if block is None:
        return None
    table = reader.string(block, "TableName", path, required=True)
    region = reader.string(block, "AwsRegion", path, required=False) or reader.stack.region
    versioned = boolean(reader, block, "Versioned", path)
    caller = boolean(reader, block, "UseCallerCredentials", path)
    if caller:
        reader.notice(
            join(path, "UseCallerCredentials"),
            "accepted; no local effect yet (calls are made with the local credentials)",
        )
    delta = None
    if block.get("DeltaSyncConfig") is not None:
        where = join(path, "DeltaSyncConfig")
        config = reader.mapping(block["DeltaSyncConfig"], where, _DELTA_KEYS)
        if config is not None:
            delta_table = reader.string(config, "DeltaSyncTableName", where, required=True)
            # TTLs in minutes, which CloudFormation types as strings.
            base = integer(reader, config, "BaseTableTTL", where)
            delta_ttl = integer(reader, config, "DeltaSyncTableTTL", where)
            for key, value in (("BaseTableTTL", base), ("DeltaSyncTableTTL", delta_ttl)):
                if value is None or value < 0:
                    reader.problem(join(where, key), "required; expected minutes (0 or more)")
            if delta_table is not None and base is not None and delta_ttl is not None:
                delta = DeltaSyncConfig(base, delta_table, delta_ttl)
    elif versioned:
        # A versioned data source needs the delta table and TTLs (versioned-data-sources).
        reader.problem(join(path, "DeltaSyncConfig"), "required when Versioned is true")
    if table is None:
        return None
    return DynamoDBConfig(table, region or DEFAULT_REGION, caller, versioned, delta)


def _scheme(url: str) -> str | None:
    try:
        return urlsplit(url).scheme
    except ValueError:  # a malformed host (`https://[not-ipv6]/`)
        return None


def _http(reader: PropertyReader, raw: Any, path: str) -> HttpConfig | None:
    block = reader.mapping(raw, path, ("Endpoint", "AuthorizationConfig"))
    if block is None:
        return None
    endpoint = reader.string(block, "Endpoint", path, required=True)
    if endpoint is not None and _scheme(endpoint) not in ("http", "https"):
        reader.problem(join(path, "Endpoint"), f"expected an http(s) URL, got {endpoint!r}")
        return None
    iam = None
    if block.get("AuthorizationConfig") is not None:
        where = join(path, "AuthorizationConfig")
        config = reader.mapping(
            block["AuthorizationConfig"], where, ("AuthorizationType", "AwsIamConfig")
        )
        if config is None:
            return None
        if config.get("AuthorizationType") != "AWS_IAM":
            reader.problem(join(where, "AuthorizationType"), "expected AWS_IAM")
            return None
        iam_where = join(where, "AwsIamConfig")
        signing = reader.mapping(
            config.get("AwsIamConfig"), iam_where, ("SigningRegion", "SigningServiceName")
        )
        if signing is None:
            return None
        region = reader.string(signing, "SigningRegion", iam_where, required=True)
        service = reader.string(signing, "SigningServiceName", iam_where, required=True)
        if region is None or service is None:
            return None
        iam = AwsIamConfig(region, service)
    if endpoint is None:
        return None
    return HttpConfig(endpoint, iam)
