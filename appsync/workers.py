"""`serve --workers N`: N processes answer on one port, to use every core.

The process `serve` starts is the primary. It binds the public port, then spawns N workers that
each serve that one listening socket (uvicorn's own multiprocess mode does the same: the parent
binds, spawned children accept on the inherited socket, and the kernel hands each connection to
one of them). The primary keeps everything that is one per installation and serves it to the
workers on a loopback port of its own (`appsync.aws.forward`):

* the data directory (its lock, the embedded DynamoDB and its journal), the Step Functions
  engine, Cognito and the rest of the one AWS endpoint: a worker's DynamoDB and Step Functions
  data sources call the primary, and AWS API requests on the public port are forwarded to it;
* subscriptions are shared through the Redis broker (`server.realtime.redisUrl`, required): a
  mutation on any worker reaches subscribers on every worker;
* the API cache lives in Redis as well (`server.apiCache.redisUrl`, by default the broker's), so
  a flush reaches every worker's reads;
* the credentials the identity pools vend (GetCredentialsForIdentity, AssumeRoleWithWebIdentity,
  forwarded to the primary) are kept by the primary: a worker asks it for a key it does not
  know (`appsync.aws.vended_credentials`).

A browser asking a worker for the console is sent to the primary's port (`ConsoleAtPrimary`):
the console's views read the services in process. Each worker keeps its own: warm Lambda
function processes, `/metrics` counts, the JavaScript runtime, and hot reload (every worker
watches the files and reloads itself; the primary reports the outcome). A worker that ends
without being asked is replaced; Ctrl+C or SIGTERM to the primary stops the workers first, then
the services. Each response carries the answering worker's process id in
`x-appsync-local-worker`.
"""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import logging
import multiprocessing
import os
import signal
import socket
import threading
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.connection import wait as wait_for
from multiprocessing.context import SpawnProcess
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

from starlette.responses import RedirectResponse
from starlette.types import ASGIApp, Receive, Scope, Send
from uvicorn.config import Config

from appsync.app import AppSyncApp, build_app
from appsync.aws.forward import PrimaryServices
from appsync.aws.vended_credentials import SIGNING_NAME as VENDED
from appsync.aws.vended_credentials import VendedCredentialsRoute
from appsync.data_directory import DataDirectory
from appsync.errors import ConfigError
from appsync.log_sinks import LogFormat, open_sink
from appsync.logs import logging_config, stderr_handler
from appsync.realtime.endpoint import UVICORN_OPTIONS
from appsync.reload import ApiReloader, ReloadOutcome, changed_since
from appsync.uvicorn_server import ListeningServer
from definition.errors import InvalidDefinitionError
from definition.formats import ReadOptions, read_definition
from definition.model import ApiDefinition
from definition.problems import Problem

if TYPE_CHECKING:
    # cryptography, imported by `--tls` alone.
    from appsync.tls import TlsFiles

logger = logging.getLogger(__name__)

# The header each response of a worker carries: the process that answered.
WORKER_HEADER = "x-appsync-local-worker"
# Where the primary serves the workers.
PRIMARY_HOST = "127.0.0.1"
# How long the workers may take to start (spawn, imports, the API built) before `serve` fails.
_START_SECONDS = 120.0
# A worker that ends is replaced at most this often, so one that crashes at once cannot spin.
_RESTART_SECONDS = 1.0
# How long stopping workers may take before they are killed.
_STOP_SECONDS = 10.0
_spawn = multiprocessing.get_context("spawn")


def workers_problem(
    definition: ApiDefinition, count: int, clock_control: bool = False
) -> Problem | None:
    """Why `serve --workers count` cannot run this definition, or None. `clock_control`:
    `--clock manual` or `--control-api` was given, which drive one process's clock and state."""
    if count > 1 and clock_control:
        return Problem(
            "appsync-local serve",
            "--workers",
            "--clock manual and --control-api drive one process's clock and state, and the "
            "workers each have their own; serve with one worker",
        )
    if count > 1 and definition.server.realtime.redis_url is None:
        return Problem(
            "appsync-local serve",
            "--workers",
            f"{count} workers share subscriptions through Redis: set server.realtime.redisUrl "
            "in the definition (for example redis://localhost:6379/0), or serve with one worker",
        )
    if count > 1 and definition.server.aws.trust_embedded_iam:
        return Problem(
            "appsync-local serve",
            "--workers",
            "server.aws.trustEmbeddedIam: the keys minted in the embedded IAM live in the "
            "primary process, and the workers could not verify AWS_IAM requests signed with "
            "them; serve with one worker",
        )
    return None


def shared(definition: ApiDefinition) -> ApiDefinition:
    """The definition as the primary and the workers run it: an API cache without a Redis of
    its own lives in the broker's, so that every worker reads and flushes the same entries."""
    server = definition.server
    if definition.api_cache is None or server.api_cache_redis_url is not None:
        return definition
    server = dataclasses.replace(server, api_cache_redis_url=server.realtime.redis_url)
    return dataclasses.replace(definition, server=server)


