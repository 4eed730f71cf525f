"""JavaScript resolvers bundled with esbuild, as serverless-appsync-plugin bundles them before it
deploys (`src/resources/JsResolver.ts`, getResolverContent; doc/general-config.md, "Esbuild").

The plugin calls esbuild's `buildSync` with `target: esnext`, an inline source map without
sources and tree shaking, the API's `esbuild` options over those, and then, always, `platform:
node`, `format: esm`, `bundle: true` and `@aws-appsync/utils` (and `@aws-appsync/utils/ai`)
external; `esbuild: false` sends the file as written. Here the same call is made with the
service's own esbuild (`node_modules/esbuild`, which the plugin depends on, so a service whose
dependencies are installed has it), run by the `node` of the PATH, offline.

A JavaScript file whose only imports are `@aws-appsync/utils` (and its subpaths, such as
`@aws-appsync/utils/dynamodb`) is read as written: bundling it
would give the same code (only comments and layout change), and reading it keeps its own line
numbers in errors. TypeScript, and JavaScript that imports anything else (a file of its own, an
npm package), is bundled; without node or esbuild that is a problem that says what to install.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

# The modules AppSync provides to resolver code, which the plugin leaves external.
EXTERNAL = ("@aws-appsync/utils", "@aws-appsync/utils/ai")
_IMPORT = re.compile(
    r"""(?:\bimport\s*(?:[^'"();]*?\s*from\s*)?|\bexport\s*[^'"();]*?\s*from\s*|"""
    r"""\brequire\s*\(\s*|\bimport\s*\(\s*)['"]([^'"]+)['"]"""
)
# buildSync, as the plugin calls it; the options are JSON on standard input.
_SCRIPT = """
const [esbuild, entry, ...external] = process.argv.slice(1);
const options = JSON.parse(require('fs').readFileSync(0, 'utf8'));
try {
  const result = require(esbuild).buildSync({
    target: 'esnext', sourcemap: 'inline', sourcesContent: false, treeShaking: true,
    ...options,
    platform: 'node', format: 'esm', entryPoints: [entry], bundle: true, write: false,
    external, logLevel: 'silent',
  });
  process.stdout.write(JSON.stringify({text: result.outputFiles[0].text}));
} catch (error) {
  const first = (error.errors || [])[0];
  const where = first && first.location
    ? `${first.location.file}:${first.location.line}:${first.location.column + 1}: ` : '';
  process.stdout.write(JSON.stringify({error: first ? where + first.text : String(error)}));
}
"""
_TIMEOUT = 60
_cache: dict[tuple[str, int, int, str], str] = {}


class BundlingError(Exception):
    """The file cannot be bundled: `message` says why and what to do."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def needs_bundling(path: Path, text: str) -> bool:
    """Whether the plugin's bundling changes what AppSync would run: TypeScript, or imports of
    anything but the modules AppSync provides."""
    if path.suffix in (".ts", ".mts", ".cts", ".tsx"):
        return True
    # esbuild's `external`: a package path marks its subpaths external too
    # (`@aws-appsync/utils/dynamodb`, which AppSync provides as well).
    return any(
        not any(name == module or name.startswith(f"{module}/") for module in EXTERNAL)
        for name in _IMPORT.findall(text)
    )


def bundled(path: Path, options: dict[str, Any], service_dir: Path) -> str:
    """The code esbuild makes of `path` with the API's `options`, as the plugin makes it."""
    stat = path.stat()
    key = (str(path), stat.st_mtime_ns, stat.st_size, json.dumps(options, sort_keys=True))
    if key in _cache:
        return _cache[key]
    node = shutil.which("node")
    if node is None:
        raise BundlingError(
            "serverless-appsync-plugin bundles this file with esbuild, which runs on Node.js: "
            "install node (and the service's dependencies, `npm install`)"
        )
    esbuild = _esbuild(service_dir)
    if esbuild is None:
        raise BundlingError(
            "serverless-appsync-plugin bundles this file with esbuild, which is not installed "
            f"in {service_dir / 'node_modules'}: install the service's dependencies "
            "(`npm install`; serverless-appsync-plugin depends on esbuild)"
        )
    try:
        finished = subprocess.run(
            [node, "-e", _SCRIPT, str(esbuild), str(path), *EXTERNAL],
            input=json.dumps(options),
            capture_output=True,
            text=True,
            cwd=service_dir,
            timeout=_TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise BundlingError(f"esbuild did not run: {error}") from None
    try:
        answer = json.loads(finished.stdout)
    except json.JSONDecodeError:
        detail = (finished.stderr or finished.stdout).strip().splitlines()[-1:] or ["no output"]
        raise BundlingError(f"esbuild did not run: {detail[0]}") from None
    if "error" in answer:
        raise BundlingError(f"esbuild: {answer['error']}")
    text = str(answer["text"])
    _cache[key] = text
    return text


def _esbuild(service_dir: Path) -> Path | None:
    """The esbuild package Node would find from the service's folder, or under the plugin."""
    for folder in (service_dir, *service_dir.parents):
        for candidate in (
            folder / "node_modules" / "esbuild",
            folder / "node_modules" / "serverless-appsync-plugin" / "node_modules" / "esbuild",
        ):
            if (candidate / "package.json").is_file():
                return candidate
    return None
