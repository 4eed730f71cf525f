"""Function specs and the Invoke API's result.

Limits from Lambda's CreateFunction (Timeout 1-900 s, MemorySize 128-10,240 MB); runtime
identifiers `python3.x` and `nodejsNN.x` (AWS Lambda developer guide, "Lambda runtimes"); the
Invoke response's LogResult is base64 (https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html).
"""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from functions.errors import InvalidParameterValueError, RuntimeUnavailableError
from functions.model import FunctionSpec, InvokeResult, Language, Runtime, parse_runtime


def test_python_and_nodejs_runtimes_are_parsed() -> None:
    assert parse_runtime("f", "python3.12") == Runtime("python3.12", Language.PYTHON, 3, 12)
    assert parse_runtime("f", "nodejs20.x") == Runtime("nodejs20.x", Language.NODEJS, 20)
    assert parse_runtime("f", "nodejs18.x").execution_env == "AWS_Lambda_nodejs18.x"


@pytest.mark.parametrize("identifier", ["java21", "provided.al2023", "python2.7", "nodejs"])
def test_other_runtimes_are_refused_by_name(identifier: str) -> None:
    with pytest.raises(RuntimeUnavailableError) as caught:
        parse_runtime("orders", identifier)
    assert caught.value.function_name == "orders"
    assert caught.value.runtime == identifier
    assert repr(identifier) in caught.value.message


def test_a_spec_within_lambdas_limits_passes(tmp_path: Path) -> None:
    FunctionSpec("f", "python3.12", "app.handler", tmp_path, timeout=900, memory_size=10240).check()


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"timeout": 0}, "Timeout must be between 1 and 900"),
        ({"timeout": 901}, "Timeout must be between 1 and 900"),
        ({"memory_size": 64}, "MemorySize must be between 128 and 10240"),
        ({"reserved_concurrency": -1}, "cannot be negative"),
        ({"concurrency_limit": -2}, "cannot be negative"),
    ],
)
def test_a_spec_past_lambdas_limits_is_refused(
    tmp_path: Path, changes: dict[str, int], words: str
) -> None:
    values = {"timeout": 3.0, "memory_size": 128, "reserved_concurrency": None}
    values.update(changes)
    spec = FunctionSpec("f", "python3.12", "app.handler", tmp_path, **values)  # type: ignore[arg-type]
    with pytest.raises(InvalidParameterValueError, match=words):
        spec.check()


def test_a_missing_code_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InvalidParameterValueError, match="does not exist"):
        FunctionSpec("f", "python3.12", "app.handler", tmp_path / "nowhere").check()


def test_result_error_and_log_tail() -> None:
    result = InvokeResult(
        200,
        b'{"errorType": "Error", "errorMessage": "boom"}',
        "r-1",
        function_error="Unhandled",
        log_result=base64.b64encode(b"START RequestId: r-1").decode(),
    )
    assert result.error() == {"errorType": "Error", "errorMessage": "boom"}
    assert result.log_tail == "START RequestId: r-1"
    assert InvokeResult(200, b"{}", "r-2").error() == {}
    assert InvokeResult(200, b"{}", "r-2").log_tail == ""
    assert InvokeResult(200, b"oops", "r-3", "Unhandled").error() == {"errorMessage": "oops"}
    assert InvokeResult(200, b"[1]", "r-4", "Unhandled").error() == {"errorMessage": "[1]"}
