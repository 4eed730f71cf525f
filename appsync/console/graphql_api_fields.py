"""The console API's view of the AppSync API the server runs, in the AppSync control plane's own
words (`ListGraphqlApis`, `GetGraphqlApi`, `ListDataSources`, `ListResolvers`,
`ListFunctions`: API reference 2017-07-25), and `server`: the server's version and endpoints.

The one API is listed with the id its log events carry (`appsync.api_log.api_id`). Resolvers'
and functions' code is read from their files when asked for. Local differences from the control
plane: `ListResolvers` lists every type's resolvers when `typeName` is left out, a pipeline names
its functions by name (their `functionId`), and a Lambda data source names its local handler.
"""

from __future__ import annotations

import strawberry
from strawberry.scalars import JSON

from appsync.console.context import ConsoleInfo, ServedApi
from appsync.console.errors import AwsServiceError
from appsync.console.routes import endpoints, request_origin
from definition.model import (
    CodeSpec,
    DataSourceSpec,
    FunctionSpec,
    ResolverSpec,
    Source,
    source_text,
)

# The only version AppSync's functions take (see definition's notice for others).
_FUNCTION_VERSION = "2018-05-29"


@strawberry.type
class AdditionalAuthenticationProvider:
    authenticationType: str


@strawberry.type
class LogConfig:
    fieldLogLevel: str
    excludeVerboseContent: bool


@strawberry.type
class GraphqlApi:
    apiId: str
    name: str
    arn: str
    authenticationType: str
    additionalAuthenticationProviders: list[AdditionalAuthenticationProvider]
    uris: JSON
    apiType: str = "GRAPHQL"
    introspectionConfig: str | None = None
    queryDepthLimit: int | None = None
    resolverCountLimit: int | None = None
    logConfig: LogConfig | None = None


@strawberry.type
class AppSyncRuntime:
    name: str
    runtimeVersion: str


@strawberry.type
class DynamodbDataSourceConfig:
    tableName: str
    awsRegion: str
    useCallerCredentials: bool
    versioned: bool


@strawberry.type
class HttpDataSourceConfig:
    endpoint: str


@strawberry.type
class DataSource:
    dataSourceArn: str
    name: str
    type: str
    description: str | None = None
    dynamodbConfig: DynamodbDataSourceConfig | None = None
    httpConfig: HttpDataSourceConfig | None = None
    handler: str | None = strawberry.field(
        default=None, description="A Lambda data source's local handler (module:function)."
    )


@strawberry.type
class PipelineConfig:
    functions: list[str]


@strawberry.type
class Resolver:
    typeName: str
    fieldName: str
    resolverArn: str
    kind: str
    maxBatchSize: int
    dataSourceName: str | None = None
    pipelineConfig: PipelineConfig | None = None
    runtime: AppSyncRuntime | None = None
    requestMappingTemplate: str | None = None
    responseMappingTemplate: str | None = None
    code: str | None = None


@strawberry.type
class FunctionConfiguration:
    functionId: str
    functionArn: str
    name: str
    dataSourceName: str
    functionVersion: str
    runtime: AppSyncRuntime | None = None
    requestMappingTemplate: str | None = None
    responseMappingTemplate: str | None = None
    code: str | None = None


@strawberry.type
class ListGraphqlApisOutput:
    graphqlApis: list[GraphqlApi]
    nextToken: str | None = None


@strawberry.type
class GetGraphqlApiOutput:
    graphqlApi: GraphqlApi


@strawberry.type
class ListDataSourcesOutput:
    dataSources: list[DataSource]
    nextToken: str | None = None


@strawberry.type
class ListResolversOutput:
    resolvers: list[Resolver]
    nextToken: str | None = None


@strawberry.type
class ListFunctionsOutput:
    functions: list[FunctionConfiguration]
    nextToken: str | None = None


@strawberry.input
class ApiIdInput:
    apiId: str


@strawberry.input(description="Without typeName, listResolvers lists every type's resolvers.")
class ListResolversInput:
    apiId: str
    typeName: str | None = None


@strawberry.type
class Endpoints:
    graphql: str | None
    realtime: str | None
    aws: str | None
    console: str


@strawberry.type(description="appsync-local's version and endpoints, as this client reaches them.")
class ServerInfo:
    version: str
    endpoints: Endpoints


def _api(info: ConsoleInfo, api_id: str) -> ServedApi:
    api = info.context.services.served_api()
    if api_id != api.api_id:
        raise AwsServiceError("NotFoundException", f"GraphQL API {api_id} not found.")
    return api


