"""One API served from each file a project may already have: CloudFormation in YAML and in JSON,
a SAM template, a `cdk.out` after `cdk synth`, a Serverless Framework service (with
serverless-appsync-plugin v2), an Amplify Gen 1 project's build, each giving the answers the
same API written as appsync.yaml gives (apis/iac: a DynamoDB table, a Step Functions Express
workflow through an HTTP data source, a pipeline resolver, a subscription).

Each runs the real server built from what `read_definition` read, with real clients: gql over
HTTP and over AppSync's realtime websocket, and boto3 on the embedded DynamoDB's endpoint.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import boto3
import pytest
from gql import Client, GraphQLRequest, gql
from gql.transport.appsync_auth import AppSyncApiKeyAuthentication
from gql.transport.appsync_websockets import AppSyncWebsocketsTransport
from gql.transport.httpx import HTTPXAsyncTransport

from appsync.app import build_app
from definition.formats import read_definition
from definition.model import ApiDefinition
from tests.integration.conftest import APIS, running

IAC = APIS / "iac"
# The same API in every format: VTL in the CloudFormation templates, APPSYNC_JS in SAM's
# GraphQLApi (its `Runtime` is APPSYNC_JS) and in the CDK fixture's pipeline.
FORMATS = {
    "cloudformation-yaml": IAC / "cloudformation.yaml",
    "cloudformation-json": IAC / "cloudformation.json",
    "sam": IAC / "sam" / "template.yaml",
    "cdk": IAC / "cdk.out",
    "serverless": IAC / "serverless" / "serverless.yml",
    # The project folder; its API's build/ written by amplify-cli/build.sh.
    "amplify": IAC / "amplify",
}
QUERIES = {
    "getPost": '{ getPost(id: "p1") { id title status } }',
    "missing": '{ getPost(id: "nope") { id } }',
    "listPosts": "{ listPosts { id title } }",
    "quote": "{ quote(quantity: 4) { quantity total } }",
    "hello": '{ hello(name: "Ann") }',
}


async def _answers(config: Path) -> dict[str, Any]:
    """What the API read from `config` answers: a subscriber's event for a mutation, the
    mutation's own answer, each of QUERIES, and the table as boto3 scans it."""
    definition = read_definition(config)
    app = build_app(definition)
    with running(app, f"appsync-local-{config.name}") as (host, port):
        key = definition.api_keys[0].id
        auth = AppSyncApiKeyAuthentication(host=f"{host}:{port}", api_key=key)
        url = f"http://{host}:{port}/graphql"
        answers: dict[str, Any] = {}
        transport = AppSyncWebsocketsTransport(url=url.replace("http", "ws"), auth=auth)
        async with Client(transport=transport) as realtime:
            subscription = GraphQLRequest(gql("subscription { onCreatePost { id title } }"))

            async def listen() -> dict[str, Any]:
                async for event in realtime.subscribe(subscription):
                    return dict(event)
                raise AssertionError("the subscription ended without an event")

            async with asyncio.TaskGroup() as group:
                listener = group.create_task(listen())
                await _subscribed(app, "mutation:createPost")
                http = HTTPXAsyncTransport(url=url, headers=auth.get_headers())
                async with Client(transport=http) as session:
                    mutation = (
                        'mutation { createPost(id: "p1", title: "Hello") { id title status } }'
                    )
                    answers["createPost"] = await session.execute(GraphQLRequest(gql(mutation)))
                    answers["onCreatePost"] = await asyncio.wait_for(listener, timeout=10)
                    for name, query in QUERIES.items():
                        answers[name] = await session.execute(GraphQLRequest(gql(query)))
        # The AWS endpoint is the server's own port, verifying its default keys.
        answers["table"] = _scanned(f"http://{host}:{port}", definition)
    return answers


async def _subscribed(app: Any, topic: str) -> None:
    """gql does not wait for `start_ack`; wait for the broker to hold the subscriber."""
    broker = app.state.api.realtime.broker
    for _ in range(1000):
        if broker.subscriber_count(topic) >= 1:
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"no subscriber on {topic}")


def _scanned(endpoint: str, definition: ApiDefinition) -> list[dict[str, Any]]:
    """The posts table, scanned with boto3 under the name the definition gave it."""
    [source] = [s for s in definition.data_sources if s.dynamodb is not None]
    assert source.dynamodb is not None
    client = boto3.client(
        "dynamodb",
        endpoint_url=endpoint,
        region_name=source.dynamodb.aws_region,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    items = client.scan(TableName=source.dynamodb.table_name)["Items"]
    return sorted(items, key=lambda item: item["id"]["S"])


@pytest.fixture(scope="module")
def expected() -> dict[str, Any]:
    """The answers of the API as appsync.yaml writes it."""
    return asyncio.run(_answers(IAC / "appsync.yaml"))


def test_the_appsync_yaml_api_answers_as_written(expected: dict[str, Any]) -> None:
    post = {"id": "p1", "title": "Hello", "status": "draft-dev"}
    assert expected == {
        "createPost": {"createPost": post},
        "onCreatePost": {"onCreatePost": {"id": "p1", "title": "Hello"}},
        "getPost": {"getPost": post},
        "missing": {"getPost": None},
        "listPosts": {"listPosts": [{"id": "p1", "title": "Hello"}]},
        # quote.asl.json: 2.5 a piece.
        "quote": {"quote": {"quantity": 4, "total": 10.0}},
        "hello": {"hello": "Hello, Ann!"},
        "table": [{"id": {"S": "p1"}, "title": {"S": "Hello"}, "status": {"S": "draft-dev"}}],
    }


@pytest.mark.parametrize("name", list(FORMATS))
def test_each_format_gives_the_same_answers(name: str, expected: dict[str, Any]) -> None:
    assert asyncio.run(_answers(FORMATS[name])) == expected


def test_the_served_names_are_the_templates_own() -> None:
    # The table's generated name and the machine's ARN agree between the template's resources,
    # which the server created, and the resolvers that name them.
    definition = read_definition(FORMATS["cloudformation-yaml"])
    [table] = definition.server.dynamodb.tables
    assert table.table_name.startswith("cloudformation-PostsTable-")
    [machine] = definition.server.step_functions.state_machines
    quote = next(r for r in definition.resolvers if r.field_name == "quote")
    assert quote.code is not None
    request = quote.code.request_mapping_template
    assert request is not None
    assert f"arn:aws:states:us-east-1:123456789012:stateMachine:{machine.name}" in str(
        getattr(request, "text", "")
    )
