"""Hot reload: the API rebuilt when its files change, and swapped in only when it is whole.

`ApiReloader(app, read)` joins the app's lifespan (`AppSyncApp.companions`) and watches the
folders of the definition, its SDL files, templates, resolver code, seed files, state machine
definitions and key files, and of the local function code the API has imported (Python modules
under the definition's folder). A change there is a reload:

1. the definition is read again (`read()`, as `serve` read it) and the API built beside the
   running one (`load_api(..., running=...)`, in a worker thread so the server keeps answering),
   with the services that outlive it: the Step Functions engine (its executions and tokens),
   the AWS endpoint, the realtime broker, the embedded DynamoDB's data;
2. tables, queues, topics and buckets it declares that do not exist yet are created (tables
   seeded; a queue's or topic's changed attributes set), its state machines and activities
   declared (a changed definition updates its machine), and its Lambda functions brought to
   the running invoker: one new, changed, or with a changed file in its code
   directory starts on fresh workers (`functions_embedded.redeclare`);
3. any problem of 1 or 2 is reported as `validate` reports it (file:line:column, key path) and
   the running API goes on serving;
4. otherwise `AppSyncApp.install` swaps it in at once: a request already running finishes on the
   API it began on, realtime sockets stay open and their subscriptions move to the new API
   (or end with an `error` if their field is gone, `RealtimeRuntime.adopt`). The API cache is
   emptied (what the replaced code answered is not the new code's answer); the metrics go on
   counting. The replaced API's JavaScript runtime is closed once no request can still be
   running on it (AppSync's execution limit, `server.executionTimeoutSeconds`).

What only a restart changes (the AWS endpoint's keys, TLS, the realtime broker and knobs, the
extra DynamoDB listener, allowed hosts, a template's user pools, where Node.js functions find
the AWS SDK, the API cache's Redis, the engine's target, region, account and database) is
named in a notice and otherwise left as it runs.

Local function code is Python imported by module name: before each build, the modules loaded
from the API's folders (not installed packages, not this server's own) leave `sys.modules`, so
the build imports the files as they are now. PYTHON resolver modules of the replaced API leave
too, and the collector's frozen generation (`gc.freeze()` at start) is thawed, collected and
frozen again, so that reloads do not accumulate old APIs.

Each reload ends with a `ReloadOutcome`, logged, handed to `report`, and awaited by
`next_outcome` (tests wait for it rather than for time to pass).

A `ReloadTrigger` replaces the watching of the API's files: it decides when to call `reload`
(`appsync-local sandbox` watches an Amplify project's sources, synthesizes, then reloads the
assembly it wrote: `appsync.sandbox`).

watchfiles (the `watchfiles` package, also what uvicorn's own `--reload` uses) watches: inotify,
FSEvents or ReadDirectoryChangesW through the Rust `notify` crate, with polling as a fallback,
and it groups the several events of one editor save into one batch (`step`, `debounce`).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import gc
import importlib
import importlib.util
import logging
import os
import site
import sys
import time
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from contextlib import aclosing, asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from watchfiles import Change, DefaultFilter, awatch

from appsync.app import AppSyncApp, LoadedApi, load_api
from appsync.errors import ConfigError
from appsync.functions_embedded import redeclare
from appsync.sdl_problems import schema_problems
from appsync.startup import START_FAILURES, start_failure, start_problems
from definition.errors import InvalidDefinitionError
from definition.model import ApiDefinition, ServerSpec, Source
from definition.problems import Problem
from resolvers.runtimes.python import MODULE_PREFIX

logger = logging.getLogger(__name__)

# Reads the definition again, from where and as `serve` read it (a template's options too).
DefinitionReader = Callable[[], ApiDefinition]

# Files whose change is local function code even when the definition does not name them.
# TypeScript too: a build step (SAM's esbuild, serverless-appsync-plugin's) bundles it.
CODE_SUFFIXES = frozenset({".py", ".js", ".mjs", ".cjs", ".ts", ".mts", ".cts"})
# This server's own packages: never evicted, whatever folder the definition is in.
_OWN_PACKAGES = frozenset(
    {"appsync", "auth", "definition", "functions", "resolvers", "schema", "stepfunctions"}
)
# watchfiles: wait this long after a change for the rest of one save, at most `_DEBOUNCE_MS`.
_STEP_MS = 50
_DEBOUNCE_MS = 1600
# After the watcher failed (a folder gone), the wait before it watches again.
_RETRY_SECONDS = 1.0


@dataclass(frozen=True, slots=True)
class ReloadOutcome:
    """One reload: `number` counts from 1; `problems` is empty when the new API serves;
    `restart_only` names changed settings that take effect at the next start."""

    number: int
    changed: tuple[Path, ...]
    problems: tuple[Problem, ...]
    restart_only: tuple[str, ...]
    seconds: float

    @property
    def applied(self) -> bool:
        return not self.problems


class ReloadTrigger(Protocol):
    """What calls `ApiReloader.reload`, in place of the reloader's watching of the API's files."""

    async def run(
        self, reloader: ApiReloader, stop: asyncio.Event, registered: Callable[[], None]
    ) -> None:
        """Reload when due until `stop` is set; call `registered` once a change made from then
        on is seen (`ApiReloader.listened` returns then)."""
        ...


class ApiReloader:
    """Watches the API's files and reloads it on change (see the module docstring)."""

    def __init__(
        self,
        app: AppSyncApp,
        read: DefinitionReader,
        report: Callable[[ReloadOutcome], None] | None = None,
        *,
        after_listening: bool = False,
        trigger: ReloadTrigger | None = None,
    ) -> None:
        """`after_listening`: the watches are registered once the server listens (`serve`
        calls `listened`), not when the lifespan starts (see `listened`). `trigger`: what
        reloads instead of a change to the API's files."""
        self._app = app
        self.trigger = trigger
        self._read = read
        self._report = report
        self._lock = asyncio.Lock()
        self._done = asyncio.Condition()
        self._latest: ReloadOutcome | None = None
        self._count = 0
        self._stop: asyncio.Event | None = None
        self.loop: asyncio.AbstractEventLoop | None = None
        self._listening = asyncio.Event()
        self._registered = asyncio.Event()
        if not after_listening:
            self._listening.set()
        app.companions.append(self.watching)

    @property
    def count(self) -> int:
        """Reloads finished so far."""
        return self._count

    async def next_outcome(self, after: int) -> ReloadOutcome:
        """The outcome of the latest reload once more than `after` have finished."""
        async with self._done:
            await self._done.wait_for(lambda: self._count > after)
            assert self._latest is not None
            return self._latest

    async def listened(self) -> None:
        """The server listens: the watches are registered when this returns, so a change made
        once `serve` has printed its banner is seen.

        Registering them makes watchfiles import anyio's asyncio backend, about 15 ms of CPU
        that the first answer need not wait for (issue 19): `serve` has it imported in a worker
        thread once it listens, while the event loop answers."""
        self._listening.set()
        await self._registered.wait()

    @asynccontextmanager
    async def watching(self) -> AsyncIterator[None]:
        """Watch while inside (the app's lifespan enters it once its services run)."""
        self.loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        async with asyncio.TaskGroup() as group:
            watcher = group.create_task(self._watch(self._stop))
            # The watcher's first step registers its watches (watchfiles creates them before
            # its first wait): a change made once the server is started is seen.
            await asyncio.sleep(0)
            try:
                yield
            finally:
                self._stop.set()
                self._listening.set()  # a server stopped before it listened
                await watcher

    async def _watch(self, stop: asyncio.Event) -> None:
        try:
            if not self._listening.is_set():
                await self._listening.wait()
                if not stop.is_set():
                    await asyncio.to_thread(_import_watch_backend)
            if self.trigger is not None:
                await self.trigger.run(self, stop, self._registered.set)
            else:
                await self._watch_until(stop)
        finally:
            # A server stopped before its watches were registered: `listened` returns too.
            self._registered.set()

    async def _watch_until(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            # No local holds the API itself: a replaced one must be free to go.
            folders, files = _watched(self._app.state.api.definition)
            # Runs once this step has reached awatch's first wait, its watches registered.
            asyncio.get_running_loop().call_soon(self._registered.set)
            changes = awatch(
                *folders,
                watch_filter=_Relevant(files),
                step=_STEP_MS,
                debounce=_DEBOUNCE_MS,
                stop_event=stop,
                recursive=False,
            )
            try:
                async with aclosing(changes):
                    async for batch in changes:
                        changed = sorted({Path(path) for _, path in batch})
                        await self.reload(changed)
                        if _watched(self._app.state.api.definition)[0] != folders:
                            break  # watch the new API's folders
            except OSError as error:
                # A watched folder removed, the system's watch limit reached: said, retried.
                logger.warning("watching %s failed: %s", ", ".join(map(str, folders)), error)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), _RETRY_SECONDS)

    async def reload(self, changed: Sequence[Path] = ()) -> ReloadOutcome:
        """Rebuild the API from its files and swap it in when whole; one at a time."""
        # A reload builds on the running services (their tables, engine): once they run.
        await self._app.services.wait()
        async with self._lock:
            started = time.perf_counter()
            try:
                problems, restart_only = await self._reload(changed)
            except Exception as error:  # the edge: a fault in a reload must not stop the server
                logger.exception("the reload failed")
                where = str(self._app.state.api.definition.file)
                problems, restart_only = [Problem(where, "", f"the reload failed: {error!r}")], []
            if not problems:
                # What was alive at start was frozen (`gc.freeze()` in the lifespan), the first
                # API with it: thawed (in constant time), its reference cycles are the
                # collector's again, like those of every API a reload replaces. No collection
                # here: a full one costs hundreds of milliseconds of a large heap.
                gc.unfreeze()
            outcome = ReloadOutcome(
                self._count + 1,
                tuple(changed),
                tuple(problems),
                tuple(restart_only),
                time.perf_counter() - started,
            )
            _log(outcome, self._app.state.api.definition, detailed=self._report is None)
            if self._report is not None:
                self._report(outcome)
            async with self._done:
                self._latest, self._count = outcome, outcome.number
                self._done.notify_all()
            return outcome

    async def _reload(self, changed: Sequence[Path]) -> tuple[list[Problem], list[str]]:
        running: LoadedApi = self._app.state.api
        path = running.definition.file
        try:
            definition = self._read()
        except InvalidDefinitionError as error:
            return [*error.problems, *schema_problems(error, path)], []
        clock, data, _, log_sink = self._app.state.build
        _forget_modules(_project_modules([running.definition.base_dir]), bytecode=True)
        _forget_bytecode(changed)
        importlib.invalidate_caches()
        before = _resolver_modules()
        try:
            api = await asyncio.to_thread(
                load_api, definition, clock, data, log_sink, running=running
            )
        except ConfigError as error:
            _forget_modules(_resolver_modules() - before)
            return list(error.problems), []
        try:
            await _start(api, running, changed)
        except START_FAILURES as error:
            _forget_modules(_resolver_modules() - before)
            if api.js_runtime is not None:
                api.js_runtime.close()
            failure = start_failure(error)
            if failure is None:
                raise
            return start_problems(definition, failure), []
        await self._app.install(api)
        if api.executor.cache is not None:
            # Answers the replaced code computed are not the new code's.
            await api.executor.cache.store.flush()
        _forget_modules(before)
        _retire(running, api)
        return [], _restart_only(running.definition.server, definition.server)


