"""One synthesis of an Amplify Gen 2 backend, as `npx ampx sandbox` makes it before each
deployment, and the served cloud assembly replaced by it when it succeeded.

ampx names the backend `{namespace, name, type: "sandbox"}` (namespace: package.json's `name`;
name: `--identifier`, else the user's login name) and synthesizes `amplify/backend.ts` with
those three as CDK context (`amplify-backend-namespace`, `amplify-backend-name`,
`amplify-backend-type`) into `.amplify/artifacts/cdk.out` (aws-amplify/amplify-backend,
packages/cli/src/commands/sandbox/sandbox_id_resolver.ts, packages/backend-deployer/src/
cdk_deployer.ts). The default command here is the CDK toolkit of the project's own
node_modules doing the same: `npx cdk synth --app "npx tsx amplify/backend.ts" --context ...
--output DIR`. Whatever the command, it runs in the project's folder with the variables the CDK
toolkit gives an app (`CDK_OUTDIR`, `CDK_CONTEXT_JSON`), so another command (a script of the
user's, a test's program) can write the assembly too.

A synthesis never blocks the event loop (a subprocess, read as it writes), is bounded (a
timeout, after which the process group is killed) and keeps only the end of the tool's output
(`OUTPUT_LIMIT`). It writes into a folder of its own (`staging`); `publish` then brings the new
assembly into the served one: files whose name is content-addressed (CDK's `asset.<hash>`) are
kept when already there, so the running API's code and functions stay where they are, and the
manifest is written last.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import shutil
import signal
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

# The end of the tool's output that is kept (a TypeScript error is at its end).
OUTPUT_LIMIT = 64 * 1024
MANIFEST = "manifest.json"
_ASSET_PREFIX = "asset."
_READ_SIZE = 64 * 1024


@dataclass(frozen=True, slots=True)
class BackendIdentifier:
    """ampx's name of a backend: `amplify-<namespace>-<name>-<type>-<hash>` is its stack."""

    namespace: str
    name: str
    type: str = "sandbox"

    def context(self) -> dict[str, str]:
        """The CDK context @aws-amplify/backend reads the backend's identity from."""
        return {
            "amplify-backend-namespace": self.namespace,
            "amplify-backend-name": self.name,
            "amplify-backend-type": self.type,
        }


@dataclass(frozen=True, slots=True)
class SynthResult:
    """`reason` is empty when the assembly was written; `output` is the end of what the tool
    printed (standard output and error, interleaved as it wrote them)."""

    seconds: float
    output: str
    reason: str = ""

    @property
    def succeeded(self) -> bool:
        return not self.reason


def cdk_synth_command(identifier: BackendIdentifier, output: Path) -> list[str]:
    """`ampx sandbox`'s synthesis by the project's own CDK toolkit (see the module docstring)."""
    command = ["npx", "cdk", "synth", "--app", "npx tsx amplify/backend.ts"]
    for key, value in identifier.context().items():
        command += ["--context", f"{key}={value}"]
    return [*command, "--output", str(output), "--quiet", "--no-notices"]


async def synthesize(
    command: Sequence[str],
    project: Path,
    identifier: BackendIdentifier,
    staging: Path,
    limit: float,
) -> SynthResult:
    """Run `command` in `project` to write a cloud assembly into `staging` (emptied first),
    stopped after `limit` seconds."""
    started = time.perf_counter()
    await asyncio.to_thread(_empty, staging)
    environment = {
        **os.environ,
        "CDK_OUTDIR": str(staging),
        "CDK_CONTEXT_JSON": json.dumps(identifier.context()),
        # The toolkit would ask the npm registry whether it is the newest, at each synthesis.
        "CDK_DISABLE_VERSION_CHECK": "1",
    }
    tail = OutputTail(OUTPUT_LIMIT)
    try:
        process = await asyncio.create_subprocess_exec(
            *command,
            cwd=project,
            env=environment,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
            # Its own process group: npx's node and the app's are ended with it.
            start_new_session=True,
        )
    except OSError as error:
        return SynthResult(time.perf_counter() - started, "", f"{command[0]}: {error.strerror}")
    try:
        async with asyncio.timeout(limit):
            assert process.stdout is not None
            while chunk := await process.stdout.read(_READ_SIZE):
                tail.add(chunk)
            status = await process.wait()
    except TimeoutError:
        return SynthResult(
            time.perf_counter() - started, tail.text(), f"no assembly after {limit:g} s"
        )
    finally:
        if process.returncode is None:
            # Timed out, or the server stops while it runs.
            _end_group(process.pid)
            await process.wait()
    seconds = time.perf_counter() - started
    if status != 0:
        return SynthResult(seconds, tail.text(), f"exit status {status}")
    if not (staging / MANIFEST).is_file():
        return SynthResult(seconds, tail.text(), f"it wrote no cloud assembly ({MANIFEST})")
    return SynthResult(seconds, tail.text())


def publish(staging: Path, assembly: Path, *, prune: bool = False) -> None:
    """Bring the assembly in `staging` into `assembly` (see the module docstring); `prune`:
    what the new one does not have goes (nothing serves from `assembly` yet)."""
    assembly.mkdir(parents=True, exist_ok=True)
    entries = sorted(staging.iterdir(), key=lambda entry: entry.name == MANIFEST)
    names = {entry.name for entry in entries}
    for entry in entries:
        target = assembly / entry.name
        if entry.name.startswith(_ASSET_PREFIX) and target.exists():
            continue  # content-addressed: the same
        _remove(target)
        os.replace(entry, target)
    if prune:
        for stale in assembly.iterdir():
            if stale.name not in names:
                _remove(stale)
    shutil.rmtree(staging, ignore_errors=True)


class OutputTail:
    """The last `limit` bytes of a stream, and how much was dropped before them."""

    def __init__(self, limit: int) -> None:
        self._limit = limit
        self._kept = bytearray()
        self.dropped = 0

    def add(self, chunk: bytes) -> None:
        self._kept += chunk
        excess = len(self._kept) - self._limit
        if excess > 0:
            del self._kept[:excess]
            self.dropped += excess

    def text(self) -> str:
        text = self._kept.decode("utf-8", errors="replace")
        if self.dropped:
            return f"[{self.dropped} bytes of output before this left out]\n{text}"
        return text


def _empty(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)


def _end_group(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)
