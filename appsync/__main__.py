"""`appsync-local`: serve an API definition, or check one.

    appsync-local serve | sandbox | validate | reset | evaluate | amplify-outputs | stepfunctions
    appsync-local --version

Each command's options are in its `--help` (argparse's, from `appsync.command_line`) and in the
README's "Command line" table.

`--config` is our own `appsync.yaml`, a CloudFormation or SAM template, a CDK `cdk.out`
directory, a Serverless Framework service (`serverless.yml`) or an Amplify Gen 1 project,
recognised by content (`--format` forces one). The default port, 20002, is the one
`amplify mock` serves AppSync on, so existing client configurations for the simulator work
unchanged. `sandbox` is `serve` on an Amplify Gen 2 project's synthesized assembly, synthesized
again on each change (`appsync.sandbox`).
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import gc
import logging
import os
import signal
import socket
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING

from uvicorn.config import Config

from appsync.banner import TOKEN_NOTE, announce, credentials_text, exposure_warning, reloaded
from appsync.clock_options import (
    control_lines,
    manual_clock,
)
from appsync.command_line import DEFAULT_CONFIG, parser, read_options
from appsync.console.access import ConsoleToken
from appsync.data_directory import DataDirectory, DataDirectoryError
from appsync.hosts import is_loopback, listening_socket, own_url
from appsync.log_sinks import LogFormat, open_sink
from appsync.logs import logging_config, stderr_handler
from appsync.uvicorn_server import ListeningServer, LongPolls, LongPollServer
from definition.errors import InvalidDefinitionError
from definition.formats import ReadOptions, read_definition
from definition.model import ApiDefinition, AwsEndpointSettings
from definition.problems import Problem

# The AppSync stack (the app and its schema, resolvers, moto, Cognito; TLS, reload, evaluation,
# the workers) is imported by the commands that use it, in their functions: at the top it would
# cost `appsync-local stepfunctions`, which serves none of it, most of its start (issue 19).
if TYPE_CHECKING:
    from appsync.clock import ManualClock
    from appsync.sandbox import Sandbox
    from appsync.tls import TlsFiles
    from appsync.workers import WorkerCommand

# Where a problem of the command line's own flags is, in a report.
_COMMAND_LINE = "appsync-local serve"


def _read_options(arguments: argparse.Namespace | None) -> ReadOptions | None:
    """The command line's reading options (None, reported, when one is malformed)."""
    try:
        return read_options(arguments) if arguments is not None else ReadOptions()
    except InvalidDefinitionError as error:
        _report(error.problems)
        return None


def _load(path: Path, options: ReadOptions | None) -> ApiDefinition | None:
    from appsync.sdl_problems import schema_problems

    if options is None:
        return None
    try:
        return read_definition(path, options)
    except InvalidDefinitionError as error:
        _report([*error.problems, *schema_problems(error, path)])
        return None


def _report(problems: Sequence[Problem]) -> None:
    from appsync.project_commands import report

    report(problems)


def validate(path: Path, arguments: argparse.Namespace | None = None) -> int:
    from appsync.app import load_api
    from appsync.errors import ConfigError

    definition = _load(path, _read_options(arguments))
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
    # `--clock manual` (the clock, from `--clock-start` or now) and `--control-api`.
    clock: ManualClock | None = None
    control: bool = False
    # `--workers`, and what each worker is told of the command line (`appsync.workers`).
    workers: int = 1
    worker: WorkerCommand | None = None
    # The socket bound before the definition was read, for `--port 0` (None: bound later).
    listener: socket.socket | None = None
    # `appsync-local sandbox`: what reloads instead of a change to the definition's files.
    sandbox: Sandbox | None = None