async def _start(api: LoadedApi, running: LoadedApi, changed: Sequence[Path]) -> None:
    """What the lifespan would start for `api` that the running services do not have yet."""
    if api.dynamodb is not None:
        await api.dynamodb.start()
    # The queues, topics and buckets it adds (those it keeps are there already).
    resources = api.definition.server.resources
    await asyncio.to_thread(running.aws.created.create, resources, api.definition.problem)
    declared = api.definition.server.step_functions
    engine = running.step_functions
    await engine.declare(engine.declared(declared))
    await redeclare(running.functions, running.definition, api.definition, changed)


def _retire(replaced: LoadedApi, api: LoadedApi) -> None:
    """Close the replaced API's JavaScript runtime once no request can still be using it: a
    request ends by the execution limit (requests in flight finish on the API they began on)."""
    runtime = replaced.js_runtime
    if runtime is None or runtime is api.js_runtime:
        return
    limit = replaced.definition.server.execution_timeout_seconds
    asyncio.get_running_loop().call_later(limit, runtime.close)


def _restart_only(old: ServerSpec, new: ServerSpec) -> list[str]:
    """The settings that changed and take effect at the next start only."""
    changed = [
        name
        for name, before, after in (
            ("server.aws", old.aws, new.aws),
            ("server.realtime", old.realtime, new.realtime),
            ("server.tls", old.tls, new.tls),
            ("server.allowedHosts", old.allowed_hosts, new.allowed_hosts),
            (
                "server.dynamodb.endpoint",
                (old.dynamodb.endpoint_host, old.dynamodb.endpoint_port),
                (new.dynamodb.endpoint_host, new.dynamodb.endpoint_port),
            ),
            # A template's user pools, created in the embedded Cognito at start.
            ("user pools", old.user_pools, new.user_pools),
            # A template's event source mappings, followed from the start.
            ("event source mappings", old.stream_mappings, new.stream_mappings),
            (
                "event source mappings from queues",
                old.resources.queue_mappings,
                new.resources.queue_mappings,
            ),
            ("server.lambda.nodeSdkDirectory", old.node_sdk_directory, new.node_sdk_directory),
            ("server.apiCache.redisUrl", old.api_cache_redis_url, new.api_cache_redis_url),
        )
        if before != after
    ]
    engine_old, engine_new = (
        dataclasses.replace(spec.step_functions, activities=(), state_machines=())
        for spec in (old, new)
    )
    if engine_old != engine_new:
        changed.append("server.stepFunctions")
    return changed


