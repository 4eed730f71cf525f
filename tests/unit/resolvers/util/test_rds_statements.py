"""`@aws-appsync/utils/rds` statements, checked against the statements AppSync's EvaluateCode
produced for localstack/appsync-utils' recorded snapshots
(`__tests__/__snapshots__/resolvers.test.js.snap`: createPgStatement-select, -remove, -typeHint)
and "AWS AppSync JavaScript resolver function reference for Amazon RDS" (resolver-reference-rds-js:
insert and update with `returning`, MySQL's backticks)."""

from __future__ import annotations

import pytest

from resolvers.errors import ResolverError
from resolvers.util.rds_statements import create_mysql_statement, create_pg_statement, statement


def test_select_recorded_from_appsync() -> None:
    where = {"or": [{"name": {"eq": "Stephane"}}, {"id": {"gt": 10}}]}
    select = statement(
        "SELECT",
        {
            "table": "UserGroup",
            "where": where,
            "limit": 10,
            "offset": 1,
            "columns": ["id", "name"],
            "orderBy": [{"column": "name"}, {"column": "id", "dir": "DESC"}],
        },
        "select",
    )
    assert create_pg_statement(select) == {
        "statements": [
            'SELECT "id", "name" FROM "UserGroup" WHERE ("name" = :P0) OR ("id" > :P1) '
            'ORDER BY "name" ASC, "id" DESC LIMIT :P2 OFFSET :P3'
        ],
        "variableMap": {":P0": "Stephane", ":P1": 10, ":P2": 10, ":P3": 1},
        "variableTypeHintMap": {},
    }


def test_remove_recorded_from_appsync() -> None:
    remove = statement(
        "REMOVE",
        {"table": "persons", "where": {"id": {"eq": "1232"}}, "returning": ["id", "name"]},
        "remove",
    )
    assert create_pg_statement(remove) == {
        "statements": ['DELETE FROM "persons" WHERE "id" = :P0 RETURNING "id", "name"'],
        "variableMap": {":P0": "1232"},
        "variableTypeHintMap": {},
    }


def test_type_hints_recorded_from_appsync() -> None:
    where = {
        "and": [
            {"id": {"eq": {"type": "UUID", "value": "1232"}}},
            {"started": {"lt": {"type": "TIMESTAMP", "value": "2022-03-02T00:00:00.000Z"}}},
        ]
    }
    select = statement("SELECT", {"table": "UserGroup", "where": where}, "select")
    assert create_pg_statement(select) == {
        "statements": ['SELECT * FROM "UserGroup" WHERE ("id" = :P0) AND ("started" < :P1)'],
        "variableMap": {":P0": "1232", ":P1": "2022-03-02T00:00:00.000Z"},
        "variableTypeHintMap": {":P0": "UUID", ":P1": "TIMESTAMP"},
    }


def test_insert_and_update_with_returning_and_mysql_quoting() -> None:
    insert = statement(
        "INSERT",
        {"table": "persons", "values": {"name": "x", "age": None}, "returning": "*"},
        "insert",
    )
    update = statement(
        "UPDATE",
        {"table": "persons", "values": {"name": "y"}, "where": {"id": {"eq": 1}}},
        "update",
    )
    assert create_pg_statement(insert, update)["statements"] == [
        'INSERT INTO "persons" ("name", "age") VALUES (:P0, NULL) RETURNING *',
        'UPDATE "persons" SET "name" = :P1 WHERE "id" = :P2',
    ]
    assert create_mysql_statement(update)["statements"] == [
        "UPDATE `persons` SET `name` = :P0 WHERE `id` = :P1"
    ]
    with pytest.raises(ResolverError, match=r"returning is not supported in MySQL\."):
        create_mysql_statement(insert)


def test_conditions_and_templates() -> None:
    where = {
        "name": {"beginsWith": "St", "contains": "ep"},
        "age": {"between": [18, 30]},
        "email": {"attributeExists": True},
    }
    rendered = create_pg_statement(statement("SELECT", {"table": "p", "where": where}, "select"))
    assert rendered["statements"] == [
        'SELECT * FROM "p" WHERE "name" LIKE :P0 AND "name" LIKE :P1 AND "age" BETWEEN :P2 '
        'AND :P3 AND "email" IS NOT NULL'
    ]
    assert rendered["variableMap"] == {":P0": "St%", ":P1": "%ep%", ":P2": 18, ":P3": 30}
    template = {"strings": ["SELECT * FROM p WHERE id = ", ""], "keys": [7]}
    assert create_pg_statement(template)["statements"] == ["SELECT * FROM p WHERE id = :P0"]


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda: statement("SELECT", None, "select"),
            "An argument is expected to be passed to select",
        ),
        (
            lambda: create_pg_statement(),
            "An argument is expected to be passed to createPgStatement",
        ),
        (
            lambda: create_pg_statement(
                statement("SELECT", {"table": "t", "where": {"a": {"x": 1}}}, "select")
            ),
            "Unsupported condition a.x.",
        ),
        (
            lambda: create_pg_statement(statement("SELECT", {}, "select")),
            "'table' or 'from' key is required.",
        ),
    ],
)
def test_malformed_statements_are_code_errors(call: object, message: str) -> None:
    with pytest.raises(ResolverError) as raised:
        call()  # type: ignore[operator]
    assert (raised.value.message, raised.value.error_type) == (message, "Code")
