"""An Amplify Gen 2 project as `appsync-local sandbox` runs it (`appsync.sandbox`): its
folders, the backend's name, the synthesis command, where amplify_outputs goes, checked before
anything runs; the lock one sandbox per project holds; and amplify_outputs written.

What ampx does, with its sources: the namespace is package.json's `name` and the name
`--identifier` or the user's login name (packages/cli/src/backend-identifier/
local_namespace_resolver.ts, commands/sandbox/sandbox_id_resolver.ts); `--identifier` must match
`[a-zA-Z0-9-]{1,15}` and `--outputs-out-dir` is created when missing (sandbox_command.ts,
packages/client-config/src/paths/get_client_config_path.ts); version 1 of the outputs is
written as JSON or as a Dart raw string (client_config_formatter_default.ts).
"""

from __future__ import annotations

import fcntl
import getpass
import json
import os
import re
import shlex
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from appsync.errors import SandboxError
from appsync.sandbox_synth import BackendIdentifier, cdk_synth_command

ASSEMBLY = Path(".amplify", "artifacts", "cdk.out")
_STAGING = Path(".amplify", "artifacts", "cdk.out.synth")
# Held while a sandbox runs on the project: a second one would synthesize into the same folders.
_LOCK = Path(".amplify", "artifacts", "sandbox.lock")
BACKEND = Path("amplify", "backend.ts")
# ampx's check of --identifier.
_IDENTIFIER = re.compile(r"[a-zA-Z0-9-]{1,15}")


class OutputsFormat(StrEnum):
    """ampx's `--outputs-format` for amplify_outputs (client config version 1)."""

    JSON = "json"
    DART = "dart"


@dataclass(frozen=True, slots=True)
class SandboxProject:
    """An Amplify Gen 2 project and how the sandbox runs it."""

    directory: Path
    identifier: BackendIdentifier
    watch: Path
    exclude: tuple[str, ...]
    outputs: Path
    outputs_format: OutputsFormat
    command: tuple[str, ...]
    timeout: float

    @property
    def assembly(self) -> Path:
        return self.directory / ASSEMBLY

    @property
    def staging(self) -> Path:
        return self.directory / _STAGING


def sandbox_project(
    directory: Path,
    *,
    identifier: str | None = None,
    dir_to_watch: str | None = None,
    exclude: Sequence[str] = (),
    outputs_out_dir: str | None = None,
    outputs_format: str = OutputsFormat.JSON.value,
    synth_command: str | None = None,
    timeout: float,
) -> SandboxProject:
    """The project in `directory`, checked; SandboxError says what is missing."""
    directory = directory.resolve()
    if not directory.is_dir():
        raise SandboxError(f"{directory} is not a folder")
    if not (directory / BACKEND).is_file():
        raise SandboxError(
            f"{directory} has no {BACKEND}: give the Amplify Gen 2 project's root (the parent "
            "of its amplify/ folder)"
        )
    watch = directory / (dir_to_watch or "amplify")
    if not watch.is_dir():
        raise SandboxError(f"--dir-to-watch {dir_to_watch} does not exist in {directory}")
    if identifier is not None and not _IDENTIFIER.fullmatch(identifier):
        # ampx's own message and resolution.
        raise SandboxError(
            f"Invalid --identifier provided: {identifier}. Use an identifier that matches "
            "[a-zA-Z0-9-] and is less than 15 characters."
        )
    backend = BackendIdentifier(_namespace(directory), identifier or _user_name())
    if synth_command is None:
        _check_toolchain(directory)
        command = cdk_synth_command(backend, directory / _STAGING)
    else:
        command = shlex.split(synth_command)
        if not command:
            raise SandboxError("--synth-command is empty")
    folder = directory / (outputs_out_dir or "")
    out = folder / f"amplify_outputs.{OutputsFormat(outputs_format).value}"
    return SandboxProject(
        directory,
        backend,
        watch,
        tuple(exclude),
        out,
        OutputsFormat(outputs_format),
        tuple(command),
        timeout,
    )


def _namespace(directory: Path) -> str:
    """package.json's `name`, as ampx's LocalNamespaceResolver reads it."""
    try:
        name = json.loads((directory / "package.json").read_text(encoding="utf-8")).get("name")
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, AttributeError):
        name = None
    if not isinstance(name, str) or not name:
        raise SandboxError(
            f"Cannot load name from the package.json in {directory}: give the project's root "
            '(the parent of its amplify/ folder), whose package.json has a "name" field'
        )
    return name


def _user_name() -> str:
    """ampx's default sandbox name: the login name of the user running it."""
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        raise SandboxError("cannot tell the user's login name: give --identifier") from None


def _check_toolchain(directory: Path) -> None:
    """What the default synthesis runs: npx, and the project's own CDK toolkit and tsx."""
    if shutil.which("npx") is None:
        raise SandboxError(
            "npx is not on the PATH: the backend is synthesized by the project's own CDK "
            "toolkit (npx cdk synth); install Node.js"
        )
    bins = directory / "node_modules" / ".bin"
    if not (directory / "node_modules").is_dir():
        raise SandboxError(f"{directory} has no node_modules: run npm install there first")
    for tool, package in (("cdk", "aws-cdk"), ("tsx", "tsx")):
        if not (bins / tool).exists():
            raise SandboxError(
                f"{directory}/node_modules has no {tool}: the backend is synthesized with "
                f'`npx cdk synth --app "npx tsx amplify/backend.ts"`; run npm install '
                f"--save-dev {package}"
            )


def write_outputs(project: SandboxProject, url: str) -> None:
    """amplify_outputs.<format> of the served assembly, its endpoint `url`: written whole (a
    front end's dev server reloads when it changes, and must not read half of it)."""
    from definition.amplify_outputs import NotAnAmplifyBackendError, amplify_outputs
    from definition.cdk import cdk_stack
    from definition.errors import InvalidDefinitionError

    try:
        root = cdk_stack(project.assembly, endpoint_url=url)
        outputs = amplify_outputs(root, f"{url}/graphql")
    except InvalidDefinitionError as error:
        problems = "; ".join(str(problem) for problem in error.problems)
        raise SandboxError(f"no {project.outputs.name}: {problems}") from None
    except NotAnAmplifyBackendError as error:
        raise SandboxError(f"no {project.outputs.name}: {error}") from None
    # @aws-amplify/client-config's ClientConfigFormatterDefault.
    text = json.dumps(outputs, indent=2, ensure_ascii=False)
    if project.outputs_format is OutputsFormat.DART:
        text = f"const amplifyConfig = r'''{text}''';"
    staged = project.outputs.with_name(f".{project.outputs.name}.tmp")
    try:
        project.outputs.parent.mkdir(parents=True, exist_ok=True)
        staged.write_text(text, encoding="utf-8")
        os.replace(staged, project.outputs)
    except OSError as error:
        raise SandboxError(f"cannot write {project.outputs}: {error.strerror}") from None


def hold(project: SandboxProject) -> int:
    """The project's sandbox lock, taken (its descriptor); SandboxError when another process
    holds it."""
    lock = project.directory / _LOCK
    try:
        lock.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(lock, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError as error:
        raise SandboxError(f"cannot open {lock}: {error.strerror}") from None
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = os.read(descriptor, 32).decode("ascii", "replace").strip() or "?"
        os.close(descriptor)
        raise SandboxError(
            f"another appsync-local sandbox runs on {project.directory} (process {holder})"
        ) from None
    os.ftruncate(descriptor, 0)
    os.pwrite(descriptor, str(os.getpid()).encode(), 0)
    return descriptor
