"""Shared pieces of the appsync.yaml reader's tests: a definition written to a folder next to
its schema, and the problems `read_appsync_yaml` refuses it with."""

from __future__ import annotations

from pathlib import Path

import pytest

from definition.appsync_yaml.api import read_appsync_yaml
from definition.errors import InvalidDefinitionError

# The smallest definition the reader accepts, for tests of one block.
HEAD = "schema: schema.graphql\nauthenticationType: API_KEY\n"


def write_definition(folder: Path, schema: str, text: str) -> Path:
    """`text` as `appsync.yaml` in `folder`, with `schema` as its `schema.graphql`."""
    (folder / "schema.graphql").write_text(schema)
    path = folder / "appsync.yaml"
    path.write_text(text)
    return path


def problems(path: Path, *, all_in_file: bool = False) -> list[str]:
    """The problems of a definition `read_appsync_yaml` refuses, as "<key path>: <message>";
    `all_in_file` also checks that each names `path` as its file."""
    with pytest.raises(InvalidDefinitionError) as caught:
        read_appsync_yaml(path)
    if all_in_file:
        assert all(problem.file == str(path) for problem in caught.value.problems)
    return [f"{problem.key_path}: {problem.message}" for problem in caught.value.problems]
