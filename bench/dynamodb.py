"""GetItem through the AMAZON_DYNAMODB data source (embedded moto) beside the NONE data source.

    .venv/bin/python -m bench.dynamodb [--seconds 3] [--rounds 5]

(every benchmark runs as a module from the repository root: `./scripts/bench dynamodb`.)

Both sides run the same unit resolver shape in one process, interleaved in rounds: a VTL request
template, the data source, a VTL response template. The DynamoDB side renders AppSync's GetItem
reference template and reads one item from moto's backend in process (no boto3, no HTTP); the
NONE side renders a template whose payload is the same item. A third line calls the data source
alone (no templates) to show what the DynamoDB path itself costs. The server-level figure
(requests/s through /graphql, issue 4's 0.8x target) is in bench/http.py.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from definition.model import DynamoDBConfig, TableDeclaration
from resolvers.context import RequestInfo, ResolverContext, ResolverInfo
from resolvers.datasources.dynamodb import DynamoDBDataSource
from resolvers.datasources.dynamodb_moto import MotoDynamoDB
from resolvers.datasources.dynamodb_tables import create_tables
from resolvers.datasources.none import NoneDataSource
from resolvers.runtimes.vtl import load_vtl_code
from resolvers.unit import UnitResolver

REGION = "us-west-1"
TABLE = "BenchPosts"
GET_ITEM = """{
    "version" : "2017-02-28",
    "operation" : "GetItem",
    "key" : { "id" : $util.dynamodb.toDynamoDBJson($ctx.args.id) }
}"""
NONE = """{
    "version" : "2018-05-29",
    "payload" : { "id" : $util.toJson($ctx.args.id), "title" : "Hello", "views" : 12 }
}"""
RESPONSE = "$util.toJson($ctx.result)"


def context() -> ResolverContext:
    return ResolverContext(
        arguments={"id": "p1"},
        source=None,
        identity=None,
        info=ResolverInfo("getPost", "Query", {}, ["id", "title"], "{ id title }"),
        request=RequestInfo({}),
    )


async def rate(call: Callable[[], Awaitable[Any]], seconds: float) -> float:
    """Calls per second of `call`, run back to back for `seconds`."""
    count = 0
    deadline = time.perf_counter() + seconds
    start = time.perf_counter()
    while time.perf_counter() < deadline:
        for _ in range(100):
            await call()
        count += 100
    return count / (time.perf_counter() - start)


async def main(seconds: float, rounds: int) -> None:
    operations = MotoDynamoDB(REGION)
    create = {
        "TableName": TABLE,
        "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
        "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
        "BillingMode": "PAY_PER_REQUEST",
    }
    await create_tables(operations, [TableDeclaration(TABLE, create)])
    item = {"id": {"S": "p1"}, "title": {"S": "Hello"}, "views": {"N": "12"}}
    await operations.call("PutItem", {"TableName": TABLE, "Item": item})
    source = DynamoDBDataSource("Posts", DynamoDBConfig(TABLE, REGION), operations)
    with tempfile.TemporaryDirectory() as folder:
        files = {}
        for name, text in (("get", GET_ITEM), ("none", NONE), ("res", RESPONSE)):
            files[name] = Path(folder) / f"{name}.vtl"
            files[name].write_text(text)
        dynamodb = UnitResolver(load_vtl_code(files["get"], files["res"]), source)
        none = UnitResolver(load_vtl_code(files["none"], files["res"]), NoneDataSource("None"))
    request = {"version": "2017-02-28", "operation": "GetItem", "key": {"id": {"S": "p1"}}}
    assert await dynamodb.resolve(context()) == await none.resolve(context())
    phases: dict[str, Callable[[], Awaitable[Any]]] = {
        "NONE resolver": lambda: none.resolve(context()),
        "DynamoDB resolver": lambda: dynamodb.resolve(context()),
        "DynamoDB data source alone": lambda: source.invoke(request, context()),
    }
    results: dict[str, list[float]] = {name: [] for name in phases}
    for _ in range(rounds):
        for name, call in phases.items():
            results[name].append(await rate(call, seconds))
    medians = {name: statistics.median(values) for name, values in results.items()}
    for name, value in medians.items():
        print(f"{name:28} {value:10.0f} calls/s   {1e6 / value:8.1f} us/call")
    ratio = medians["DynamoDB resolver"] / medians["NONE resolver"]
    print(f"DynamoDB resolver / NONE resolver: {ratio:.2f}x")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--rounds", type=int, default=5)
    arguments = parser.parse_args()
    asyncio.run(main(arguments.seconds, arguments.rounds))