def _in_worker(definition: ApiDefinition) -> ApiDefinition:
    """What a worker serves: the shared definition, without the extra DynamoDB listener (the
    primary serves it)."""
    definition = shared(definition)
    dynamodb = dataclasses.replace(definition.server.dynamodb, endpoint_host=None)
    return dataclasses.replace(
        definition, server=dataclasses.replace(definition.server, dynamodb=dynamodb)
    )


@dataclass(frozen=True, slots=True)
class WorkerCommand:
    """What each worker is told of `serve`'s command line."""

    config: Path
    read: ReadOptions
    log_level: str = "info"
    access_log: bool = False
    allowed_hosts: tuple[str, ...] = ()
    api_log: tuple[str, LogFormat] = ("-", LogFormat.AUTO)
    reload: bool = True


@dataclass(frozen=True, slots=True)
class WorkerSettings:
    """What a worker needs to serve the API as the primary does (sent to the spawned process):
    the command line, the primary's services, the Cognito signing key, the files of TLS."""

    command: WorkerCommand
    primary: PrimaryServices
    cognito_key: dict[str, Any]
    tls: TlsFiles | None = None


def worker_pool(
    app: AppSyncApp, count: int, settings: WorkerSettings, listener: socket.socket
) -> WorkerPool:
    """The workers of `--workers`, answering on `listener`, started by the app's lifespan once
    the services run (entered last, so left first: workers stop before the services they call).
    The primary's AWS endpoint tells them the credentials its identity pools vend."""
    api = app.state.api
    route = VendedCredentialsRoute(
        api.aws.identity_pools, settings.primary.credentials.access_key_id
    )
    api.aws.endpoint.add_route(VENDED, route)
    pool = WorkerPool(count, settings, listener)
    app.companions.append(pool.running)
    return pool


class AsPublic:
    """ASGI: the primary's app, answering on its loopback port as if reached on the public one
    (requests come through the workers, which have checked the Host already)."""

    __slots__ = ("_app", "_server")

    def __init__(self, app: ASGIApp, public: tuple[str, int]) -> None:
        self._app = app
        self._server = public

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "lifespan":
            scope = {**scope, "server": self._server}
        await self._app(scope, receive, send)


class ConsoleAtPrimary:
    """ASGI: a worker sends a browser asking for the console to the primary's loopback port,
    since the console's views read the services in process (a worker's own are idle)."""

    __slots__ = ("_app", "_primary")

    def __init__(self, app: ASGIApp, primary_url: str) -> None:
        self._app = app
        self._primary = primary_url

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith("/console"):
            query = scope.get("query_string", b"").decode("latin-1")
            location = self._primary + scope["path"] + (f"?{query}" if query else "")
            await RedirectResponse(location, status_code=307)(scope, receive, send)
            return
        await self._app(scope, receive, send)


class WorkerPool:
    """The workers of one `serve`, as a companion of the primary's lifespan: started once the
    services run (`running`), each replaced when it ends unasked, stopped before the services."""

    def __init__(self, count: int, settings: WorkerSettings, listener: socket.socket) -> None:
        self.count = count
        self._settings = settings
        self._listener = listener
        self._processes: list[tuple[SpawnProcess, Connection]] = []
        self._stopping = False

    @property
    def primary_url(self) -> str:
        return self._settings.primary.url

    @property
    def pids(self) -> list[int]:
        return [process.pid for process, _ in self._processes if process.pid is not None]

    @asynccontextmanager
    async def running(self) -> AsyncIterator[None]:
        try:
            self._processes = [self._spawn() for _ in range(self.count)]
            await asyncio.to_thread(self._await_ready)
            async with asyncio.TaskGroup() as group:
                watching = group.create_task(self._replace_ended())
                try:
                    yield
                finally:
                    self._stopping = True
                    watching.cancel()
        finally:
            self._stopping = True
            await asyncio.to_thread(self._stop)

    def _spawn(self) -> tuple[SpawnProcess, Connection]:
        ready, told = _spawn.Pipe(duplex=False)
        process = _spawn.Process(
            target=run_worker,
            args=(self._settings, self._listener, told, os.getpid()),
            name="appsync-local worker",
        )
        process.start()
        told.close()
        return process, ready

    def _await_ready(self) -> None:
        """Until every worker says it serves; a worker that ends first fails the start."""
        waiting = {ready: process for process, ready in self._processes}
        sentinels = {process.sentinel: process for process, _ in self._processes}
        deadline = time.monotonic() + _START_SECONDS
        while waiting:
            left = deadline - time.monotonic()
            if left <= 0:
                raise ConfigError([_start_problem("did not start in time")])
            for event in wait_for([*waiting, *sentinels], timeout=left):
                if isinstance(event, Connection) and event in waiting:
                    try:
                        event.recv()
                    except EOFError:
                        continue
                    del waiting[event]
                elif isinstance(event, int) and sentinels[event] in waiting.values():
                    code = sentinels[event].exitcode
                    raise ConfigError([_start_problem(f"ended with status {code} as it started")])

    async def _replace_ended(self) -> None:
        while True:
            await asyncio.sleep(_RESTART_SECONDS)
            for index, (process, _) in enumerate(self._processes):
                if process.exitcode is None or self._stopping:
                    continue
                logger.warning(
                    "worker process %s ended (status %s); starting another",
                    process.pid,
                    process.exitcode,
                )
                process.close()
                self._processes[index][1].close()
                self._processes[index] = self._spawn()

    def _stop(self) -> None:
        for process, _ in self._processes:
            if process.exitcode is None:
                process.terminate()
        deadline = time.monotonic() + _STOP_SECONDS
        for process, ready in self._processes:
            process.join(max(0.0, deadline - time.monotonic()))
            if process.exitcode is None:
                logger.warning("worker process %s did not stop; killing it", process.pid)
                process.kill()
                process.join()
            ready.close()


