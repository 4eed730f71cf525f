"""A function's environment: Lambda's defined runtime variables, its own, never the server's.

Source: AWS Lambda developer guide, "Defined runtime environment variables"
(https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime)
and CreateFunction's refusal of reserved keys ("Lambda was unable to configure your environment
variables because the environment variables you have provided contains reserved keys that are
currently not supported for modification. Reserved keys used in this request: AWS_REGION",
recorded in many public deployment logs).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from functions.environment import (
    AwsEnvironment,
    Credentials,
    check_variables,
    log_stream_name,
    worker_environment,
)
from functions.errors import InvalidParameterValueError
from functions.model import FunctionSpec
from tests.unit.functions.conftest import LOG_STREAM


def spec(tmp_path: Path, **variables: str) -> FunctionSpec:
    return FunctionSpec(
        "orders",
        "nodejs20.x",
        "src/index.handler",
        tmp_path,
        environment=variables,
        memory_size=256,
    )


def test_reserved_keys_are_refused_with_lambdas_message(tmp_path: Path) -> None:
    with pytest.raises(InvalidParameterValueError) as caught:
        check_variables(spec(tmp_path, AWS_REGION="eu-west-1", TABLE="t", _HANDLER="x"))
    assert caught.value.message.endswith(
        "contains reserved keys that are currently not supported for modification. Reserved "
        "keys used in this request: AWS_REGION, _HANDLER"
    )
    check_variables(spec(tmp_path, TABLE="t", TZ="Europe/Paris", NODE_OPTIONS="--x"))


def test_the_worker_gets_lambdas_runtime_variables(tmp_path: Path) -> None:
    aws = AwsEnvironment(
        region="eu-west-3",
        account_id="111122223333",
        credentials=Credentials("AKIDLOCAL", "local-secret", "local-token"),
        endpoint_url="http://127.0.0.1:4566",
    )
    env = worker_environment(
        spec(tmp_path, TABLE="orders"),
        spec(tmp_path).parsed_runtime(),
        aws,
        {"NODE_PATH": "/sdk/node_modules"},
        started=datetime(2025, 3, 4, tzinfo=UTC),
    )
    assert env["_HANDLER"] == "src/index.handler"
    assert env["AWS_REGION"] == env["AWS_DEFAULT_REGION"] == "eu-west-3"
    assert env["AWS_EXECUTION_ENV"] == "AWS_Lambda_nodejs20.x"
    assert env["AWS_LAMBDA_FUNCTION_NAME"] == "orders"
    assert env["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] == "256"
    assert env["AWS_LAMBDA_FUNCTION_VERSION"] == "$LATEST"
    assert env["AWS_LAMBDA_INITIALIZATION_TYPE"] == "on-demand"
    assert env["AWS_LAMBDA_LOG_GROUP_NAME"] == "/aws/lambda/orders"
    assert LOG_STREAM.fullmatch(env["AWS_LAMBDA_LOG_STREAM_NAME"])
    assert env["AWS_LAMBDA_LOG_STREAM_NAME"].startswith("2025/03/04/")
    assert env["LAMBDA_TASK_ROOT"] == str(tmp_path.resolve())
    assert (env["AWS_ACCESS_KEY_ID"], env["AWS_SECRET_ACCESS_KEY"]) == ("AKIDLOCAL", "local-secret")
    assert env["AWS_SESSION_TOKEN"] == "local-token"
    assert env["AWS_ENDPOINT_URL"] == "http://127.0.0.1:4566"
    assert (env["TZ"], env["LANG"]) == (":UTC", "en_US.UTF-8")
    assert env["TABLE"] == "orders"
    assert env["NODE_PATH"] == "/sdk/node_modules"
    assert aws.function_arn("orders") == "arn:aws:lambda:eu-west-3:111122223333:function:orders"


def test_the_servers_own_environment_and_credentials_stay_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIASERVERKEY")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "server-secret")
    monkeypatch.setenv("AWS_SESSION_TOKEN", "server-token")
    monkeypatch.setenv("AWS_PROFILE", "production")
    env = worker_environment(spec(tmp_path), spec(tmp_path).parsed_runtime(), AwsEnvironment(), {})
    assert env["AWS_ACCESS_KEY_ID"] == "testing"
    assert env["AWS_SECRET_ACCESS_KEY"] == "testing"
    assert "AWS_SESSION_TOKEN" not in env
    assert "AWS_PROFILE" not in env
    assert "AWS_ENDPOINT_URL" not in env


def test_a_function_with_credentials_of_its_own_gets_them(tmp_path: Path) -> None:
    """Its execution role's session (appsync.execution_roles), with the session token; the
    other functions keep the endpoint's key."""
    own = Credentials("ASIAORDERSSESSION000", "secret", "token")
    aws = AwsEnvironment(function_credentials={"orders": own})
    env = worker_environment(spec(tmp_path), spec(tmp_path).parsed_runtime(), aws, {})
    assert (env["AWS_ACCESS_KEY_ID"], env["AWS_SESSION_TOKEN"]) == ("ASIAORDERSSESSION000", "token")
    other = FunctionSpec("other", "nodejs20.x", "index.handler", tmp_path)
    assert worker_environment(other, other.parsed_runtime(), aws, {})["AWS_ACCESS_KEY_ID"] == (
        "testing"
    )


def test_the_functions_variables_win_over_unreserved_defaults(tmp_path: Path) -> None:
    own = spec(tmp_path, TZ="Europe/Paris", NODE_PATH="/mine", AWS_ENDPOINT_URL="http://other")
    env = worker_environment(
        own,
        own.parsed_runtime(),
        AwsEnvironment(endpoint_url="http://local"),
        {"NODE_PATH": "/sdk"},
    )
    assert env["TZ"] == "Europe/Paris"
    assert env["NODE_PATH"] == "/mine"
    assert env["AWS_ENDPOINT_URL"] == "http://other"


def test_each_execution_environment_has_its_own_log_stream() -> None:
    day = datetime(2024, 12, 31, 23, 59, tzinfo=UTC)
    assert log_stream_name(day) != log_stream_name(day)
    assert log_stream_name(day).startswith("2024/12/31/[$LATEST]")
