"""Handler modules of the same name in two APIs' folders: each API imports its own."""

from __future__ import annotations

import importlib
import json
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import resolvers
from appsync.handler_modules import handler_modules, import_from
from definition.appsync_yaml.api import read_appsync_yaml

NAME = "appsync_local_test_handlers"


@pytest.fixture
def folders(tmp_path: Path) -> Iterator[tuple[Path, Path]]:
    """Two API folders, each with a module NAME (a package in the second) saying which it is."""
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    (first / f"{NAME}.py").write_text('WHO = "first"\n')
    (second / NAME).mkdir(parents=True)
    (second / NAME / "__init__.py").write_text('WHO = "second"\n')
    (second / NAME / "inner.py").write_text('WHO = "second.inner"\n')
    saved = list(sys.path)
    yield first, second
    sys.path[:] = saved
    for each in [n for n in sys.modules if n == NAME or n.startswith(NAME + ".")]:
        del sys.modules[each]


def test_each_folder_imports_its_own_module(folders: tuple[Path, Path]) -> None:
    first, second = folders
    import_from(first, {NAME})
    from_first = importlib.import_module(NAME)
    assert from_first.WHO == "first"
    import_from(second, {NAME})
    assert importlib.import_module(NAME).WHO == "second"
    assert importlib.import_module(f"{NAME}.inner").WHO == "second.inner"
    # Back to the first: the package and its submodule are forgotten, the first's module found.
    import_from(first, {NAME})
    assert importlib.import_module(NAME).WHO == "first"
    assert f"{NAME}.inner" not in sys.modules
    # A module already loaded from the folder itself is kept, not imported again.
    import_from(first, {NAME})
    assert sys.modules[NAME] is importlib.import_module(NAME)
    assert sys.path[0] == str(first)


def test_the_standard_library_and_our_packages_are_never_forgotten(tmp_path: Path) -> None:
    (tmp_path / "json.py").write_text("")
    (tmp_path / "resolvers").mkdir()
    saved = list(sys.path)
    try:
        import_from(tmp_path, {"json", "resolvers"})
        assert sys.modules["json"] is json
        assert sys.modules["resolvers"] is resolvers
    finally:
        sys.path[:] = saved


def test_a_name_the_folder_does_not_hold_is_left_alone(folders: tuple[Path, Path]) -> None:
    first, second = folders
    import_from(second, {NAME})
    module = importlib.import_module(NAME)
    (first / f"{NAME}.py").unlink()
    import_from(first, {NAME})
    assert sys.modules[NAME] is module


def test_the_apis_handler_modules(tmp_path: Path) -> None:
    (tmp_path / "schema.graphql").write_text("type Query { a: String }\n")
    (tmp_path / "appsync.yaml").write_text(
        """
schema: schema.graphql
authenticationType: API_KEY
additionalAuthenticationProviders:
  - authenticationType: AWS_LAMBDA
    lambdaAuthorizerConfig: {handler: "authorizers.check:handle"}
dataSources:
  - {name: Fn, type: AWS_LAMBDA, lambdaConfig: {handler: "handlers:handle"}}
  - {name: Local, type: NONE}
resolvers:
  - {typeName: Query, fieldName: a, dataSourceName: Fn}
"""
    )
    assert handler_modules(read_appsync_yaml(tmp_path / "appsync.yaml")) == {
        "authorizers",
        "handlers",
    }
