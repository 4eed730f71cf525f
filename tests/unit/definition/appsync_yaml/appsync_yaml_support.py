"""Shared pieces of the API definition tests (test_config_*.py): a definition written to a
folder next to its schema, and the problems `load_config` refuses it with."""

from __future__ import annotations

from pathlib import Path

import pytest

from appsync.errors import ConfigError
from definition.appsync_yaml.api import load_config


def write_definition(folder: Path, schema: str, text: str) -> Path:
    """`text` as `appsync.yaml` in `folder`, with `schema` as its `schema.graphql`."""
    (folder / "schema.graphql").write_text(schema)
    path = folder / "appsync.yaml"
    path.write_text(text)
    return path


def problems(path: Path, *, all_in_file: bool = False) -> list[str]:
    """The problems of a definition `load_config` refuses, as "<key path>: <message>";
    `all_in_file` also checks that each names `path` as its file."""
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    if all_in_file:
        assert all(problem.file == str(path) for problem in caught.value.problems)
    return [f"{problem.key_path}: {problem.message}" for problem in caught.value.problems]
