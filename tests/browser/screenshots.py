"""Screenshots of each view of the console into docs/screenshots/ (run by scripts/screenshots).

Every picture is a console page on the real server, reading the console API: the explorer on
the blog example (and on the console API itself), the Step Functions pages on a demo workflow
run by the server's engine (a Choice, a Parallel, a Map whose failed item is caught), the
DynamoDB pages on a seeded table, and the resolver log of the requests the explorer sent.
Chromium at 1280x800.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

import httpx
from playwright.sync_api import Page, sync_playwright

from tests.browser.conftest import (
    CHROMIUM,
    CHROMIUM_ARGS,
    VIEWPORT,
    open_explorer,
    origin,
    run_operation,
    wait_for_result,
)
from tests.browser.harness import ROLE, aws_json, write_orders_api
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


def _demo_executions(server: Server) -> tuple[str, str]:
    """The demo machine's ARN, and its last execution's (the one whose Map failed)."""
    machine_arn: str = aws_json(
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
            time.sleep(0.01)
    return machine_arn, arns[-1]


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


def _console_api(page: Page, blog: Server, folder: Path) -> None:
    open_explorer(page, blog, "{ __typename }")
    page.get_by_label("API", exact=True).select_option("console")
    query = page.locator(".graphiql-query-editor")
    query.wait_for()
    page.wait_for_function(
        "() => (document.querySelector('.graphiql-query-editor')?.innerText ?? '')"
        ".includes('listStateMachines')"
    )
    run_operation(page)
    wait_for_result(page, "stateMachines")
    _shoot(page, folder, "console-explorer-console-api")


def _stepfunctions(page: Page, blog: Server, folder: Path) -> None:
    machine_arn, failed = _demo_executions(blog)
    page.goto(f"{origin(blog)}/console/#/stepfunctions/machine/{quote(machine_arn, safe='')}")
    page.get_by_role("group", name="State machine graph").wait_for()
    page.get_by_role("table", name="Executions").wait_for()
    _shoot(page, folder, "console-stepfunctions-machine")
    page.goto(f"{origin(blog)}/console/#/stepfunctions/execution/{quote(failed, safe='')}")
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
        page.goto(f"{origin(server)}/console/#/dynamodb/table/Orders")
        page.get_by_role("table", name="Items of Orders").wait_for()
        page.get_by_role("button", name="Edit item ada / o-1").click()
        page.get_by_role("form", name="Edit item").wait_for()
        _shoot(page, folder, "console-dynamodb")


def _resolver_log(page: Page, blog: Server, folder: Path) -> None:
    # The explorer's requests above are in the log (the console opened, so the API logs);
    # one more, whose pipeline fails, shows an error.
    mutation = (
        'mutation CreatePost { createPost(input: {title: "Hello", content: "First", '
        'authorId: "nobody"}) { id title } }'
    )
    httpx.post(
        blog.url,
        json={"query": mutation, "operationName": "CreatePost"},
        headers={"x-api-key": BLOG_KEY},
    )
    page.goto(f"{origin(blog)}/console/#/logs")
    request = page.get_by_role("option").filter(has_text="CreatePost")
    request.wait_for()
    request.click()
    page.get_by_role("heading", name="CreatePost").wait_for()
    _shoot(page, folder, "console-resolver-log")


def main(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    with serve(BLOG_CONFIG) as blog, sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_context(viewport=VIEWPORT).new_page()
        _explorer(page, blog, folder)
        _console_api(page, blog, folder)
        _stepfunctions(page, blog, folder)
        _dynamodb(page, folder)
        _resolver_log(page, blog, folder)
        browser.close()


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("docs/screenshots"))
