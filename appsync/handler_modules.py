"""The API's own Python handler modules, imported from its folder even when another API served
by this process has a module of the same name.

A `module:function` handler (`lambdaConfig.handler`, a LAMBDA conflict handler's `handler`, a
Lambda authorizer's `handler`) is imported by name from the definition's folder, which goes
first on `sys.path`. Python keeps one module per name per process: two APIs in one process (the
pytest plugin's in-process fixtures, a test suite building several apps) whose folders each hold
a `handlers.py` would otherwise both run the first one's code. Before this API's handlers are
imported, a module of one of their names that was loaded from somewhere else, while this
folder holds a module of that name, is taken out of `sys.modules` with its submodules, so the
import finds this folder's. Handlers already imported keep their own modules: a function holds
its module's globals, not the name.

Only the names the API's handlers use are considered, never the standard library's or this
server's own packages.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path

from definition.model import ApiDefinition

# This server's own top-level packages: never a handler's module, whatever a folder holds.
_OURS = frozenset({"appsync", "auth", "definition", "functions", "resolvers", "schema"})
_PROTECTED = _OURS | {"stepfunctions"} | sys.stdlib_module_names


def handler_modules(definition: ApiDefinition) -> set[str]:
    """The top-level module names of every handler the API imports into this process."""
    handlers = [spec.lambda_handler for spec in definition.data_sources]
    syncs = [spec.sync_config for spec in definition.resolvers]
    syncs += [spec.sync_config for spec in definition.functions]
    handlers += [sync.lambda_conflict_handler for sync in syncs if sync is not None]
    providers = (definition.authentication, *definition.additional_authentication_providers)
    for provider in providers:
        if provider.lambda_authorizer_config is not None:
            handlers.append(provider.lambda_authorizer_config.handler)
    return {
        handler.partition(":")[0].split(".")[0]
        for handler in handlers
        if handler and ":" in handler
    }


def import_from(folder: Path, names: Iterable[str]) -> None:
    """Make `import NAME` find `folder`'s module for each of `names`: `folder` first on
    `sys.path`, and a module of that name loaded from elsewhere forgotten (with its submodules)
    when `folder` holds one."""
    place = str(folder)
    if place in sys.path:
        sys.path.remove(place)
    sys.path.insert(0, place)
    for name in names:
        if name in _PROTECTED or not _holds(folder, name):
            continue
        loaded = sys.modules.get(name)
        if loaded is None or _loaded_from(loaded, folder):
            continue
        for each in [n for n in sys.modules if n == name or n.startswith(name + ".")]:
            del sys.modules[each]


def _holds(folder: Path, name: str) -> bool:
    return (folder / f"{name}.py").is_file() or (folder / name).is_dir()


def _loaded_from(module: object, folder: Path) -> bool:
    """True when `module`'s file (or a package's folders) lies in `folder`."""
    places = [getattr(module, "__file__", None), *(getattr(module, "__path__", None) or [])]
    root = folder.resolve()
    return any(place and Path(place).resolve().is_relative_to(root) for place in places)
