"""`appsync-local`: serve an API definition, or check one.

    appsync-local --version
    appsync-local serve    [--config ./appsync.yaml] [--host 127.0.0.1] [--port 20002] [--no-reload]
                           [--tls | --cert FILE --key FILE] [--data-dir DIR [--fsync] | --ephemeral]
                           [--allowed-host NAME ...] [--access-log]
                           [--api-log FILE] [--api-log-format auto|json|text]
                           [--format appsync|cloudformation|sam|cdk] [--parameter Key=Value]...
                           [--stack NAME] [--region REGION]
                           (prints the AWS endpoint, its keys and the services the API uses)
    appsync-local validate [--config ./appsync.yaml] [--format ...] [--parameter Key=Value]...
                           [--stack NAME] [--region REGION]
    appsync-local reset    [--config ./appsync.yaml | --data-dir DIR]
                           (empties the data directory; the Cognito signing key stays)
    appsync-local evaluate (--code FILE [--function request|response] | --template FILE)
                           [--context ctx.json]
    appsync-local stepfunctions [--host 127.0.0.1] [--port 8083] [--log-level info]
                           [--database FILE] [--retention N]
                           [--allowed-host NAME ...]

`--config` is our own `appsync.yaml`, a CloudFormation or SAM template, or a CDK `cdk.out`
directory, recognised by content (`--format` forces one). The default port, 20002, is the one
`amplify mock` serves AppSync on, so existing client configurations for the simulator work
unchanged.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import logging
import os
import signal
import socket
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any

import uvicorn

from appsync.banner import announce, credentials_text, exposure_warning
from appsync.hosts import is_loopback
from appsync.log_sinks import LogFormat, open_sink
from appsync.logs import logging_config, stderr_handler
from appsync.stepfunctions_api import LongPollServer, serve_stepfunctions
from definition.errors import InvalidDefinitionError
from definition.formats import Format, ReadOptions, parse_parameters, read_definition
from definition.model import ApiDefinition, AwsEndpointSettings
from definition.problems import Problem
from stepfunctions.service.api import StepFunctionsService
from stepfunctions.store.memory import DEFAULT_RETENTION

# The AppSync stack (the app and its schema, resolvers, moto, Cognito; the TLS and data
# directory code) is imported by the commands that use it, in their functions: at the top it
# would cost `appsync-local stepfunctions`, which serves none of it, most of its start (issue 19).
if TYPE_CHECKING:
    from appsync.data_directory import DataDirectory
    from appsync.reload import ReloadOutcome
    from appsync.tls import TlsFiles

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
    parser.add_argument("--version", action=_Version, nargs=0, help="show the version and exit")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve the API on /graphql")
    serve.add_argument(
        "--config",
        type=Path,
        help="appsync.yaml, a CloudFormation or SAM template, or a cdk.out directory "
        f"(default ./{DEFAULT_CONFIG})",
    )
    _definition_options(serve)
    serve.add_argument(
        "--no-reload",
        dest="reload",
        action="store_false",
        help="do not watch the definition, SDL, templates and code (by default a change is "
        "checked and, when sound, served at once)",
    )
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
        help="where this installation keeps its state: the embedded DynamoDB's tables, the "
        "Step Functions engine's executions, the embedded Cognito's signing key (default: "
        ".appsync-local/ beside the definition, created on first use)",
    )
    data.add_argument(
        "--ephemeral", action="store_true", help="keep everything in memory, write nothing"
    )
    serve.add_argument(
        "--fsync",
        action="store_true",
        help="each write to the data directory waits for the disk (fsync), so that a power loss "
        "loses no acknowledged write either; by default a killed server loses none, and writes "
        "cost far less",
    )
    serve.add_argument(
        "--api-log",
        default="-",
        metavar="FILE",
        help="where the events of the API's logConfig and of state machines with a "
        "loggingConfiguration go, as AWS sends them to CloudWatch Logs (default -: standard "
        "output)",
    )
    serve.add_argument(
        "--api-log-format",
        default=LogFormat.AUTO.value,
        choices=[choice.value for choice in LogFormat],
        help="json: a {timestamp, message} object per line, as CloudWatch Logs holds them; "
        "text: one readable line per event; auto (default): text on a terminal, else json",
    )
    _allowed_host_option(serve)
    reset = commands.add_parser(
        "reset",
        help="empty the data directory (DynamoDB tables, Step Functions executions); this "
        "installation's Cognito signing key is kept",
    )
    reset.add_argument(
        "--config",
        type=Path,
        default=DEFAULT_CONFIG,
        help="API definition (its folder holds the default data directory, .appsync-local/)",
    )
    reset.add_argument("--data-dir", type=Path, help="the data directory `serve` was given")
    validate = commands.add_parser("validate", help="check the definition, its SDL and code")
    validate.add_argument(
        "--config",
        type=Path,
        help="appsync.yaml, a CloudFormation or SAM template, or a cdk.out directory "
        f"(default ./{DEFAULT_CONFIG})",
    )
    _definition_options(validate)
    evaluate = commands.add_parser(
        "evaluate",
        help="run one APPSYNC_JS handler or one VTL template on a context, as AppSync's "
        "EvaluateCode and EvaluateMappingTemplate do, and print AppSync's answer",
    )
    source = evaluate.add_mutually_exclusive_group(required=True)
    source.add_argument("--code", type=Path, help="an APPSYNC_JS file")
    source.add_argument("--template", type=Path, help="a VTL mapping template")
    evaluate.add_argument("--function", choices=["request", "response"], default="request")
    evaluate.add_argument("--context", type=Path, help="the context as a JSON file (default {})")
    states = commands.add_parser(
        "stepfunctions", help="serve only the Step Functions API (AWS JSON 1.0) on its own port"
    )
    states.add_argument("--host", default=DEFAULT_HOST, help=f"default {DEFAULT_HOST}")
    states.add_argument("--port", type=int, default=DEFAULT_STEPFUNCTIONS_PORT, help="default 8083")
    states.add_argument("--log-level", default="info", choices=["debug", "info", "warning"])
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


class _Version(argparse.Action):
    """argparse's `version` action, reading the version only when asked (the package metadata
    lookup lives beside the console, which imports the AppSync stack)."""

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: Any,
        option_string: str | None = None,
    ) -> None:
        from appsync.console.routes import server_version

        print(f"{parser.prog} {server_version()}")
        parser.exit()


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
        help="a template parameter's value (repeat for several)",
    )
    command.add_argument(
        "--stack",
        help="the cdk.out stack to serve (default: the one with an AppSync API); for a "
        "template, its stack name (default: the file's name)",
    )
    command.add_argument(
        "--region", help="AWS::Region of a template and its local ARNs (default us-east-1)"
    )


def _options(arguments: argparse.Namespace) -> ReadOptions:
    return ReadOptions(
        format=Format(arguments.format) if arguments.format else None,
        parameters=parse_parameters(arguments.parameter),
        stack=arguments.stack,
        region=arguments.region,
    )


def _load(path: Path, arguments: argparse.Namespace | None = None) -> ApiDefinition | None:
    from appsync.app import schema_problems

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
    from appsync.app import load_api
    from appsync.errors import ConfigError

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


def reset(data: DataDirectory) -> int:
    """`appsync-local reset`: the data files deleted, the Cognito key kept (data_directory)."""
    from appsync.data_directory import DataDirectoryError

    try:
        deleted = data.reset()
    except DataDirectoryError as error:
        print(f"appsync-local: {error}; stop it first", file=sys.stderr)
        return 1
    if not deleted:
        print(f"appsync-local: {data.describe()}: no data to delete")
        return 0
    names = ", ".join(file.name for file in deleted)
    print(f"appsync-local: {data.describe()}: deleted {names}")
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
    # `--api-log` and `--api-log-format`.
    api_log: tuple[str, LogFormat] = ("-", LogFormat.AUTO)
    # Reads the definition again for a reload (None: `--no-reload`).
    reread: Callable[[], ApiDefinition] | None = None


async def _serve(definition: ApiDefinition, options: _ServeOptions, tls: TlsFiles | None) -> int:
    from appsync.app import build_app
    from appsync.errors import ConfigError
    from appsync.realtime.endpoint import UVICORN_OPTIONS
    from appsync.reload import ApiReloader

    host, port, log_level = options.host, options.port, options.log_level
    try:
        app = build_app(
            definition,
            data=options.data,
            allowed_hosts=options.allowed_hosts,
            log_sink=open_sink(*options.api_log),
        )
    except ConfigError as error:
        _report(error.problems)
        return 1
    if options.reread is not None:
        ApiReloader(app, options.reread, _reloaded)
    try:
        # Bound here, before the tables and the engine start, so a taken port is reported as a
        # problem at once rather than logged by uvicorn after the start.
        listener = _listen(host, port)
    except OSError as error:
        reason = os.strerror(error.errno) if error.errno else str(error)
        _report([Problem(_COMMAND_LINE, "--port", f"cannot listen on {host}:{port}: {reason}")])
        return 1
    if not is_loopback(host):
        print(exposure_warning(host, definition.server.aws), file=sys.stderr, flush=True)
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
    server = _Server(config, app.state.api.step_functions.service)
    if app.self_routes is not None:
        # Known before the server starts: workflows resumed at start may reach an HTTP Task
        # aimed at this API, and functions its AWS endpoint, before any request has shown the
        # server its own address.
        scheme = "https" if tls is not None else "http"
        app.self_routes.learn({"server": listener.getsockname()[:2], "scheme": scheme})
    async with asyncio.TaskGroup() as group:
        serving = group.create_task(server.serve(sockets=[listener]))
        listening = group.create_task(server.listening.wait())
        await asyncio.wait([serving, listening], return_when=asyncio.FIRST_COMPLETED)
        gc.enable()
        if server.started:
            bound_host, bound_port = server.servers[0].sockets[0].getsockname()[:2]
            certificate = tls.cert_file if tls is not None else None
            announce(app, options.data, bound_host, bound_port, certificate)
        else:
            listening.cancel()
    listener.close()
    if app.start_problems:
        _report(app.start_problems)
    return 0 if server.started else 1


def _reloaded(outcome: ReloadOutcome) -> None:
    """What a reload did, as the terminal shows it: problems as `validate` lists them."""
    if not outcome.applied:
        _report(outcome.problems)
        print(
            "appsync-local: still serving the last good version of the API",
            file=sys.stderr,
            flush=True,
        )
        return
    changed = ", ".join(path.name for path in outcome.changed)
    print(
        f"appsync-local: reloaded in {outcome.seconds * 1000:.0f} ms"
        + (f" ({changed} changed)" if changed else ""),
        flush=True,
    )
    for name in outcome.restart_only:
        print(
            f"appsync-local: {name} changed: restart the server for it to take effect", flush=True
        )


def _listen(host: str, port: int) -> socket.socket:
    """The server's listening socket, bound as uvicorn binds it (port 0 picks a free one)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    return socket.create_server((host, port), family=family)


