"""The plugin's and the framework's names, and substitutions made as the plugin makes them
(serverless-appsync-plugin src/resources/Naming.ts, MappingTemplate.ts; Serverless Framework
naming.getLambdaLogicalId)."""

from __future__ import annotations

from pathlib import Path

from definition.serverless.compiler import (
    Compiled,
    PluginReader,
    cfn_name,
    lambda_logical_id,
    substituted,
)


def test_names() -> None:
    assert cfn_name("GraphQlDsmy-table_1") == "GraphQlDsmytable1"
    assert lambda_logical_id("get-post_all") == "GetDashpostUnderscoreallLambdaFunction"


def test_substitutions_are_joined_sub_parts() -> None:
    text = "a ${table} b ${table} ${missing} #js#"
    assert substituted(text, {"table": {"Ref": "T"}}, r"\$\{{{name}\}}") == {
        "Fn::Join": [
            "",
            [
                "a ",
                {"Fn::Sub": ["${table}", {"table": {"Ref": "T"}}]},
                " b ",
                {"Fn::Sub": ["${table}", {"table": {"Ref": "T"}}]},
                " ${missing} #js#",
            ],
        ]
    }
    assert substituted(text, {"other": "x"}, r"\$\{{{name}\}}") == text
    assert substituted("#js#!", {"js": "v"}, r"#{name}#") == {
        "Fn::Join": ["", [{"Fn::Sub": ["${js}", {"js": "v"}]}, "!"]]
    }


def test_lambda_arns(tmp_path: Path) -> None:
    reader = PluginReader(tmp_path / "serverless.yml")
    out = Compiled()
    assert reader.lambda_arn({"functionArn": "arn:x"}, "w", "e", out) == "arn:x"
    assert reader.lambda_arn({"functionName": "f", "functionAlias": "live"}, "w", "e", out) == {
        "Fn::Join": [":", [{"Fn::GetAtt": ["FLambdaFunction", "Arn"]}, "live"]]
    }
    assert reader.lambda_arn({"function": {"handler": "h.h"}}, "w", "emb", out) == {
        "Fn::GetAtt": ["EmbLambdaFunction", "Arn"]
    }
    assert out.functions == {"emb": {"handler": "h.h"}}
    assert reader.lambda_arn({}, "w", "e", out) is None
    assert [p.message for p in reader.problems] == [
        "must specify functionName, functionArn or function (all exclusives)"
    ]


def test_local_files_are_relative_to_the_service_file(tmp_path: Path) -> None:
    reader = PluginReader(tmp_path / "serverless.yml")
    (tmp_path / "a.vtl").write_text("{}")
    assert reader.local("a.vtl", "w") == tmp_path / "a.vtl"
    assert reader.local("b.vtl", "w") is None
    assert reader.local(3, "x") is None
    assert [(p.key_path, p.message) for p in reader.problems] == [
        ("w", f"file not found: {tmp_path / 'b.vtl'}"),
        ("x", "expected the path of a file, relative to the service file"),
    ]
