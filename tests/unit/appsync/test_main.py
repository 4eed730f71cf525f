"""`appsync-local validate`: every problem of a definition, its SDL and its code, or OK; the
command line's own answers (`--version`, no definition to read)."""

from __future__ import annotations

import signal
from importlib.metadata import version
from pathlib import Path

import pytest

from appsync.__main__ import main
from appsync.data_directory import DataDirectory
from tests.conftest import REPO_ROOT

BLOG = REPO_ROOT / "examples" / "blog" / "appsync.yaml"


def test_the_example_validates(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "--config", str(BLOG)]) == 0
    assert "OK (blog: 11 resolvers, 2 functions, 3 data sources)" in capsys.readouterr().out


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


def test_version_prints_the_installed_distributions_version(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--version"])
    assert exited.value.code == 0
    assert capsys.readouterr().out == f"appsync-local {version('appsync-local')}\n"


@pytest.mark.parametrize("command", ["serve", "validate"])
def test_without_config_in_a_folder_without_appsync_yaml_says_to_name_one(
    command: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    # argparse's status for a command line that cannot run; nothing was started.
    assert main([command]) == 2
    assert capsys.readouterr().err == (
        f"appsync-local {command}: no appsync.yaml in {tmp_path}; name the API definition "
        "(appsync.yaml, a CloudFormation or SAM template, or a cdk.out directory) with "
        f"--config, for example:\n  appsync-local {command} --config path/to/appsync.yaml\n"
    )


def test_without_config_the_folders_appsync_yaml_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "schema.graphql").write_text("type Query { a: String }\n", encoding="utf-8")
    (tmp_path / "appsync.yaml").write_text(
        "schema: schema.graphql\nauthenticationType: API_KEY\n", encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path)
    assert main(["validate"]) == 0
    assert capsys.readouterr().out.startswith("appsync.yaml: OK (")


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


IAC = REPO_ROOT / "tests" / "integration" / "apis" / "iac"


@pytest.mark.parametrize(
    "config",
    [
        IAC / "cloudformation.yaml",
        IAC / "cloudformation.json",
        IAC / "serverless",
        IAC / "amplify",
    ],
)
def test_each_format_validates(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "--config", str(config)]) == 0
    assert "OK (posts" in capsys.readouterr().out


def test_template_options_reach_the_reader(capsys: pytest.CaptureFixture[str]) -> None:
    config = str(IAC / "cloudformation.yaml")
    arguments = ["validate", "--config", config, "--format", "cloudformation"]
    arguments += ["--parameter", "Stage=prod", "--stack", "blog", "--region", "eu-west-1"]
    assert main(arguments) == 0
    assert "OK (posts-prod:" in capsys.readouterr().out
    assert main(["validate", "--config", config, "--parameter", "Stage=test"]) == 1
    assert capsys.readouterr().err.splitlines() == [
        "appsync-local: 2 problem(s):",
        f"  {config}: Parameters.Stage: 'test' is not one of the AllowedValues (dev, prod)",
        # The value is kept, so what reads it is checked too.
        f"  {config}: PostsTable.Properties.ProvisionedThroughput.ReadCapacityUnits."
        "Fn::FindInMap: mapping Capacity has no value for [test, Read]",
    ]
    assert main(["validate", "--config", config, "--parameter", "Stage"]) == 1
    assert "--parameter: expected Key=Value, got 'Stage'" in capsys.readouterr().err


def test_a_serverless_stage_reaches_the_reader(capsys: pytest.CaptureFixture[str]) -> None:
    config = str(IAC / "serverless")
    assert main(["validate", "--config", config, "--stage", "prod", "--format", "serverless"]) == 0
    assert "OK (posts-prod:" in capsys.readouterr().out


