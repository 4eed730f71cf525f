"""The API's definition as the console API lists it, in the AppSync control plane's words, and
the server's version and endpoints as the caller reaches them."""

from __future__ import annotations

from pathlib import Path

import pytest

from appsync.api_log import api_id
from appsync.console.context import ServedApi
from definition.appsync_yaml.api import read_appsync_yaml
from definition.model import source_text
from tests.conftest import REPO_ROOT
from tests.unit.appsync.console.support import data, engine, execute, services

BLOG = REPO_ROOT / "examples" / "blog" / "appsync.yaml"


def _served(path: Path) -> ServedApi:
    definition = read_appsync_yaml(path)
    return ServedApi(definition, api_id(definition.name), "us-east-1", "123456789012")


@pytest.mark.anyio
async def test_the_one_api_with_its_uris() -> None:
    api = _served(BLOG)
    shown = await data(
        services(api=api),
        """{ listGraphqlApis { graphqlApis {
               apiId name arn authenticationType apiType uris introspectionConfig
               additionalAuthenticationProviders { authenticationType }
               logConfig { fieldLogLevel } } }
             server { version endpoints { graphql realtime aws console } } }""",
    )
    [listed] = shown["listGraphqlApis"]["graphqlApis"]
    assert listed == {
        "apiId": api.api_id,
        "name": "blog",
        "arn": f"arn:aws:appsync:us-east-1:123456789012:apis/{api.api_id}",
        "authenticationType": "API_KEY",
        "apiType": "GRAPHQL",
        "uris": {
            "GRAPHQL": "http://127.0.0.1:20002/graphql",
            "REALTIME": "ws://127.0.0.1:20002/graphql/realtime",
        },
        "introspectionConfig": "ENABLED",
        "additionalAuthenticationProviders": [],
        "logConfig": None,
    }
    assert shown["server"] == {
        "version": "9.9.9",
        "endpoints": {
            "graphql": "http://127.0.0.1:20002/graphql",
            "realtime": "ws://127.0.0.1:20002/graphql/realtime",
            "aws": "http://127.0.0.1:20002",
            "console": "/console/graphql",
        },
    }


@pytest.mark.anyio
async def test_resolvers_functions_and_data_sources_with_their_code() -> None:
    api = _served(BLOG)
    definition = api.definition
    shown = await data(
        services(api=api),
        """query ($id: String!) {
          listDataSources(input: {apiId: $id}) { dataSources { name type dataSourceArn handler
            dynamodbConfig { tableName } } }
          listResolvers(input: {apiId: $id}) { resolvers { typeName fieldName kind dataSourceName
            resolverArn runtime { name } requestMappingTemplate code
            pipelineConfig { functions } } }
          query: listResolvers(input: {apiId: $id, typeName: "Query"}) { resolvers { fieldName } }
          listFunctions(input: {apiId: $id}) { functions { name functionId dataSourceName
            functionVersion } }
        }""",
        {"id": api.api_id},
    )
    sources = shown["listDataSources"]["dataSources"]
    assert [source["name"] for source in sources] == [s.name for s in definition.data_sources]
    assert all(
        source["dataSourceArn"].endswith(f"/datasources/{source['name']}") for source in sources
    )
    resolvers = shown["listResolvers"]["resolvers"]
    assert [(r["typeName"], r["fieldName"]) for r in resolvers] == [
        (spec.type_name, spec.field_name) for spec in definition.resolvers
    ]
    for resolver, spec in zip(resolvers, definition.resolvers, strict=True):
        assert resolver["kind"] == spec.kind.value
        assert resolver["resolverArn"].endswith(
            f"/types/{spec.type_name}/resolvers/{spec.field_name}"
        )
        if spec.code is not None and spec.code.code is not None:
            assert resolver["code"] == source_text(spec.code.code)
        if spec.code is not None and spec.code.request_mapping_template is not None:
            expected = source_text(spec.code.request_mapping_template)
            assert resolver["requestMappingTemplate"] == expected
    queried = [r["fieldName"] for r in shown["query"]["resolvers"]]
    assert queried == [s.field_name for s in definition.resolvers if s.type_name == "Query"]
    assert [f["name"] for f in shown["listFunctions"]["functions"]] == [
        spec.name for spec in definition.functions
    ]


@pytest.mark.anyio
async def test_another_api_id_is_not_found() -> None:
    result = await execute(
        services(api=_served(BLOG)),
        '{ getGraphqlApi(input: {apiId: "nope"}) { graphqlApi { name } } }',
    )
    assert result.errors is not None
    assert result.errors[0].extensions == {"errorType": "NotFoundException"}
    assert result.errors[0].message == "GraphQL API nope not found."


@pytest.mark.anyio
async def test_a_pipeline_names_its_functions() -> None:
    api = _served(BLOG)
    shown = await data(
        services(api=api),
        """query ($id: String!) {
          getGraphqlApi(input: {apiId: $id}) { graphqlApi { name } }
          listResolvers(input: {apiId: $id}) {
            resolvers { fieldName pipelineConfig { functions } } }
        }""",
        {"id": api.api_id},
    )
    assert shown["getGraphqlApi"]["graphqlApi"]["name"] == api.definition.name
    listed = {
        r["fieldName"]: r["pipelineConfig"]["functions"]
        for r in shown["listResolvers"]["resolvers"]
        if r["pipelineConfig"] is not None
    }
    assert listed == {"createPost": ["checkAuthor", "savePost"]}


@pytest.mark.anyio
async def test_the_stepfunctions_server_has_no_graphql_api() -> None:
    result = await execute(services(engine()), "{ listGraphqlApis { graphqlApis { name } } }")
    assert result.errors is not None
    assert result.errors[0].extensions == {"errorType": "ConsoleApiUnavailable"}
    shown = await data(services(engine()), "{ server { endpoints { graphql realtime aws } } }")
    assert shown["server"]["endpoints"] == {
        "graphql": None,
        "realtime": None,
        "aws": "http://127.0.0.1:20002",
    }
