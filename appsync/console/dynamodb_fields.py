"""The console API's DynamoDB fields: one root field per DynamoDB operation, answered by the
embedded DynamoDB as the AWS endpoint answers boto3 (`appsync.aws.dynamodb.DynamoDBRoute`, on
moto's backend, the one the resolvers read and write), with DynamoDB's own error codes.

`onTableRecord` follows a table through its DynamoDB stream, as a Lambda trigger would: the
records moto's stream keeps, read every `poll_seconds` from the sequence number the table had
when the subscription began, in the table's own `StreamViewType`. A table without a stream has
no records to follow: the subscription answers `ResourceNotFoundException`, as DynamoDB Streams
answers for a stream that does not exist.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator
from typing import Any

import strawberry

from appsync.console.context import ConsoleInfo, EmbeddedTables
from appsync.console.dynamodb_types import (
    DeleteItemInput,
    DescribeTableInput,
    DescribeTableOutput,
    GetItemInput,
    GetItemOutput,
    ItemsOutput,
    ListTablesInput,
    ListTablesOutput,
    PutItemInput,
    QueryInput,
    ScanInput,
    StreamRecord,
    UpdateItemInput,
    WriteItemOutput,
    stream_record,
    table_description,
)
from appsync.console.errors import AwsServiceError
from appsync.console.schema import SchemaPart
from appsync.console.stepfunctions_types import from_wire, to_wire
from appsync.dynamodb_streams import stream_end, stream_records, wire_record

# GetRecords' largest page.
_RECORDS_PAGE = 1000


def _tables(info: ConsoleInfo) -> EmbeddedTables:
    return info.context.services.dynamodb()


def _items(wire: dict[str, Any]) -> ItemsOutput:
    return ItemsOutput(
        Items=wire.get("Items", []),
        Count=wire.get("Count", 0),
        ScannedCount=wire.get("ScannedCount", 0),
        LastEvaluatedKey=wire.get("LastEvaluatedKey"),
    )


@strawberry.type
class DynamoDBQuery:
    @strawberry.field
    def listTables(self, info: ConsoleInfo, input: ListTablesInput) -> ListTablesOutput:
        return from_wire(ListTablesOutput, _tables(info).call("ListTables", to_wire(input)))

    @strawberry.field
    def describeTable(self, info: ConsoleInfo, input: DescribeTableInput) -> DescribeTableOutput:
        wire = _tables(info).call("DescribeTable", to_wire(input))
        return DescribeTableOutput(Table=table_description(wire["Table"]))

    @strawberry.field
    def scan(self, info: ConsoleInfo, input: ScanInput) -> ItemsOutput:
        return _items(_tables(info).call("Scan", to_wire(input)))

    @strawberry.field
    def query(self, info: ConsoleInfo, input: QueryInput) -> ItemsOutput:
        return _items(_tables(info).call("Query", to_wire(input)))

    @strawberry.field
    def getItem(self, info: ConsoleInfo, input: GetItemInput) -> GetItemOutput:
        return from_wire(GetItemOutput, _tables(info).call("GetItem", to_wire(input)))


@strawberry.type
class DynamoDBMutation:
    @strawberry.mutation
    def putItem(self, info: ConsoleInfo, input: PutItemInput) -> WriteItemOutput:
        return from_wire(WriteItemOutput, _tables(info).call("PutItem", to_wire(input)))

    @strawberry.mutation
    def updateItem(self, info: ConsoleInfo, input: UpdateItemInput) -> WriteItemOutput:
        return from_wire(WriteItemOutput, _tables(info).call("UpdateItem", to_wire(input)))

    @strawberry.mutation
    def deleteItem(self, info: ConsoleInfo, input: DeleteItemInput) -> WriteItemOutput:
        return from_wire(WriteItemOutput, _tables(info).call("DeleteItem", to_wire(input)))


@strawberry.type
class DynamoDBSubscription:
    @strawberry.subscription
    async def onTableRecord(
        self, info: ConsoleInfo, TableName: str
    ) -> AsyncGenerator[StreamRecord, None]:
        services = info.context.services
        tables = services.dynamodb()
        # DescribeTable first: a table that does not exist gets DynamoDB's own error.
        described = tables.call("DescribeTable", {"TableName": TableName})["Table"]
        if "LatestStreamArn" not in described:
            raise AwsServiceError(
                "ResourceNotFoundException",
                f"Table {TableName} has no stream: the console follows a table's changes "
                "through its DynamoDB stream (StreamSpecification)",
            )
        sequence = stream_end(tables.region, TableName)
        while True:
            await asyncio.sleep(services.poll_seconds)
            records = stream_records(tables.region, TableName, sequence, _RECORDS_PAGE)
            for record in records:
                sequence = int(record["dynamodb"]["SequenceNumber"]) + 1
                yield stream_record(wire_record(record))


DYNAMODB = SchemaPart(DynamoDBQuery, DynamoDBMutation, DynamoDBSubscription)
