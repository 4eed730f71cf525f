"""Screenshots of each view of the console into docs/screenshots/ (run by scripts/screenshots).

The explorer is shot against the blog example; the Step Functions views from a demo workflow run
by the server's engine (a Choice, a Parallel, a Map whose failed item is caught) and the
DynamoDB views from a seeded table, through the component harness, as the browser tests render
them; the resolver log from a sample in the contract's shape (the log stream comes with the
console's API). Chromium at 1280x800.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path
from typing import Any

import httpx
from playwright.sync_api import Page, sync_playwright

from tests.browser.conftest import (
    CHROMIUM,
    CHROMIUM_ARGS,
    VIEWPORT,
    open_explorer,
    run_operation,
    wait_for_result,
)
from tests.browser.harness import ROLE, aws_json, dynamodb, open_harness, render, write_orders_api
from tests.integration.conftest import BLOG_CONFIG, BLOG_KEY, Server, serve

DEMO = {
    "Comment": "An order: route it, prepare it in parallel, pack each item, ship it.",
    "StartAt": "Validate order",
    "States": {
        "Validate order": {"Type": "Pass", "Next": "Express?"},
        "Express?": {
            "Type": "Choice",
            "Choices": [{"Variable": "$.express", "BooleanEquals": True, "Next": "Ship"}],
            "Default": "Prepare",
        },
        "Prepare": {
            "Type": "Parallel",
            "Branches": [
                {
                    "StartAt": "Reserve stock",
                    "States": {"Reserve stock": {"Type": "Pass", "End": True}},
                },
                {
                    "StartAt": "Charge card",
                    "States": {
                        "Charge card": {"Type": "Pass", "Next": "Send receipt"},
                        "Send receipt": {"Type": "Pass", "End": True},
                    },
                },
            ],
            "ResultPath": "$.prepared",
            "Next": "Pack items",
        },
        "Pack items": {
            "Type": "Map",
            "ItemsPath": "$.items",
            "MaxConcurrency": 1,
            "ItemProcessor": {
                "ProcessorConfig": {"Mode": "INLINE"},
                "StartAt": "In stock?",
                "States": {
                    "In stock?": {
                        "Type": "Choice",
                        "Choices": [{"Variable": "$.qty", "NumericGreaterThan": 0, "Next": "Pack"}],
                        "Default": "Out of stock",
                    },
                    "Pack": {"Type": "Pass", "End": True},
                    "Out of stock": {"Type": "Fail", "Error": "OutOfStock", "Cause": "qty is 0"},
                },
            },
            "Catch": [{"ErrorEquals": ["OutOfStock"], "ResultPath": "$.error", "Next": "Notify"}],
            "ResultPath": "$.packed",
            "Next": "Ship",
        },
        "Notify": {"Type": "Pass", "Next": "Order failed"},
        "Order failed": {
            "Type": "Fail",
            "Error": "OrderFailed",
            "Cause": "an item is out of stock",
        },
        "Ship": {"Type": "Succeed"},
    },
}
DEMO_INPUTS = [
    {"express": False, "items": [{"sku": "lamp", "qty": 1}, {"sku": "desk", "qty": 2}]},
    {"express": True, "items": []},
    {"express": False, "items": [{"sku": "lamp", "qty": 1}, {"sku": "desk", "qty": 0}]},
]

# A resolver log in the contract's shape (console/src/api/operations.graphql), for the picture.
SAMPLE_LOG: list[dict[str, Any]] = json.loads(
    (Path(__file__).parent / "resolver_log_sample.json").read_text(encoding="utf-8")
)


def _demo_executions(server: Server) -> tuple[dict[str, Any], list[dict[str, Any]], dict[str, Any]]:
    machine_arn = aws_json(
        server,
        "AWSStepFunctions",
        "CreateStateMachine",
        {"name": "orders", "definition": json.dumps(DEMO), "roleArn": ROLE},
    )["stateMachineArn"]
    arns = [
        aws_json(
            server,
            "AWSStepFunctions",
            "StartExecution",
            {
                "stateMachineArn": machine_arn,
                "name": f"order-{index + 1}",
                "input": json.dumps(data),
            },
        )["executionArn"]
        for index, data in enumerate(DEMO_INPUTS)
    ]
    for arn in arns:
        while (
            aws_json(server, "AWSStepFunctions", "DescribeExecution", {"executionArn": arn})[
                "status"
            ]
            == "RUNNING"
        ):
            pass
    listed = aws_json(
        server, "AWSStepFunctions", "ListExecutions", {"stateMachineArn": machine_arn}
    )["executions"]
    machine = aws_json(
        server, "AWSStepFunctions", "DescribeStateMachine", {"stateMachineArn": machine_arn}
    )
    failed = arns[-1]
    execution = aws_json(server, "AWSStepFunctions", "DescribeExecution", {"executionArn": failed})
    events = aws_json(
        server,
        "AWSStepFunctions",
        "GetExecutionHistory",
        {"executionArn": failed, "includeExecutionData": True, "maxResults": 1000},
    )["events"]
    detail = {
        "describeStateMachine": machine,
        "listStateMachineVersions": {"stateMachineVersions": [], "nextToken": None},
        "listStateMachineAliases": {"stateMachineAliases": [], "nextToken": None},
    }
    return (
        {"execution": execution, "events": events, "definition": machine["definition"]},
        listed,
        detail,
    )


def _shoot(page: Page, folder: Path, name: str) -> None:
    page.wait_for_timeout(300)  # let layout and fonts settle before the picture
    page.screenshot(path=str(folder / f"{name}.png"))
    print(f"  {folder / name}.png")


def _explorer(page: Page, blog: Server, folder: Path) -> None:
    open_explorer(
        page,
        blog,
        "query ListPosts {\n  listPosts {\n    id\n    title\n    author { name }\n  }\n}\n",
    )
    run_operation(page)
    wait_for_result(page, "Ada Lovelace")
    _shoot(page, folder, "console-explorer")
    fields = "{\n    postId\n    author\n    content\n  }"
    open_explorer(
        page, blog, f'subscription OnComment {{\n  onAddComment(postId: "p1") {fields}\n}}\n'
    )
    run_operation(page)
    wait_for_result(page, "start_ack")
    mutation = (
        'mutation { addComment(postId: "p1", author: "Charles", content: "Splendid again.") '
        "{ postId author content } }"
    )
    httpx.post(blog.url, json={"query": mutation}, headers={"x-api-key": BLOG_KEY})
    wait_for_result(page, "Splendid again")
    _shoot(page, folder, "console-explorer-subscription")


def _stepfunctions(page: Page, blog: Server, folder: Path) -> None:
    recorded, listed, detail = _demo_executions(blog)
    open_harness(page, blog)
    render(page, {"view": "stateMachine", "detail": detail, "executions": listed, "now": 0})
    page.get_by_role("group", name="State machine graph").wait_for()
    _shoot(page, folder, "console-stepfunctions-machine")
    render(page, {"view": "execution", **recorded})
    page.get_by_role("button", name="Pack items, Map state: Caught error").click()
    page.locator(".sfn-graph").evaluate("(graph) => { graph.scrollTop = 0; }")
    _shoot(page, folder, "console-stepfunctions-execution")
    page.get_by_role("tab", name="Event history").click()
    page.get_by_role("button", name="Event 1 details").click()
    _shoot(page, folder, "console-stepfunctions-history")
    page.get_by_role("tab", name="Timeline").click()
    _shoot(page, folder, "console-stepfunctions-timeline")


def _dynamodb(page: Page, folder: Path) -> None:
    with (
        tempfile.TemporaryDirectory() as temporary,
        serve(write_orders_api(Path(temporary))) as server,
    ):
        table = dynamodb(server, "DescribeTable", {"TableName": "Orders"})["Table"]
        items = dynamodb(server, "Scan", {"TableName": "Orders"})["Items"]
        open_harness(page, server)
        render(page, {"view": "table", "table": table, "items": items, "editing": items[0]})
        page.get_by_role("table", name="Items of Orders").wait_for()
        _shoot(page, folder, "console-dynamodb")


def _resolver_log(page: Page, blog: Server, folder: Path) -> None:
    open_harness(page, blog)
    render(page, {"view": "resolverLog", "requests": SAMPLE_LOG})
    page.get_by_role("listbox", name="Requests").wait_for()
    _shoot(page, folder, "console-resolver-log")


def main(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    with serve(BLOG_CONFIG) as blog, sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_context(viewport=VIEWPORT).new_page()
        _explorer(page, blog, folder)
        _stepfunctions(page, blog, folder)
        _dynamodb(page, folder)
        _resolver_log(page, blog, folder)
        browser.close()


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("docs/screenshots"))
