"""The environment a function's process starts with: Lambda's defined runtime variables, the
function's own variables, the local AWS endpoint and test credentials.

Lambda's defined runtime environment variables
(https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime):
the reserved ones (`_HANDLER`, `AWS_REGION`, `AWS_DEFAULT_REGION`, `AWS_EXECUTION_ENV`,
`AWS_LAMBDA_FUNCTION_NAME`, `AWS_LAMBDA_FUNCTION_MEMORY_SIZE`, `AWS_LAMBDA_FUNCTION_VERSION`,
`AWS_LAMBDA_INITIALIZATION_TYPE`, `AWS_LAMBDA_LOG_GROUP_NAME`, `AWS_LAMBDA_LOG_STREAM_NAME`, the
execution role's `AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY`/`AWS_SESSION_TOKEN`,
`LAMBDA_TASK_ROOT`, `LAMBDA_RUNTIME_DIR`, `AWS_LAMBDA_RUNTIME_API`, ...) cannot be set in a
function's configuration: CreateFunction answers InvalidParameterValueException "Lambda was
unable to configure your environment variables because the environment variables you have
provided contains reserved keys that are currently not supported for modification. Reserved keys
used in this request: AWS_REGION". The unreserved ones (`LANG`, `PATH`, `TZ`, `NODE_PATH`,
`PYTHONPATH`, ...) take the function's value when it sets one.

The server's own environment is never passed on: a function gets the credentials the caller
gives (test credentials for the local endpoint), not the server's.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

from functions.errors import InvalidParameterValueError
from functions.model import LATEST, FunctionSpec, Runtime

RESERVED_VARIABLES = frozenset(
    {
        "_HANDLER",
        "_X_AMZN_TRACE_ID",
        "AWS_DEFAULT_REGION",
        "AWS_REGION",
        "AWS_EXECUTION_ENV",
        "AWS_LAMBDA_FUNCTION_NAME",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
        "AWS_LAMBDA_FUNCTION_VERSION",
        "AWS_LAMBDA_INITIALIZATION_TYPE",
        "AWS_LAMBDA_LOG_GROUP_NAME",
        "AWS_LAMBDA_LOG_STREAM_NAME",
        "AWS_ACCESS_KEY",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_LAMBDA_RUNTIME_API",
        "LAMBDA_TASK_ROOT",
        "LAMBDA_RUNTIME_DIR",
    }
)


@dataclass(frozen=True, slots=True)
class Credentials:
    """The execution role's credentials as a function sees them; moto's test values by default."""

    access_key_id: str = "testing"
    secret_access_key: str = "testing"
    session_token: str | None = None


@dataclass(frozen=True, slots=True)
class AwsEnvironment:
    """Where functions run, as far as their SDKs can tell: region, account, credentials and the
    one local AWS endpoint (`AWS_ENDPOINT_URL`, honoured by boto3 and the AWS SDK for JavaScript
    v3), which the server sets once it listens. `function_credentials`: a function's own (its
    execution role's session, as Lambda gives each function), by function name."""

    region: str = "us-east-1"
    account_id: str = "123456789012"
    credentials: Credentials = field(default_factory=Credentials)
    endpoint_url: str | None = None
    function_credentials: Mapping[str, Credentials] = field(default_factory=dict)

    def function_arn(self, function_name: str) -> str:
        return f"arn:aws:lambda:{self.region}:{self.account_id}:function:{function_name}"


def check_variables(spec: FunctionSpec) -> None:
    """Refuse a function whose variables use Lambda's reserved keys, as CreateFunction does."""
    reserved = sorted(name for name in spec.environment if name in RESERVED_VARIABLES)
    if reserved:
        raise InvalidParameterValueError(
            f"Function {spec.name}: Lambda was unable to configure your environment variables "
            "because the environment variables you have provided contains reserved keys that are "
            "currently not supported for modification. Reserved keys used in this request: "
            + ", ".join(reserved)
        )


def log_group_name(function_name: str) -> str:
    return f"/aws/lambda/{function_name}"


def log_stream_name(started: datetime) -> str:
    """A new execution environment's stream: `YYYY/MM/DD/[$LATEST]<32 hex digits>` (Lambda
    operator guide, "How CloudWatch structures logs")."""
    return f"{started:%Y/%m/%d}/[{LATEST}]{uuid.uuid4().hex}"


def worker_environment(
    spec: FunctionSpec,
    runtime: Runtime,
    aws: AwsEnvironment,
    runtime_variables: Mapping[str, str],
    *,
    started: datetime | None = None,
) -> dict[str, str]:
    """The complete environment of one worker process of `spec`.

    `runtime_variables` are the language runtime's own (NODE_PATH, the worker's channel); the
    function's variables override them and the unreserved defaults, and the reserved variables
    override everything.
    """
    credentials = aws.function_credentials.get(spec.name, aws.credentials)
    variables: dict[str, str] = {
        # PATH from the server so that a handler can run the tools this machine has; Lambda's is
        # /usr/local/bin:/usr/bin/:/bin:/opt/bin.
        "PATH": os.environ.get("PATH", "/usr/local/bin:/usr/bin:/bin"),
        "LANG": "en_US.UTF-8",
        "TZ": ":UTC",
        **runtime_variables,
    }
    if aws.endpoint_url is not None:
        variables["AWS_ENDPOINT_URL"] = aws.endpoint_url
    variables.update(spec.environment)
    variables.update(
        {
            "_HANDLER": spec.handler,
            "AWS_REGION": aws.region,
            "AWS_DEFAULT_REGION": aws.region,
            "AWS_EXECUTION_ENV": runtime.execution_env,
            "AWS_LAMBDA_FUNCTION_NAME": spec.name,
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(spec.memory_size),
            "AWS_LAMBDA_FUNCTION_VERSION": LATEST,
            "AWS_LAMBDA_INITIALIZATION_TYPE": "on-demand",
            "AWS_LAMBDA_LOG_GROUP_NAME": log_group_name(spec.name),
            "AWS_LAMBDA_LOG_STREAM_NAME": log_stream_name(started or datetime.now(UTC)),
            "AWS_ACCESS_KEY_ID": credentials.access_key_id,
            "AWS_SECRET_ACCESS_KEY": credentials.secret_access_key,
            "LAMBDA_TASK_ROOT": str(spec.code_dir.resolve()),
        }
    )
    if credentials.session_token is not None:
        variables["AWS_SESSION_TOKEN"] = credentials.session_token
    return variables
