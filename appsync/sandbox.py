"""`appsync-local sandbox [PROJECT_DIR]`: the loop of Amplify Gen 2's `npx ampx sandbox`, served
by this server instead of deployed to AWS.

ampx sandbox (https://docs.amplify.aws/react/reference/cli-commands/; aws-amplify/
amplify-backend, packages/sandbox/src/file_watching_sandbox.ts and packages/cli/src/commands/
sandbox/sandbox_command.ts) synthesizes amplify/backend.ts and deploys it, writes
amplify_outputs.json into the working directory (`--outputs-out-dir`, `--outputs-format`), then
watches `amplify/` (`--dir-to-watch`) but `.amplify`, the patterns of the project's .gitignore,
the outputs file and `--exclude`'s paths and globs, and deploys again on each change. A change
while a deployment runs queues exactly one more. `--once` deploys once and does not watch.

Here the project is checked (`appsync.sandbox_project`), the backend synthesized before the
server starts (`start_sandbox`) and its assembly
served from `.amplify/artifacts/cdk.out`, as `serve --config` serves a cdk.out, with the data
directory beside it (`.amplify/artifacts/.appsync-local/`, kept across restarts);
amplify_outputs.json is written with this server's URL once it listens. `Sandbox` is the
reloader's trigger (`appsync.reload.ReloadTrigger`): each batch of changes (watchfiles groups
the events of one save) is synthesized (`appsync.sandbox_synth`); a synthesis that succeeded is
published into the served assembly and reloaded (subscriptions kept or ended as any reload of a
cdk.out keeps or ends them) and the outputs written again; one that failed prints the tool's
output and the last good API goes on serving. `--once`: synthesized once and served, not
watched.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import fnmatch
import os
import shlex
import sys
from collections.abc import Callable, Sequence
from contextlib import aclosing
from pathlib import Path
from typing import TYPE_CHECKING

from watchfiles import Change, DefaultFilter, awatch

from appsync.errors import SandboxError
from appsync.sandbox_project import (
    BACKEND,
    SandboxProject,
    hold,
    sandbox_project,
    write_outputs,
)
from appsync.sandbox_synth import (
    MANIFEST,
    SynthResult,
    publish,
    synthesize,
)

if TYPE_CHECKING:
    from appsync.reload import ApiReloader

# watchfiles: the events of one save, grouped (as `appsync.reload` groups them).
_STEP_MS = 50
_DEBOUNCE_MS = 1600
_RETRY_SECONDS = 1.0


class Sandbox:
    """The reloader's trigger: synthesize on change, then reload (see the module docstring)."""

    def __init__(self, project: SandboxProject, *, watching: bool = True) -> None:
        self.project = project
        # Open while the process runs (closing it, or the process's end, releases the lock).
        self.lock: int | None = None
        self.watching = watching
        self.url: str | None = None
        self._pending: set[Path] = set()
        self._synthesizing = False

    def listening(self, url: str) -> None:
        """The server's URL, once it listens: amplify_outputs' endpoint."""
        self.url = url

    def lines(self) -> list[str]:
        """The banner's lines about the sandbox."""
        project = self.project
        identifier = project.identifier
        lines = [
            f"Sandbox: {identifier.namespace} {identifier.name} (synthesized, not deployed)",
            f"  outputs: {project.outputs}",
        ]
        if self.watching:
            watched = project.watch.relative_to(project.directory)
            lines.append(f"  watching {watched}/: a change is synthesized, then served")
        return lines

    async def run(
        self, reloader: ApiReloader, stop: asyncio.Event, registered: Callable[[], None]
    ) -> None:
        await self.write_outputs()
        if not self.watching:
            registered()
            await stop.wait()
            return
        due = asyncio.Event()
        async with asyncio.TaskGroup() as group:
            synthesizing = group.create_task(self._synthesize_when_due(reloader, due))
            try:
                await self._watch(due, stop, registered)
            finally:
                # The server stops: a synthesis running ends with it (its process killed).
                synthesizing.cancel()

    async def write_outputs(self) -> None:
        """amplify_outputs for the served assembly and this server's URL (said when it cannot)."""
        if self.url is None:
            return
        try:
            await asyncio.to_thread(write_outputs, self.project, self.url)
        except SandboxError as error:
            print(f"appsync-local: {error}", file=sys.stderr, flush=True)
            return
        print(f"appsync-local: wrote {self.project.outputs}", flush=True)

    async def _watch(
        self, due: asyncio.Event, stop: asyncio.Event, registered: Callable[[], None]
    ) -> None:
        watched = Watched(self.project)
        while not stop.is_set():
            changes = awatch(
                self.project.watch,
                watch_filter=watched,
                step=_STEP_MS,
                debounce=_DEBOUNCE_MS,
                stop_event=stop,
            )
            # Runs once awatch has reached its first wait, its watches registered.
            asyncio.get_running_loop().call_soon(registered)
            try:
                async with aclosing(changes):
                    async for batch in changes:
                        self._changed(sorted({Path(path) for _, path in batch}))
                        due.set()
            except OSError as error:
                print(f"appsync-local: watching {self.project.watch} failed: {error}", flush=True)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), _RETRY_SECONDS)

    def _changed(self, paths: list[Path]) -> None:
        self._pending.update(paths)
        if self._synthesizing:
            print(
                "appsync-local: changed while a synthesis runs: "
                f"{self._names(paths)}; one more synthesis follows it",
                flush=True,
            )

    async def _synthesize_when_due(self, reloader: ApiReloader, due: asyncio.Event) -> None:
        project = self.project
        while True:
            await due.wait()
            due.clear()
            changed = sorted(self._pending)
            self._pending.clear()
            print(f"appsync-local: {self._names(changed)} changed: synthesizing", flush=True)
            self._synthesizing = True
            try:
                result = await synthesize(
                    project.command,
                    project.directory,
                    project.identifier,
                    project.staging,
                    project.timeout,
                )
            finally:
                self._synthesizing = False
            if result.succeeded:
                print(f"appsync-local: synthesized in {result.seconds:.1f} s", flush=True)
                try:
                    await asyncio.to_thread(publish, project.staging, project.assembly)
                except OSError as error:
                    result = dataclasses.replace(result, reason=f"not published: {error}")
                else:
                    outcome = await reloader.reload(changed)
                    if outcome.applied:
                        await self.write_outputs()
            if not result.succeeded:
                failed(result)
                print(
                    "appsync-local: still serving the last good version of the API",
                    file=sys.stderr,
                    flush=True,
                )

    def _names(self, paths: Sequence[Path]) -> str:
        shown = [os.path.relpath(path, self.project.directory) for path in paths[:5]]
        more = f" and {len(paths) - 5} more" if len(paths) > 5 else ""
        return ", ".join(shown) + more


