"""The DynamoDB views rendered from a real table, through the component harness: DescribeTable
and Scan answers of the embedded DynamoDB (its own endpoint, the bytes boto3 receives) feed the
table summary, the items table and the item editor; an item saved in the editor is written back
with PutItem and read back with GetItem. (The pages that fetch the data come with the console's
API.)"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from playwright.sync_api import Page

from tests.browser.harness import open_harness, render
from tests.integration.conftest import Server, serve

TABLE = {
    "TableName": "Orders",
    "KeySchema": [
        {"AttributeName": "customer", "KeyType": "HASH"},
        {"AttributeName": "orderId", "KeyType": "RANGE"},
    ],
    "AttributeDefinitions": [
        {"AttributeName": "customer", "AttributeType": "S"},
        {"AttributeName": "orderId", "AttributeType": "S"},
        {"AttributeName": "status", "AttributeType": "S"},
    ],
    "GlobalSecondaryIndexes": [
        {
            "IndexName": "byStatus",
            "KeySchema": [{"AttributeName": "status", "KeyType": "HASH"}],
            "Projection": {"ProjectionType": "ALL"},
        }
    ],
    "BillingMode": "PAY_PER_REQUEST",
    "seed": "orders.json",
}
SEED = [
    {"customer": "ada", "orderId": "o-1", "status": "SHIPPED", "total": 12.5, "lines": [1, 2]},
    {"customer": "ada", "orderId": "o-2", "status": "OPEN", "gift": True, "note": None},
    {"customer": "alan", "orderId": "o-3", "status": "OPEN", "address": {"city": "Wilmslow"}},
]


@pytest.fixture(scope="module")
def orders(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp("orders")
    (folder / "schema.graphql").write_text("type Query { a: String }\n")
    (folder / "orders.json").write_text(json.dumps(SEED))
    definition = {
        "name": "orders",
        "schema": "schema.graphql",
        "authenticationType": "API_KEY",
        "apiKeys": [{"id": "da2-consoleorderskey0000000"}],
        "dataSources": [
            {"name": "Orders", "type": "AMAZON_DYNAMODB", "dynamodbConfig": {"tableName": "Orders"}}
        ],
        "server": {"dynamodb": {"tables": [TABLE]}},
    }
    path = folder / "appsync.json"
    path.write_text(json.dumps(definition))
    with serve(path) as server:
        yield server


def dynamodb(server: Server, operation: str, body: dict[str, Any]) -> Any:
    """One call to the embedded DynamoDB's endpoint (AWS JSON 1.0), as boto3 makes it."""
    url = server.app.state.api.dynamodb.url
    response = httpx.post(
        url,
        content=json.dumps(body),
        headers={
            "content-type": "application/x-amz-json-1.0",
            "x-amz-target": f"DynamoDB_20120810.{operation}",
            "authorization": (
                "AWS4-HMAC-SHA256 Credential=local/20260101/us-east-1/dynamodb/aws4_request, "
                "SignedHeaders=host, Signature=0"
            ),
        },
    )
    assert response.status_code == 200, response.text
    return response.json()


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
