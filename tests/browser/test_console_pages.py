"""The console's pages on their own API, in Chromium against the real server: a state machine
opened, an execution started and watched live to its end (the graph's colours and the history
rows checked against the engine's own GetExecutionHistory), the header (the API's name, its
endpoints, the server's version), a machine's version and alias shown, its executions filtered
by status and a failed one redriven to success, a running one stopped, a DynamoDB item edited
and read back over GraphQL, another created, found on an index and deleted, the resolver log
showing a request as it is served, and the console token asked for when the page was not loaded
on the server's machine."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Page, Route

from appsync.console.routes import server_version
from tests.browser.conftest import open_explorer, origin, run_operation, wait_for_result
from tests.browser.harness import SEED, TABLE, aws_json, dynamodb
from tests.integration.conftest import Server, serve

API_KEY = "da2-consolepagestestkey0000"
SCHEMA = """
type Order { customer: String! orderId: String! status: String total: Float }
type Query { getOrder(customer: String!, orderId: String!): Order }
"""
GET_ORDER = """{"version": "2018-05-29", "operation": "GetItem", "key": {
  "customer": $util.dynamodb.toDynamoDBJson($ctx.args.customer),
  "orderId": $util.dynamodb.toDynamoDBJson($ctx.args.orderId)}}"""
# A worker must answer the first state (an activity), so the execution is seen running; the
# Choice then picks a branch, and the other is never entered.
MACHINE = {
    "StartAt": "Reserve",
    "States": {
        "Reserve": {"Type": "Task", "Resource": "", "ResultPath": "$.reserved", "Next": "Decide"},
        "Decide": {
            "Type": "Choice",
            "Choices": [{"Variable": "$.reserved.ok", "BooleanEquals": True, "Next": "Ship"}],
            "Default": "Reject",
        },
        "Ship": {"Type": "Pass", "End": True},
        "Reject": {"Type": "Fail", "Error": "OutOfStock"},
    },
}


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    folder: Path = tmp_path_factory.mktemp("shop")
    (folder / "schema.graphql").write_text(SCHEMA)
    (folder / "get.req.vtl").write_text(GET_ORDER)
    (folder / "result.res.vtl").write_text("$util.toJson($ctx.result)")
    (folder / "orders.json").write_text(json.dumps(SEED))
    definition = {
        "name": "shop",
        "schema": "schema.graphql",
        "authenticationType": "API_KEY",
        "apiKeys": [{"id": API_KEY}],
        "dataSources": [
            {"name": "Orders", "type": "AMAZON_DYNAMODB", "dynamodbConfig": {"tableName": "Orders"}}
        ],
        "resolvers": [
            {
                "typeName": "Query",
                "fieldName": "getOrder",
                "dataSourceName": "Orders",
                "requestMappingTemplate": "get.req.vtl",
                "responseMappingTemplate": "result.res.vtl",
            }
        ],
        "server": {"dynamodb": {"tables": [TABLE]}},
    }
    (folder / "appsync.json").write_text(json.dumps(definition))
    with serve(folder / "appsync.json") as server:
        yield server


def _states(server: Server, operation: str, body: dict[str, Any]) -> Any:
    return aws_json(server, "AWSStepFunctions", operation, body)


def _graphql(server: Server, query: str, name: str | None = None) -> Any:
    response = httpx.post(
        f"{origin(server)}/graphql",
        json={"query": query, "operationName": name},
        headers={"x-api-key": API_KEY},
    )
    return response.json()


def _statuses(page: Page) -> dict[str, str]:
    nodes = page.locator("[data-state][data-status]")
    return {
        str(node.get_attribute("data-state")): str(node.get_attribute("data-status"))
        for node in nodes.all()
    }


def test_an_execution_is_started_and_watched_to_its_end(page: Page, shop: Server) -> None:
    activity = _states(shop, "CreateActivity", {"name": "reserve"})["activityArn"]
    definition = json.loads(json.dumps(MACHINE))
    definition["States"]["Reserve"]["Resource"] = activity
    role = "arn:aws:iam::123456789012:role/console-pages"
    _states(
        shop,
        "CreateStateMachine",
        {"name": "fulfil", "definition": json.dumps(definition), "roleArn": role},
    )
    page.goto(f"{origin(shop)}/console/#/stepfunctions")
    page.get_by_role("link", name="fulfil").click()
    page.get_by_role("group", name="State machine graph").wait_for()
    page.get_by_label("Input (JSON)").fill('{"order": 7}')
    page.get_by_role("button", name="Start execution").click()
    page.get_by_test_id("execution-status").filter(has_text="RUNNING").wait_for()
    page.wait_for_function(
        "() => document.querySelector('[data-state=Reserve]')?.dataset.status === 'IN_PROGRESS'"
    )
    # A worker answers; the page hears of it over its subscription, without a reload.
    task = _states(shop, "GetActivityTask", {"activityArn": activity})
    _states(shop, "SendTaskSuccess", {"taskToken": task["taskToken"], "output": '{"ok": true}'})
    page.get_by_test_id("execution-status").filter(has_text="SUCCEEDED").wait_for()
    assert _statuses(page) == {
        "Reserve": "SUCCEEDED",
        "Decide": "SUCCEEDED",
        "Ship": "SUCCEEDED",
        "Reject": "NOT_RUN",
    }
    execution_arn = page.evaluate("decodeURIComponent(location.hash.split('/').pop())")
    assert execution_arn.startswith("arn:aws:states:us-east-1:123456789012:execution:fulfil:")
    history = _states(
        shop, "GetExecutionHistory", {"executionArn": execution_arn, "maxResults": 1000}
    )["events"]
    page.get_by_role("tab", name="Event history").click()
    rows = page.locator("table.history-table tbody tr[data-event-id]")
    rows.nth(len(history) - 1).wait_for()
    shown = [
        (row.get_attribute("data-event-id"), row.get_attribute("data-event-type"))
        for row in rows.all()
    ]
    assert shown == [(str(event["id"]), event["type"]) for event in history]
    assert history[-1]["type"] == "ExecutionSucceeded"


def test_the_header_names_the_api_its_endpoints_and_the_servers_version(
    page: Page, shop: Server
) -> None:
    page.goto(f"{origin(shop)}/console/")
    header = page.locator("header.app-header")
    header.get_by_role("heading", name="shop").wait_for()
    assert header.locator(".version").inner_text() == f"appsync-local {server_version()}"
    assert header.get_by_label("Endpoints").locator("dd").all_inner_texts() == [
        f"{origin(shop)}/graphql",
        f"ws://{shop.host}:{shop.port}/graphql/realtime",
        origin(shop),
    ]


def test_a_failed_execution_is_found_by_status_and_redriven(page: Page, shop: Server) -> None:
    """A machine with a version and an alias, an execution started on the alias that fails;
    the machine page lists both and filters its executions by status, and the execution's
    Redrive button runs the failed state again (AWS's RedriveExecution) to success."""
    activity = _states(shop, "CreateActivity", {"name": "flaky-work"})["activityArn"]
    definition = {
        "StartAt": "Work",
        "States": {"Work": {"Type": "Task", "Resource": activity, "End": True}},
    }
    created = _states(
        shop,
        "CreateStateMachine",
        {
            "name": "flaky",
            "definition": json.dumps(definition),
            "roleArn": "arn:aws:iam::123456789012:role/console-pages",
            "publish": True,
        },
    )
    routing = [{"stateMachineVersionArn": created["stateMachineVersionArn"], "weight": 100}]
    alias = _states(
        shop, "CreateStateMachineAlias", {"name": "live", "routingConfiguration": routing}
    )["stateMachineAliasArn"]
    _states(shop, "StartExecution", {"stateMachineArn": alias, "name": "first", "input": "{}"})
    task = _states(shop, "GetActivityTask", {"activityArn": activity})
    _states(shop, "SendTaskFailure", {"taskToken": task["taskToken"], "error": "Flaky"})
    page.goto(f"{origin(shop)}/console/#/stepfunctions")
    page.get_by_role("link", name="flaky").click()
    page.locator(".facts").filter(has_text="live").wait_for()
    assert page.locator(".facts dt:has-text('Versions') + dd").inner_text() == "1"
    assert page.locator(".facts dt:has-text('Aliases') + dd").inner_text() == "live"
    row = page.locator("tr[data-execution=first]")
    row.filter(has_text="FAILED").wait_for()
    assert row.locator("td").last.inner_text() == "live"
    page.get_by_label("Status").select_option("SUCCEEDED")
    page.get_by_text("No executions with status SUCCEEDED.").wait_for()
    page.get_by_label("Status").select_option("FAILED")
    row.get_by_role("link", name="first").click()
    status = page.get_by_test_id("execution-status")
    status.filter(has_text="FAILED").wait_for()
    page.get_by_role("button", name="Redrive").click()
    status.filter(has_text="RUNNING").wait_for()
    again = _states(shop, "GetActivityTask", {"activityArn": activity})
    _states(shop, "SendTaskSuccess", {"taskToken": again["taskToken"], "output": '{"done": 1}'})
    status.filter(has_text="SUCCEEDED").wait_for()
    page.locator("dt", has_text="Redrives").wait_for()
    assert page.locator("dt:has-text('Redrives') + dd").inner_text() == "1"


def test_a_running_execution_is_stopped_from_its_page(page: Page, shop: Server) -> None:
    activity = _states(shop, "CreateActivity", {"name": "never-answered"})["activityArn"]
    definition = {
        "StartAt": "Wait",
        "States": {"Wait": {"Type": "Task", "Resource": activity, "End": True}},
    }
    machine = _states(
        shop,
        "CreateStateMachine",
        {
            "name": "stoppable",
            "definition": json.dumps(definition),
            "roleArn": "arn:aws:iam::123456789012:role/console-pages",
        },
    )["stateMachineArn"]
    started = _states(shop, "StartExecution", {"stateMachineArn": machine, "name": "halt"})
    page.goto(f"{origin(shop)}/console/#/stepfunctions")
    page.get_by_role("link", name="stoppable").click()
    page.locator("tr[data-execution=halt]").get_by_role("link", name="halt").click()
    status = page.get_by_test_id("execution-status")
    status.filter(has_text="RUNNING").wait_for()
    page.get_by_role("button", name="Stop execution").click()
    status.filter(has_text="ABORTED").wait_for()
    described = _states(shop, "DescribeExecution", {"executionArn": started["executionArn"]})
    assert described["status"] == "ABORTED"


def test_an_item_edited_in_the_console_is_read_back_over_graphql(page: Page, shop: Server) -> None:
    page.goto(f"{origin(shop)}/console/#/dynamodb")
    page.get_by_role("link", name="Orders").click()
    page.get_by_role("table", name="Items of Orders").wait_for()
    page.get_by_role("button", name="Edit item ada / o-2").click()
    editor = page.get_by_label("Item JSON")
    item = json.loads(editor.input_value())
    assert item == {
        "customer": "ada",
        "orderId": "o-2",
        "status": "OPEN",
        "gift": True,
        "note": None,
    }
    editor.fill(json.dumps({**item, "status": "SHIPPED", "total": 21.5}))
    page.get_by_role("button", name="Save item").click()
    page.get_by_role("form", name="Edit item").wait_for(state="detached")
    page.locator('tr[data-key="ada / o-2"]').filter(has_text="SHIPPED").wait_for()
    answer = _graphql(shop, '{ getOrder(customer: "ada", orderId: "o-2") { status total } }')
    assert answer == {"data": {"getOrder": {"status": "SHIPPED", "total": 21.5}}}
    stored = dynamodb(
        shop,
        "GetItem",
        {"TableName": "Orders", "Key": {"customer": {"S": "ada"}, "orderId": {"S": "o-2"}}},
    )["Item"]
    assert stored["total"] == {"N": "21.5"}
    assert stored["note"] == {"NULL": True}


def test_an_item_is_created_found_on_an_index_and_deleted(page: Page, shop: Server) -> None:
    """Created as DynamoDB JSON, queried on the byStatus index, deleted after the browser's
    confirmation; the embedded DynamoDB's GetItem agrees at each step."""
    key = {"customer": {"S": "grace"}, "orderId": {"S": "o-9"}}
    page.goto(f"{origin(shop)}/console/#/dynamodb")
    page.get_by_role("link", name="Orders").click()
    page.get_by_role("table", name="Items of Orders").wait_for()
    page.get_by_role("button", name="Create item").click()
    page.get_by_label("DynamoDB JSON").check()
    created = {**key, "status": {"S": "PENDING"}, "total": {"N": "3"}}
    page.get_by_label("Item JSON").fill(json.dumps(created))
    page.get_by_role("form", name="Create item").get_by_role("button", name="Create item").click()
    page.get_by_role("form", name="Create item").wait_for(state="detached")
    stored = dynamodb(shop, "GetItem", {"TableName": "Orders", "Key": key})
    assert stored["Item"] == created
    search = page.get_by_role("form", name="Scan or query")
    search.get_by_label("Query").check()
    search.get_by_label("Table or index").select_option("byStatus")
    search.get_by_label("status (partition key) =").fill("PENDING")
    search.get_by_role("button", name="Run").click()
    rows = page.locator("tbody tr[data-key]")
    page.wait_for_function(
        "() => [...document.querySelectorAll('tbody tr[data-key]')].map((r) => r.dataset.key)"
        ".join() === 'grace / o-9'"
    )
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Delete item grace / o-9").click()
    rows.first.wait_for(state="detached")
    assert "Item" not in dynamodb(shop, "GetItem", {"TableName": "Orders", "Key": key})


def test_the_resolver_log_shows_a_request_as_it_is_served(page: Page, shop: Server) -> None:
    page.goto(f"{origin(shop)}/console/#/logs")
    page.get_by_text("· live").wait_for()
    answer = _graphql(
        shop, 'query LookUp { getOrder(customer: "alan", orderId: "o-3") { status } }', "LookUp"
    )
    assert answer == {"data": {"getOrder": {"status": "OPEN"}}}
    request = page.get_by_role("option").filter(has_text="LookUp")
    request.wait_for()
    request.click()
    page.get_by_role("heading", name="LookUp").wait_for()
    entries = page.locator(".log-entries > li .badge").all_inner_texts()
    assert entries == ["RequestMapping", "ResponseMapping", "Tracing"]
    # The evaluated request template: a GetItem of the asked key.
    template = json.loads(page.locator(".log-entry pre.json").first.inner_text())
    assert template["operation"] == "GetItem"
    assert template["key"] == {"customer": {"S": "alan"}, "orderId": {"S": "o-3"}}


def test_a_page_from_elsewhere_asks_for_the_console_token(page: Page, shop: Server) -> None:
    # As config.json answers a page loaded from another machine: without the token.
    def from_elsewhere(route: Route) -> None:
        response = route.fetch()
        route.fulfill(response=response, json={**response.json(), "consoleToken": None})

    page.route("**/console/config.json", from_elsewhere)
    page.goto(f"{origin(shop)}/console/#/dynamodb")
    form = page.get_by_role("form", name="Console token")
    page.get_by_label("Token", exact=True).fill("not-the-token")
    form.get_by_role("button", name="Use this token").click()
    refused = page.get_by_role("alert").filter(has_text="refused the console token")
    refused.wait_for()
    assert "console token" in refused.inner_text()
    page.get_by_role("button", name="Enter another token").click()
    page.get_by_label("Token", exact=True).fill(shop.app.state.console.token.value)
    page.keyboard.press("Enter")
    page.get_by_role("link", name="Orders").wait_for()


def test_the_console_api_is_explored_in_the_same_explorer(page: Page, shop: Server) -> None:
    open_explorer(page, shop, "{ __typename }")
    page.get_by_label("API", exact=True).select_option("console")
    page.wait_for_function(
        "() => (document.querySelector('.graphiql-query-editor')?.innerText ?? '')"
        ".includes('listStateMachines')"
    )
    run_operation(page)
    assert '"version": ' in wait_for_result(page, "stateMachines")
    # A subscription of the console API streams into the result pane (graphql-transport-ws).
    page.locator(".graphiql-query-editor .monaco-editor").first.click()
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.type("subscription { onResolverLog { operationName } }")
    page.wait_for_function(
        "() => (document.querySelector('.graphiql-query-editor')?.innerText ?? '')"
        ".replace(/\\s/g, '').endsWith('subscription{onResolverLog{operationName}}')"
    )
    run_operation(page)
    page.wait_for_timeout(300)  # the socket's subscribe frame, before the request it should see
    _graphql(shop, 'query Seen { getOrder(customer: "ada", orderId: "o-1") { status } }', "Seen")
    assert '"operationName": "Seen"' in wait_for_result(page, '"Seen"')
