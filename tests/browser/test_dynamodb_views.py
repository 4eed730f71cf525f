"""The DynamoDB views rendered from a real table, through the component harness: DescribeTable
and Scan answers of the embedded DynamoDB (its own endpoint, the bytes boto3 receives) feed the
table summary, the items table and the item editor; an item saved in the editor is written back
with PutItem and read back with GetItem. (The pages on the console API: test_console_pages.py.)"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Page

from tests.browser.harness import dynamodb, open_harness, render, write_orders_api
from tests.integration.conftest import Server, serve


@pytest.fixture(scope="module")
def orders(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with serve(write_orders_api(tmp_path_factory.mktemp("orders"))) as server:
        yield server


def _show(page: Page, server: Server, editing: Any = None) -> tuple[dict[str, Any], list[Any]]:
    table = dynamodb(server, "DescribeTable", {"TableName": "Orders"})["Table"]
    items = dynamodb(server, "Scan", {"TableName": "Orders"})["Items"]
    open_harness(page, server)
    spec: dict[str, Any] = {"view": "table", "table": table, "items": items}
    if editing is not None:
        spec["editing"] = editing
    render(page, spec)
    page.get_by_role("table", name="Items of Orders").wait_for()
    return table, items


def test_keys_first_then_every_attribute(page: Page, orders: Server) -> None:
    _, items = _show(page, orders)
    headers = page.get_by_role("table", name="Items of Orders").locator("thead th")
    assert headers.all_inner_texts() == [
        "customer",
        "orderId",
        "address",
        "gift",
        "lines",
        "note",
        "status",
        "total",
        "Actions",
    ]
    assert page.locator("tbody tr[data-key]").count() == len(items) == 3
    indexes = page.get_by_role("table", name="Indexes").locator("tbody td").all_inner_texts()
    assert indexes[:3] == ["byStatus", "Global", "status (S, partition)"]


def test_edit_as_plain_json_and_read_back(page: Page, orders: Server) -> None:
    key = {"customer": {"S": "ada"}, "orderId": {"S": "o-1"}}
    item = dynamodb(orders, "GetItem", {"TableName": "Orders", "Key": key})["Item"]
    _show(page, orders, editing=item)
    editor = page.get_by_label("Item JSON")
    # Plain JSON by default, as the SDK's unmarshall gives it.
    assert json.loads(editor.input_value()) == {
        "customer": "ada",
        "orderId": "o-1",
        "status": "SHIPPED",
        "total": 12.5,
        "lines": [1, 2],
    }
    # DynamoDB JSON shows the item exactly as GetItem returned it.
    page.get_by_label("DynamoDB JSON").check()
    assert json.loads(editor.input_value()) == item
    page.get_by_label("Plain JSON").check()
    edited = json.loads(editor.input_value())
    edited["status"] = "DELIVERED"
    edited["signedBy"] = {"name": "Ada", "at": 1700000000}
    editor.fill(json.dumps(edited))
    page.get_by_role("button", name="Save item").click()
    saved = page.wait_for_function("() => window.harnessSaved?.[0]").json_value()
    dynamodb(orders, "PutItem", {"TableName": "Orders", "Item": saved})
    read = dynamodb(orders, "GetItem", {"TableName": "Orders", "Key": key})["Item"]
    assert read == {
        **item,
        "status": {"S": "DELIVERED"},
        "signedBy": {"M": {"name": {"S": "Ada"}, "at": {"N": "1700000000"}}},
    }


def test_an_item_with_a_set_stays_dynamodb_json(page: Page, orders: Server) -> None:
    item = {
        "customer": {"S": "grace"},
        "orderId": {"S": "o-9"},
        "tags": {"SS": ["blue", "red"]},
    }
    _show(page, orders, editing=item)
    editor = page.get_by_label("Item JSON")
    assert json.loads(editor.input_value()) == item
    # The switch is refused: the radio stays on DynamoDB JSON.
    page.get_by_label("Plain JSON").click()
    assert page.get_by_label("DynamoDB JSON").is_checked()
    assert "tags is a set" in page.get_by_role("alert").inner_text()
    assert json.loads(editor.input_value()) == item


def test_a_malformed_attribute_value_is_refused(page: Page, orders: Server) -> None:
    _show(page, orders, editing={"customer": {"S": "ada"}, "orderId": {"S": "o-2"}})
    page.get_by_label("DynamoDB JSON").check()
    page.get_by_label("Item JSON").fill(
        '{"customer": {"S": "ada"}, "orderId": {"S": "o-2"}, "n": {"N": 5}}'
    )
    page.get_by_role("button", name="Save item").click()
    assert "a number is sent as a string" in page.get_by_role("alert").inner_text()
    assert page.evaluate("() => window.harnessSaved === undefined")
