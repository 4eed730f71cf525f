"""LocalApi on a served blog API: queries with the API key or other credentials, the ready-made
clients, the clock's moves, a reset, and the token helpers' refusals."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from gql import gql

from appsync.testing.api import LocalApi
from appsync.testing.errors import LocalApiError, TokenError
from tests.unit.appsync.testing.conftest import START

ECHO = '{ echo(message: "hi") }'


def test_urls_and_keys_come_from_the_definition_and_the_port(blog: LocalApi) -> None:
    assert blog.graphql_url == f"http://127.0.0.1:{blog.port}/graphql"
    assert blog.realtime_url == f"ws://127.0.0.1:{blog.port}/graphql/realtime"
    assert blog.aws_endpoint == f"http://127.0.0.1:{blog.port}"
    assert blog.api_keys == ("da2-localblogexamplekey00000",)
    assert blog.api_key == blog.api_keys[0]
    assert (blog.access_key_id, blog.secret_access_key, blog.region) == (
        "testing",
        "testing",
        "us-east-1",
    )


def test_a_query_goes_with_the_api_key_unless_other_credentials_are_given(blog: LocalApi) -> None:
    assert blog.query(ECHO) == {"data": {"echo": "hi"}}
    assert blog.http.post(blog.graphql_url, json={"query": ECHO}).json() == {"data": {"echo": "hi"}}
    # A token in place of the key: this API has no token mode, so AppSync refuses it.
    refused = blog.query(ECHO, token="eyJ.not.a-token")
    assert refused["errors"][0]["errorType"] == "UnauthorizedException"
    assert blog.query(ECHO, headers={"x-api-key": "da2-other"})["errors"][0]["message"] == (
        "You are not authorized to make this call."
    )


def test_the_gql_and_boto3_clients_reach_the_server(blog: LocalApi) -> None:
    assert blog.gql.execute(gql(ECHO)) == {"echo": "hi"}
    assert blog.stepfunctions.list_state_machines()["stateMachines"] == []
    assert "TableNames" in blog.dynamodb.list_tables()
    assert blog.client("sqs").create_queue(QueueName="kit")["QueueUrl"].endswith("/kit")
    realtime = blog.gql_realtime()
    assert realtime.transport.url.startswith(blog.realtime_url + "?header=")


def test_the_clock_moves_settles_and_goes_back(blog: LocalApi) -> None:
    blog.reset()
    assert blog.clock.manual
    assert blog.clock.now() == START
    assert blog.clock.advance(1, minutes=1, hours=1, days=1) == datetime(
        2030, 1, 2, 1, 1, 1, tzinfo=UTC
    )
    assert blog.clock.settle() == datetime(2030, 1, 2, 1, 1, 1, tzinfo=UTC)
    assert blog.clock.set(datetime(2029, 6, 1, tzinfo=UTC)) == datetime(2029, 6, 1, tzinfo=UTC)
    with pytest.raises(LocalApiError, match="timezone-aware"):
        blog.clock.set(datetime(2029, 6, 1))
    outcome = blog.reset()
    assert (outcome["connectionsClosed"], outcome["clockReset"]) == (0, True)
    # The blog's declared tables, created again.
    declared = [table.table_name for table in blog.definition.server.dynamodb.tables]
    assert outcome["tables"] == declared
    assert blog.clock.now() == START


def test_a_wait_for_an_execution_returns_once_it_has_finished(blog: LocalApi) -> None:
    sfn = blog.stepfunctions
    machine = sfn.create_state_machine(
        name="quick",
        definition='{"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}',
        roleArn="arn:aws:iam::123456789012:role/r",
    )
    started = sfn.start_execution(stateMachineArn=machine["stateMachineArn"])
    assert blog.wait_for_execution(started["executionArn"])["status"] == "SUCCEEDED"
    blog.reset()


def test_tokens_need_a_provider_of_their_kind(blog: LocalApi) -> None:
    with pytest.raises(TokenError, match=r"\(user_pool_id=...\): the API's are: none"):
        blog.cognito_token("alice")
    with pytest.raises(TokenError, match=r"\(issuer=...\): the API's are: none"):
        blog.oidc_token("alice", signing_key={"kty": "RSA"})
