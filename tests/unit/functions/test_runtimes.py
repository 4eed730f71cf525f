"""How workers start: the Python command (the server's interpreter without `site`, or the
function's own), its path (code, then layers' `python` and `python/lib/python3.x/site-packages`,
AWS Lambda developer guide "Working with layers for Python Lambda functions"), Node.js from the
PATH with Lambda's NODE_PATH order (`/opt/nodejs/nodeNN/node_modules:/opt/nodejs/node_modules:
/var/runtime/node_modules:...:/var/task`), and the refusal where Node.js is missing."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

from functions.errors import InvalidParameterValueError, RuntimeUnavailableError
from functions.model import FunctionSpec
from functions.node_sdk import NodeSdk
from functions.runtimes import (
    PYTHON_BOOTSTRAP,
    PYTHON_PATHS_VARIABLE,
    RUNTIME_PACKAGES_VARIABLE,
    runtime_package_dirs,
    worker_command,
)


def python_spec(tmp_path: Path, **changes: object) -> FunctionSpec:
    values: dict[str, object] = {"layers": (tmp_path / "one", tmp_path / "two")}
    values.update(changes)
    return FunctionSpec("f", "python3.12", "app.handler", tmp_path / "code", **values)  # type: ignore[arg-type]


def test_the_default_python_worker_runs_the_servers_interpreter_without_site(
    tmp_path: Path,
) -> None:
    spec = python_spec(tmp_path)
    command = worker_command(spec, spec.parsed_runtime(), node_sdk=None, search_path=None)
    assert command.argv == (sys.executable, "-S", "-u", "-X", "utf8", str(PYTHON_BOOTSTRAP))
    paths = json.loads(command.variables[PYTHON_PATHS_VARIABLE])
    resolved = tmp_path.resolve()
    assert paths == [
        str(resolved / "code"),
        str(resolved / "two" / "python"),
        str(resolved / "two" / "python" / "lib" / "python3.12" / "site-packages"),
        str(resolved / "one" / "python"),
        str(resolved / "one" / "python" / "lib" / "python3.12" / "site-packages"),
    ]
    assert json.loads(command.variables[RUNTIME_PACKAGES_VARIABLE]) == runtime_package_dirs()


def test_a_virtual_environment_runs_its_own_python_with_its_site(tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    (venv / "bin" / "python").symlink_to(sys.executable)
    spec = python_spec(tmp_path, python_executable=venv)
    command = worker_command(spec, spec.parsed_runtime(), node_sdk=None, search_path=None)
    assert command.argv[0] == str(venv / "bin" / "python")
    assert "-S" not in command.argv
    direct = python_spec(tmp_path, python_executable=Path(sys.executable))
    assert worker_command(direct, direct.parsed_runtime(), node_sdk=None, search_path=None).argv[
        0
    ] == str(sys.executable)


def test_a_missing_interpreter_is_refused(tmp_path: Path) -> None:
    spec = python_spec(tmp_path, python_executable=tmp_path / "nowhere" / "python")
    with pytest.raises(InvalidParameterValueError, match=r"Python interpreter .* not found"):
        worker_command(spec, spec.parsed_runtime(), node_sdk=None, search_path=None)


def test_boto3_and_its_dependencies_are_found_where_the_server_has_them() -> None:
    found = runtime_package_dirs()
    assert set(found) >= {"boto3", "botocore", "s3transfer", "jmespath", "dateutil", "urllib3"}
    assert (Path(found["boto3"]) / "boto3" / "__init__.py").is_file()
    assert (Path(found["six"]) / "six.py").is_file()


def test_node_path_lists_layers_then_the_sdk_then_the_code(tmp_path: Path, node: str) -> None:
    spec = FunctionSpec(
        "f", "nodejs20.x", "index.handler", tmp_path / "code", layers=(tmp_path / "l1",)
    )
    command = worker_command(
        spec, spec.parsed_runtime(), node_sdk=NodeSdk(tmp_path / "sdk"), search_path=None
    )
    assert command.argv[0] == node
    resolved = tmp_path.resolve()
    assert command.variables["NODE_PATH"].split(os.pathsep) == [
        str(resolved / "l1" / "nodejs" / "node20" / "node_modules"),
        str(resolved / "l1" / "nodejs" / "node_modules"),
        str(resolved / "sdk" / "node_modules"),
        str(resolved / "code"),
    ]


def test_a_node_function_is_refused_where_node_is_not_on_the_path(tmp_path: Path) -> None:
    empty = tmp_path / "bin"
    empty.mkdir()
    spec = FunctionSpec("orders", "nodejs20.x", "index.handler", tmp_path)
    with pytest.raises(RuntimeUnavailableError) as caught:
        worker_command(spec, spec.parsed_runtime(), node_sdk=None, search_path=str(empty))
    assert caught.value.function_name == "orders"
    assert caught.value.message == (
        "Function orders (nodejs20.x) cannot run: Node.js was not found on the PATH. Install "
        "Node.js 18 or newer (https://nodejs.org/) and restart; the API's other functions and "
        "resolvers still serve."
    )