class _Server(LongPollServer):
    """uvicorn's server, telling when its sockets listen (the port is known only then), and
    ending the embedded engine's activity polls when it stops."""

    def __init__(self, config: uvicorn.Config, service: StepFunctionsService) -> None:
        super().__init__(config, service)
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
    api_log: tuple[str, LogFormat] = ("-", LogFormat.AUTO),
) -> int:
    # What the start imports and builds lives as long as the server (the lifespan moves it out
    # of the collector's way once it serves): the collector's passes over it while it grows
    # would cost a sixth of the time to the first answer (issue 19). On again once listening.
    gc.disable()
    try:
        return _serve_definition(
            path, host, port, log_level, tls, data, allowed_hosts, access_log, arguments, api_log
        )
    finally:
        gc.enable()


def _serve_definition(
    path: Path,
    host: str,
    port: int,
    log_level: str,
    tls: _TlsChoice | None,
    data: DataDirectory | None,
    allowed_hosts: Sequence[str],
    access_log: bool,
    arguments: argparse.Namespace | None,
    api_log: tuple[str, LogFormat],
) -> int:
    from appsync.data_directory import DataDirectory
    from appsync.errors import TlsError

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
    read = _options(arguments) if arguments is not None else ReadOptions()
    reload = arguments is None or arguments.reload
    options = _ServeOptions(
        host,
        port,
        log_level,
        directory,
        tuple(allowed_hosts),
        access_log,
        api_log,
        (lambda: read_definition(path, read)) if reload else None,
    )
    return asyncio.run(_serve(definition, options, files))


