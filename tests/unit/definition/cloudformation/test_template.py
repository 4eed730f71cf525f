"""Templates load from YAML (with CloudFormation's short forms) and JSON into one shape.

The short forms are those of "Intrinsic function reference" in the CloudFormation User Guide:
`!Ref Name` is `{"Ref": "Name"}`, `!GetAtt Res.Attr` is `{"Fn::GetAtt": ["Res", "Attr"]}`,
every other `!Fn` is `{"Fn::Fn": ...}`. `AWS::Include` is "Fn::Transform" with `Name:
AWS::Include` and a `Location` ("AWS::Include transform").
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from definition.cloudformation.template import load_template
from definition.errors import InvalidDefinitionError
from definition.problems import Problem
from tests.unit.definition.cloudformation.cloudformation_support import write_template


def _refusal(path: Path) -> list[Problem]:
    with pytest.raises(InvalidDefinitionError) as caught:
        load_template(path)
    return list(caught.value.problems)


def test_short_forms_are_read_as_the_long_forms(tmp_path: Path) -> None:
    text = """
AWSTemplateFormatVersion: 2010-09-09
Resources:
  Thing:
    Type: AWS::SSM::Parameter
    Properties:
      A: !Ref Stage
      B: !GetAtt Api.GraphQLUrl
      C: !GetAtt [Api, ApiId]
      D: !Sub "${AWS::Region}-x"
      E: !Join ["-", [!Ref A, !Select [0, !Split [",", "a,b"]]]]
      F: !If [IsProd, !Base64 x, !GetAZs ""]
      G: !And [!Equals [a, b], !Not [!Condition IsProd], !Or [!Condition X, !Condition Y]]
      H: !FindInMap [Map, Top, Second]
      I: !ImportValue shared-value
"""
    template = load_template(write_template(tmp_path, text))
    assert template.body["AWSTemplateFormatVersion"] == "2010-09-09"  # not a date
    assert template.section("Resources")["Thing"]["Properties"] == {
        "A": {"Ref": "Stage"},
        "B": {"Fn::GetAtt": ["Api", "GraphQLUrl"]},
        "C": {"Fn::GetAtt": ["Api", "ApiId"]},
        "D": {"Fn::Sub": "${AWS::Region}-x"},
        "E": {
            "Fn::Join": [
                "-",
                [{"Ref": "A"}, {"Fn::Select": [0, {"Fn::Split": [",", "a,b"]}]}],
            ]
        },
        "F": {"Fn::If": ["IsProd", {"Fn::Base64": "x"}, {"Fn::GetAZs": ""}]},
        "G": {
            "Fn::And": [
                {"Fn::Equals": ["a", "b"]},
                {"Fn::Not": [{"Condition": "IsProd"}]},
                {"Fn::Or": [{"Condition": "X"}, {"Condition": "Y"}]},
            ]
        },
        "H": {"Fn::FindInMap": ["Map", "Top", "Second"]},
        "I": {"Fn::ImportValue": "shared-value"},
    }
    assert template.section("Outputs") == {}


def test_a_json_template_is_read_as_written(tmp_path: Path) -> None:
    body = {"Resources": {"Api": {"Type": "AWS::AppSync::GraphQLApi", "Properties": {}}}}
    path = write_template(tmp_path, json.dumps(body), "template.json")
    template = load_template(path)
    assert (template.body, template.file, template.base_dir) == (body, path, tmp_path)


def test_an_unknown_tag_is_refused_at_its_line_and_column(tmp_path: Path) -> None:
    path = write_template(tmp_path, "Resources:\n  A:\n    Type: !Reff Thing\n")
    [problem] = _refusal(path)
    assert (problem.file, problem.line, problem.column) == (str(path), 3, 11)
    assert problem.message == (
        "not valid YAML: unknown tag !Reff: not a CloudFormation intrinsic function"
    )


def test_malformed_yaml_and_json_are_refused_where_they_break(tmp_path: Path) -> None:
    [yaml_problem] = _refusal(write_template(tmp_path, "Resources:\n  A: [1, 2\n  B: 3\n"))
    assert yaml_problem.line == 3
    assert yaml_problem.message.startswith("not valid YAML: ")
    [json_problem] = _refusal(write_template(tmp_path, '{"Resources": {"A": }}', "t.json"))
    assert (json_problem.line, json_problem.column) == (1, 21)
    assert json_problem.message == "not valid JSON: Expecting value"


def test_a_template_must_be_a_readable_mapping(tmp_path: Path) -> None:
    [problem] = _refusal(write_template(tmp_path, "- a list\n"))
    assert problem.message == "not a CloudFormation template: expected a mapping"
    [missing] = _refusal(tmp_path / "nothing.yaml")
    assert missing.message == "cannot read: No such file or directory"


def test_a_local_include_is_replaced_by_its_file(tmp_path: Path) -> None:
    (tmp_path / "tables.yaml").write_text(
        "Table:\n  Type: AWS::DynamoDB::Table\n  Properties: {TableName: !Ref Name}\n"
    )
    (tmp_path / "value.json").write_text('{"Answer": 42}')
    text = """
Resources:
  Fn::Transform:
    Name: AWS::Include
    Parameters: {Location: tables.yaml}
  Thing:
    Type: AWS::SSM::Parameter
    Properties:
      Value:
        Fn::Transform: {Name: AWS::Include, Parameters: {Location: value.json}}
"""
    template = load_template(write_template(tmp_path, text))
    assert template.section("Resources") == {
        "Thing": {"Type": "AWS::SSM::Parameter", "Properties": {"Value": {"Answer": 42}}},
        "Table": {"Type": "AWS::DynamoDB::Table", "Properties": {"TableName": {"Ref": "Name"}}},
    }


@pytest.mark.parametrize(
    ("transform", "message"),
    [
        (
            "{Name: AWS::Include, Parameters: {Location: 's3://bucket/snippet.yaml'}}",
            "s3://bucket/snippet.yaml is not a local file: write the path of the file beside "
            "the template",
        ),
        ("{Name: AWS::Include, Parameters: {Location: missing.yaml}}", "file not found: "),
        (
            "{Name: MyMacro, Parameters: {}}",
            "the macro 'MyMacro' runs in AWS CloudFormation; it is not available locally",
        ),
    ],
)
def test_an_include_that_is_not_local_is_refused(
    tmp_path: Path, transform: str, message: str
) -> None:
    text = (
        f"Resources:\n  A:\n    Type: X\n    Properties:\n      V: {{Fn::Transform: {transform}}}\n"
    )
    [problem] = _refusal(write_template(tmp_path, text))
    assert problem.key_path.startswith("Resources.A.Properties.V.Fn::Transform")
    assert problem.message.startswith(message)
