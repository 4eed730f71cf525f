"""The exception classes a package of ours defines, found by importing every module in it."""

from __future__ import annotations

import inspect
import pkgutil
from importlib import import_module
from types import ModuleType


def defined_exceptions(package: ModuleType) -> list[type[BaseException]]:
    """Every exception class defined (not only imported) in a module of `package`."""
    prefix = f"{package.__name__}."
    found: list[type[BaseException]] = []
    for module_info in pkgutil.walk_packages(package.__path__, prefix):
        module = import_module(module_info.name)
        for _, value in inspect.getmembers(module, inspect.isclass):
            if (
                issubclass(value, BaseException)
                and value.__module__ == module.__name__
                and value not in found
            ):
                found.append(value)
    return found
