"""The API's SDL loaded, and its problems placed as `validate` places them."""

from __future__ import annotations

from pathlib import Path

from appsync.bindings import Problems
from appsync.sdl_problems import api_schema
from definition.appsync_yaml.api import read_appsync_yaml

DEFINITION = """name: sdl
schema: schema.graphql
authenticationType: API_KEY
apiKeys: [{id: da2-sdlproblemstestkey000000}]
"""


def _definition(folder: Path, sdl: str) -> Problems:
    (folder / "schema.graphql").write_text(sdl, encoding="utf-8")
    (folder / "appsync.yaml").write_text(DEFINITION, encoding="utf-8")
    return Problems(read_appsync_yaml(folder / "appsync.yaml"))


def test_a_sound_sdl_is_loaded_with_no_problem(tmp_path: Path) -> None:
    problems = _definition(tmp_path, "type Query { a: String }\n")
    schema = api_schema(problems.definition, problems)
    assert schema is not None
    assert problems.items == []


def test_an_sdl_problem_is_at_its_line_and_column_in_its_file(tmp_path: Path) -> None:
    problems = _definition(tmp_path, "type Query {\n  a: Strin\n}\n")
    assert api_schema(problems.definition, problems) is None
    [problem] = problems.items
    assert (problem.file, problem.line, problem.column) == (
        str(tmp_path / "schema.graphql"),
        2,
        6,
    )
    assert "Strin" in problem.message
