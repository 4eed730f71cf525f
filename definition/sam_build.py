"""`sam build`'s esbuild step for a SAM function whose `Metadata` says `BuildMethod: esbuild`
(TypeScript, or JavaScript with imports to bundle), run when the template is read, so that the
function serves from its source as it would after `sam build`.

What the AWS SAM CLI does ("Building Node.js Lambda functions with esbuild in AWS SAM", and
aws-lambda-builders' `nodejs_npm_esbuild` workflow, `EsbuildCommandBuilder`): it runs the
esbuild binary (the project's `node_modules/.bin/esbuild`, else the one on the PATH) in the
function's `CodeUri` folder with `--bundle --platform=node --outdir=<artifacts>`, the defaults
`--target=es2020`, `--format=cjs` and `--minify` unless `BuildProperties` sets `Target`, `Format`
or `Minify`; `Minify: true` and `Sourcemap: true` as flags; `Target`, `Format`, `MainFields`,
`SourcesContent` as `--name=value`; `External`, `Loader`, `OutExtension`, `Banner` as one
`--name:value` each; then the `EntryPoints` (a name without a suffix gets `.ts`, else `.js`).
Without `EntryPoints` the handler's file is the entry point. The artifacts folder becomes the
function's code, so `Handler: app.lambdaHandler` finds `app.js` there.

Here the artifacts go to a folder of this machine's temporary directory named after the
template and the function, written only where a file changed (so a reload that bundles the same
code writes nothing); the source folder is kept beside it (`built_from`), which the reload
watcher watches. Dependencies are not installed: the project's `node_modules` is used as it is
(`sam build` runs `npm install` first).
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from definition.problems import Problem

FUNCTION = "AWS::Serverless::Function"
_BOOLEAN = {"Minify": "minify", "Sourcemap": "sourcemap"}
_SINGLE = {
    "Target": "target",
    "Format": "format",
    "MainFields": "main-fields",
    "SourcesContent": "sources-content",
}
_MULTI = {
    "External": "external",
    "Loader": "loader",
    "OutExtension": "out-extension",
    "Banner": "banner",
}
_TIMEOUT = 120
# The SAM CLI's own words when no esbuild is found (aws-lambda-builders, SubprocessEsbuild).
NO_ESBUILD = (
    "Cannot find esbuild. esbuild must be installed on the host machine to use this feature. "
    "It is recommended to be installed on the PATH, but can also be included as a project "
    "dependency."
)


def build_esbuild_functions(
    body: dict[str, Any], template: Path, problems: list[Problem]
) -> dict[Path, Path]:
    """Bundle each esbuild function of the template `body` (read from `template`) and point its
    `CodeUri` at the bundle; the bundle folders, each with the source folder it came from."""
    built: dict[Path, Path] = {}
    resources = body.get("Resources")
    function_globals = (body.get("Globals") or {}).get("Function") or {}
    for logical_id, resource in resources.items() if isinstance(resources, dict) else ():
        if not isinstance(resource, dict) or resource.get("Type") != FUNCTION:
            continue
        metadata = resource.get("Metadata") or {}
        if not isinstance(metadata, dict) or metadata.get("BuildMethod") != "esbuild":
            continue
        properties = resource.setdefault("Properties", {})
        code_uri = properties.get("CodeUri", function_globals.get("CodeUri"))
        handler = properties.get("Handler", function_globals.get("Handler"))
        if not isinstance(code_uri, str):
            problems.append(_problem(template, logical_id, "CodeUri", "expected a local folder"))
            continue
        source = (template.parent / code_uri).resolve()
        settings = metadata.get("BuildProperties") or {}
        try:
            bundle = _bundle(template, logical_id, source, settings, handler)
        except _BuildError as error:
            problems.append(_problem(template, logical_id, error.where, error.message))
            continue
        properties["CodeUri"] = str(bundle)
        built[bundle] = source
    return built


class _BuildError(Exception):
    def __init__(self, where: str, message: str) -> None:
        super().__init__(message)
        self.where = where
        self.message = message


def _problem(template: Path, logical_id: str, where: str, message: str) -> Problem:
    key_path = where if where.startswith("Metadata") else f"Properties.{where}"
    return Problem(str(template), key_path, message, logical_id=logical_id)


def _bundle(template: Path, logical_id: str, source: Path, settings: Any, handler: Any) -> Path:
    if not isinstance(settings, dict):
        raise _BuildError("Metadata.BuildProperties", "expected a mapping")
    if not source.is_dir():
        raise _BuildError("CodeUri", f"no folder {source}")
    esbuild = _esbuild(source)
    if esbuild is None:
        raise _BuildError("CodeUri", NO_ESBUILD)
    entries = settings.get("EntryPoints")
    if entries is None and isinstance(handler, str) and "." in handler:
        entries = [handler.rsplit(".", 1)[0]]
    if not isinstance(entries, list) or not entries:
        raise _BuildError("Metadata.BuildProperties.EntryPoints", "expected a list of files")
    arguments = [*_flags(settings), *(_entry(source, str(entry)) for entry in entries)]
    key = hashlib.sha256(f"{template.resolve()}\0{logical_id}".encode()).hexdigest()[:16]
    bundle = Path(tempfile.gettempdir()) / "appsync-local-sam-build" / f"{logical_id}-{key}"
    with tempfile.TemporaryDirectory(prefix="appsync-local-esbuild-") as scratch:
        command = [str(esbuild), "--bundle", "--platform=node", f"--outdir={scratch}"]
        try:
            finished = subprocess.run(
                [*command, *arguments],
                cwd=source,
                capture_output=True,
                text=True,
                timeout=_TIMEOUT,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired) as error:
            raise _BuildError("CodeUri", f"esbuild did not run: {error}") from None
        if finished.returncode != 0:
            detail = finished.stderr.strip() or "no output"
            raise _BuildError("CodeUri", f"esbuild failed: {detail}")
        _update(Path(scratch), bundle)
    return bundle


def _flags(settings: dict[str, Any]) -> list[str]:
    flags = [f"--{flag}" for key, flag in _BOOLEAN.items() if settings.get(key) is True]
    flags += [f"--{flag}={settings[key]}" for key, flag in _SINGLE.items() if key in settings]
    for key, flag in _MULTI.items():
        values = settings.get(key)
        if values is None:
            continue
        if not isinstance(values, list):
            raise _BuildError(f"Metadata.BuildProperties.{key}", "expected a list")
        flags += [f"--{flag}:{value}" for value in values]
    defaults = {"Target": "--target=es2020", "Format": "--format=cjs", "Minify": "--minify"}
    flags += [default for key, default in defaults.items() if key not in settings]
    return flags


def _entry(source: Path, entry: str) -> str:
    """An entry point as the SAM CLI names it: as written when it has a suffix, else with the
    first of `.ts` and `.js` that exists."""
    if Path(entry).suffix:
        if (source / entry).is_file():
            return entry
    else:
        for suffix in (".ts", ".js"):
            if (source / f"{entry}{suffix}").is_file():
                return f"{entry}{suffix}"
    raise _BuildError(
        "Metadata.BuildProperties.EntryPoints", f"entry point {source / entry} does not exist"
    )


def _esbuild(source: Path) -> Path | None:
    """The project's `node_modules/.bin/esbuild` nearest the code, else the PATH's."""
    for folder in (source, *source.parents):
        candidate = folder / "node_modules" / ".bin" / "esbuild"
        if candidate.is_file():
            return candidate
    found = shutil.which("esbuild")
    return Path(found) if found else None


def _update(built: Path, bundle: Path) -> None:
    """`bundle` made to hold what `built` holds, writing only the files that changed."""
    bundle.mkdir(parents=True, exist_ok=True)
    fresh = {path.relative_to(built) for path in built.rglob("*") if path.is_file()}
    for path in bundle.rglob("*"):
        if path.is_file() and path.relative_to(bundle) not in fresh:
            path.unlink()
    for relative in fresh:
        target = bundle / relative
        data = (built / relative).read_bytes()
        if target.is_file() and target.read_bytes() == data:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
