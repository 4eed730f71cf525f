"""`appsync-local`: serve an API definition, or check one.

    appsync-local serve    [--config ./appsync.yaml] [--host 127.0.0.1] [--port 20002]
                           [--tls | --cert FILE --key FILE] [--data-dir DIR | --ephemeral]
                           [--allowed-host NAME ...] [--access-log]
                           [--format appsync|cloudformation|sam|cdk|amplify|serverless]
                           [--parameter Key=Value]... [--stack NAME] [--region REGION]
                           [--stage STAGE]
                           (prints the AWS endpoint, its keys and the services the API uses)
    appsync-local validate [--config ./appsync.yaml] [--format ...] [--parameter Key=Value]...
                           [--stack NAME] [--region REGION] [--stage STAGE]
    appsync-local stepfunctions [--host 127.0.0.1] [--port 8083] [--database FILE] [--retention N]
                           [--allowed-host NAME ...]

`--config` is our own `appsync.yaml`, a CloudFormation or SAM template, a CDK `cdk.out`
directory, a Serverless Framework service (`serverless.yml`) or an Amplify Gen 1 project,
recognised by content (`--format` forces one). The default port, 20002, is the one
`amplify mock` serves AppSync on, so existing client configurations for the simulator work
unchanged.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
import socket
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

import uvicorn

from appsync.app import AppSyncApp, build_app, load_api, schema_problems
from appsync.data_directory import DataDirectory
from appsync.errors import ConfigError, TlsError
from appsync.hosts import is_loopback
from appsync.logs import logging_config, stderr_handler
from appsync.realtime.endpoint import UVICORN_OPTIONS
from appsync.stepfunctions_api import serve_stepfunctions
from appsync.tls import TlsFiles, self_signed_certificate
from definition.errors import InvalidDefinitionError
from definition.formats import Format, ReadOptions, parse_parameters, read_definition
from definition.model import (
    TEST_ACCESS_KEY,
    ApiDefinition,
    AwsEndpointSettings,
    DataSourceType,
)
from definition.problems import Problem
from stepfunctions.store.memory import DEFAULT_RETENTION

DEFAULT_CONFIG = Path("appsync.yaml")
# Where a problem of the command line's own flags is, in a report.
_COMMAND_LINE = "appsync-local serve"
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 20002
# Step Functions Local's port, so existing `--endpoint-url http://localhost:8083` setups work.
DEFAULT_STEPFUNCTIONS_PORT = 8083


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="appsync-local", description="Run an AWS AppSync GraphQL API locally."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve the API on /graphql")
    serve.add_argument(
        "--config",
        type=Path,
        default=DEFAULT_CONFIG,
        help="appsync.yaml, a CloudFormation or SAM template, a cdk.out directory, a "
        "serverless.yml or an Amplify Gen 1 project",
    )
    _definition_options(serve)
    serve.add_argument("--host", default=DEFAULT_HOST, help=f"default {DEFAULT_HOST}")
    serve.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"default {DEFAULT_PORT}")
    serve.add_argument("--log-level", default="info", choices=["debug", "info", "warning"])
    serve.add_argument(
        "--access-log",
        action="store_true",
        help="log a line per HTTP request and websocket (off by default: it costs time per "
        "request; credentials in URLs are redacted)",
    )
    # aws-amplify v6 always dials wss:// (reference/appsync.md 6.1).
    serve.add_argument(
        "--tls",
        action="store_true",
        help="https:// and wss:// with a self-signed certificate for localhost, 127.0.0.1 and "
        "::1 (generated once into ~/.cache/appsync-local/tls)",
    )
    serve.add_argument("--cert", type=Path, help="https:// and wss:// with this PEM certificate")
    serve.add_argument("--key", type=Path, help="the PEM private key of --cert")
    data = serve.add_mutually_exclusive_group()
    data.add_argument(
        "--data-dir",
        type=Path,
        help="where this installation keeps its state, such as the embedded Cognito's signing "
        "key (default: .appsync-local/ beside the definition, created on first use)",
    )
    data.add_argument(
        "--ephemeral", action="store_true", help="keep everything in memory, write nothing"
    )
    _allowed_host_option(serve)
    validate = commands.add_parser("validate", help="check the definition, its SDL and code")
    validate.add_argument(
        "--config",
        type=Path,
        default=DEFAULT_CONFIG,
        help="appsync.yaml, a CloudFormation or SAM template, a cdk.out directory, a "
        "serverless.yml or an Amplify Gen 1 project",
    )
    _definition_options(validate)
    states = commands.add_parser(
        "stepfunctions", help="serve only the Step Functions API (AWS JSON 1.0) on its own port"
    )
    states.add_argument("--host", default=DEFAULT_HOST, help=f"default {DEFAULT_HOST}")
    states.add_argument("--port", type=int, default=DEFAULT_STEPFUNCTIONS_PORT, help="default 8083")
    states.add_argument(
        "--database",
        help="SQLite file for Standard executions and their history, resumed after a restart "
        "(default: in memory)",
    )
    states.add_argument(
        "--retention",
        type=int,
        default=DEFAULT_RETENTION,
        help=f"finished executions kept (default {DEFAULT_RETENTION})",
    )
    _allowed_host_option(states)
    return parser


def _allowed_host_option(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--allowed-host",
        action="append",
        default=[],
        metavar="NAME",
        help="a Host name to answer besides localhost, *.localhost, 127.0.0.1 and [::1] while "
        "serving on loopback (DNS rebinding protection); *.example.test allows subdomains",
    )


def _definition_options(command: argparse.ArgumentParser) -> None:
    """The flags that say how to read a definition that is not our own file."""
    command.add_argument(
        "--format",
        choices=[kind.value for kind in Format],
        help="read --config as this format instead of recognising it by its content",
    )
    command.add_argument(
        "--parameter",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="a template parameter's value, or a Serverless service's ${param:KEY} and "
        "${opt:KEY} (repeat for several)",
    )
    command.add_argument(
        "--stack",
        help="the cdk.out stack to serve (default: the one with an AppSync API), or the "
        "Amplify project's API; for a template, its stack name (default: the file's name; "
        "a Serverless service's: <service>-<stage>)",
    )
    command.add_argument(
        "--region", help="AWS::Region of a template and its local ARNs (default us-east-1)"
    )
    command.add_argument(
        "--stage", help="a Serverless service's stage, ${opt:stage} (default: provider.stage, dev)"
    )


def _options(arguments: argparse.Namespace) -> ReadOptions:
    return ReadOptions(
        format=Format(arguments.format) if arguments.format else None,
        parameters=parse_parameters(arguments.parameter),
        stack=arguments.stack,
        region=arguments.region,
        stage=arguments.stage,
    )


def _load(path: Path, arguments: argparse.Namespace | None = None) -> ApiDefinition | None:
    try:
        options = _options(arguments) if arguments is not None else ReadOptions()
        return read_definition(path, options)
    except InvalidDefinitionError as error:
        _report([*error.problems, *schema_problems(error, path)])
        return None


def _report(problems: Sequence[Problem]) -> None:
    print(f"appsync-local: {len(problems)} problem(s):", file=sys.stderr)
    for problem in problems:
        print(f"  {problem}", file=sys.stderr)


def validate(path: Path, arguments: argparse.Namespace | None = None) -> int:
    definition = _load(path, arguments)
    if definition is None:
        return 1
    try:
        load_api(definition)
    except ConfigError as error:
        _report(error.problems)
        return 1
    print(
        f"{path}: OK ({definition.name}: {len(definition.resolvers)} resolvers, "
        f"{len(definition.functions)} functions, {len(definition.data_sources)} data sources)"
    )
    return 0


@dataclass(frozen=True, slots=True)
class _ServeOptions:
    """`serve`'s command line besides the definition."""

    host: str
    port: int
    log_level: str
    data: DataDirectory
    allowed_hosts: tuple[str, ...] = ()
    access_log: bool = False