def test_a_template_problem_names_the_resource_and_no_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "template.yaml"
    config.write_text(
        """
Resources:
  Api:
    Type: AWS::AppSync::GraphQLApi
    Properties: {Name: posts, AuthenticationType: API_KEY}
  Schema:
    Type: AWS::AppSync::GraphQLSchema
    Properties: {ApiId: !GetAtt Api.ApiId, Definition: "type Query { a: Nope }"}
  Source:
    Type: AWS::AppSync::DataSource
    Properties: {ApiId: !GetAtt Api.ApiId, Name: !ImportValue shared, Type: NONE}
""",
        encoding="utf-8",
    )
    assert main(["validate", "--config", str(config)]) == 1
    lines = capsys.readouterr().err.splitlines()
    assert lines[:2] == [
        "appsync-local: 2 problem(s):",
        f"  {config}: Source.Properties.Name.Fn::ImportValue: Fn::ImportValue reads an export of "
        "another stack, which is not read with this one: give the value as a parameter instead "
        "(--parameter Name=Value)",
    ]
    # The SDL's own problem, in the same report.
    assert lines[2] == (
        f"  {config}: Schema.Properties.Definition: line 1, column 17: Unknown type 'Nope'."
    )


def test_javascript_appsync_refuses_is_listed_by_validate_and_serve(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A syntax error, a construct outside the APPSYNC_JS subset, a missing handler and an
    import AppSync does not provide: each a problem with its file, line and column."""
    files = {
        "syntax.js": "export function request(ctx) {\n  return { a: ; }\n}\n",
        "subset.js": "export function request(ctx) {\n  for (let i = 0; i < 2; i++) {}\n}\n"
        "export const response = (ctx) => ctx.result;\n",
        "missing.js": "export const request = (ctx) => ({});\n",
        "import.js": "import { v4 } from 'uuid';\nexport const request = (ctx) => v4();\n"
        "export const response = (ctx) => ctx.result;\n",
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    (tmp_path / "schema.graphql").write_text(
        "type Query { a: String b: String c: String d: String }\n", encoding="utf-8"
    )
    resolvers = "".join(
        f"  - {{typeName: Query, fieldName: {field}, dataSourceName: Local, code: {name}}}\n"
        for field, name in zip("abcd", files, strict=True)
    )
    config = tmp_path / "appsync.yaml"
    config.write_text(
        "schema: schema.graphql\nauthenticationType: API_KEY\n"
        f"dataSources: [{{name: Local, type: NONE}}]\nresolvers:\n{resolvers}",
        encoding="utf-8",
    )
    expected = [
        "appsync-local: 4 problem(s):",
        f"  {config}: resolvers[0].code: {tmp_path / 'syntax.js'}:2:15: SyntaxError: "
        "unexpected token in expression: ';'",
        f"  {config}: resolvers[1].code: {tmp_path / 'subset.js'}:2:3: For statements are "
        "not supported. (and 1 more)",
        f"  {config}: resolvers[2].code: {tmp_path / 'missing.js'}:1:1: the module does not "
        "export a response(ctx) function",
        f"  {config}: resolvers[3].code: {tmp_path / 'import.js'}:1:1: error TS2307: Cannot "
        "find module 'uuid' or its corresponding type declarations.",
    ]
    assert main(["validate", "--config", str(config)]) == 1
    assert capsys.readouterr().err.splitlines() == expected
    # `serve` takes over SIGINT and SIGTERM before it builds the app: give them back.
    handlers = {number: signal.getsignal(number) for number in (signal.SIGINT, signal.SIGTERM)}
    try:
        assert main(["serve", "--config", str(config), "--port", "0"]) == 1
    finally:
        for number, handler in handlers.items():
            signal.signal(number, handler)
    assert capsys.readouterr().err.splitlines() == expected


def test_reset_names_what_it_deleted_and_refuses_a_held_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / ".appsync-local"
    data.mkdir()
    (data / "dynamodb.sqlite").write_text("x")
    config = str(tmp_path / "appsync.yaml")  # need not exist: reset reads no definition
    with DataDirectory(data).held():
        assert main(["reset", "--config", config]) == 1
    assert "is in use by another appsync-local" in capsys.readouterr().err
    assert main(["reset", "--config", config]) == 0
    assert capsys.readouterr().out == f"appsync-local: {data}: deleted dynamodb.sqlite\n"
    assert not (data / "dynamodb.sqlite").exists()


def test_fsync_needs_a_data_directory(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = str(tmp_path / "appsync.yaml")
    assert main(["serve", "--config", config, "--ephemeral", "--fsync"]) == 2
    assert capsys.readouterr().err == (
        "appsync-local: --fsync needs a data directory, not --ephemeral\n"
    )
