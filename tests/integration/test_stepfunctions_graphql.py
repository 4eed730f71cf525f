"""Step Functions from GraphQL, through the real server: the orders example with gql (HTTP and
the AppSync websockets transport) and a boto3 activity worker, and the direct data source form.

The data sources and templates are the HTTP form of the AWS blog "Invoke AWS services directly
from AWS AppSync" (StartExecution answers `executionArn`, the input is a JSON string) and of the
singledigit StartSyncExecution gist (the Express output in the same response). An engine error
is a non-200 HTTP result, which the response template raises with `$util.error(message, type)`
as the HTTP resolvers tutorial's templates do; the client sees AppSync's field error.
"""

from __future__ import annotations

import asyncio
import importlib.util
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from gql import Client, GraphQLRequest
from gql.transport.appsync_auth import AppSyncApiKeyAuthentication
from gql.transport.appsync_websockets import AppSyncWebsocketsTransport
from gql.transport.exceptions import TransportQueryError
from gql.transport.httpx import HTTPXAsyncTransport

from tests.conftest import REPO_ROOT
from tests.integration.conftest import Server, serve

EXAMPLE = REPO_ROOT / "examples" / "orders"


def _load_worker() -> Any:
    """The example's worker script, loaded from its path as a user would run it."""
    spec = importlib.util.spec_from_file_location("orders_worker", EXAMPLE / "worker.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


worker = _load_worker()
KEY = "da2-localordersexamplekey0000"
REGION = "us-east-1"
ACCOUNT = "123456789012"

PLACE = (
    "mutation Place($orderId: ID!, $sku: String!, $quantity: Int!) {"
    " placeOrder(orderId: $orderId, sku: $sku, quantity: $quantity) { id status executionArn } }"
)
QUOTE = (
    "query Quote($sku: String!, $q: Int!) { quote(sku: $sku, quantity: $q) { sku quantity total } }"
)
COMPLETED = (
    "subscription Completed($orderId: ID) {"
    " onOrderCompleted(orderId: $orderId) { orderId status detail } }"
)


@pytest.fixture
def orders() -> Iterator[Server]:
    with serve(EXAMPLE / "appsync.yaml") as server:
        yield server


def sfn(server: Server) -> Any:
    return worker.client(f"http://{server.host}:{server.port}")


async def execute(server: Server, document: str, **variables: Any) -> dict[str, Any]:
    transport = HTTPXAsyncTransport(url=server.url, headers={"x-api-key": KEY}, timeout=20)
    request = GraphQLRequest(document, variable_values=variables or None)
    async with Client(transport=transport) as session:
        result: dict[str, Any] = await session.execute(request)
    return result


@pytest.mark.anyio
async def test_place_order_starts_the_workflow_and_returns_its_execution_arn(
    orders: Server,
) -> None:
    placed = await execute(orders, PLACE, orderId="o-1", sku="lamp", quantity=2)
    arn = f"arn:aws:states:{REGION}:{ACCOUNT}:execution:orders:o-1"
    assert placed == {"placeOrder": {"id": "o-1", "status": "PENDING", "executionArn": arn}}
    described = await asyncio.to_thread(sfn(orders).describe_execution, executionArn=arn)
    assert described["status"] == "RUNNING"  # waiting for the activity worker
    assert json.loads(described["input"]) == {"orderId": "o-1", "sku": "lamp", "quantity": 2}


@pytest.mark.anyio
async def test_an_express_quote_answers_in_the_same_response(orders: Server) -> None:
    quoted = await execute(orders, QUOTE, sku="lamp", q=4)
    assert quoted == {"quote": {"sku": "lamp", "quantity": 4, "total": 10.0}}


@pytest.mark.anyio
async def test_an_engine_error_reaches_the_client_as_the_template_raises_it(
    orders: Server,
) -> None:
    await execute(orders, PLACE, orderId="o-2", sku="lamp", quantity=1)
    # The same execution name with another input: Step Functions' ExecutionAlreadyExists.
    with pytest.raises(TransportQueryError) as refused:
        await execute(orders, PLACE, orderId="o-2", sku="desk", quantity=1)
    [error] = refused.value.errors or []
    assert error["errorType"] == "ExecutionAlreadyExists"
    assert error["path"] == ["placeOrder"]
    assert refused.value.data == {"placeOrder": None}


async def wait_for_subscriber(server: Server, topic: str) -> None:
    """gql does not wait for `start_ack` before the test goes on: wait for the registration."""
    broker = server.app.state.api.realtime.broker
    for _ in range(1000):
        if broker.subscriber_count(topic) >= 1:
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the subscription was not registered")


async def order_outcome(server: Server, order_id: str, quantity: int) -> dict[str, Any]:
    """Subscribe, place the order, let one boto3 worker answer the activity, and return the
    event the workflow's last step published through `orderCompleted`."""
    auth = AppSyncApiKeyAuthentication(host=f"{server.host}:{server.port}", api_key=KEY)
    transport = AppSyncWebsocketsTransport(
        url=f"ws://{server.host}:{server.port}/graphql/realtime", auth=auth
    )
    received: list[dict[str, Any]] = []
    async with Client(transport=transport) as session:

        async def listen() -> None:
            request = GraphQLRequest(COMPLETED, variable_values={"orderId": order_id})
            async for event in session.subscribe(request):
                received.append(event)
                return

        async with asyncio.TaskGroup() as group:
            listener = group.create_task(listen())
            await wait_for_subscriber(server, "mutation:orderCompleted")
            await execute(server, PLACE, orderId=order_id, sku="lamp", quantity=quantity)
            done = await asyncio.to_thread(worker.work, sfn(server), None, 1)
            assert done == 1
            await asyncio.wait_for(listener, 20)
    [event] = received
    return event


async def _finished(server: Server, arn: str) -> dict[str, Any]:
    """DescribeExecution's answer once the execution has left RUNNING (within 20 s)."""
    for _ in range(400):
        described: dict[str, Any] = await asyncio.to_thread(
            sfn(server).describe_execution, executionArn=arn
        )
        if described["status"] != "RUNNING":
            return described
        await asyncio.sleep(0.05)
    raise AssertionError(f"{arn} still RUNNING after 20 s")


@pytest.mark.anyio
async def test_the_orders_example_reports_a_reserved_order_to_the_subscriber(
    orders: Server,
) -> None:
    event = await order_outcome(orders, "o-9", 3)
    assert event == {
        "onOrderCompleted": {"orderId": "o-9", "status": "RESERVED", "detail": "local-1"}
    }
    arn = f"arn:aws:states:{REGION}:{ACCOUNT}:execution:orders:o-9"
    # The event is published by the report state's mutation, which the execution's end follows:
    # a subscriber can hold it while the execution is still RUNNING (as in AWS).
    described = await _finished(orders, arn)
    assert described["status"] == "SUCCEEDED"
    # The HTTP Task's answer is the GraphQL response of the mutation it ran.
    assert json.loads(described["output"]) == {
        "orderCompleted": {"orderId": "o-9", "status": "RESERVED", "detail": "local-1"}
    }


@pytest.mark.anyio
async def test_the_orders_example_reports_a_worker_failure_through_the_catch(
    orders: Server,
) -> None:
    event = await order_outcome(orders, "o-10", 50)
    assert event == {
        "onOrderCompleted": {"orderId": "o-10", "status": "REJECTED", "detail": "OutOfStock"}
    }


# The direct form: a local `AWS_STEP_FUNCTIONS` data source.

DIRECT_SCHEMA = """
type Started { executionArn: String! }
type Query { ping: String }
type Mutation { start(note: String!): Started  startMissing: Started }
"""


@pytest.fixture
def direct(tmp_path: Path) -> Iterator[Server]:
    (tmp_path / "schema.graphql").write_text(DIRECT_SCHEMA)
    (tmp_path / "echo.asl.json").write_text(
        json.dumps({"StartAt": "Echo", "States": {"Echo": {"Type": "Pass", "End": True}}})
    )
    (tmp_path / "start.req.vtl").write_text(
        '{"version": "2018-05-29", "operation": "StartExecution", "input": $util.toJson($ctx.args)}'
    )
    (tmp_path / "missing.req.vtl").write_text(
        '{"version": "2018-05-29", "operation": "StartExecution",'
        f' "stateMachineArn": "arn:aws:states:{REGION}:{ACCOUNT}:stateMachine:missing"}}'
    )
    (tmp_path / "start.res.vtl").write_text(
        "#if($ctx.error)\n  $util.error($ctx.error.message, $ctx.error.type)\n#end\n"
        "$util.toJson($ctx.result)"
    )
    machine = f"arn:aws:states:{REGION}:{ACCOUNT}:stateMachine:echo"
    config = {
        "name": "direct",
        "schema": "schema.graphql",
        "authenticationType": "API_KEY",
        "apiKeys": [{"id": KEY}],
        "dataSources": [
            {
                "name": "Echo",
                "type": "AWS_STEP_FUNCTIONS",
                "stepFunctionsConfig": {"stateMachineArn": machine},
            }
        ],
        "resolvers": [
            {
                "typeName": "Mutation",
                "fieldName": field,
                "dataSourceName": "Echo",
                "requestMappingTemplate": request,
                "responseMappingTemplate": "start.res.vtl",
            }
            for field, request in (("start", "start.req.vtl"), ("startMissing", "missing.req.vtl"))
        ],
        "server": {
            "stepFunctions": {"stateMachines": [{"name": "echo", "definition": "echo.asl.json"}]}
        },
    }
    path = tmp_path / "appsync.json"
    path.write_text(json.dumps(config))
    with serve(path) as server:
        yield server


@pytest.mark.anyio
async def test_a_direct_step_functions_data_source_starts_an_execution(direct: Server) -> None:
    started = await execute(direct, 'mutation { start(note: "hi") { executionArn } }')
    arn = started["start"]["executionArn"]
    assert arn.startswith(f"arn:aws:states:{REGION}:{ACCOUNT}:execution:echo:")
    client = sfn(direct)
    for _ in range(200):
        described = await asyncio.to_thread(client.describe_execution, executionArn=arn)
        if described["status"] != "RUNNING":
            break
        await asyncio.sleep(0.01)
    assert described["status"] == "SUCCEEDED"
    assert json.loads(described["output"]) == {"note": "hi"}


@pytest.mark.anyio
async def test_a_direct_data_source_error_is_named_for_step_functions(direct: Server) -> None:
    with pytest.raises(TransportQueryError) as refused:
        await execute(direct, "mutation { startMissing { executionArn } }")
    [error] = refused.value.errors or []
    assert error["errorType"] == "StepFunctions:StateMachineDoesNotExist"


@pytest.mark.anyio
async def test_boto3_sees_the_machines_and_activity_the_definition_declares(
    orders: Server,
) -> None:
    client = sfn(orders)
    machines = await asyncio.to_thread(client.list_state_machines)
    assert sorted((m["name"], m["type"]) for m in machines["stateMachines"]) == [
        ("orders", "STANDARD"),
        ("quote", "EXPRESS"),
    ]
    activities = await asyncio.to_thread(client.list_activities)
    assert [a["name"] for a in activities["activities"]] == ["reserve-stock"]


def test_the_worker_answers_as_the_activity_docs_show() -> None:
    """The example worker's decision, without a server: stock up to 10 units."""
    assert worker.handle({"sku": "lamp", "quantity": 10}) == (
        "success",
        {"warehouse": "local-1", "reserved": 10},
    )
    assert worker.handle({"sku": "lamp", "quantity": 11}) == (
        "failure",
        {"error": "OutOfStock", "cause": "only 10 of lamp"},
    )


REMOTE_SCHEMA = """
type Order { id: ID! status: String! executionArn: String }
type Query { executionStatus(arn: String!): String }
type Mutation { placeOrder(orderId: ID!, sku: String!, quantity: Int!): Order }
"""


@pytest.mark.anyio
async def test_target_aws_with_an_endpoint_sends_both_forms_to_that_step_functions_api(
    orders: Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`target: AWS` signs AWS JSON 1.0 calls as for AWS, with the process's credentials;
    `endpoint` points them at another Step Functions API: here the orders server's engine,
    reached over HTTP, which verifies the signature against its own declared keys."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    (tmp_path / "schema.graphql").write_text(REMOTE_SCHEMA)
    (tmp_path / "status.req.vtl").write_text(
        '{"version": "2018-05-29", "operation": "DescribeExecution",'
        ' "executionArn": $util.toJson($ctx.args.arn)}'
    )
    (tmp_path / "status.res.vtl").write_text(
        "#if($ctx.error)\n  $util.error($ctx.error.message, $ctx.error.type)\n#end\n"
        "$util.toJson($ctx.result.status)"
    )
    signed = {"signingRegion": REGION, "signingServiceName": "states"}
    config = {
        "schema": "schema.graphql",
        "authenticationType": "API_KEY",
        "apiKeys": [{"id": KEY}],
        "dataSources": [
            {
                "name": "StepFunctions",
                "type": "HTTP",
                "httpConfig": {
                    "endpoint": f"https://states.{REGION}.amazonaws.com",
                    "authorizationConfig": {"authorizationType": "AWS_IAM", "awsIamConfig": signed},
                },
            },
            {"name": "Direct", "type": "AWS_STEP_FUNCTIONS"},
        ],
        "resolvers": [
            {
                "typeName": "Mutation",
                "fieldName": "placeOrder",
                "dataSourceName": "StepFunctions",
                "requestMappingTemplate": str(EXAMPLE / "templates" / "placeOrder.req.vtl"),
                "responseMappingTemplate": str(EXAMPLE / "templates" / "placeOrder.res.vtl"),
            },
            {
                "typeName": "Query",
                "fieldName": "executionStatus",
                "dataSourceName": "Direct",
                "requestMappingTemplate": "status.req.vtl",
                "responseMappingTemplate": "status.res.vtl",
            },
        ],
        "server": {
            "stepFunctions": {
                "target": "AWS",
                "endpoint": f"http://{orders.host}:{orders.port}",
            }
        },
    }
    path = tmp_path / "appsync.json"
    path.write_text(json.dumps(config))
    with serve(path) as remote:
        placed = await execute(remote, PLACE, orderId="r-1", sku="lamp", quantity=1)
        arn = placed["placeOrder"]["executionArn"]
        assert arn == f"arn:aws:states:{REGION}:{ACCOUNT}:execution:orders:r-1"
        status = await execute(remote, "query S($a: String!) { executionStatus(arn: $a) }", a=arn)
        assert status == {"executionStatus": "RUNNING"}
    described = await asyncio.to_thread(sfn(orders).describe_execution, executionArn=arn)
    assert json.loads(described["input"]) == {"orderId": "r-1", "sku": "lamp", "quantity": 1}