async def _serve(definition: ApiDefinition, options: _ServeOptions, tls: TlsFiles | None) -> int:
    host, port, log_level = options.host, options.port, options.log_level
    try:
        app = build_app(definition, data=options.data, allowed_hosts=options.allowed_hosts)
    except ConfigError as error:
        _report(error.problems)
        return 1
    try:
        # Bound here, before the tables and the engine start, so a taken port is reported as a
        # problem at once rather than logged by uvicorn after the start.
        listener = _listen(host, port)
    except OSError as error:
        reason = os.strerror(error.errno) if error.errno else str(error)
        _report([Problem(_COMMAND_LINE, "--port", f"cannot listen on {host}:{port}: {reason}")])
        return 1
    if not is_loopback(host):
        print(_exposure_warning(host, definition.server.aws), file=sys.stderr, flush=True)
    # The websocket settings that keep an idle subscribed socket small (see UVICORN_OPTIONS).
    uvicorn_options = {**UVICORN_OPTIONS, **(tls.uvicorn_options() if tls is not None else {})}
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level=log_level,
        log_config=logging_config(log_level, options.access_log),
        access_log=options.access_log,
        **uvicorn_options,
    )
    server = _Server(config)
    if app.self_routes is not None and port:
        # Known before the sockets bind: workflows resumed at start may reach an HTTP Task
        # aimed at this API before any request has shown the server its own address.
        scheme = "https" if tls is not None else "http"
        app.self_routes.learn({"server": (host, port), "scheme": scheme})
    async with asyncio.TaskGroup() as group:
        serving = group.create_task(server.serve(sockets=[listener]))
        listening = group.create_task(server.listening.wait())
        await asyncio.wait([serving, listening], return_when=asyncio.FIRST_COMPLETED)
        if server.started:
            bound_host, bound_port = server.servers[0].sockets[0].getsockname()[:2]
            certificate = tls.cert_file if tls is not None else None
            _announce(app, options.data, bound_host, bound_port, certificate)
        else:
            listening.cancel()
    listener.close()
    if app.start_problems:
        _report(app.start_problems)
    return 0 if server.started else 1


