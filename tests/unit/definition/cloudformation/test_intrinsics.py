"""Intrinsic functions evaluate as their pages of the CloudFormation User Guide's "Intrinsic
function reference" say, against a template's parameters, conditions, mappings and the local
names of its resources (a stack `posts` in eu-west-1, unless a test says otherwise)."""

from __future__ import annotations

from pathlib import Path

import pytest

from definition.cloudformation.intrinsics import references
from tests.unit.definition.cloudformation.cloudformation_support import (
    API,
    evaluated,
    evaluation_problems,
    stack_of,
)

SECTIONS = """
Parameters:
  Stage: {Type: String, Default: dev}
  Zones: {Type: CommaDelimitedList, Default: "a, b"}
Conditions:
  IsProd: !Equals [!Ref Stage, prod]
  IsDev: !Not [!Condition IsProd]
Mappings:
  Sizes:
    dev: {Memory: 128}
"""


@pytest.mark.parametrize(
    ("expression", "value"),
    [
        ("!Ref Stage", "dev"),
        ("!Ref Zones", ["a", "b"]),
        ("!Ref AWS::Region", "eu-west-1"),
        ("!GetAtt [Api, ApiId]", "GETATT"),
        ('!Sub "${AWS::StackName}-${Stage}-${!Literal}"', "posts-dev-${Literal}"),
        ('!Sub ["${Name}.${AWS::URLSuffix}", {Name: !Ref Stage}]', "dev.amazonaws.com"),
        ('!Join [":", [a, !Ref Stage, 3]]', "a:dev:3"),
        ("!Select [1, !Ref Zones]", "b"),
        ('!Select ["0", !Split ["/", "x/y"]]', "x"),
        ("!If [IsProd, big, small]", "small"),
        ("!If [IsDev, !Ref AWS::NoValue, small]", None),
        ("!FindInMap [Sizes, !Ref Stage, Memory]", 128),
        ("!Base64 hello", "aGVsbG8="),
        ('!GetAZs ""', ["eu-west-1a", "eu-west-1b", "eu-west-1c"]),
        ('!Cidr ["10.0.0.0/16", 2, 8]', ["10.0.0.0/24", "10.0.1.0/24"]),
        ("{Fn::Length: [1, 2, 3]}", 3),
        ("{Fn::ToJsonString: {a: [1]}}", '{"a":[1]}'),
        ("[a, !Ref AWS::NoValue, b]", ["a", "b"]),
    ],
)
def test_a_function_gives_its_value(tmp_path: Path, expression: str, value: object) -> None:
    if value == "GETATT":
        value = evaluated(tmp_path, "!GetAtt Api.ApiId", SECTIONS)
        assert isinstance(value, str)
        assert len(value) == 26
    assert evaluated(tmp_path, expression, SECTIONS, region="eu-west-1") == value


def test_conditions_combine(tmp_path: Path) -> None:
    both = "  Both: !And [!Condition IsDev, !Equals [!Ref Stage, dev]]\n"
    either = "  Either: !Or [!Condition IsProd, !Equals [1, '1']]\n"
    sections = SECTIONS.replace("Mappings:", f"{both}{either}Mappings:")
    assert evaluated(tmp_path, "[!If [Both, y, n], !If [Either, y, n]]", sections) == ["y", "y"]


def test_sub_reads_resources_and_their_attributes(tmp_path: Path) -> None:
    url = evaluated(tmp_path, '!Sub "${Api.GraphQLUrl}"')
    api_id = evaluated(tmp_path, "!GetAtt Api.ApiId")
    assert url == f"https://{api_id}.appsync-api.us-east-1.amazonaws.com/graphql"
    assert (
        evaluated(tmp_path, '!Sub "${Api}"')
        == f"arn:aws:appsync:us-east-1:123456789012:apis/{api_id}"
    )


@pytest.mark.parametrize(
    ("expression", "problem"),
    [
        (
            "!ImportValue shared",
            "Holder.Properties.Value.Fn::ImportValue: Fn::ImportValue reads an export of another "
            "stack, which does not exist locally: give the value as a parameter instead "
            "(--parameter Name=Value)",
        ),
        ("{Fn::Nope: 1}", "Holder.Properties.Value.Fn::Nope: unknown intrinsic function Fn::Nope"),
        (
            "!Ref Nothing",
            "Holder.Properties.Value.Ref: unresolved reference: no parameter or resource named "
            "'Nothing'",
        ),
        (
            "!Select [5, [a]]",
            "Holder.Properties.Value.Fn::Select[0]: index 5 is out of the list's range (0 to 0)",
        ),
        ("!Join [',', a]", "Holder.Properties.Value.Fn::Join: expected [delimiter, [values]]"),
        (
            "!Sub '${Zones}'",
            "Holder.Properties.Value.Fn::Sub: Fn::Sub needs a string here, got a list",
        ),
        (
            "!If [Missing, a, b]",
            "Holder.Properties.Value.Fn::If[0]: no condition named 'Missing' (known: IsProd, "
            "IsDev)",
        ),
        (
            "!FindInMap [Sizes, prod, Memory]",
            "Holder.Properties.Value.Fn::FindInMap: mapping Sizes has no value for [prod, Memory]",
        ),
        (
            "!GetAtt Api.Nope",
            "Holder.Properties.Value.Fn::GetAtt: an AWS::AppSync::GraphQLApi has no attribute "
            "'Nope' (it has: ApiId, Arn, GraphQLUrl, GraphQLDns, RealtimeUrl, RealtimeDns, "
            "GraphQLEndpointArn)",
        ),
        (
            "!GetAtt Topic.TopicName",
            "Holder.Properties.Value.Fn::GetAtt: Topic is an AWS::SNS::Topic, which is not "
            "emulated: its attribute TopicName has no local value",
        ),
        (
            "!Equals [a]",
            "Holder.Properties.Value.Fn::Equals: Fn::Equals takes a list of 2 arguments",
        ),
        (
            "!Not [notacondition]",
            "Holder.Properties.Value.Fn::Not[0]: expected a condition, got str 'notacondition'",
        ),
    ],
)
def test_what_cannot_be_evaluated_is_a_problem_where_it_is(
    tmp_path: Path, expression: str, problem: str
) -> None:
    topic = "\n  Topic:\n    Type: AWS::SNS::Topic"
    assert evaluation_problems(tmp_path, expression, SECTIONS, topic) == [problem]


def test_a_resource_not_emulated_has_a_local_physical_id(tmp_path: Path) -> None:
    topic = "\n  Topic:\n    Type: AWS::SNS::Topic"
    text = f"Resources:{API}{topic}\n  Holder:\n    Type: AWS::SSM::Parameter\n"
    text += "    Properties: {Value: !Ref Topic}\n"
    stack = stack_of(tmp_path, text)
    properties = stack.properties("Holder")
    assert properties == {"Value": stack.names.generated_name("Topic")}


def test_references_are_what_a_value_depends_on() -> None:
    value = {
        "A": {"Ref": "Table"},
        "B": [{"Fn::GetAtt": ["Fn", "Arn"]}, {"Fn::GetAtt": "Api.ApiId"}],
        "C": {"Fn::Sub": "${Machine}-${Role.Arn}-${!Literal}-${AWS::Region}"},
        "D": {"Fn::Sub": ["${Own}-${Queue}", {"Own": {"Ref": "Topic"}}]},
    }
    assert references(value) == {
        "Table",
        "Fn",
        "Api",
        "Machine",
        "Role",
        "AWS::Region",
        "Queue",
        "Topic",
    }
