"""The local Lambda runtime as the server runs it: the declared functions loaded into one
invoker when the API is built (what CreateFunction refuses is a problem; a runtime this machine
cannot run is refused with a warning and the rest serves), their SDKs pointed at the server's own
address once it is known, with the endpoint's declared key, and the seams that data sources,
Task states and the AWS endpoint call."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from appsync.functions_embedded import (
    DEFAULT_NODE_SDK,
    DataSourceFunctions,
    EmbeddedFunctions,
    TaskFunctions,
    authorizer_function,
    build_functions,
    data_source_function,
    describe,
    redeclare,
    running,
)
from appsync.stepfunctions_embedded import SelfRoutes
from auth.errors import AuthorizerFunctionError
from definition.appsync_yaml.api import read_appsync_yaml
from definition.model import AccessKey, ApiDefinition, DataSourceSpec, DataSourceType
from functions.model import InvocationType
from resolvers.datasources.lambda_boto import BotoFunctions
from resolvers.errors import LambdaApiError
from stepfunctions.runtime.errors import LambdaServiceError

pytestmark = pytest.mark.anyio

KEY = AccessKey("AKIDLOCAL", "local-secret")
ENVIRONMENT = """
import os

def handler(event, context):
    names = ("AWS_ENDPOINT_URL", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_REGION")
    return {name: os.environ.get(name) for name in names}
"""


def definition(tmp_path: Path, functions: str) -> ApiDefinition:
    (tmp_path / "code").mkdir(exist_ok=True)
    (tmp_path / "code" / "app.py").write_text(ENVIRONMENT, encoding="utf-8")
    (tmp_path / "schema.graphql").write_text("type Query { a: String }\n", encoding="utf-8")
    path = tmp_path / "appsync.yaml"
    path.write_text(
        "schema: schema.graphql\nauthenticationType: API_KEY\n"
        f"server:\n  lambda:\n    functions:\n{functions}",
        encoding="utf-8",
    )
    return read_appsync_yaml(path)


def build(api: ApiDefinition, routes: SelfRoutes | None = None) -> EmbeddedFunctions:
    problems: list[str] = []
    functions = build_functions(
        api,
        "eu-west-1",
        KEY,
        routes or SelfRoutes(None),
        lambda *where: problems.append(":".join(where)),
    )
    assert problems == []
    return functions


PYTHON = "      - {FunctionName: env, Runtime: python3.12, Handler: app.handler, CodeUri: code}\n"


async def test_functions_reach_the_address_the_server_learns_with_the_declared_key(
    tmp_path: Path,
) -> None:
    routes = SelfRoutes(None)
    functions = build(definition(tmp_path, PYTHON), routes)
    assert functions.names == ["env"]
    assert functions.declares("arn:aws:lambda:us-east-1:123456789012:function:env")
    assert not functions.declares("other")
    # A wildcard bind is reached on loopback.
    routes.learn({"server": ("0.0.0.0", 4010), "scheme": "http"})
    async with running(functions):
        answer = await DataSourceFunctions(functions).invoke("env", b"{}")
    assert json.loads(answer.payload) == {
        "AWS_ENDPOINT_URL": "http://127.0.0.1:4010",
        "AWS_ACCESS_KEY_ID": "AKIDLOCAL",
        "AWS_SECRET_ACCESS_KEY": "local-secret",
        "AWS_REGION": "eu-west-1",
    }
    assert functions.invoker.settings.node_sdk is not None
    assert functions.invoker.settings.node_sdk.directory == DEFAULT_NODE_SDK


async def test_task_states_get_the_invoke_apis_answers(tmp_path: Path) -> None:
    functions = build(definition(tmp_path, PYTHON))
    tasks = TaskFunctions(functions)
    async with running(functions):
        answer = await tasks.invoke("env", b"{}")
        queued = await tasks.invoke("env", b"{}", "Event")
        with pytest.raises(LambdaServiceError) as missing:
            await tasks.invoke("nope", b"{}")
        with pytest.raises(LambdaServiceError) as kind:
            await tasks.invoke("env", b"{}", "Later")
    assert (answer.status_code, answer.function_error, answer.executed_version) == (
        200,
        None,
        "$LATEST",
    )
    assert queued.status_code == 202
    assert (missing.value.code, missing.value.status) == ("ResourceNotFoundException", 404)
    assert (kind.value.code, kind.value.status) == ("InvalidParameterValueException", 400)


async def test_an_authorizer_function_answers_or_fails_with_why(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "code").mkdir()
    (tmp_path / "code" / "auth.py").write_text(
        "def handler(event, context):\n"
        "    if event['authorizationToken'] == 'boom':\n"
        "        raise KeyError('no such user')\n"
        "    return {'isAuthorized': True, 'resolverContext': {'fn': context.function_name}}\n",
        encoding="utf-8",
    )
    functions = build(
        definition(
            tmp_path,
            PYTHON + "      - {FunctionName: auth, Runtime: python3.12, Handler: auth.handler, "
            "CodeUri: code}\n",
        )
    )
    named = authorizer_function(functions)
    with caplog.at_level(logging.WARNING, logger="appsync.functions_embedded"):
        missing = named("arn:aws:lambda:eu-west-1:123456789012:function:gone")
    assert "calls arn:aws:lambda:eu-west-1:123456789012:function:gone, which is not declared" in (
        caplog.text
    )
    # The ARN as AppSync's authorizerUri takes it, or the name.
    declared = named("arn:aws:lambda:eu-west-1:123456789012:function:auth")
    async with running(functions):
        answer = await declared.call({"authorizationToken": "ok"})
        with pytest.raises(AuthorizerFunctionError) as failed:
            await declared.call({"authorizationToken": "boom"})
        with pytest.raises(AuthorizerFunctionError) as refused:
            await missing.call({"authorizationToken": "ok"})
    assert answer == {"isAuthorized": True, "resolverContext": {"fn": "auth"}}
    # Lambda's error object (the Python runtime's errorType), and Lambda API's refusal.
    assert str(failed.value) == "KeyError: 'no such user'"
    assert str(refused.value).startswith("ResourceNotFoundException: Function not found: ")


async def test_what_create_function_refuses_is_a_problem_at_its_key_path(tmp_path: Path) -> None:
    api = definition(
        tmp_path,
        "      - FunctionName: env\n"
        "        Runtime: python3.12\n"
        "        Handler: app.handler\n"
        "        CodeUri: code\n"
        "        Environment: {Variables: {AWS_REGION: x}}\n",
    )
    problems: list[tuple[str, str]] = []
    build_functions(api, "eu-west-1", KEY, SelfRoutes(None), lambda *p: problems.append(p))
    [(where, message)] = problems
    assert where == "server.lambda.functions[0]"
    assert message.endswith("Reserved keys used in this request: AWS_REGION")


async def test_a_runtime_that_cannot_run_here_is_refused_and_the_rest_serve(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    api = definition(
        tmp_path,
        PYTHON
        + "      - {FunctionName: node, Runtime: nodejs20.x, Handler: index.h, CodeUri: code}\n"
        + "      - {FunctionName: java, Runtime: java21, Handler: a.B::c, CodeUri: code}\n",
    )
    # No node on this PATH.
    monkeypatch.setenv("PATH", str(tmp_path / "code"))
    with caplog.at_level(logging.WARNING, logger="appsync.functions_embedded"):
        functions = build(api)
    assert functions.names == ["env"]
    assert sorted(functions.refused) == ["java", "node"]
    assert any("Node.js was not found on the PATH" in r.getMessage() for r in caplog.records)
    assert describe(functions)[0] == "Lambda: functions env"
    assert describe(functions)[1].startswith("Lambda: node not served (Function node ")
    async with running(functions):
        with pytest.raises(LambdaApiError) as refused:
            await DataSourceFunctions(functions).invoke("node", b"{}")
        with pytest.raises(LambdaServiceError) as task:
            await TaskFunctions(functions).invoke("java", b"{}")
        served = await functions.invoke("env", b"{}", InvocationType.REQUEST_RESPONSE)
    assert refused.value.error_type == "Lambda:InvalidRuntimeException"
    assert "Node.js was not found" in refused.value.message
    assert (task.value.code, task.value.status) == ("InvalidRuntimeException", 502)
    assert served.function_error is None


async def test_inline_code_is_written_where_cloudformation_writes_it(tmp_path: Path) -> None:
    api = definition(
        tmp_path,
        "      - FunctionName: inline\n"
        "        Runtime: python3.12\n"
        "        Handler: index.handler\n"
        "        Code:\n"
        "          ZipFile: \"def handler(event, context):\\n    return event['n'] + 1\\n\"\n",
    )
    functions = build(api)
    async with running(functions):
        answer = await DataSourceFunctions(functions).invoke("inline", b'{"n": 41}')
    assert answer.payload == b"42"
    assert (functions.invoker.spec("inline").code_dir / "index.py").is_file()


def test_a_data_source_names_a_declared_function_or_one_behind_its_endpoint(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    functions = build(definition(tmp_path, PYTHON))
    arn = "arn:aws:lambda:ap-south-1:123456789012:function:remote"
    remote = DataSourceSpec(
        "Remote",
        DataSourceType.AWS_LAMBDA,
        None,
        None,
        lambda_function_arn=arn,
        lambda_endpoint="http://127.0.0.1:3001",
    )
    function = data_source_function(remote, functions)
    assert function.function_name == arn
    invoker = function.invoker
    assert isinstance(invoker, BotoFunctions)
    assert invoker.endpoint == "http://127.0.0.1:3001"
    local = DataSourceSpec("Env", DataSourceType.AWS_LAMBDA, None, None, lambda_function_arn="env")
    with caplog.at_level(logging.WARNING, logger="appsync.functions_embedded"):
        assert isinstance(data_source_function(local, functions).invoker, DataSourceFunctions)
        undeclared = DataSourceSpec(
            "Gone", DataSourceType.AWS_LAMBDA, None, None, lambda_function_arn="gone"
        )
        data_source_function(undeclared, functions)
    # This module's records only: another thread's (a worker of an earlier test stopping) may
    # land in the same capture.
    [warning] = [r for r in caplog.records if r.name == "appsync.functions_embedded"]
    assert "data source Gone calls gone, which is not declared" in warning.getMessage()


async def test_a_reload_loads_again_only_the_functions_that_changed(tmp_path: Path) -> None:
    """`redeclare`: a function declared as before keeps its pool (and warm workers), one
    declared otherwise or with an edited file in its code directory gets a new one, one no
    longer declared is gone, a new one is loaded."""
    line = (
        "      - {{FunctionName: {name}, Runtime: python3.12, Handler: app.handler, "
        "CodeUri: code{extra}}}\n"
    )
    before = definition(
        tmp_path,
        line.format(name="same", extra="")
        + line.format(name="edited", extra="")
        + line.format(name="redeclared", extra="")
        + line.format(name="gone", extra=""),
    )
    functions = build(before)
    pools = {name: functions.invoker._pools[name] for name in functions.names}
    after = definition(
        tmp_path,
        line.format(name="same", extra="")
        + line.format(name="edited", extra="")
        + line.format(name="redeclared", extra=", Timeout: 9")
        + line.format(name="new", extra=""),
    )
    assert await redeclare(functions, before, after, []) == ["new", "redeclared"]
    assert functions.names == ["edited", "new", "redeclared", "same"]
    assert functions.invoker._pools["same"] is pools["same"]
    assert functions.invoker._pools["edited"] is pools["edited"]
    assert functions.invoker._pools["redeclared"] is not pools["redeclared"]
    assert functions.invoker.spec("redeclared").timeout == 9
    # They all share one code directory: an edit there loads each of them again.
    edited = await redeclare(functions, after, after, [tmp_path / "code" / "app.py"])
    assert edited == ["edited", "new", "redeclared", "same"]
    assert functions.invoker._pools["same"] is not pools["same"]
