"""The control API on the AWS endpoint (in process, through the ASGI app): a manual clock that
Wait states, API key expiry and `$util.time` follow, and every refusal: not enabled, not on
loopback, not signed, a wall clock, bad input."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.unit.appsync.control_support import aws_call, control, graphql, running

pytestmark = pytest.mark.anyio
MACHINE = "arn:aws:states:us-east-1:123456789012:stateMachine:daily"


async def test_a_days_wait_ends_when_the_clock_is_advanced_a_day(tmp_path: Path) -> None:
    async with running(tmp_path) as (app, _):
        status, started = await aws_call(
            app, "states", "AWSStepFunctions.StartExecution", {"stateMachineArn": MACHINE}
        )
        assert status == 200
        describe = {"executionArn": started["executionArn"]}
        target = "AWSStepFunctions.DescribeExecution"
        assert (await aws_call(app, "states", target, describe))[1]["status"] == "RUNNING"
        status, clock = await control(app, "AdvanceClock", {"seconds": 86_399})
        assert (status, clock["now"]) == (200, "2024-01-01T23:59:59.000000Z")
        assert (await aws_call(app, "states", target, describe))[1]["status"] == "RUNNING"
        await control(app, "AdvanceClock", {"seconds": 1})
        # AdvanceClock answers once the woken execution has run on: no polling needed.
        described = (await aws_call(app, "states", target, describe))[1]
        assert described["status"] == "SUCCEEDED"
        assert described["stopDate"] == 1_704_153_600.0


async def test_util_time_and_api_key_expiry_follow_the_clock(tmp_path: Path) -> None:
    async with running(tmp_path) as (app, _):
        assert (await graphql(app, "{ now }")).json() == {
            "data": {"now": "2024-01-01T00:00:00.000Z"}
        }
        status, clock = await control(app, "SetClock", {"time": "2024-01-07T23:59:59+00:00"})
        assert status == 200
        assert clock == {
            "mode": "MANUAL",
            "now": "2024-01-07T23:59:59.000000Z",
            "epochSeconds": 1_704_671_999.0,
            "start": "2024-01-01T00:00:00.000000Z",
        }
        # VTL's $util.time and APPSYNC_JS's util.time read the same clock.
        assert (await graphql(app, "{ now jsNow }")).json() == {
            "data": {"now": "2024-01-07T23:59:59.000Z", "jsNow": "2024-01-07T23:59:59.000Z"}
        }
        await control(app, "AdvanceClock", {"seconds": 1})
        expired = await graphql(app, "{ now }")
        # The key's `expires` (2024-01-08T00:00:00Z) has come: AppSync's 401 for a bad key.
        assert expired.status_code == 401
        assert expired.json()["errors"][0]["message"] == (
            "You are not authorized to make this call."
        )
        # SetClock takes epoch seconds too, and goes back.
        await control(app, "SetClock", {"time": 1_704_067_200})
        assert (await graphql(app, "{ now }")).status_code == 200


async def test_describe_clock_on_the_wall_clock_and_moving_it_is_refused(tmp_path: Path) -> None:
    async with running(tmp_path, manual=False) as (app, _):
        status, clock = await control(app, "DescribeClock")
        assert (status, clock["mode"], clock["start"]) == (200, "WALL", None)
        status, refused = await control(app, "AdvanceClock", {"seconds": 1})
        assert (status, refused["__type"]) == (400, "ValidationException")
        assert "--clock manual" in refused["message"]


async def test_a_server_without_the_control_api_refuses_it(tmp_path: Path) -> None:
    async with running(tmp_path, control=False) as (app, _):
        status, refused = await control(app, "DescribeClock")
    assert (status, refused["__type"]) == (403, "AccessDeniedException")
    assert "--control-api" in refused["message"]


async def test_only_loopback_clients_with_the_endpoints_keys_reach_it(tmp_path: Path) -> None:
    async with running(tmp_path) as (app, _):
        status, refused = await control(app, "ResetState", client=("203.0.113.9", 40000))
        assert (status, refused["__type"]) == (403, "AccessDeniedException")
        assert refused["message"] == "The control API answers clients on a loopback address only"
        status, unsigned = await control(app, "ResetState", signed=False)
        assert (status, unsigned["__type"]) == (400, "MissingAuthenticationTokenException")
        assert (await control(app, "DescribeClock", client=("::1", 40000)))[0] == 200


@pytest.mark.parametrize(
    ("operation", "body", "error"),
    [
        ("AdvanceClock", {"seconds": -1}, "ValidationException"),
        ("AdvanceClock", {"seconds": "60"}, "ValidationException"),
        ("AdvanceClock", {}, "ValidationException"),
        ("SetClock", {"time": "2024-03-01T00:00:00"}, "ValidationException"),
        ("SetClock", {"time": "tomorrow"}, "ValidationException"),
        ("ResetState", {"seed": "yes"}, "ValidationException"),
        ("MakeCoffee", {}, "UnknownOperationException"),
    ],
)
async def test_bad_requests_get_an_aws_json_error(
    tmp_path: Path, operation: str, body: dict[str, object], error: str
) -> None:
    async with running(tmp_path) as (app, _):
        status, refused = await control(app, operation, body)
    assert (status, refused["__type"]) == (400, error)


async def test_a_body_that_is_no_json_object_is_a_serialization_exception(tmp_path: Path) -> None:
    async with running(tmp_path) as (app, _):
        status, refused = await aws_call(app, "appsync-local", "AppSyncLocal.SetClock", [])  # type: ignore[arg-type]
    assert (status, refused["__type"]) == (400, "SerializationException")