async def _serve(definition: ApiDefinition, options: _ServeOptions, tls: TlsFiles | None) -> int:
    from appsync.app import build_app
    from appsync.aws.forward import PrimaryServices
    from appsync.errors import ConfigError
    from appsync.realtime.endpoint import UVICORN_OPTIONS
    from appsync.reload import ApiReloader
    from appsync.workers import (
        PRIMARY_HOST,
        AsPublic,
        WorkerSettings,
        shared,
        worker_pool,
        workers_lines,
        workers_problem,
    )

    host, port, log_level = options.host, options.port, options.log_level
    workers = options.workers
    problem = workers_problem(definition, workers, options.clock is not None or options.control)
    if problem is not None:
        _report([problem])
        return 1
    if workers > 1:
        definition = shared(definition)
    try:
        app = build_app(
            definition,
            data=options.data,
            allowed_hosts=options.allowed_hosts,
            log_sink=open_sink(*options.api_log),
            clock=options.clock,
            control=options.control or options.clock is not None,
            # One process: what only some requests need starts once it listens, when that
            # cannot fail (issue 19). Workers reach this process's services from their start.
            defer=workers == 1,
        )
    except ConfigError as error:
        _report(error.problems)
        return 1
    reloader = None
    if options.reread is not None:
        reread = options.reread
        reloader = ApiReloader(
            app,
            reread if workers == 1 else lambda: shared(reread()),
            reloaded,
            after_listening=True,
            trigger=options.sandbox,
        )
    try:
        # Bound here, before the tables and the engine start, so a taken port is reported as a
        # problem at once rather than logged by uvicorn after the start.
        listener = options.listener or _listen(host, port)
        # With --workers, they answer on the port; this process serves them on a loopback one.
        served = listener if workers == 1 else _listen(PRIMARY_HOST, 0)
    except OSError as error:
        reason = os.strerror(error.errno) if error.errno else str(error)
        _report([Problem(_COMMAND_LINE, "--port", f"cannot listen on {host}:{port}: {reason}")])
        return 1
    if not is_loopback(host):
        print(exposure_warning(host, definition.server.aws), file=sys.stderr, flush=True)
    pool = None
    if workers > 1:
        primary = PrimaryServices.on(served, definition.server.aws.credentials[0])
        # Made now, so that every worker verifies the tokens the primary's Cognito signs.
        key = options.data.cognito_signing_key()
        assert options.worker is not None  # `serve` describes the command for workers
        pool = worker_pool(
            app, workers, WorkerSettings(options.worker, primary, key, tls), listener
        )
    # The websocket settings that keep an idle subscribed socket small (see UVICORN_OPTIONS).
    uvicorn_options = {**UVICORN_OPTIONS}
    if tls is not None and pool is None:
        uvicorn_options.update(tls.uvicorn_options())
    if pool is not None:
        # What it answers is forwarded by a worker, whose uvicorn adds its own Date and Server.
        uvicorn_options.update(date_header=False, server_header=False)
    config = Config(
        app if pool is None else AsPublic(app, listener.getsockname()[:2]),
        host=host,
        port=port,
        log_level=log_level,
        log_config=logging_config(log_level, options.access_log),
        access_log=options.access_log,
        **uvicorn_options,
    )
    server = _Server(config, app.state.api.step_functions)
    app.stop_serving = server.stop
    if app.self_routes is not None:
        # Known before the server starts: workflows resumed at start may reach an HTTP Task
        # aimed at this API, and functions its AWS endpoint, before any request has shown the
        # server its own address.
        scheme = "https" if tls is not None else "http"
        app.self_routes.learn({"server": listener.getsockname()[:2], "scheme": scheme})
    async with asyncio.TaskGroup() as group:
        serving = group.create_task(server.serve(sockets=[served]))
        listening = group.create_task(server.listening.wait())
        await asyncio.wait([serving, listening], return_when=asyncio.FIRST_COMPLETED)
        gc.enable()
        if server.started:
            app.listened()
            bound_host, bound_port = listener.getsockname()[:2]
            if options.sandbox is not None:
                options.sandbox.listening(
                    own_url(bound_host, bound_port, "https" if tls else "http")
                )
            if reloader is not None:
                await reloader.listened()
            certificate = tls.cert_file if tls is not None else None
            extra = control_lines(options.clock, options.control)
            extra += options.sandbox.lines() if options.sandbox is not None else []
            if pool is not None:
                extra = [*extra, *workers_lines(definition, pool)]
            announce(app, options.data, bound_host, bound_port, certificate, extra)
        else:
            listening.cancel()
    listener.close()
    served.close()
    if app.start_problems:
        _report(app.start_problems)
    return 0 if server.started and not app.start_problems else 1


def _listen(host: str, port: int) -> socket.socket:
    """The server's listening socket (port 0 picks a free one)."""
    return listening_socket(host, port)


class _Server(LongPollServer, ListeningServer):
    """uvicorn's server, telling when its sockets listen (the port is known only then), and
    ending the embedded engine's activity polls when it stops."""

    def __init__(self, config: Config, polls: LongPolls) -> None:
        super().__init__(config, polls)
        self.listening = asyncio.Event()

    def served(self) -> None:
        self.listening.set()

    def stop(self) -> None:
        self.should_exit = True


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
    clock: ManualClock | None = None,
    control: bool = False,
    arguments: argparse.Namespace | None = None,
    api_log: tuple[str, LogFormat] = ("-", LogFormat.AUTO),
    workers: int = 1,
    sandbox: Sandbox | None = None,
) -> int:
    # What the start imports and builds lives as long as the server (the lifespan moves it out
    # of the collector's way once it serves): the collector's passes over it while it grows
    # would cost a sixth of the time to the first answer (issue 19). On again once listening.
    gc.disable()
    try:
        return _serve_definition(
            path,
            host,
            port,
            log_level,
            tls,
            data,
            allowed_hosts,
            access_log,
            clock,
            control,
            arguments,
            api_log,
            workers,
            sandbox,
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
    clock: ManualClock | None,
    control: bool,
    arguments: argparse.Namespace | None,
    api_log: tuple[str, LogFormat],
    workers: int,
    sandbox: Sandbox | None,
) -> int:
    from appsync.errors import TlsError
    from appsync.workers import WorkerCommand

    read = _read_options(arguments)
    if read is None:
        return 1
    listener = None
    if port == 0:
        # A free port, known before the definition is read: a template's queue URLs name it.
        try:
            listener = _listen(host, port)
        except OSError as error:
            _report([Problem(_COMMAND_LINE, "--port", f"cannot listen on {host}:0: {error}")])
            return 1
        port = int(listener.getsockname()[1])
    secure = tls is not None and (tls.self_signed or tls.cert_file is not None)
    # What a template's queue URLs name: the server's own address, as its clients reach it.
    read = dataclasses.replace(
        read, endpoint_url=own_url(host, port, "https" if secure else "http")
    )
    definition = _load(path, read)
    if definition is None:
        if listener is not None:
            listener.close()
        return 1
    try:
        files = _tls_files(definition, tls)
    except (TlsError, OSError) as error:
        command_line = tls is not None and (tls.self_signed or tls.cert_file is not None)
        where = (_COMMAND_LINE, "--tls" if tls and tls.self_signed else "--cert")
        if not command_line:
            where = (str(definition.file), "server.tls")
        _report([Problem(*where, str(error))])
        if listener is not None:
            listener.close()
        return 1
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, _exit_quietly)
    directory = data if data is not None else DataDirectory.beside(path)
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
        clock,
        control,
        workers,
        WorkerCommand(path, read, log_level, access_log, tuple(allowed_hosts), api_log, reload),
        listener,
        sandbox,
    )
    try:
        return asyncio.run(_serve(definition, options, files))
    finally:
        if listener is not None:
            listener.close()


