"""The console schema is assembled from the parts a server serves, keeps the wire's names, and
logs a resolver's own bug loudly but an AWS refusal quietly."""

from __future__ import annotations

import logging

import pytest
import strawberry

from appsync.console.errors import AwsServiceError
from appsync.console.mount import api_schema
from appsync.console.schema import SchemaPart, build_schema
from appsync.console.stepfunctions_fields import STEP_FUNCTIONS


@strawberry.type
class _Failing:
    @strawberry.field
    def refused(self) -> str:
        raise AwsServiceError("ResourceNotFoundException", "no such table")

    @strawberry.field
    def broken(self) -> str:
        raise KeyError("a bug")


def test_stepfunctions_alone_serves_only_its_fields() -> None:
    schema = build_schema([STEP_FUNCTIONS])
    query = schema.get_type_by_name("Query")
    fields = {field.name for field in query.fields}  # type: ignore[union-attr]
    assert "listStateMachines" in fields
    assert "server" in fields
    assert not fields & {"listTables", "resolverLog", "listGraphqlApis"}
    assert schema.get_type_by_name("TableDescription") is None


def test_names_are_the_wires_own() -> None:
    printed = api_schema().as_str()
    assert "stateMachineArn: String!" in printed
    assert "TableName: String!" in printed
    assert "graphQLAPIId: String!" in printed
    assert "state_machine_arn" not in printed


@pytest.mark.anyio
async def test_an_aws_refusal_is_logged_quietly_and_a_bug_loudly(
    caplog: pytest.LogCaptureFixture,
) -> None:
    schema = build_schema([SchemaPart(_Failing)])
    with caplog.at_level(logging.DEBUG, logger="appsync.console.schema"):
        refused = await schema.execute("{ refused }")
        broken = await schema.execute("{ broken }")
    assert refused.errors is not None
    assert broken.errors is not None
    records = [(r.levelno, r.getMessage(), r.exc_info is not None) for r in caplog.records]
    assert records == [
        (logging.DEBUG, "console API: no such table", False),
        (logging.ERROR, "console API: 'a bug'", True),
    ]