@dataclass(frozen=True, slots=True)
class _TlsChoice:
    """The command line's TLS flags; they replace the definition's `server.tls`."""

    self_signed: bool
    cert_file: Path | None
    key_file: Path | None


def _tls_files(definition: ApiDefinition, choice: _TlsChoice | None) -> TlsFiles | None:
    from appsync.tls import TlsFiles, self_signed_certificate

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
    print(f"  credentials: {credentials_text(AwsEndpointSettings())}", flush=True)
    if database:
        print(f"  Standard executions stored in {database}", flush=True)
    asyncio.run(
        serve_stepfunctions(
            host, port, database=database, retention=retention, allowed_hosts=allowed_hosts
        )
    )
    return 0


def evaluate(code: Path | None, template: Path | None, function: str, context: Path | None) -> int:
    """Print what EvaluateCode (or EvaluateMappingTemplate) answers for the file: 0 when AppSync
    would answer 200 (even with an `error` in it, as `aws appsync evaluate-code` exits), 1
    otherwise."""
    from appsync.evaluation import RUNTIME, evaluate_code, evaluate_mapping_template

    try:
        context_text = context.read_text(encoding="utf-8") if context is not None else "{}"
        source = code if code is not None else template
        assert source is not None  # argparse requires one of them
        text = source.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        print(f"appsync-local: {error}", file=sys.stderr)
        return 1
    if code is not None:
        body = {"runtime": RUNTIME, "code": text, "context": context_text, "function": function}
        status, answer = evaluate_code(body, file=code.name)
    else:
        body = {"template": text, "context": context_text}
        status, answer = evaluate_mapping_template(body, file=source.name)
    print(json.dumps(answer, indent=4, ensure_ascii=False))
    return 0 if status == 200 else 1


