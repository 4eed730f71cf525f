"""A declared function described with Lambda's shapes (Lambda API reference,
FunctionConfiguration and GetFunction; botocore's `lambda/2015-03-31` model): the members
Lambda always answers, `Environment`, `Layers` and `Concurrency` when the function has them, and
the code directory's files standing for the deployment package."""

from __future__ import annotations

import base64
import os
from pathlib import Path

import botocore.session

from appsync.aws.lambda_configuration import (
    declared_configuration,
    function_configuration,
    get_declared_function,
    get_function,
    summarize,
)
from definition.model import LambdaFunctionSpec
from functions.model import FunctionSpec

ARN = "arn:aws:lambda:eu-west-1:123456789012:function:orders"
# 2026-01-02T03:04:05.678Z
MOMENT = 1767323045.678


def _code(tmp_path: Path) -> Path:
    code = tmp_path / "code"
    (code / "lib").mkdir(parents=True)
    (code / "app.py").write_text("def handler(e, c): return 1\n")
    (code / "lib" / "util.py").write_text("X = 1\n")
    (code / "__pycache__").mkdir()
    (code / "__pycache__" / "app.cpython-312.pyc").write_bytes(b"\0" * 100)
    for path in (code / "app.py", code / "lib" / "util.py"):
        os.utime(path, (MOMENT - 60, MOMENT - 60))
    os.utime(code / "lib" / "util.py", (MOMENT, MOMENT))
    return code


def test_the_code_directory_stands_for_the_package(tmp_path: Path) -> None:
    code = _code(tmp_path)
    summary = summarize(code)
    # The runtime's own bytecode caches are not the function's code.
    assert summary.size == len("def handler(e, c): return 1\n") + len("X = 1\n")
    assert summary.last_modified == "2026-01-02T03:04:05.678+0000"
    assert len(base64.b64decode(summary.sha256)) == 32
    (code / "app.py").write_text("def handler(e, c): return 2\n")
    changed = summarize(code)
    assert (changed.sha256, changed.revision_id) != (summary.sha256, summary.revision_id)


def test_a_configuration_holds_lambdas_members(tmp_path: Path) -> None:
    code = _code(tmp_path)
    layer = tmp_path / "shared"
    (layer / "python").mkdir(parents=True)
    (layer / "python" / "shared.py").write_text("Y = 2\n")
    spec = FunctionSpec(
        "orders",
        "python3.12",
        "app.handler",
        code,
        environment={"TABLE": "Orders"},
        timeout=0.5,
        memory_size=256,
        reserved_concurrency=2,
        layers=(layer,),
    )
    answer = get_function(spec, ARN, "eu-west-1")
    configuration = answer["Configuration"]
    shape = (
        botocore.session.get_session()
        .get_service_model("lambda")
        .shape_for("FunctionConfiguration")
    )
    assert set(configuration) <= set(shape.members)  # type: ignore[attr-defined]
    assert configuration["Timeout"] == 1  # whole seconds, at least 1
    assert (configuration["MemorySize"], configuration["Environment"]) == (
        256,
        {"Variables": {"TABLE": "Orders"}},
    )
    assert configuration["Layers"] == [
        {"Arn": "arn:aws:lambda:eu-west-1:123456789012:layer:shared:1", "CodeSize": 6}
    ]
    assert answer["Concurrency"] == {"ReservedConcurrentExecutions": 2}
    assert answer["Code"] == {"RepositoryType": "S3", "Location": code.resolve().as_uri()}
    plain = function_configuration(
        FunctionSpec("orders", "nodejs20.x", "index.handler", code), ARN, "eu-west-1"
    )
    assert not {"Environment", "Layers", "Concurrency"} & set(plain)
    assert (plain["State"], plain["LastUpdateStatus"], plain["PackageType"]) == (
        "Active",
        "Successful",
        "Zip",
    )


def test_a_function_that_cannot_run_here_is_described_as_declared(tmp_path: Path) -> None:
    """A Java function, and a container image: Lambda describes both (an image without
    `Runtime` and `Handler`, with PackageType Image: FunctionConfiguration's reference)."""
    members = set(
        botocore.session.get_session()
        .get_service_model("lambda")
        .shape_for("FunctionConfiguration")
        .members  # type: ignore[attr-defined]
    )
    code = _code(tmp_path)
    java = LambdaFunctionSpec(
        "orders", ARN, "java21", "a.B::handle", code, timeout=30, architectures=("arm64",)
    )
    answer = get_declared_function(java, "eu-west-1")
    described = answer["Configuration"]
    assert set(described) <= members
    assert (described["Runtime"], described["Handler"], described["Timeout"]) == (
        "java21",
        "a.B::handle",
        30,
    )
    assert (described["Architectures"], described["CodeSize"]) == (["arm64"], summarize(code).size)
    assert answer["Code"] == {"RepositoryType": "S3", "Location": code.resolve().as_uri()}
    image = LambdaFunctionSpec(
        "resize",
        ARN.replace("orders", "resize"),
        None,
        None,
        None,
        package_type="Image",
        reserved_concurrent_executions=1,
    )
    answer = get_declared_function(image, "eu-west-1")
    assert answer["Code"] == {"RepositoryType": "ECR"}
    assert answer["Concurrency"] == {"ReservedConcurrentExecutions": 1}
    described = declared_configuration(image, "eu-west-1")
    assert not {"Runtime", "Handler"} & set(described)
    assert (described["FunctionName"], described["PackageType"], described["CodeSize"]) == (
        "resize",
        "Image",
        0,
    )
    # The digest of nothing, as an empty code directory has.
    assert described["CodeSha256"] == summarize(tmp_path / "empty").sha256
