"""The embedded engine as the server builds it: declared machines and activities, the runner the
data sources call, and where workflows' HTTP Tasks to this API go."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from appsync.aws.endpoint import AwsEndpoint
from appsync.aws.forward import PrimaryServices
from appsync.aws.keys import endpoint_credentials
from appsync.aws.listener import AwsOnlyApp, extra_listener
from appsync.aws.states import StepFunctionsRoute
from appsync.aws.transport import EMBEDDED_URL
from appsync.errors import ConfigError
from appsync.hosts import HostPolicy
from appsync.stepfunctions_embedded import (
    SelfRoutes,
    build_step_functions,
    running,
    state_machine_problems,
)
from auth.clock import SystemClock
from auth.signature import SigV4Verifier
from definition.model import (
    TEST_ACCESS_KEY,
    AccessKey,
    AwsEndpointSettings,
    InlineSource,
    StateMachineSpec,
    StateMachineType,
    StepFunctionsSettings,
    StepFunctionsTarget,
)
from definition.problems import Problem
from resolvers.datasources.http import HttpStateMachineRunner

API = "https://abcdefghijklmnopqrstuvwxyz.appsync-api.us-east-1.amazonaws.com/graphql"
ROLE = "arn:aws:iam::123456789012:role/r"
MACHINE = "arn:aws:states:us-east-1:123456789012:stateMachine:declared"


def test_appsync_urls_go_to_this_server_once_its_address_is_known() -> None:
    routes = SelfRoutes(None)
    assert routes.resolve(API) == API  # no request seen yet
    routes.learn({"type": "http", "server": ("127.0.0.1", 4321)})
    assert routes.resolve(API) == "http://127.0.0.1:4321/graphql"
    assert routes.resolve(API + "?x=1") == "http://127.0.0.1:4321/graphql?x=1"
    assert routes.resolve("https://api.example.com/graphql") == "https://api.example.com/graphql"


def test_a_wildcard_bind_is_reached_on_loopback() -> None:
    routes = SelfRoutes(None)
    routes.learn({"type": "http", "server": ("0.0.0.0", 80)})
    assert routes.resolve(API) == "http://127.0.0.1:80/graphql"


def test_a_server_with_tls_is_reached_over_https() -> None:
    for scheme in ("https", "wss"):
        routes = SelfRoutes(None)
        routes.learn({"type": "http", "scheme": scheme, "server": ("127.0.0.1", 8443)})
        assert routes.resolve(API) == "https://127.0.0.1:8443/graphql"


def test_an_api_url_limits_the_routing_to_that_url() -> None:
    mine = "https://orders.example.com/graphql"
    routes = SelfRoutes(mine)
    routes.learn({"type": "http", "server": ("127.0.0.1", 5000)})
    assert routes.resolve(mine) == "http://127.0.0.1:5000/graphql"
    assert routes.resolve(API) == API


def test_a_scope_without_a_server_teaches_nothing() -> None:
    routes = SelfRoutes(None)
    routes.learn({"type": "lifespan"})
    assert routes.base is None


def test_target_aws_sends_states_data_sources_to_aws() -> None:
    embedded = build_step_functions(StepFunctionsSettings(target=StepFunctionsTarget.AWS), "a.yaml")
    assert isinstance(embedded.runner, HttpStateMachineRunner)
    assert embedded.http_runner is None


@pytest.mark.anyio
async def test_declared_machines_and_activities_exist_once_running(tmp_path: Path) -> None:
    definition = tmp_path / "m.asl.json"
    definition.write_text(
        json.dumps({"StartAt": "A", "States": {"A": {"Type": "Pass", "End": True}}})
    )
    settings = StepFunctionsSettings(
        activities=("reserve",),
        state_machines=(StateMachineSpec("m", definition, StateMachineType.EXPRESS),),
    )
    embedded = build_step_functions(settings, "a.yaml")
    assert embedded.http_runner is embedded.runner
    async with running(embedded, EMBEDDED_URL, TEST_ACCESS_KEY, None):
        status, machine = await embedded.runner.call(
            "DescribeStateMachine",
            {"stateMachineArn": "arn:aws:states:us-east-1:123456789012:stateMachine:m"},
        )
        assert (status, machine["type"]) == (200, "EXPRESS")
        status, activities = await embedded.runner.call("ListActivities", {})
        assert [a["name"] for a in activities["activities"]] == ["reserve"]


@pytest.mark.anyio
async def test_an_invalid_definition_stops_the_start_with_its_key_path(tmp_path: Path) -> None:
    definition = tmp_path / "bad.asl.json"
    definition.write_text(json.dumps({"StartAt": "Nowhere", "States": {}}))
    settings = StepFunctionsSettings(state_machines=(StateMachineSpec("bad", definition),))
    embedded = build_step_functions(settings, "a.yaml")
    with pytest.raises(ConfigError) as refused:
        async with running(embedded, EMBEDDED_URL, TEST_ACCESS_KEY, None):
            pass
    [problem] = refused.value.problems
    assert problem.key_path == "server.stepFunctions.stateMachines[0]"
    assert problem.message.startswith("InvalidDefinition")


def test_a_database_sqlite_cannot_open_is_a_problem_of_its_key(tmp_path: Path) -> None:
    settings = StepFunctionsSettings(database=tmp_path / "missing" / "executions.db")
    with pytest.raises(ConfigError) as refused:
        build_step_functions(settings, "appsync.yaml")
    [problem] = refused.value.problems
    assert (problem.file, problem.key_path) == ("appsync.yaml", "server.stepFunctions.database")
    assert problem.message == (
        f"cannot open {tmp_path / 'missing' / 'executions.db'}: unable to open database file"
    )


@pytest.mark.anyio
async def test_data_sources_may_not_store_or_run_a_definition_of_their_own() -> None:
    # A GraphQL client must not get a state machine of its writing run (its HTTP Tasks would
    # carry the connections' secrets to any URL): AWS's AccessDeniedException, status 400.
    embedded = build_step_functions(StepFunctionsSettings(), "a.yaml")
    machine = json.dumps({"StartAt": "A", "States": {"A": {"Type": "Pass", "End": True}}})
    async with running(embedded, EMBEDDED_URL, TEST_ACCESS_KEY, None):
        for operation, body in (
            ("CreateStateMachine", {"name": "m", "definition": machine, "roleArn": ROLE}),
            ("UpdateStateMachine", {"stateMachineArn": MACHINE, "definition": machine}),
            ("TestState", {"definition": machine, "roleArn": ROLE}),
        ):
            status, answer = await embedded.runner.call(operation, body)
            assert (status, answer["__type"]) == (400, "AccessDeniedException")
            assert f"is not authorized to perform: states:{operation}" in answer["message"]
        status, machines = await embedded.runner.call("ListStateMachines", {})
        assert (status, machines) == (200, {"stateMachines": []})


@pytest.mark.anyio
async def test_task_states_reach_the_embedded_services_unless_real_aws_is_chosen() -> None:
    embedded = build_step_functions(StepFunctionsSettings(), "a.yaml")
    key = AccessKey("AKIALOCALTASKS00001", "tasks-secret")
    async with running(embedded, EMBEDDED_URL, key, None):
        endpoints = embedded.clients.endpoints
        assert endpoints.embedded_url == EMBEDDED_URL
        assert endpoints.credentials == ("AKIALOCALTASKS00001", "tasks-secret")
    chosen = StepFunctionsSettings(service_integrations=StepFunctionsTarget.AWS)
    embedded = build_step_functions(chosen, "a.yaml")
    # Before start nothing points at real AWS.
    assert embedded.clients.endpoints.embedded_url == EMBEDDED_URL
    async with running(embedded, EMBEDDED_URL, key, None):
        assert embedded.clients.endpoints.embedded_url is None


def test_a_definition_the_engine_would_refuse_is_a_problem_before_the_start(
    tmp_path: Path,
) -> None:
    good = {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}
    (tmp_path / "good.asl.json").write_text(json.dumps(good))
    settings = StepFunctionsSettings(
        state_machines=(
            StateMachineSpec("good", tmp_path / "good.asl.json"),
            StateMachineSpec("bad", InlineSource('{"StartAt": "Nowhere", "States": {}}', "Bad")),
            StateMachineSpec("gone", tmp_path / "gone.asl.json"),
        )
    )

    def locate(key_path: str, message: str) -> Problem:
        return Problem("appsync.yaml", key_path, message)

    bad, gone = state_machine_problems(settings, locate)
    assert bad.key_path == "server.stepFunctions.stateMachines[1].definition"
    # CreateStateMachine's own refusal, as the start would meet it.
    assert bad.message.startswith("InvalidDefinition: Invalid State Machine Definition: ")
    assert gone.key_path == "server.stepFunctions.stateMachines[2].definition"
    assert gone.message.startswith(f"cannot read {tmp_path / 'gone.asl.json'}: ")


@pytest.mark.anyio
@pytest.mark.timeout(30)
async def test_a_workers_data_sources_run_the_primarys_engine() -> None:
    """`serve --workers`: a worker's data sources call the primary's engine over its AWS
    endpoint (signed with the endpoint's key), with the same refusals as in one process."""
    primary = build_step_functions(StepFunctionsSettings(), "a.yaml")
    verifier = SigV4Verifier(endpoint_credentials(AwsEndpointSettings()), SystemClock())
    endpoint = AwsEndpoint(verifier, {"states": StepFunctionsRoute(primary.service)})
    machine = json.dumps({"StartAt": "A", "States": {"A": {"Type": "Pass", "End": True}}})
    create = {"name": "declared", "definition": machine, "roleArn": ROLE}
    async with (
        running(primary, EMBEDDED_URL, TEST_ACCESS_KEY, None),
        extra_listener(AwsOnlyApp(endpoint, HostPolicy()), "127.0.0.1", 0) as url,
    ):
        status, _ = await primary.service.handle("CreateStateMachine", json.dumps(create).encode())
        assert status == 200
        worker = build_step_functions(
            StepFunctionsSettings(), "a.yaml", primary=PrimaryServices(url, TEST_ACCESS_KEY)
        )
        status, started = await worker.runner.call("StartExecution", {"stateMachineArn": MACHINE})
        assert status == 200
        status, described = await primary.service.handle(
            "DescribeExecution", json.dumps({"executionArn": started["executionArn"]}).encode()
        )
        assert (status, described["stateMachineArn"]) == (200, MACHINE)
        status, refused = await worker.runner.call("CreateStateMachine", create)
        assert (status, refused["__type"]) == (400, "AccessDeniedException")