def workers_lines(definition: ApiDefinition, pool: WorkerPool) -> list[str]:
    """What the banner says of the workers."""
    pids = ", ".join(str(pid) for pid in pool.pids)
    redis = urlsplit(definition.server.realtime.redis_url or "")
    # The URL without its password.
    shown = redis._replace(netloc=redis.netloc.replace(f":{redis.password}@", ":***@"))
    return [
        f"Workers: {pool.count} processes answer on this port (pids {pids})",
        f"  subscriptions shared through Redis at {urlunsplit(shown)}",
        f"  DynamoDB, Step Functions and the AWS endpoint served to them by pid {os.getpid()},",
        f"  which serves the console: {pool.primary_url}/console/",
    ]


def _start_problem(what: str) -> Problem:
    return Problem("appsync-local serve", "--workers", f"a worker process {what}")


def run_worker(
    settings: WorkerSettings, listener: socket.socket, ready: Connection, primary_pid: int
) -> None:
    """A worker process: the API built as the primary built it, served on `listener`."""
    command, public = settings.command, listener.getsockname()[:2]
    for signum in (signal.SIGINT, signal.SIGTERM):
        # uvicorn handles the signal while it serves, and raises it again once it has stopped.
        signal.signal(signum, _stopped)
    logging.basicConfig(level=command.log_level.upper(), handlers=[stderr_handler()])
    threading.Thread(target=_end_with, args=(primary_pid,), daemon=True).start()

    def read() -> ApiDefinition:
        return _in_worker(read_definition(command.config, command.read))

    # The files are read now; a change saved before the watch below starts is caught up then.
    read_at = time.time()
    try:
        app = build_app(
            read(),
            data=DataDirectory(None, cognito_key=settings.cognito_key),
            allowed_hosts=command.allowed_hosts,
            log_sink=open_sink(*command.api_log),
            primary=settings.primary,
        )
    except (InvalidDefinitionError, ConfigError) as error:
        # The primary read the same files a moment ago: they changed, and its reload reports it.
        logger.error("worker process %s cannot start: %s", os.getpid(), error)
        raise SystemExit(1) from None
    if command.reload:
        reloader = ApiReloader(app, read, _reloaded)
        app.companions.append(functools.partial(_caught_up, reloader, app, read_at))
    if app.self_routes is not None:
        scheme = "https" if settings.tls is not None else "http"
        app.self_routes.learn({"server": public, "scheme": scheme})
    config = Config(
        ConsoleAtPrimary(app, settings.primary.url),
        log_level=command.log_level,
        log_config=logging_config(command.log_level, command.access_log),
        access_log=command.access_log,
        headers=[(WORKER_HEADER, str(os.getpid()))],
        **UVICORN_OPTIONS,
        **(settings.tls.uvicorn_options() if settings.tls is not None else {}),
    )
    server = _WorkerServer(config, ready)
    server.run(sockets=[listener])
    raise SystemExit(0 if server.started else 1)


class _WorkerServer(ListeningServer):
    """uvicorn's server, telling the primary once it serves."""

    def __init__(self, config: Config, ready: Connection) -> None:
        super().__init__(config)
        self._ready = ready

    def served(self) -> None:
        self._ready.send(os.getpid())
        self._ready.close()

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        # Ctrl+C reaches every process of the terminal's group; the primary then stops the
        # workers (SIGTERM) before its services, and a second signal would cut that short.
        if sig != signal.SIGINT:
            super().handle_exit(sig, frame)


@asynccontextmanager
async def _caught_up(reloader: ApiReloader, app: AppSyncApp, read_at: float) -> AsyncIterator[None]:
    """Entered once the reloader watches: a file changed between the worker's read and then
    (a worker starts seconds after the primary, which reloads it) is reloaded now."""
    changed = changed_since(app.state.api.definition, read_at)
    if changed:
        await reloader.reload(changed)
    yield


def _stopped(signum: int, frame: FrameType | None) -> None:
    """The signal uvicorn raises again once it has stopped: the worker's end, not an error."""


def _reloaded(outcome: ReloadOutcome) -> None:
    """The primary reloads the same files and reports the outcome; a worker says nothing."""


def _end_with(primary_pid: int) -> None:
    """A worker whose primary has gone (killed without a chance to stop it) stops too."""
    while os.getppid() == primary_pid:
        time.sleep(1.0)
    os.kill(os.getpid(), signal.SIGTERM)