def _listen(host: str, port: int) -> socket.socket:
    """The server's listening socket, bound as uvicorn binds it (port 0 picks a free one)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    return socket.create_server((host, port), family=family)


class _Server(uvicorn.Server):
    """uvicorn's server, telling when its sockets listen (the port is known only then)."""

    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self.listening = asyncio.Event()

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        try:
            await super().startup(sockets)
        except SystemExit:
            # uvicorn exits when it cannot serve (it has logged why); `serve` then returns 1.
            # A start that fails in the lifespan is reported by `_serve` instead.
            self.should_exit = True
            return
        if self.started:
            self.listening.set()


def _announce(
    app: AppSyncApp,
    data: DataDirectory,
    host: str,
    port: int,
    certificate: Path | None = None,
) -> None:
    definition: ApiDefinition = app.state.api.definition
    http, ws = ("https", "wss") if certificate is not None else ("http", "ws")
    shown = f"[{host}]" if ":" in host else host
    print(f"appsync-local: serving {definition.name!r} from {definition.file}")
    print(f"  GraphQL:  {http}://{shown}:{port}/graphql")
    print(f"  Realtime: {ws}://{shown}:{port}/graphql/realtime")
    print(f"  Console:  {http}://{shown}:{port}/console/")
    if certificate is not None:
        # What clients must trust (NODE_EXTRA_CA_CERTS, ssl.create_default_context(cafile=...)).
        print(f"  TLS certificate: {certificate}")
    for key in definition.api_keys:
        print(f"  API key:  {key.id}" + (f"  ({key.description})" if key.description else ""))
    aws = definition.server.aws
    print(f"  AWS endpoint: {http}://{shown}:{port}  (region {app.state.api.aws.region})")
    print(f"    credentials: {_credentials_text(aws)}")
    for line in _services(app):
        print(f"    {line}")
    if app.state.extra_listener is not None:
        print(f"  AWS endpoint, extra listener: {app.state.extra_listener}  (server.dynamodb)")
    print(f"  Data directory: {data.describe()}")
    print(
        "  In memory only: embedded data (DynamoDB items, Step Functions executions, Cognito "
        "users) is gone when the server stops"
    )
    print("Press Ctrl+C to stop.", flush=True)


def _credentials_text(aws: AwsEndpointSettings) -> str:
    """The keys clients sign with: the public test pair in full, a declared key by its id only
    (its secret is the user's own and stays out of the terminal)."""
    if aws.credentials == (TEST_ACCESS_KEY,):
        return "access key id testing, secret access key testing"
    ids = ", ".join(key.access_key_id for key in aws.credentials)
    return f"access key id {ids} (secret as declared in server.aws.credentials)"


def _services(app: AppSyncApp) -> list[str]:
    """The embedded services this API uses, as the banner lists them."""
    definition: ApiDefinition = app.state.api.definition
    lines = []
    if app.state.api.dynamodb is not None:
        tables = [table.table_name for table in definition.server.dynamodb.tables]
        lines.append("DynamoDB" + (f": tables {', '.join(tables)}" if tables else ""))
    settings = definition.server.step_functions
    uses_states = any(
        spec.type is DataSourceType.AWS_STEP_FUNCTIONS
        or (spec.http is not None and "states." in spec.http.endpoint)
        for spec in definition.data_sources
    )
    if settings.declared or uses_states:
        machines = [machine.name for machine in settings.state_machines]
        lines.append(
            "Step Functions" + (f": state machines {', '.join(machines)}" if machines else "")
        )
    providers = (definition.authentication, *definition.additional_authentication_providers)
    pools = [
        spec.user_pool_config.user_pool_id
        for spec in providers
        if spec.user_pool_config is not None and spec.user_pool_config.jwks_file is None
    ]
    if pools:
        lines.append(
            f"Cognito: user pool {', '.join(pools)} (tokens signed with this installation's key)"
        )
    return lines