def _log(outcome: ReloadOutcome, definition: ApiDefinition, *, detailed: bool) -> None:
    """One line per reload; with `detailed`, what `report` would show too."""
    milliseconds = outcome.seconds * 1000
    if outcome.applied:
        logger.info("reloaded API %s in %.0f ms", definition.name, milliseconds)
        for name in outcome.restart_only if detailed else ():
            logger.warning("%s changed: it takes effect when the server restarts", name)
        return
    logger.warning(
        "reload refused (%d problem(s)); still serving the last good version of the API",
        len(outcome.problems),
    )
    for problem in outcome.problems if detailed else ():
        logger.warning("  %s", problem)


def changed_since(definition: ApiDefinition, since: float) -> list[Path]:
    """The files the definition names that were modified after `since` (epoch seconds): what a
    process that read them at `since` and began watching later has not seen."""
    changed = []
    for file in sorted(_watched(definition)[1]):
        try:
            if file.stat().st_mtime > since:
                changed.append(file)
        except OSError:
            continue  # gone: the watch reports a file that comes back
    return changed


def _import_watch_backend() -> None:
    """anyio's asyncio backend, which `awatch` imports at its first step (anyio's
    `get_cancelled_exc_class`), imported beforehand, off the event loop (see `listened`)."""
    try:
        importlib.import_module("anyio._backends._asyncio")
    except ImportError:
        # Another anyio's layout: `awatch` imports its backend itself, on the loop.
        logger.debug("anyio's asyncio backend is not anyio._backends._asyncio")