def _no_definition(command: str) -> int:
    """`serve` or `validate` without `--config` where there is no ./appsync.yaml: say so and how
    to name one, with argparse's exit status for a command line that cannot run."""
    print(
        f"appsync-local {command}: no {DEFAULT_CONFIG} in {Path.cwd()}; name the API definition "
        "(appsync.yaml, a CloudFormation or SAM template, or a cdk.out directory) with "
        f"--config, for example:\n  appsync-local {command} --config path/to/appsync.yaml",
        file=sys.stderr,
    )
    return 2


def main(argv: Sequence[str] | None = None) -> int:
    arguments = _parser().parse_args(argv)
    # `evaluate` prints AppSync's answer alone, the handler's console output inside it.
    quiet = "warning" if arguments.command == "evaluate" else "info"
    # Not dictConfig: that closes every handler the process has (a host's, a test runner's);
    # `serve` applies `logging_config` through uvicorn once it runs.
    logging.basicConfig(
        level=getattr(arguments, "log_level", quiet).upper(), handlers=[stderr_handler()]
    )
    if arguments.command == "stepfunctions":
        return serve_states(
            arguments.host,
            arguments.port,
            arguments.database,
            arguments.retention,
            arguments.allowed_host,
        )
    from appsync.data_directory import DataDirectory

    if arguments.command in ("serve", "validate") and arguments.config is None:
        if not DEFAULT_CONFIG.is_file():
            return _no_definition(arguments.command)
        arguments.config = DEFAULT_CONFIG
    if arguments.command == "validate":
        return validate(arguments.config, arguments)
    if arguments.command == "reset":
        if arguments.data_dir is not None:
            return reset(DataDirectory(arguments.data_dir.resolve()))
        return reset(DataDirectory.beside(arguments.config))
    if arguments.command == "evaluate":
        return evaluate(arguments.code, arguments.template, arguments.function, arguments.context)
    if (arguments.cert is None) != (arguments.key is None):
        print("appsync-local: --cert and --key go together", file=sys.stderr)
        return 2
    tls = _TlsChoice(arguments.tls, arguments.cert, arguments.key)
    data = None
    if arguments.ephemeral:
        if arguments.fsync:
            print("appsync-local: --fsync needs a data directory, not --ephemeral", file=sys.stderr)
            return 2
        data = DataDirectory.ephemeral()
    elif arguments.data_dir is not None:
        data = DataDirectory(arguments.data_dir.resolve(), fsync=arguments.fsync)
    elif arguments.fsync:
        data = DataDirectory.beside(arguments.config, fsync=True)
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
        (arguments.api_log, LogFormat(arguments.api_log_format)),
    )


if __name__ == "__main__":
    sys.exit(main())
