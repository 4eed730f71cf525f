"""`/metrics` on the real server, scraped and read with the Prometheus client's own parser:
AppSync's request and realtime metrics move as a real client (httpx, gql's AppSync transport)
uses the API, and the embedded engine's execution metrics as a boto3 client runs a workflow.
Metric names are AppSync's and Step Functions' CloudWatch names
(https://docs.aws.amazon.com/appsync/latest/devguide/monitoring.html, "CloudWatch metrics")."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import pytest
import websockets
from gql import Client, GraphQLRequest, gql
from gql.transport.appsync_auth import AppSyncApiKeyAuthentication
from gql.transport.appsync_websockets import AppSyncWebsocketsTransport
from prometheus_client.parser import text_string_to_metric_families

from tests.integration.conftest import BLOG_CONFIG, BLOG_KEY, Server, endpoint_client, serve

pytestmark = pytest.mark.anyio


def _scrape(server: Server) -> dict[str, float]:
    """Every sample on /metrics, by name and labels (`name{label=value}`)."""
    response = httpx.get(f"http://{server.host}:{server.port}/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    samples: dict[str, float] = {}
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            labels = ",".join(f"{k}={v}" for k, v in sorted(sample.labels.items()) if k != "le")
            if "le" in sample.labels:
                continue
            samples[f"{sample.name}{{{labels}}}"] = sample.value
    return samples


def _api(samples: dict[str, float], name: str) -> float:
    [value] = [v for key, v in samples.items() if key.startswith(f"appsync_{name}{{")]
    return value


def test_requests_and_errors_count_as_the_api_answers() -> None:
    with serve(BLOG_CONFIG) as server:
        before = _scrape(server)
        assert _api(before, "Requests_total") == 0
        with httpx.Client(headers={"x-api-key": BLOG_KEY}) as client:
            assert (
                client.post(server.url, json={"query": "{ listPosts { id } }"}).status_code == 200
            )
            assert client.post(server.url, content=b"{not json").status_code == 400
        assert httpx.post(server.url, json={"query": "{ listPosts { id } }"}).status_code == 401
        after = _scrape(server)
    assert _api(after, "Requests_total") == 3
    assert _api(after, "4XXError_total") == 2
    assert _api(after, "5XXError_total") == 0
    assert _api(after, "Latency_count") == 3
    assert _api(after, "Latency_sum") > 0


async def test_realtime_metrics_follow_a_subscriber() -> None:
    with serve(BLOG_CONFIG) as server:
        auth = AppSyncApiKeyAuthentication(host=f"{server.host}:{server.port}", api_key=BLOG_KEY)
        transport = AppSyncWebsocketsTransport(url=server.url.replace("http", "ws"), auth=auth)
        subscription = GraphQLRequest(gql("subscription { onAddComment { postId content } }"))
        received: list[dict[str, Any]] = []
        async with Client(transport=transport) as session:

            async def listen() -> None:
                async for result in session.subscribe(subscription):
                    received.append(result)
                    return

            listener = asyncio.ensure_future(listen())
            broker = server.app.state.api.realtime.broker
            for _ in range(1000):
                if broker.subscriber_count("mutation:addComment"):
                    break
                await asyncio.sleep(0.01)
            during = await asyncio.to_thread(_scrape, server)
            query = (
                'mutation { addComment(postId: "p1", author: "A", content: "c") '
                "{ postId content } }"
            )
            async with httpx.AsyncClient(headers={"x-api-key": BLOG_KEY}) as http:
                assert (await http.post(server.url, json={"query": query})).status_code == 200
            await asyncio.wait_for(listener, timeout=10)
        for _ in range(200):
            after = await asyncio.to_thread(_scrape, server)
            if _api(after, "ActiveConnections") == 0:
                break
            await asyncio.sleep(0.01)
    assert received
    assert _api(during, "ConnectRequests_total") == 1
    assert _api(during, "ConnectSuccess_total") == 1
    assert _api(during, "ActiveConnections") == 1
    assert _api(during, "SubscribeSuccess_total") == 1
    assert _api(during, "ActiveSubscriptions") == 1
    assert _api(after, "PublishDataMessageSuccess_total") == 1
    assert _api(after, "PublishDataMessageSize_count") == 1
    assert _api(after, "ActiveSubscriptions") == 0
    assert _api(after, "ActiveConnections") == 0
    assert _api(after, "DisconnectSuccess_total") == 1
    assert _api(after, "ConnectClientError_total") == 0


def test_a_refused_connection_is_a_client_error() -> None:
    with serve(BLOG_CONFIG) as server:
        url = server.url.replace("http", "ws") + "/realtime"
        refusal = asyncio.run(_connect_without_credentials(url))
        samples = _scrape(server)
    # AppSync accepts the socket and refuses it in its first frame (reference/appsync.md 6).
    assert refusal["type"] == "connection_error"
    assert _api(samples, "ConnectRequests_total") == 1
    assert _api(samples, "ConnectClientError_total") == 1
    assert _api(samples, "ConnectSuccess_total") == 0


async def _connect_without_credentials(url: str) -> dict[str, Any]:
    async with websockets.connect(
        url, subprotocols=[websockets.Subprotocol("graphql-ws")]
    ) as socket:
        await socket.send(json.dumps({"type": "connection_init"}))
        frame: dict[str, Any] = json.loads(await asyncio.wait_for(socket.recv(), 10))
        return frame


def test_step_functions_executions_are_counted_per_state_machine() -> None:
    definition = {"StartAt": "Done", "States": {"Done": {"Type": "Pass", "End": True}}}
    with serve(BLOG_CONFIG) as server:
        client = endpoint_client("stepfunctions", server.host, server.port)
        arn = client.create_state_machine(
            name="metered",
            definition=json.dumps(definition),
            roleArn="arn:aws:iam::123456789012:role/r",
            type="EXPRESS",
        )["stateMachineArn"]
        assert client.start_sync_execution(stateMachineArn=arn)["status"] == "SUCCEEDED"
        samples = _scrape(server)
    assert samples[f"states_ExecutionsStarted_total{{StateMachineArn={arn}}}"] == 1
    assert samples[f"states_ExecutionsSucceeded_total{{StateMachineArn={arn}}}"] == 1
    assert samples[f"states_ExecutionTime_count{{StateMachineArn={arn}}}"] == 1
