"""An HTTP data source through the real server: a client's argument as the resourcePath.

The data source's endpoint is the only scheme, host and port a call reaches (AppSync's
`HttpDataSourceConfig.endpoint`, and "PUT <endpoint>/v1/users" in the resolver reference for
HTTP); issue 12 sent `@127.0.0.1:<port>/steal` from a query argument to another host. A second
loopback listener stands for that host and must see nothing.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.integration.conftest import Server, serve
from tests.unit.resolvers.datasources.http_listener import Endpoint
from tests.unit.resolvers.datasources.http_listener import serve as listen

KEY = "da2-httpdatasourcetestkey0000"
SCHEMA = "type Query { fetch(path: String!): String }"
# The argument goes into the resourcePath unchecked, as a template written for a trusted
# client would put it.
REQUEST = '{"version": "2018-05-29", "method": "GET", "resourcePath": $util.toJson($ctx.args.path)}'
RESPONSE = '"$ctx.result.statusCode"'


@pytest.fixture(scope="module")
def listeners() -> Iterator[tuple[Endpoint, Endpoint]]:
    with listen() as endpoint, listen() as elsewhere:
        yield endpoint, elsewhere


@pytest.fixture(scope="module")
def api(
    tmp_path_factory: pytest.TempPathFactory, listeners: tuple[Endpoint, Endpoint]
) -> Iterator[Server]:
    folder: Path = tmp_path_factory.mktemp("http_datasource")
    (folder / "schema.graphql").write_text(SCHEMA, encoding="utf-8")
    (folder / "fetch.req.vtl").write_text(REQUEST, encoding="utf-8")
    (folder / "fetch.res.vtl").write_text(RESPONSE, encoding="utf-8")
    config = {
        "name": "http-datasource",
        "schema": "schema.graphql",
        "authenticationType": "API_KEY",
        "apiKeys": [{"id": KEY}],
        "dataSources": [
            {"name": "Remote", "type": "HTTP", "httpConfig": {"endpoint": listeners[0].url}}
        ],
        "resolvers": [
            {
                "typeName": "Query",
                "fieldName": "fetch",
                "dataSourceName": "Remote",
                "requestMappingTemplate": "fetch.req.vtl",
                "responseMappingTemplate": "fetch.res.vtl",
            }
        ],
    }
    path = folder / "appsync.json"
    path.write_text(json.dumps(config), encoding="utf-8")
    with serve(path) as server:
        yield server


def _fetch(server: Server, path: str) -> httpx.Response:
    return httpx.post(
        server.url,
        json={"query": "query ($p: String!) { fetch(path: $p) }", "variables": {"p": path}},
        headers={"x-api-key": KEY},
        timeout=10,
    )


def test_a_resource_path_into_the_authority_is_a_mapping_template_error(
    api: Server, listeners: tuple[Endpoint, Endpoint]
) -> None:
    endpoint, elsewhere = listeners
    other = elsewhere.url.removeprefix("http://")
    sent = len(endpoint.requests)
    for path in (f"@{other}/steal", f"http://{other}/steal", ":1/steal"):
        response = _fetch(api, path)
        assert response.status_code == 200
        body = response.json()
        assert body["data"] == {"fetch": None}
        [error] = body["errors"]
        assert (error["path"], error["errorType"]) == (["fetch"], "MappingTemplate")
    assert elsewhere.requests == []
    assert len(endpoint.requests) == sent


def test_a_hostile_path_with_its_slash_stays_on_the_endpoint(
    api: Server, listeners: tuple[Endpoint, Endpoint]
) -> None:
    endpoint, elsewhere = listeners
    other = elsewhere.url.removeprefix("http://")
    for path in (f"/@{other}/steal", f"//{other}/steal"):
        assert _fetch(api, path).json() == {"data": {"fetch": "200"}}
        assert endpoint.requests[-1].target == path
        assert endpoint.requests[-1].headers["Host"] == endpoint.url.removeprefix("http://")
    assert elsewhere.requests == []