@dataclass(frozen=True, slots=True)
class _TlsChoice:
    """The command line's TLS flags; they replace the definition's `server.tls`."""

    self_signed: bool
    cert_file: Path | None
    key_file: Path | None


def _tls_files(definition: ApiDefinition, choice: _TlsChoice | None) -> TlsFiles | None:
    wanted = choice is not None and (choice.self_signed or choice.cert_file is not None)
    if not wanted and definition.server.tls is None:
        return None
    # cryptography, imported when TLS is asked for.
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
    # The engine and its API: imported by this command, not by `serve` (issue 19).
    from appsync.stepfunctions_api import serve_stepfunctions

    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, _exit_quietly)
    if not is_loopback(host):
        print(
            f"appsync-local: WARNING: --host {host} is not a loopback address: every host that "
            "can reach it can call the Step Functions API, signed with the test keys.",
            file=sys.stderr,
        )
    token = ConsoleToken.generate()
    print(f"appsync-local: Step Functions API on http://{host}:{port}/", flush=True)
    print(f"  credentials: {credentials_text(AwsEndpointSettings())}", flush=True)
    print(f"  Console:  http://{host}:{port}/console/", flush=True)
    print(f"    console API token: {token.value}  {TOKEN_NOTE}", flush=True)
    if database:
        print(f"  Standard executions stored in {database}", flush=True)
    asyncio.run(
        serve_stepfunctions(
            host,
            port,
            database=database,
            retention=retention,
            allowed_hosts=allowed_hosts,
            console_token=token,
        )
    )
    return 0


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
    arguments = parser().parse_args(argv)
    # `evaluate` prints AppSync's answer alone, the handler's console output inside it.
    quiet = "warning" if arguments.command == "evaluate" else "info"
    # Not dictConfig: that closes every handler the process has (a host's, a test runner's);
    # `serve` applies `logging_config` through uvicorn once it runs.
    logging.basicConfig(
        level=getattr(arguments, "log_level", quiet).upper(), handlers=[stderr_handler()]
    )
    sandbox = None
    if arguments.command == "sandbox":
        from appsync.sandbox import start_sandbox

        if (sandbox := start_sandbox(arguments)) is None:
            return 1
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
        from appsync.project_commands import evaluate

        return evaluate(arguments.code, arguments.template, arguments.function, arguments.context)
    if arguments.command == "amplify-outputs":
        from appsync.project_commands import amplify_outputs_command

        return amplify_outputs_command(
            arguments.config, arguments.endpoint, arguments.out, arguments.stack, arguments.region
        )
    if arguments.command == "secret":
        from appsync.backend_secrets import secret_main

        return secret_main(arguments)
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
        if arguments.fsync:
            print("appsync-local: --fsync needs a data directory, not --ephemeral", file=sys.stderr)
            return 2
        data = DataDirectory.ephemeral()
    elif arguments.data_dir is not None:
        data = DataDirectory(arguments.data_dir.resolve(), fsync=arguments.fsync)
    elif arguments.fsync:
        data = DataDirectory.beside(arguments.config, fsync=True)
    # The serve path: appsync.errors (graphql, the resolvers' errors) is no cost here.
    from appsync.errors import ClockOptionError

    try:
        clock = manual_clock(arguments)
    except ClockOptionError as error:
        print(f"appsync-local: {error}", file=sys.stderr)
        return 2
    return serve(
        arguments.config,
        arguments.host,
        arguments.port,
        arguments.log_level,
        tls,
        data,
        arguments.allowed_host,
        arguments.access_log,
        clock,
        arguments.control_api,
        arguments,
        (arguments.api_log, LogFormat(arguments.api_log_format)),
        arguments.workers,
        sandbox,
    )


if __name__ == "__main__":
    sys.exit(main())
