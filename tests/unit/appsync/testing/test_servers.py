"""Serving for a test: in process (started, answering, stopped with its tables dropped) and in a
subprocess; a definition or a start that fails is a ServerStartError with the problems."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import httpx
import pytest

from appsync.data_directory import DataDirectory
from appsync.testing.errors import ServerStartError
from appsync.testing.servers import ServeMode, ServeOptions, load_definition, serve
from tests.conftest import REPO_ROOT

TODO = REPO_ROOT / "examples" / "todo"
KEY = "da2-localtodoexamplekey000000"
LIST = {"query": "{ listTodos { items { id } } }"}


def _options(folder: Path, mode: ServeMode = ServeMode.IN_PROCESS) -> ServeOptions:
    return ServeOptions(mode, None, DataDirectory(folder))


def _ids(port: int) -> list[str]:
    response = httpx.post(f"http://127.0.0.1:{port}/graphql", json=LIST, headers={"x-api-key": KEY})
    return sorted(item["id"] for item in response.json()["data"]["listTodos"]["items"])


def test_a_server_after_another_of_the_same_definition_starts_from_the_seed(
    tmp_path: Path,
) -> None:
    definition = load_definition(TODO / "appsync.yaml")
    first = serve(definition, _options(tmp_path / "first"))
    try:
        create = 'mutation { createTodo(input: {id: "t7", name: "x"}) { id } }'
        httpx.post(
            f"http://127.0.0.1:{first.port}/graphql",
            json={"query": create},
            headers={"x-api-key": KEY},
        )
        assert _ids(first.port) == ["t1", "t2", "t7"]
    finally:
        first.stop()
    second = serve(definition, _options(tmp_path / "second"))
    try:
        assert second.port != 0
        assert _ids(second.port) == ["t1", "t2"]
    finally:
        second.stop()


def test_a_definition_with_problems_lists_them(tmp_path: Path) -> None:
    broken = tmp_path / "appsync.yaml"
    broken.write_text("schema: absent.graphql\nauthenticationType: NOPE\n")
    with pytest.raises(ServerStartError) as refused:
        load_definition(broken)
    assert refused.value.definition == str(broken)
    assert any("authenticationType" in line for line in refused.value.details)


def test_a_start_that_fails_in_process_lists_the_start_problem(tmp_path: Path) -> None:
    # A seed item without the table's key: DynamoDB refuses it when the server starts.
    shutil.copytree(TODO, tmp_path / "todo")
    (tmp_path / "todo" / "data" / "todos.json").write_text(json.dumps([{"name": "no id"}]))
    definition = load_definition(tmp_path / "todo" / "appsync.yaml")
    with pytest.raises(ServerStartError) as refused:
        serve(definition, _options(tmp_path / "data"))
    assert any("seed" in line for line in refused.value.details)


def test_a_resolver_problem_is_reported_before_the_server_starts(tmp_path: Path) -> None:
    shutil.copytree(TODO, tmp_path / "todo")
    (tmp_path / "todo" / "handlers" / "bump_priority.py").write_text("def request(:\n")
    definition = load_definition(tmp_path / "todo" / "appsync.yaml")
    with pytest.raises(ServerStartError) as refused:
        serve(definition, _options(tmp_path / "data"))
    assert any("resolvers[6].code: " in line for line in refused.value.details)


@pytest.mark.timeout(120)
def test_a_subprocess_that_does_not_start_shows_its_output(tmp_path: Path) -> None:
    shutil.copytree(TODO, tmp_path / "todo")
    (tmp_path / "todo" / "handlers" / "bump_priority.py").write_text("def request(:\n")
    definition = load_definition(tmp_path / "todo" / "appsync.yaml")
    with pytest.raises(ServerStartError) as refused:
        serve(definition, _options(tmp_path / "data", ServeMode.SUBPROCESS))
    assert any("resolvers[6].code: " in line for line in refused.value.details)
