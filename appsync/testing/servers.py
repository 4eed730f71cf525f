"""Serving a definition for a test: in the test process (a thread with its own event loop) or
in a subprocess (`appsync-local serve`), on a free loopback port, with the control API on.

In process is the default: it starts in a fraction of a second once the server's modules are
imported, and a breakpoint in a resolver or a Lambda handler stops the test. A subprocess is
isolated: moto's backends (the embedded DynamoDB, Cognito, S3 ...) are process-wide, so servers
in one process share them, while a subprocess has its own; pytest-xdist's workers are
processes of their own either way.
"""

from __future__ import annotations

import asyncio
import logging
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Protocol

from uvicorn.config import Config
from uvicorn.server import Server

from appsync.app import AppSyncApp, build_app
from appsync.clock import ManualClock
from appsync.command_line import read_flags
from appsync.data_directory import DataDirectory
from appsync.errors import ConfigError
from appsync.hosts import listening_socket
from appsync.realtime.endpoint import UVICORN_OPTIONS
from appsync.reset import StateReset
from appsync.sdl_problems import schema_problems
from appsync.testing.errors import ServerStartError
from definition.errors import InvalidDefinitionError
from definition.formats import ReadOptions, read_definition
from definition.model import ApiDefinition, EmbeddedDynamoDBSettings
from resolvers.datasources.dynamodb_tables import EmbeddedDynamoDB

logger = logging.getLogger(__name__)

LOOPBACK = "127.0.0.1"
# How long a start may take before the fixture gives up (a subprocess imports everything first).
START_TIMEOUT_SECONDS = 60.0
_ANNOUNCED = re.compile(r"GraphQL:  http://127\.0\.0\.1:(\d+)/graphql")


class ServeMode(StrEnum):
    IN_PROCESS = "in-process"
    SUBPROCESS = "subprocess"


@dataclass(frozen=True, slots=True)
class ServeOptions:
    """`clock_start` None: the wall clock; a time: a manual clock starting there. `data`: the
    server's data directory (a folder: a subprocess shares it through the file system)."""

    mode: ServeMode
    clock_start: datetime | None
    data: DataDirectory
    # How to read a template: its format, parameters, stack, region and stage (`serve`'s flags).
    read: ReadOptions = field(default_factory=ReadOptions)
    # In process: the loopback socket to serve on, bound before the definition was read (a
    # template's queue URLs name its port); None: one bound at start.
    listener: socket.socket | None = None

    @property
    def data_dir(self) -> Path:
        assert self.data.path is not None, "a test server's data directory is a folder"
        return self.data.path


def load_definition(path: Path, read: ReadOptions | None = None) -> ApiDefinition:
    """The definition as `serve` reads it (our own file, a CloudFormation or SAM template, a
    cdk.out, told by content); its problems, as `validate` lists them, are a ServerStartError."""
    try:
        return read_definition(path, read)
    except InvalidDefinitionError as error:
        problems = [*error.problems, *schema_problems(error, path)]
        raise ServerStartError(str(path), [str(problem) for problem in problems]) from None


class RunningServer(Protocol):
    port: int

    def stop(self) -> None: ...


def serve(definition: ApiDefinition, options: ServeOptions) -> RunningServer:
    """Start serving `definition` (read from `definition.file`); ServerStartError when it does
    not start."""
    if options.mode is ServeMode.SUBPROCESS:
        return SubprocessServer.start(definition.file, options)
    return InProcessServer.start(definition, options)


class InProcessServer:
    """uvicorn in a daemon thread (which leaves the process's signals to pytest), under
    `asyncio.run` as `serve` runs it: the base event loop, which the manual clock's `settle`
    reads."""

    def __init__(
        self, app: AppSyncApp, server: Server, thread: threading.Thread, port: int
    ) -> None:
        self._app = app
        self._server = server
        self._thread = thread
        self.port = port

    @classmethod
    def start(cls, definition: ApiDefinition, options: ServeOptions) -> InProcessServer:
        clock = ManualClock(options.clock_start) if options.clock_start is not None else None
        try:
            app = build_app(definition, clock=clock, data=options.data, control=True)
        except ConfigError as error:
            raise ServerStartError(str(definition.file), [str(p) for p in error.problems]) from None
        listener = options.listener or listening_socket(LOOPBACK, 0)
        port = int(listener.getsockname()[1])
        if app.self_routes is not None:
            app.self_routes.learn({"server": (LOOPBACK, port), "scheme": "http"})
        # No log_config: uvicorn's dictConfig would close the test process's log handlers.
        config = Config(app, log_config=None, log_level="warning", lifespan="on", **UVICORN_OPTIONS)
        server = Server(config)
        thread = threading.Thread(
            target=_run, args=(server, listener), name=f"appsync-local:{port}", daemon=True
        )
        thread.start()
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                server.should_exit = True
                thread.join(5)
                listener.close()
                raise ServerStartError(str(definition.file), _start_problems(app))
            thread.join(0.005)
        return cls(app, server, thread, port)

    def stop(self) -> None:
        """Stop serving, and drop the embedded tables this server made: moto's backend outlives
        it in this process, and the next server of the same definition must start empty."""
        self._server.should_exit = True
        self._thread.join(15)
        reset: StateReset = self._app.state.api.reset
        dynamodb = reset.dynamodb or EmbeddedDynamoDB(EmbeddedDynamoDBSettings(), ())
        dynamodb.drop(also=sorted(reset.dynamodb_route.created_tables))


def _run(server: Server, listener: socket.socket) -> None:
    try:
        asyncio.run(server.serve(sockets=[listener]))
    except SystemExit:
        # uvicorn exits when its start fails; the lifespan's problems say why.
        pass
    finally:
        listener.close()


def _start_problems(app: AppSyncApp) -> list[str]:
    if app.start_problems:
        return [str(problem) for problem in app.start_problems]
    return ["the server did not start (see the log above)"]


class SubprocessServer:
    """`python -m appsync serve ... --port 0`, its output in the data directory's
    `server.log`; stopped with SIGTERM (killed if it does not stop)."""

    def __init__(self, process: subprocess.Popen[bytes], port: int, log: Path) -> None:
        self._process = process
        self.port = port
        self.log = log

    @classmethod
    def start(cls, definition_file: Path, options: ServeOptions) -> SubprocessServer:
        options.data_dir.mkdir(parents=True, exist_ok=True)
        log = options.data_dir / "server.log"
        command = [sys.executable, "-m", "appsync", "serve", "--config", str(definition_file)]
        command += ["--host", LOOPBACK, "--port", "0", "--data-dir", str(options.data_dir)]
        command += ["--log-level", "warning", "--control-api"]
        if options.clock_start is not None:
            command += ["--clock", "manual", "--clock-start", options.clock_start.isoformat()]
        command += read_flags(options.read)
        with log.open("wb") as output:
            process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            text = log.read_text(encoding="utf-8", errors="replace")
            found = _ANNOUNCED.search(text)
            if found is not None and "Press Ctrl+C" in text:
                return cls(process, int(found.group(1)), log)
            if process.poll() is not None:
                raise ServerStartError(str(definition_file), text.splitlines())
            time.sleep(0.02)
        _end(process)
        raise ServerStartError(
            str(definition_file), [f"not serving after {START_TIMEOUT_SECONDS:g} s"]
        )

    def stop(self) -> None:
        _end(self._process)


def _end(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
