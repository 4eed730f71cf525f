"""`$util.rds`, checked against "Amazon RDS helpers in $util.rds" (AppSync developer guide)."""

from __future__ import annotations

import json

from resolvers.util.namespace import Util

RDS_DOC_RESULT = {
    "sqlStatementResults": [
        {
            "numberOfRecordsUpdated": 0,
            "records": [
                [
                    {"stringValue": "Mark Twain"},
                    {"stringValue": "Adventures of Huckleberry Finn"},
                    {"stringValue": "978-1948132817"},
                ],
                [
                    {"stringValue": "Jack London"},
                    {"stringValue": "The Call of the Wild"},
                    {"stringValue": "978-1948132275"},
                ],
            ],
            "columnMetadata": [
                {"label": "author", "name": "author", "typeName": "VARCHAR"},
                {"label": "title", "name": "title", "typeName": "VARCHAR"},
                {"label": "ISBN-13", "name": "ISBN-13", "typeName": "VARCHAR"},
            ],
        }
    ]
}


def test_rds_records_documented_example(util: Util) -> None:
    # "Amazon RDS helpers in $util.rds": `select * from Books limit 2`.
    expected = [
        {
            "author": "Mark Twain",
            "title": "Adventures of Huckleberry Finn",
            "ISBN-13": "978-1948132817",
        },
        {
            "author": "Jack London",
            "title": "The Call of the Wild",
            "ISBN-13": "978-1948132275",
        },
    ]
    assert util.rds.toJsonObject(json.dumps(RDS_DOC_RESULT)) == [expected]
    assert json.loads(util.rds.toJsonString(RDS_DOC_RESULT)) == [expected]


def test_rds_typed_fields_and_mutations(util: Util) -> None:
    result = {
        "sqlStatementResults": [
            {"numberOfRecordsUpdated": 1},
            {
                "records": [[{"longValue": 7}, {"isNull": True}, {"booleanValue": True}]],
                "columnMetadata": [{"name": "n"}, {"name": "gone"}, {"name": "ok"}],
            },
        ]
    }
    assert util.rds.toJsonObject(result) == [[], [{"n": 7, "gone": None, "ok": True}]]
