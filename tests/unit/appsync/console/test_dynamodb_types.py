"""DescribeTable's and GetRecords' wire objects as the console API's types."""

from __future__ import annotations

from strawberry.scalars import JSON

from appsync.console.dynamodb_types import stream_record, table_description


def test_a_table_description_keeps_its_nested_members() -> None:
    table = table_description(
        {
            "TableName": "Orders",
            "TableArn": "arn:aws:dynamodb:us-east-1:123456789012:table/Orders",
            "CreationDateTime": 1700000000.5,
            "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
            "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
            "LocalSecondaryIndexes": [
                {
                    "IndexName": "byDate",
                    "KeySchema": [
                        {"AttributeName": "id", "KeyType": "HASH"},
                        {"AttributeName": "date", "KeyType": "RANGE"},
                    ],
                    "Projection": {"ProjectionType": "KEYS_ONLY"},
                }
            ],
            "StreamSpecification": {"StreamEnabled": False},
            "ProvisionedThroughput": {"ReadCapacityUnits": 0},
        }
    )
    assert table.TableName == "Orders"
    assert table.CreationDateTime == 1700000000.5
    assert [key.AttributeName for key in table.KeySchema] == ["id"]
    assert table.GlobalSecondaryIndexes is None
    assert table.LocalSecondaryIndexes is not None
    [index] = table.LocalSecondaryIndexes
    assert [key.KeyType for key in index.KeySchema] == ["HASH", "RANGE"]
    assert index.Projection is not None
    assert index.Projection.ProjectionType == "KEYS_ONLY"
    assert table.StreamSpecification is not None
    assert table.StreamSpecification.StreamEnabled is False
    assert table.BillingModeSummary is None


def test_a_stream_record_as_getrecords_sends_it() -> None:
    record = stream_record(
        {
            "eventID": "e1",
            "eventName": "REMOVE",
            "eventSource": "aws:dynamodb",
            "awsRegion": "us-east-1",
            "dynamodb": {
                "Keys": {"id": {"S": "a"}},
                "OldImage": {"id": {"S": "a"}},
                "SequenceNumber": "1100000000017454423009",
                "StreamViewType": "NEW_AND_OLD_IMAGES",
            },
        }
    )
    assert (record.eventName, record.eventSource) == ("REMOVE", "aws:dynamodb")
    assert record.dynamodb.Keys == JSON({"id": {"S": "a"}})
    assert record.dynamodb.NewImage is None