def _watched(definition: ApiDefinition) -> tuple[frozenset[Path], frozenset[Path]]:
    """The folders to watch and the files in them that the definition names (a template's
    inline SDL, code and definitions are in the template itself)."""
    sources: list[Source | None] = [definition.file, *definition.templates, *definition.schema]
    for spec in (
        *(resolver.code for resolver in definition.resolvers),
        *(function.code for function in definition.functions),
    ):
        if spec is not None:
            sources += [spec.code, spec.request_mapping_template, spec.response_mapping_template]
    sources += [table.seed for table in definition.server.dynamodb.tables]
    sources += [machine.definition for machine in definition.server.step_functions.state_machines]
    for provider in (definition.authentication, *definition.additional_authentication_providers):
        for config in (provider.user_pool_config, provider.open_id_connect_config):
            if config is not None:
                sources.append(config.jwks_file)
    files = frozenset(source.resolve() for source in sources if isinstance(source, Path))
    folders = {file.parent for file in files}
    base = definition.base_dir.resolve()
    folders.update(
        Path(sys.modules[name].__file__ or "").parent for name in _project_modules({base})
    )
    # Lambda functions run in worker processes: their code directories and layers, whole.
    for function in definition.server.lambda_functions:
        # A built function's source, not the build: rebuilding writes there on each reload.
        code = function.built_from or function.code
        for folder in (code, *function.layers):
            if isinstance(folder, Path):
                folders.update(_code_folders(folder.resolve()))
    return frozenset(folder for folder in folders if folder.is_dir()), files


