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
        "another stack, which does not exist locally: give the value as a parameter instead "
        "(--parameter Name=Value)",
    ]
    # The SDL's own problem, in the same report.
    assert lines[2] == (
        f"  {config}: Schema.Properties.Definition: line 1, column 17: Unknown type 'Nope'."
    )
