"""`appsync-local validate`: every problem of a definition, its SDL and its code, or OK."""

from __future__ import annotations

from pathlib import Path

import pytest

from appsync.__main__ import main
from tests.conftest import REPO_ROOT

BLOG = REPO_ROOT / "examples" / "blog" / "appsync.yaml"


def test_the_example_validates(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "--config", str(BLOG)]) == 0
    assert "OK (blog: 9 resolvers, 2 functions, 2 data sources)" in capsys.readouterr().out


def test_every_problem_is_listed_and_the_exit_status_is_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "schema.graphql").write_text(
        "type Query {\n  ok: String\n  broken: Nope\n}\n", encoding="utf-8"
    )
    (tmp_path / "bad.req.vtl").write_text('#if($ctx.args.x)\n{"payload": 1}\n', encoding="utf-8")
    (tmp_path / "ok.res.vtl").write_text("$util.toJson($ctx.result)\n", encoding="utf-8")
    (tmp_path / "code.py").write_text("def request(ctx):\n    return {\n", encoding="utf-8")
    config = tmp_path / "appsync.yaml"
    config.write_text(
        """
schema: schema.graphql
authenticationType: API_KEY
dataSources: [{name: Local, type: NONE}]
resolvers:
  - typeName: Query
    fieldName: ok
    dataSourceName: Local
    requestMappingTemplate: bad.req.vtl
    responseMappingTemplate: ok.res.vtl
  - {typeName: Query, fieldName: ok2, dataSourceName: Local, code: code.py}
""",
        encoding="utf-8",
    )
    assert main(["validate", "--config", str(config)]) == 1
    lines = capsys.readouterr().err.splitlines()
    assert lines[0] == "appsync-local: 3 problem(s):"
    sdl, template, code = lines[1:]
    # The SDL problem names its file, line and column.
    assert sdl.startswith(f"  {tmp_path / 'schema.graphql'}:3:11: ")
    assert "Nope" in sdl
    assert template.startswith(f"  {config}: resolvers[0].requestMappingTemplate: ")
    assert str(tmp_path / "bad.req.vtl") in template
    assert code.startswith(f"  {config}: resolvers[1].code: {tmp_path / 'code.py'}:2:")


def test_resolver_on_a_field_the_schema_lacks(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "schema.graphql").write_text("type Query { ok: String }\n", encoding="utf-8")
    (tmp_path / "code.py").write_text(
        "def request(ctx):\n    return {}\n\ndef response(ctx):\n    return 1\n", encoding="utf-8"
    )
    config = tmp_path / "appsync.yaml"
    config.write_text(
        """
schema: schema.graphql
authenticationType: API_KEY
dataSources: [{name: Local, type: NONE}]
resolvers:
  - {typeName: Query, fieldName: missing, dataSourceName: Local, code: code.py}
  - {typeName: Nothing, fieldName: ok, dataSourceName: Local, code: code.py}
""",
        encoding="utf-8",
    )
    assert main(["validate", "--config", str(config)]) == 1
    assert capsys.readouterr().err.splitlines()[1:] == [
        f"  {config}: resolvers[0].fieldName: type Query has no field 'missing'",
        f"  {config}: resolvers[1].typeName: the schema has no object type 'Nothing'",
    ]


def test_unreadable_config_is_reported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "--config", str(tmp_path / "absent.yaml")]) == 1
    assert "cannot read" in capsys.readouterr().err


def test_definition_and_sdl_problems_are_listed_together(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "schema.graphql").write_text("type Query { broken: Nope }\n", encoding="utf-8")
    config = tmp_path / "appsync.yaml"
    config.write_text("schema: schema.graphql\nauthenticationType: API_KEYS\n", encoding="utf-8")
    assert main(["validate", "--config", str(config)]) == 1
    lines = capsys.readouterr().err.splitlines()
    assert lines[0] == "appsync-local: 2 problem(s):"
    assert lines[1].startswith(f"  {config}: authenticationType: expected one of API_KEY")
    assert lines[2].startswith(f"  {tmp_path / 'schema.graphql'}:1:22: ")


def test_a_clock_start_needs_a_manual_clock(capsys: pytest.CaptureFixture[str]) -> None:
    start = ["--clock-start", "2024-01-01T00:00:00Z"]
    assert main(["serve", "--config", str(BLOG), *start]) == 2
    assert "--clock-start goes with --clock manual" in capsys.readouterr().err


@pytest.mark.parametrize("start", ["2024-01-01T00:00:00", "next tuesday"])
def test_a_clock_start_needs_its_offset(start: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["serve", "--config", str(BLOG), "--clock", "manual", "--clock-start", start])
    assert exited.value.code == 2
    assert "is not an ISO 8601 time with its offset" in capsys.readouterr().err
