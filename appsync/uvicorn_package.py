"""uvicorn's package without its command line (issue 19: the first answer).

Importing `uvicorn`, or any of its modules, runs the package's `__init__`, which imports
`uvicorn.main`: uvicorn's own command line, with click and the supervisors of its `--reload`
and `--workers`, about 30 modules and 12 ms of CPU that `appsync-local` never uses (it runs
`uvicorn.config.Config` and `uvicorn.server.Server` itself, and its workers are its own).

`without_command_line()`, which the `appsync-local` command calls before anything has
imported uvicorn (`appsync.entry_point`), makes the package from its spec without running its
`__init__` and registers it: its modules import as before (the package's `__path__` is all the
import system needs of it). What `__init__` gives the package (`uvicorn.run`, `uvicorn.main`,
`uvicorn.Config`, `uvicorn.Server`, `__version__`, `__all__`) it gives on first use: `Config` and
`Server` from their modules, the others by running `__init__` then, from which point the
package is uvicorn's own. Our modules name `uvicorn.config.Config` and
`uvicorn.server.Server`, the same classes `__init__` exports. A process that never calls it
imports uvicorn as it always has.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from importlib.machinery import ModuleSpec
from types import ModuleType

# What uvicorn's `__init__` defines (uvicorn 0.x: `from uvicorn.config import Config`, `from
# uvicorn.main import Server, main, run`, `__version__`, `__all__`), and where the two classes
# come from: uvicorn's own modules import `Config` from the package (`uvicorn.lifespan.on`),
# which is answered from its module without the command line; `uvicorn.main` imports `Server`
# from `uvicorn.server`.
EXPORTS = frozenset({"Config", "Server", "main", "run", "__version__", "__all__"})
CLASSES = {"Config": "uvicorn.config", "Server": "uvicorn.server"}


def without_command_line() -> None:
    """Register uvicorn's package with its `__init__` to run on first use of what it defines;
    nothing when uvicorn is imported already or cannot be found."""
    if "uvicorn" in sys.modules:
        return
    spec = importlib.util.find_spec("uvicorn")
    if spec is None or spec.submodule_search_locations is None:
        return
    package = importlib.util.module_from_spec(spec)
    # A module's `__getattr__` is asked only for a name it lacks (PEP 562).
    setattr(package, "__getattr__", _completing(package, spec))  # noqa: B010
    sys.modules["uvicorn"] = package


def _completing(package: ModuleType, spec: ModuleSpec) -> object:
    def __getattr__(name: str) -> object:
        if name not in EXPORTS:
            # A submodule not imported yet (`from uvicorn import config` imports it then) or
            # a name uvicorn does not have.
            raise AttributeError(f"module 'uvicorn' has no attribute {name!r}")
        if name in CLASSES and "__version__" not in vars(package):
            value = getattr(importlib.import_module(CLASSES[name]), name)
            setattr(package, name, value)
            return value
        if "__version__" not in vars(package) and spec.loader is not None:
            spec.loader.exec_module(package)
        try:
            return vars(package)[name]
        except KeyError:
            raise AttributeError(f"module 'uvicorn' has no attribute {name!r}") from None

    return __getattr__