# The folders of a function's code that are never its own source.
_NOT_SOURCE = frozenset({"node_modules", "__pycache__"})
# At most this many folders of one function's code are watched (each is a system watch).
_MAX_CODE_FOLDERS = 200


def _code_folders(root: Path) -> list[Path]:
    """`root` and its folders, but dependencies', caches' and hidden ones."""
    found = [root]
    for folder in found:
        if len(found) >= _MAX_CODE_FOLDERS:
            break
        try:
            children = sorted(child for child in folder.iterdir() if child.is_dir())
        except OSError:
            continue
        found += [c for c in children if c.name not in _NOT_SOURCE and not c.name.startswith(".")]
    return found[:_MAX_CODE_FOLDERS]


class _Relevant(DefaultFilter):
    """A change to a file the definition names, or to code in a watched folder (watchfiles'
    default filter first: editors' swap and backup files, caches)."""

    def __init__(self, files: frozenset[Path]) -> None:
        super().__init__()
        self._files = files

    def __call__(self, change: Change, path: str) -> bool:
        if not super().__call__(change, path):
            return False
        file = Path(path)
        return file in self._files or file.suffix in CODE_SUFFIXES


def _project_modules(folders: Iterable[Path]) -> list[str]:
    """The modules in `sys.modules` loaded from files under `folders`: the API's own code,
    not an installed package's, not this server's, not a PYTHON resolver's (loaded apart).

    Compared as text first (a module's `__file__` is the absolute path it was found at):
    resolving each of the thousands of modules' paths cost 300 ms a reload."""
    roots = {os.path.join(form, "") for f in folders for form in (str(f), str(f.resolve()))}
    prefixes = (sys.prefix, sys.base_prefix, *site.getsitepackages())
    installed = {os.path.join(form, "") for p in prefixes for form in (p, os.path.realpath(p))}
    found = []
    for name, module in list(sys.modules.items()):
        file = getattr(module, "__file__", None)
        if not isinstance(file, str) or not file.startswith(tuple(roots)):
            continue
        if name.partition(".")[0] in _OWN_PACKAGES or name.startswith(MODULE_PREFIX):
            continue
        if not file.startswith(tuple(installed)):
            found.append(name)
    return found


def _forget_bytecode(changed: Iterable[Path]) -> None:
    """Delete the cached bytecode of changed Python files, wherever they are imported (this
    process, or a Lambda function's worker): see `_forget_modules`."""
    for path in changed:
        if path.suffix == ".py":
            with contextlib.suppress(OSError, NotImplementedError, ValueError):
                Path(importlib.util.cache_from_source(str(path))).unlink()


def _resolver_modules() -> set[str]:
    return {name for name in sys.modules if name.startswith(MODULE_PREFIX)}


def _forget_modules(names: Iterable[str], *, bytecode: bool = False) -> None:
    """Out of `sys.modules`; with `bytecode`, their cached bytecode deleted too: Python checks
    a `.pyc` against its source's size and mtime in whole seconds, so a same-sized edit within
    the second would import the old code."""
    for name in names:
        module = sys.modules.pop(name, None)
        cached = getattr(module, "__cached__", None)
        if bytecode and isinstance(cached, str):
            with contextlib.suppress(OSError):
                Path(cached).unlink()