def _graphql_api(info: ConsoleInfo, api: ServedApi) -> GraphqlApi:
    definition = api.definition
    scheme, host = request_origin(info.context.request)
    where = endpoints(scheme, host, graphql=True)
    log = definition.log_config
    return GraphqlApi(
        apiId=api.api_id,
        name=definition.name,
        arn=_arn(api),
        authenticationType=definition.authentication.authentication_type.value,
        additionalAuthenticationProviders=[
            AdditionalAuthenticationProvider(authenticationType=spec.authentication_type.value)
            for spec in definition.additional_authentication_providers
        ],
        uris=JSON({"GRAPHQL": where["graphql"], "REALTIME": where["realtime"]}),
        introspectionConfig=definition.introspection.value,
        queryDepthLimit=definition.query_depth_limit,
        resolverCountLimit=definition.resolver_count_limit,
        logConfig=None
        if log is None
        else LogConfig(
            fieldLogLevel=log.field_log_level.value,
            excludeVerboseContent=log.exclude_verbose_content,
        ),
    )


def _arn(api: ServedApi) -> str:
    return f"arn:aws:appsync:{api.region}:{api.account_id}:apis/{api.api_id}"


def _text(source: Source | None) -> str | None:
    return None if source is None else source_text(source)


def _code(spec: CodeSpec | None) -> dict[str, str | AppSyncRuntime | None]:
    if spec is None:
        return {}
    return {
        "runtime": AppSyncRuntime(name=spec.runtime.value, runtimeVersion="1.0.0"),
        "requestMappingTemplate": _text(spec.request_mapping_template),
        "responseMappingTemplate": _text(spec.response_mapping_template),
        "code": _text(spec.code),
    }


def _data_source(api: ServedApi, spec: DataSourceSpec) -> DataSource:
    dynamodb = spec.dynamodb
    return DataSource(
        dataSourceArn=f"{_arn(api)}/datasources/{spec.name}",
        name=spec.name,
        type=spec.type.value,
        description=spec.description,
        dynamodbConfig=None
        if dynamodb is None
        else DynamodbDataSourceConfig(
            tableName=dynamodb.table_name,
            awsRegion=dynamodb.aws_region,
            useCallerCredentials=dynamodb.use_caller_credentials,
            versioned=dynamodb.versioned,
        ),
        httpConfig=None if spec.http is None else HttpDataSourceConfig(endpoint=spec.http.endpoint),
        handler=spec.lambda_handler,
    )


def _resolver(api: ServedApi, spec: ResolverSpec) -> Resolver:
    return Resolver(
        typeName=spec.type_name,
        fieldName=spec.field_name,
        resolverArn=f"{_arn(api)}/types/{spec.type_name}/resolvers/{spec.field_name}",
        kind=spec.kind.value,
        maxBatchSize=spec.max_batch_size,
        dataSourceName=spec.data_source_name,
        pipelineConfig=PipelineConfig(functions=list(spec.functions)) if spec.functions else None,
        **_code(spec.code),  # type: ignore[arg-type]
    )


def _function(api: ServedApi, spec: FunctionSpec) -> FunctionConfiguration:
    return FunctionConfiguration(
        functionId=spec.name,
        functionArn=f"{_arn(api)}/functions/{spec.name}",
        name=spec.name,
        dataSourceName=spec.data_source_name,
        functionVersion=_FUNCTION_VERSION,
        **_code(spec.code),  # type: ignore[arg-type]
    )


@strawberry.type
class GraphqlApiQuery:
    @strawberry.field
    def listGraphqlApis(self, info: ConsoleInfo) -> ListGraphqlApisOutput:
        api = info.context.services.served_api()
        return ListGraphqlApisOutput(graphqlApis=[_graphql_api(info, api)])

    @strawberry.field
    def getGraphqlApi(self, info: ConsoleInfo, input: ApiIdInput) -> GetGraphqlApiOutput:
        return GetGraphqlApiOutput(graphqlApi=_graphql_api(info, _api(info, input.apiId)))

    @strawberry.field
    def listDataSources(self, info: ConsoleInfo, input: ApiIdInput) -> ListDataSourcesOutput:
        api = _api(info, input.apiId)
        sources = [_data_source(api, spec) for spec in api.definition.data_sources]
        return ListDataSourcesOutput(dataSources=sources)

    @strawberry.field
    def listResolvers(self, info: ConsoleInfo, input: ListResolversInput) -> ListResolversOutput:
        api = _api(info, input.apiId)
        resolvers = [
            _resolver(api, spec)
            for spec in api.definition.resolvers
            if input.typeName is None or spec.type_name == input.typeName
        ]
        return ListResolversOutput(resolvers=resolvers)

    @strawberry.field
    def listFunctions(self, info: ConsoleInfo, input: ApiIdInput) -> ListFunctionsOutput:
        api = _api(info, input.apiId)
        return ListFunctionsOutput(
            functions=[_function(api, spec) for spec in api.definition.functions]
        )


@strawberry.type
class ServerQuery:
    @strawberry.field
    def server(self, info: ConsoleInfo) -> ServerInfo:
        scheme, host = request_origin(info.context.request)
        where = endpoints(scheme, host, graphql=info.context.services.api is not None)
        return ServerInfo(version=info.context.services.version, endpoints=Endpoints(**where))