class Watched(DefaultFilter):
    """ampx's watch: not `.amplify`, the .gitignore's patterns, the outputs file or
    `--exclude` (watchfiles' default filter first: .git, node_modules, editors' swap files)."""

    def __init__(self, project: SandboxProject) -> None:
        paths = [project.directory / ".amplify", project.watch / ".amplify", project.outputs]
        globs = [*_ignored(project.directory / ".gitignore")]
        for pattern in project.exclude:
            if any(mark in pattern for mark in "*?["):
                globs.append(pattern)
            else:
                paths.append(project.directory / pattern)
        super().__init__(ignore_paths=[os.path.normpath(path) for path in paths])
        self._root = project.directory
        self._globs = tuple(glob.strip("/") for glob in globs if glob.strip("/"))

    def __call__(self, change: Change, path: str) -> bool:
        if not super().__call__(change, path):
            return False
        relative = os.path.relpath(path, self._root)
        parts = Path(relative).parts
        for glob in self._globs:
            if "/" in glob:
                if fnmatch.fnmatch(relative, glob) or relative.startswith(glob + "/"):
                    return False
            elif any(fnmatch.fnmatch(part, glob) for part in parts):
                return False
        return True


def _ignored(gitignore: Path) -> list[str]:
    """The patterns of a .gitignore, as ampx passes them to its watcher (negations left out)."""
    try:
        lines = gitignore.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return []
    return [
        line.strip().removeprefix("/")
        for line in lines
        if line.strip() and not line.startswith(("#", "!"))
    ]


def failed(result: SynthResult) -> None:
    """A synthesis that failed, as the terminal shows it: the tool's output, then why."""
    if result.output.strip():
        print(result.output.rstrip(), file=sys.stderr)
    print(
        f"appsync-local: the synthesis failed ({result.reason}, after {result.seconds:.1f} s)",
        file=sys.stderr,
        flush=True,
    )


def start_sandbox(arguments: argparse.Namespace) -> Sandbox | None:
    """`sandbox`'s start: the project checked and synthesized, `arguments.config` its assembly;
    None (said why) when there is nothing to serve."""
    try:
        project = sandbox_project(
            Path(arguments.project_dir),
            identifier=arguments.identifier,
            dir_to_watch=arguments.dir_to_watch,
            exclude=arguments.exclude,
            outputs_out_dir=arguments.outputs_out_dir,
            outputs_format=arguments.outputs_format,
            synth_command=arguments.synth_command,
            timeout=arguments.synth_timeout,
        )
    except SandboxError as error:
        print(f"appsync-local sandbox: {error}", file=sys.stderr)
        return None
    if arguments.once and (arguments.exclude or arguments.dir_to_watch):
        print(
            "appsync-local sandbox: --once watches nothing: no --exclude or --dir-to-watch",
            file=sys.stderr,
        )
        return None
    try:
        lock = hold(project)
    except SandboxError as error:
        print(f"appsync-local sandbox: {error}", file=sys.stderr)
        return None
    if not _synthesized(project):
        os.close(lock)
        return None
    arguments.config = project.assembly
    sandbox = Sandbox(project, watching=not arguments.once)
    sandbox.lock = lock
    return sandbox


def _synthesized(project: SandboxProject) -> bool:
    """The first synthesis, published; or, when it fails, whether one synthesized before is
    there to serve."""
    identifier = project.identifier
    print(
        f"appsync-local: sandbox {identifier.namespace} {identifier.name}: synthesizing "
        f"{project.directory / BACKEND} ({shlex.join(project.command)})",
        flush=True,
    )
    try:
        result = asyncio.run(
            synthesize(
                project.command, project.directory, identifier, project.staging, project.timeout
            )
        )
    except KeyboardInterrupt:
        # Ctrl+C while it synthesizes: the synthesis's processes are ended (`synthesize`).
        print("appsync-local sandbox: stopped", file=sys.stderr)
        return False
    if not result.succeeded:
        failed(result)
        if not (project.assembly / MANIFEST).is_file():
            return False
        print(
            f"appsync-local: serving the assembly synthesized last, {project.assembly}",
            file=sys.stderr,
            flush=True,
        )
        return True
    try:
        publish(project.staging, project.assembly, prune=True)
    except OSError as error:
        print(f"appsync-local sandbox: {project.assembly}: {error}", file=sys.stderr)
        return False
    print(f"appsync-local: synthesized in {result.seconds:.1f} s", flush=True)
    return True
