"""The key-path reader every block's parser shares: a value or its default, and a problem with
the key path for each bad one."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

from definition.appsync_yaml.reader import DefinitionReader, choices, join, kind
from definition.problems import Problem


class Colour(StrEnum):
    RED = "RED"
    BLUE = "BLUE"


def test_a_mapping_reports_each_unknown_key() -> None:
    reader = DefinitionReader(Path("appsync.yaml"))
    assert reader.mapping({"name": "a", "colour": 1}, "dataSources[0]", ("name",)) == {
        "name": "a",
        "colour": 1,
    }
    assert reader.mapping([1], "server", ("tls",)) is None
    assert reader.problems == [
        Problem("appsync.yaml", "dataSources[0].colour", "unknown key; expected one of name"),
        Problem("appsync.yaml", "server", "expected a mapping, got list"),
    ]


def test_items_are_named_by_index() -> None:
    reader = DefinitionReader(Path("appsync.yaml"))
    assert reader.items({"apiKeys": ["a", "b"]}, "apiKeys", "") == [
        ("apiKeys[0]", "a"),
        ("apiKeys[1]", "b"),
    ]
    assert reader.items({}, "apiKeys", "") == []
    assert reader.items({"functions": "f"}, "functions", "pipelineConfig") == []
    assert [str(problem) for problem in reader.problems] == [
        "appsync.yaml: pipelineConfig.functions: expected a list, got str"
    ]


def test_scalars_fall_back_to_their_default_when_bad() -> None:
    reader = DefinitionReader(Path("appsync.yaml"))
    raw = {"depth": 80, "timeout": -1, "flag": "yes", "name": "", "kind": "GREEN"}
    assert reader.integer(raw, "depth", "", 0, 75, 0) == 0
    assert reader.integer(raw, "absent", "", 0, 75, 7) == 7
    assert reader.number(raw, "timeout", "", 30.0) == 30.0
    assert reader.boolean(raw, "flag", "") is False
    assert reader.string(raw, "name", "", required=False) is None
    assert reader.string(raw, "missing", "", required=True) is None
    assert reader.enum(raw, "kind", "", Colour, Colour.RED) is Colour.RED
    assert reader.enum(raw, "absent", "", Colour, None) is None
    assert [f"{problem.key_path}: {problem.message}" for problem in reader.problems] == [
        "depth: expected an integer from 0 to 75",
        "timeout: expected a positive number",
        "flag: expected true or false, got str",
        "name: expected a non-empty string, got str",
        "missing: required; expected a non-empty string",
        "kind: expected one of RED | BLUE, got 'GREEN'",
        "absent: required; expected one of RED | BLUE",
    ]


def test_file_paths_are_resolved_from_the_definitions_folder(tmp_path: Path) -> None:
    (tmp_path / "code.py").write_text("")
    reader = DefinitionReader(tmp_path / "appsync.yaml")
    assert reader.file_path({"code": "code.py"}, "code", "") == (tmp_path / "code.py").resolve()
    assert reader.file_path({"code": "gone.py"}, "code", "resolvers[0]") is None
    assert [problem.key_path for problem in reader.problems] == ["resolvers[0].code"]


def test_the_small_words() -> None:
    assert join("", "schema") == "schema"
    assert join("server", "tls") == "server.tls"
    assert (kind(None), kind(3)) == ("nothing", "int")
    assert choices(Colour) == "RED | BLUE"
