"""The console API's DynamoDB types: the DynamoDB JSON API's own members (2012-08-10), spelled
as the wire spells them (PascalCase), items and keys in DynamoDB JSON (`{"S": "..."}`) as the
JSON scalar, timestamps as epoch seconds."""

from __future__ import annotations

from typing import Any, TypeVar

import strawberry
from strawberry.scalars import JSON

from appsync.console.stepfunctions_types import from_wire

T = TypeVar("T")

# --- Inputs ----------------------------------------------------------------------------------


@strawberry.input
class ListTablesInput:
    ExclusiveStartTableName: str | None = None
    Limit: int | None = None


@strawberry.input
class DescribeTableInput:
    TableName: str


@strawberry.input
class ScanInput:
    TableName: str
    IndexName: str | None = None
    Limit: int | None = None
    ExclusiveStartKey: JSON | None = None
    FilterExpression: str | None = None
    ExpressionAttributeNames: JSON | None = None
    ExpressionAttributeValues: JSON | None = None


@strawberry.input
class QueryInput:
    TableName: str
    KeyConditionExpression: str
    IndexName: str | None = None
    Limit: int | None = None
    ExclusiveStartKey: JSON | None = None
    FilterExpression: str | None = None
    ExpressionAttributeNames: JSON | None = None
    ExpressionAttributeValues: JSON | None = None
    ScanIndexForward: bool | None = None


@strawberry.input
class GetItemInput:
    TableName: str
    Key: JSON
    ConsistentRead: bool | None = None


@strawberry.input
class PutItemInput:
    TableName: str
    Item: JSON
    ConditionExpression: str | None = None
    ExpressionAttributeNames: JSON | None = None
    ExpressionAttributeValues: JSON | None = None
    ReturnValues: str | None = None


@strawberry.input
class UpdateItemInput:
    TableName: str
    Key: JSON
    UpdateExpression: str
    ConditionExpression: str | None = None
    ExpressionAttributeNames: JSON | None = None
    ExpressionAttributeValues: JSON | None = None
    ReturnValues: str | None = None


@strawberry.input
class DeleteItemInput:
    TableName: str
    Key: JSON
    ConditionExpression: str | None = None
    ExpressionAttributeNames: JSON | None = None
    ExpressionAttributeValues: JSON | None = None
    ReturnValues: str | None = None


# --- Outputs ---------------------------------------------------------------------------------


@strawberry.type
class ListTablesOutput:
    TableNames: list[str]
    LastEvaluatedTableName: str | None = None


@strawberry.type
class KeySchemaElement:
    AttributeName: str
    KeyType: str


@strawberry.type
class AttributeDefinition:
    AttributeName: str
    AttributeType: str


@strawberry.type
class Projection:
    ProjectionType: str | None = None
    NonKeyAttributes: list[str] | None = None


@strawberry.type
class SecondaryIndexDescription:
    IndexName: str
    KeySchema: list[KeySchemaElement]
    Projection: Projection | None = None
    ItemCount: int | None = None
    IndexStatus: str | None = None
    IndexArn: str | None = None


@strawberry.type
class BillingModeSummary:
    BillingMode: str | None = None


@strawberry.type
class StreamSpecification:
    StreamEnabled: bool
    StreamViewType: str | None = None


@strawberry.type
class TableDescription:
    TableName: str
    KeySchema: list[KeySchemaElement]
    AttributeDefinitions: list[AttributeDefinition]
    TableArn: str | None = None
    TableStatus: str | None = None
    CreationDateTime: float | None = None
    ItemCount: int | None = None
    TableSizeBytes: float | None = None
    BillingModeSummary: BillingModeSummary | None = None
    GlobalSecondaryIndexes: list[SecondaryIndexDescription] | None = None
    LocalSecondaryIndexes: list[SecondaryIndexDescription] | None = None
    StreamSpecification: StreamSpecification | None = None
    LatestStreamArn: str | None = None


@strawberry.type
class DescribeTableOutput:
    Table: TableDescription


@strawberry.type
class ItemsOutput:
    Items: list[JSON]
    Count: int
    ScannedCount: int
    LastEvaluatedKey: JSON | None = None


@strawberry.type
class GetItemOutput:
    Item: JSON | None = None


@strawberry.type
class WriteItemOutput:
    Attributes: JSON | None = None


@strawberry.type
class StreamRecordData:
    Keys: JSON
    ApproximateCreationDateTime: float | None = None
    NewImage: JSON | None = None
    OldImage: JSON | None = None
    SequenceNumber: str | None = None
    SizeBytes: int | None = None
    StreamViewType: str | None = None


@strawberry.type(description="A DynamoDB Streams record (GetRecords' Record).")
class StreamRecord:
    eventID: str
    eventName: str
    dynamodb: StreamRecordData
    eventSource: str | None = None
    eventVersion: str | None = None
    awsRegion: str | None = None


def table_description(wire: dict[str, Any]) -> TableDescription:
    """DescribeTable's `Table`, nested members included."""
    return TableDescription(
        **{
            **{key: value for key, value in wire.items() if key in _TABLE_SCALARS},
            "KeySchema": _key_schema(wire.get("KeySchema", [])),
            "AttributeDefinitions": [
                from_wire(AttributeDefinition, item)
                for item in wire.get("AttributeDefinitions", [])
            ],
            "BillingModeSummary": _optional(BillingModeSummary, wire.get("BillingModeSummary")),
            "GlobalSecondaryIndexes": _indexes(wire.get("GlobalSecondaryIndexes")),
            "LocalSecondaryIndexes": _indexes(wire.get("LocalSecondaryIndexes")),
            "StreamSpecification": _optional(StreamSpecification, wire.get("StreamSpecification")),
        }
    )


_TABLE_SCALARS = frozenset(
    {
        "TableName",
        "TableArn",
        "TableStatus",
        "CreationDateTime",
        "ItemCount",
        "TableSizeBytes",
        "LatestStreamArn",
    }
)


def _key_schema(elements: list[dict[str, Any]]) -> list[KeySchemaElement]:
    return [from_wire(KeySchemaElement, element) for element in elements]


def _indexes(wire: list[dict[str, Any]] | None) -> list[SecondaryIndexDescription] | None:
    if wire is None:
        return None
    return [
        SecondaryIndexDescription(
            IndexName=index["IndexName"],
            KeySchema=_key_schema(index.get("KeySchema", [])),
            Projection=_optional(Projection, index.get("Projection")),
            ItemCount=index.get("ItemCount"),
            IndexStatus=index.get("IndexStatus"),
            IndexArn=index.get("IndexArn"),
        )
        for index in wire
    ]


def _optional(cls: type[T], wire: dict[str, Any] | None) -> T | None:
    return None if wire is None else from_wire(cls, wire)


def stream_record(wire: dict[str, Any]) -> StreamRecord:
    data = wire["dynamodb"]
    return StreamRecord(
        eventID=wire["eventID"],
        eventName=wire["eventName"],
        eventSource=wire.get("eventSource"),
        eventVersion=wire.get("eventVersion"),
        awsRegion=wire.get("awsRegion"),
        dynamodb=from_wire(StreamRecordData, data),
    )