def _exposure_warning(host: str, aws: AwsEndpointSettings) -> str:
    return (
        f"appsync-local: WARNING: --host {host} is not a loopback address. Every host that can "
        "reach it can call GraphQL (/graphql), realtime (/graphql/realtime) and the AWS "
        "endpoint: DynamoDB, Step Functions, Cognito and every other service moto serves (S3, "
        "SQS, SNS, STS, IAM, Secrets Manager, SSM, EventBridge, ...), with their data. The AWS "
        f"endpoint takes {_credentials_text(aws)}"
        + (
            ", which every moto and LocalStack user knows."
            if aws.credentials == (TEST_ACCESS_KEY,)
            else "."
        )
        + " DNS rebinding protection applies to loopback connections only."
    )


def _exit_quietly(signum: int, frame: FrameType | None) -> None:
    """uvicorn re-raises the signal that stopped it once it has shut down; that is a clean end."""


def serve(
    path: Path,
    host: str,
    port: int,
    log_level: str,
    tls: _TlsChoice | None = None,
    data: DataDirectory | None = None,
    allowed_hosts: Sequence[str] = (),
    access_log: bool = False,
    arguments: argparse.Namespace | None = None,
) -> int:
    definition = _load(path, arguments)
    if definition is None:
        return 1
    try:
        files = _tls_files(definition, tls)
    except (TlsError, OSError) as error:
        command_line = tls is not None and (tls.self_signed or tls.cert_file is not None)
        where = (_COMMAND_LINE, "--tls" if tls and tls.self_signed else "--cert")
        if not command_line:
            where = (str(definition.file), "server.tls")
        _report([Problem(*where, str(error))])
        return 1
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, _exit_quietly)
    directory = data if data is not None else DataDirectory.beside(path)
    options = _ServeOptions(host, port, log_level, directory, tuple(allowed_hosts), access_log)
    return asyncio.run(_serve(definition, options, files))


@dataclass(frozen=True, slots=True)
class _TlsChoice:
    """The command line's TLS flags; they replace the definition's `server.tls`."""

    self_signed: bool
    cert_file: Path | None
    key_file: Path | None


def _tls_files(definition: ApiDefinition, choice: _TlsChoice | None) -> TlsFiles | None:
    if choice is not None and choice.cert_file is not None and choice.key_file is not None:
        files = TlsFiles(choice.cert_file, choice.key_file)
    elif choice is not None and choice.self_signed:
        files = self_signed_certificate()
    elif definition.server.tls is None:
        return None
    elif definition.server.tls.self_signed:
        files = self_signed_certificate()
    else:
        assert definition.server.tls.cert_file is not None  # the reader guarantees both
        assert definition.server.tls.key_file is not None
        files = TlsFiles(definition.server.tls.cert_file, definition.server.tls.key_file)
    files.check()
    return files


def serve_states(
    host: str, port: int, database: str | None, retention: int, allowed_hosts: Sequence[str] = ()
) -> int:
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, _exit_quietly)
    if not is_loopback(host):
        print(
            f"appsync-local: WARNING: --host {host} is not a loopback address: every host that "
            "can reach it can call the Step Functions API, signed with the test keys.",
            file=sys.stderr,
        )
    print(f"appsync-local: Step Functions API on http://{host}:{port}/", flush=True)
    print(f"  credentials: {_credentials_text(AwsEndpointSettings())}", flush=True)
    if database:
        print(f"  Standard executions stored in {database}", flush=True)
    asyncio.run(
        serve_stepfunctions(
            host, port, database=database, retention=retention, allowed_hosts=allowed_hosts
        )
    )
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    arguments = _parser().parse_args(argv)
    # Not dictConfig: that closes every handler the process has (a host's, a test runner's);
    # `serve` applies `logging_config` through uvicorn once it runs.
    logging.basicConfig(
        level=getattr(arguments, "log_level", "info").upper(), handlers=[stderr_handler()]
    )
    if arguments.command == "validate":
        return validate(arguments.config, arguments)
    if arguments.command == "stepfunctions":
        return serve_states(
            arguments.host,
            arguments.port,
            arguments.database,
            arguments.retention,
            arguments.allowed_host,
        )
    if (arguments.cert is None) != (arguments.key is None):
        print("appsync-local: --cert and --key go together", file=sys.stderr)
        return 2
    tls = _TlsChoice(arguments.tls, arguments.cert, arguments.key)
    data = None
    if arguments.ephemeral:
        data = DataDirectory.ephemeral()
    elif arguments.data_dir is not None:
        data = DataDirectory(arguments.data_dir.resolve())
    return serve(
        arguments.config,
        arguments.host,
        arguments.port,
        arguments.log_level,
        tls,
        data,
        arguments.allowed_host,
        arguments.access_log,
        arguments,
    )


if __name__ == "__main__":
    sys.exit(main())
