"""A service's functions become the Lambda functions the framework deploys (Serverless
Framework v3: compile/functions.js for the defaults, naming.js for the logical ids,
Service.setFunctionNames for the names)."""

from __future__ import annotations

from pathlib import Path

from definition.serverless.compiler import Compiled, PluginReader
from definition.serverless.functions import compile_functions


def test_functions_take_the_framework_s_names_and_defaults(tmp_path: Path) -> None:
    reader = PluginReader(tmp_path / "serverless.yml")
    out = Compiled()
    provider = {"runtime": "python3.12", "environment": {"STAGE": "dev", "TABLE": "a"}}
    functions = {
        "get-post": {"handler": "posts.get", "environment": {"TABLE": "b"}},
        "list_posts": {
            "handler": "posts.list",
            "name": "custom",
            "timeout": 30,
            "memorySize": 256,
            "runtime": "nodejs20.x",
            "events": [{"http": "GET posts"}],
        },
        "removed": None,
    }
    compile_functions(reader, functions, provider, "posts", "dev", out)
    assert list(out.resources) == [
        "GetDashpostLambdaFunction",
        "List_postsLambdaFunction".replace("_", "Underscore"),
    ]
    get = out.resources["GetDashpostLambdaFunction"]["Properties"]
    assert get == {
        "FunctionName": "posts-dev-get-post",
        "Handler": "posts.get",
        "Runtime": "python3.12",
        "Code": ".",
        "MemorySize": 1024,
        "Timeout": 6,
        "Environment": {"Variables": {"STAGE": "dev", "TABLE": "b"}},
    }
    listed = out.resources["ListUnderscorepostsLambdaFunction"]["Properties"]
    assert (listed["FunctionName"], listed["Timeout"], listed["MemorySize"], listed["Runtime"]) == (
        "custom",
        30,
        256,
        "nodejs20.x",
    )
    assert out.where["GetDashpostLambdaFunction"] == "functions.get-post"
    assert [notice.message for notice in reader.notices] == [
        "accepted; events do not trigger functions locally (list_posts)"
    ]
    assert reader.problems == []


def test_a_function_that_is_not_a_mapping_is_a_problem(tmp_path: Path) -> None:
    reader = PluginReader(tmp_path / "serverless.yml")
    compile_functions(reader, {"bad": "handler.main"}, {}, "posts", "dev", Compiled())
    assert [(p.key_path, p.message) for p in reader.problems] == [
        ("functions.bad", "expected a function's settings")
    ]
