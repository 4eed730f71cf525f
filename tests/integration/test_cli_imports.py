"""What `appsync-local serve` and `appsync-local stepfunctions` import before their first
answer (`python -X importtime`): only what the API uses (issue 19: the start's time is mostly
imports), with the AWS endpoint's services and the Step Functions engine once the server
listens."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path

import httpx

from tests.fixtures.aws_signing import signed_headers
from tests.fixtures.echo_api import echo_api
from tests.fixtures.loopback import free_port, post_when_listening
from tests.integration.conftest import BLOG_KEY

# What `appsync-local stepfunctions` serves needs none of these (the AppSync stack, moto, the AWS
# SDK, Redis, the resolver runtimes; Strawberry and graphql-core only once its console is
# opened); importing them cost it most of its start (issue 19: 0.97 s against moto_server's
# 0.45 s). SigV4 verification (auth.signature) and the console's token it does need.
NOT_FOR_STEP_FUNCTIONS = (
    "moto",
    "boto3",
    "botocore",
    "strawberry",
    "graphql",
    "jwt",
    "cryptography",
    "redis",
    "airspeed",
    "quickjs",
    "appsync.app",
    "appsync.aws.cognito",
    "auth.cognito",
    "auth.oidc",
    "schema",
    # uvicorn's own command line (appsync.uvicorn_package).
    "uvicorn.main",
    "click",
)


def test_stepfunctions_subcommand_imports_only_the_engine_and_its_api(tmp_path: Path) -> None:
    """The process's every import from its start until it has answered a signed
    ListStateMachines."""
    port = free_port()

    def answered() -> None:
        url = f"http://127.0.0.1:{port}/"
        target = {"x-amz-target": "AWSStepFunctions.ListStateMachines"}
        listed = post_when_listening(url, signed_headers("POST", url, "states", b"{}", target))
        assert listed == {"stateMachines": []}

    modules = set(_imported(tmp_path, ["stepfunctions", "--port", str(port)], answered))
    assert {"stepfunctions.service.api", "appsync.stepfunctions_api", "uvicorn.server"} <= modules
    assert _among(modules, NOT_FOR_STEP_FUNCTIONS) == []


# What `serve` does not import to answer an API that uses none of them: Strawberry (the
# console's API, built when first called), Redis (not configured), PyJWT and cryptography (no
# OIDC or Cognito authorization, no TLS), the VTL and JavaScript runtimes (no such resolvers),
# httpx (a worker's). Importing them cost its first answer about a third (issue 19).
NOT_FOR_A_NONE_RESOLVER = (
    "strawberry",
    "redis",
    "jwt",
    "cryptography",
    "airspeed",
    "quickjs",
    "httpx",
    "appsync.console.context",
    "appsync.evaluation",
    # The other definition formats' readers (definition.format_marks recognises them).
    "definition.amplify",
    "definition.cdk",
    "definition.sam",
    "definition.serverless",
    "definition.cloudformation.api",
    "definition.cloudformation.stack",
    # The token modes' providers, for an API with an API key alone (auth.rules).
    "auth.cognito",
    "auth.oidc",
    "auth.lambda_authorizer",
    # The AWS endpoint's Cognito route beyond moto's, made by its first call (appsync.aws.local).
    "appsync.aws.cognito_srp",
    "appsync.aws.cognito_pools",
    "appsync.aws.cognito_triggers",
    # uvicorn's own command line and its --reload and --workers supervisors
    # (appsync.uvicorn_package).
    "uvicorn.main",
    "uvicorn.supervisors",
    "click",
    # The websocket protocol, imported by the first upgrade
    # (appsync.realtime.uvicorn_options.websocket_protocol).
    "wsproto",
    "h11",
    "appsync.realtime.wsproto_protocol",
    "appsync.realtime.native",
)


def test_serve_imports_only_what_the_api_uses_until_its_first_answer(tmp_path: Path) -> None:
    """`serve`'s every import, from its start until it has answered a query resolved by a
    PYTHON resolver on a NONE data source, with an API key."""
    config = echo_api(tmp_path, "ctx.args['message']", BLOG_KEY)
    port = free_port()

    def answered() -> None:
        deadline = time.monotonic() + 15
        query = {"query": 'query { echo(message: "hi") }'}
        while True:
            try:
                response = httpx.post(
                    f"http://127.0.0.1:{port}/graphql", json=query, headers={"x-api-key": BLOG_KEY}
                )
                break
            except httpx.ConnectError:
                assert time.monotonic() < deadline
                time.sleep(0.05)
        assert response.json() == {"data": {"echo": "hi"}}

    arguments = ["serve", "--config", str(config), "--port", str(port), "--ephemeral"]
    imported = _imported(tmp_path, arguments, answered)
    modules = set(imported)
    assert {"appsync.app", "appsync.console.routes", "uvicorn.server"} <= modules
    assert _among(modules, NOT_FOR_A_NONE_RESOLVER) == []
    # moto and the AWS SDK serve the AWS endpoint, whose services start once the server
    # listens (appsync.deferred_start): none of them before its lifespan has started.
    started = imported.index(STARTUP_COMPLETE)
    before = set(imported[:started])
    assert {"appsync.deferred_start", "appsync.engine_start"} <= before
    assert _among(before, ("moto", "botocore", "boto3")) == []
    # Nor the Step Functions engine, built once it listens (appsync.engine_start): its
    # language (JSONata, JSONPath), records, store, integrations and service.
    assert _among(before, ENGINE) == []


# The Step Functions engine's modules, which `serve` imports once it listens.
ENGINE = (
    "stepfunctions.language",
    "stepfunctions.records",
    "stepfunctions.store.memory",
    "stepfunctions.store.sqlite",
    "stepfunctions.integrations",
    "stepfunctions.service",
    "appsync.stepfunctions_api",
    "jsonata",
    "jsonpath_ng",
)


# The `appsync-local` script the package installs beside this interpreter.
COMMAND = Path(sys.executable).parent / "appsync-local"

# uvicorn's log line once the app's lifespan has started, before the server listens.
STARTUP_COMPLETE = "Application startup complete."


def _imported(tmp_path: Path, arguments: list[str], answered: Callable[[], None]) -> list[str]:
    """Every module `appsync-local ARGUMENTS` imports, as `python -X importtime` lists them on
    standard error (in order, with uvicorn's STARTUP_COMPLETE among them where it was logged),
    from its start until `answered()` has returned (it is stopped then)."""
    imports = tmp_path / "imports.txt"
    # The command as installed (`appsync.entry_point`), as a user runs it.
    command = [sys.executable, "-X", "importtime", str(COMMAND), *arguments]
    with (
        imports.open("w") as stderr,
        subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=stderr) as process,
    ):
        try:
            answered()
        finally:
            process.terminate()
            process.wait(timeout=15)
    return [
        line.rsplit("|", 1)[1].strip() if line.startswith("import time:") else STARTUP_COMPLETE
        for line in imports.read_text().splitlines()
        if (line.startswith("import time:") and "|" in line) or STARTUP_COMPLETE in line
    ]


def _among(modules: Iterable[str], names: tuple[str, ...]) -> list[str]:
    """The modules that are one of `names` or inside one of them."""
    return sorted(
        module
        for module in modules
        if any(module == name or module.startswith(f"{name}.") for name in names)
    )
