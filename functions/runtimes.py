"""How a worker process of each language starts: its command line and runtime variables.

Python (AWS Lambda developer guide, "Working with layers for Python Lambda functions"): the
function's code directory comes first on `sys.path` (vendored packages sit there, as `pip
install -t .` puts them), then its installed `requirements.txt` (`requirements`), then each
layer's `python` and `python/lib/python3.x/site-packages`,
then the standard library; boto3 and its dependencies resolve last, as Lambda's runtime puts its
own boto3 after the function's. By default the worker runs on the server's interpreter without
`site` (`-S`), so a function sees what Lambda gives it (its code, layers, the standard library,
boto3) and not the server's other packages; a function may name its own interpreter or virtual
environment instead, whose packages it then sees.

Node.js: `node` from the PATH, refused at load where there is none. NODE_PATH lists what
Lambda's does (`/opt/nodejs/node20/node_modules:/opt/nodejs/node_modules:
/var/runtime/node_modules:/var/runtime:/var/task`): each layer's `nodejs/nodeNN/node_modules`
and `nodejs/node_modules`, the SDK directory's `node_modules`, the code directory.
"""

from __future__ import annotations

import importlib.util
import json
import logging
import os
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

from functions.errors import InvalidParameterValueError, RuntimeUnavailableError
from functions.model import FunctionSpec, Language, Runtime
from functions.node_sdk import NodeSdk

logger = logging.getLogger(__name__)

BOOTSTRAP_DIR = Path(__file__).resolve().parent / "bootstrap"
PYTHON_BOOTSTRAP = BOOTSTRAP_DIR / "python_runtime.py"
NODE_BOOTSTRAP = BOOTSTRAP_DIR / "node_runtime.mjs"
PYTHON_PATHS_VARIABLE = "_APPSYNC_LOCAL_PYTHON_PATHS"
RUNTIME_PACKAGES_VARIABLE = "_APPSYNC_LOCAL_RUNTIME_PACKAGES"
# boto3 and what it imports: what Lambda's Python runtime provides beyond the standard library.
RUNTIME_PACKAGES = ("boto3", "botocore", "s3transfer", "jmespath", "dateutil", "urllib3", "six")


@dataclass(frozen=True, slots=True)
class WorkerCommand:
    """The command line of a worker process and the variables its runtime adds."""

    argv: tuple[str, ...]
    variables: dict[str, str] = field(default_factory=dict)


def worker_command(
    spec: FunctionSpec,
    runtime: Runtime,
    *,
    node_sdk: NodeSdk | None,
    search_path: str | None,
    packages: Path | None = None,
) -> WorkerCommand:
    """The command starting a worker of `spec`; RuntimeUnavailableError when it cannot start.
    `packages`: a Python function's installed requirements, on its path after its code."""
    if runtime.language is Language.PYTHON:
        return _python_command(spec, runtime, packages)
    return _node_command(spec, runtime, node_sdk, search_path)


def python_interpreter(spec: FunctionSpec) -> str:
    """The interpreter that runs a Python function: its own, or the server's."""
    if spec.python_executable is None:
        return sys.executable
    return str(_interpreter(spec.name, spec.python_executable))


def find_node(search_path: str | None) -> str | None:
    """`node` on `search_path` (the server's PATH by default)."""
    return shutil.which("node", path=search_path)


def _python_command(spec: FunctionSpec, runtime: Runtime, packages: Path | None) -> WorkerCommand:
    flags: tuple[str, ...] = ()
    if spec.python_executable is None:
        interpreter = sys.executable
        flags = ("-S",)
    else:
        interpreter = str(_interpreter(spec.name, spec.python_executable))
    # Later layers first: Lambda extracts layers into /opt in order, a later one overwriting an
    # earlier one's files.
    paths = [str(spec.code_dir.resolve())]
    if packages is not None:
        # Where a deployment package holds them: beside the code, before any layer.
        paths.append(str(packages))
    for layer in reversed(spec.layers):
        python = layer.resolve() / "python"
        version = f"python{runtime.major}.{runtime.minor}"
        paths += [str(python), str(python / "lib" / version / "site-packages")]
    variables = {
        PYTHON_PATHS_VARIABLE: json.dumps(paths),
        RUNTIME_PACKAGES_VARIABLE: json.dumps(runtime_package_dirs()),
    }
    # -u: unbuffered output, as Lambda's runtime wraps stdout; -X utf8: Lambda's UTF-8 locale.
    argv = (interpreter, *flags, "-u", "-X", "utf8", str(PYTHON_BOOTSTRAP))
    return WorkerCommand(argv, variables)


def _interpreter(function_name: str, executable: Path) -> Path:
    candidate = executable / "bin" / "python" if executable.is_dir() else executable
    if not candidate.is_file() or not os.access(candidate, os.X_OK):
        raise InvalidParameterValueError(
            f"Function {function_name}: Python interpreter {executable} not found "
            "(name an interpreter or a virtual environment's directory)."
        )
    return candidate


def runtime_package_dirs() -> dict[str, str]:
    """Where the server's own boto3 and its dependencies live, by top-level name."""
    found: dict[str, str] = {}
    for name in RUNTIME_PACKAGES:
        spec = importlib.util.find_spec(name)
        if spec is None or spec.origin is None:
            continue
        origin = Path(spec.origin)
        # A package's origin is its __init__.py; a module's (six) is the file itself.
        found[name] = str(
            origin.parent.parent if spec.submodule_search_locations else origin.parent
        )
    return found


def _node_command(
    spec: FunctionSpec, runtime: Runtime, node_sdk: NodeSdk | None, search_path: str | None
) -> WorkerCommand:
    node = find_node(search_path)
    if node is None:
        raise RuntimeUnavailableError(
            spec.name,
            spec.runtime,
            f"Function {spec.name} ({spec.runtime}) cannot run: Node.js was not found on the "
            "PATH. Install Node.js 18 or newer (https://nodejs.org/) and restart; the API's "
            "other functions and resolvers still serve.",
        )
    node_path: list[str] = []
    for layer in reversed(spec.layers):
        nodejs = layer.resolve() / "nodejs"
        node_path += [
            str(nodejs / f"node{runtime.major}" / "node_modules"),
            str(nodejs / "node_modules"),
        ]
    if node_sdk is not None:
        node_path.append(str(node_sdk.node_modules.resolve()))
    node_path.append(str(spec.code_dir.resolve()))
    # AWS differs: the Node.js on the PATH runs every nodejsNN.x function, whatever NN says.
    return WorkerCommand((node, str(NODE_BOOTSTRAP)), {"NODE_PATH": os.pathsep.join(node_path)})
