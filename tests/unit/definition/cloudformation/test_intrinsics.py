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
            "stack, which is not read with this one: give the value as a parameter instead "
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


def test_a_resource_not_emulated_has_local_stand_ins(tmp_path: Path) -> None:
    # Its Ref and attributes read (never fatal: the "listed once as not emulated"), so a
    # template passing them to other resources that are not served either still loads.
    stream = "\n  Stream:\n    Type: AWS::Kinesis::Stream"
    text = f"Resources:{API}{stream}\n  Holder:\n    Type: AWS::SSM::Parameter\n"
    text += "    Properties: {Value: [!Ref Stream, !GetAtt Stream.Name, !GetAtt Stream.Arn]}\n"
    stack = stack_of(tmp_path, text)
    properties = stack.properties("Holder")
    name = stack.names.generated_name("Stream")
    assert name.startswith("posts-Stream-")
    arn = f"arn:aws:kinesis:eu-west-1:123456789012:stream/{name}"
    assert properties == {"Value": [name, name, arn]}


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


# The examples of each function's page in the CloudFormation Template Reference, with the value
# the page says it returns:
# https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/<page>.html
DOCUMENTED = """
Parameters:
  EnvironmentType: {Type: String, Default: prod}
  RootDomainName: {Type: String, Default: example123.com}
  vpc: {Type: String, Default: vpc-1a2b3c4d}
  ParameterList: {Type: CommaDelimitedList, Default: "a,b"}
  ParameterName: {Type: String, Default: resolvedValue}
Conditions:
  IsProduction: !Equals [!Ref EnvironmentType, prod]
  IsNotProduction: !Not [!Equals [!Ref EnvironmentType, prod]]
  BothOf: !And [!Equals [sg-mysggroup, sg-mysggroup], !Condition IsProduction]
  EitherOf: !Or [!Equals [sg-mysggroup, sg-other], !Condition IsProduction]
Mappings:
  RegionMap:
    us-east-1: {HVM64: ami-0ff8a91507f77f867, HVMG2: ami-0a584ac55a7631c0c}
    eu-west-1: {HVM64: ami-047bb4163c506cd98, HVMG2: ami-0a7c483d527806435}
"""


@pytest.mark.parametrize(
    ("page", "expression", "value"),
    [
        ("join", '!Join [":", [a, b, c]]', "a:b:c"),
        (
            "join",
            '!Join ["", ["arn:", !Ref AWS::Partition, ":s3:::elasticbeanstalk-*-", '
            "!Ref AWS::AccountId]]",
            "arn:aws:s3:::elasticbeanstalk-*-123456789012",
        ),
        ("select", '!Select ["1", [apples, grapes, oranges, mangoes]]', "grapes"),
        ("split", '!Split ["|", "a|b|c"]', ["a", "b", "c"]),
        ("split", '!Split ["|", "a||c|"]', ["a", "", "c", ""]),
        ("select", '!Select [2, !Split [",", "a,b,c"]]', "c"),
        ("base64", "!Base64 AWS CloudFormation", "QVdTIENsb3VkRm9ybWF0aW9u"),
        (
            "cidr",
            '!Cidr ["192.168.0.0/24", 6, 5]',
            [f"192.168.0.{n}/27" for n in (0, 32, 64, 96, 128, 160)],
        ),
        (
            "sub",
            "!Sub 'arn:aws:ec2:${AWS::Region}:${AWS::AccountId}:vpc/${vpc}'",
            "arn:aws:ec2:eu-west-1:123456789012:vpc/vpc-1a2b3c4d",
        ),
        ("sub", "!Sub ['www.${Domain}', {Domain: !Ref RootDomainName}]", "www.example123.com"),
        ("sub", "!Sub '${!Literal}-${AWS::StackName}'", "${Literal}-posts"),
        ("findinmap", '!FindInMap [RegionMap, !Ref "AWS::Region", HVM64]', "ami-047bb4163c506cd98"),
        ("getazs", "!GetAZs {Ref: AWS::Region}", ["eu-west-1a", "eu-west-1b", "eu-west-1c"]),
        ("conditions", "!If [IsProduction, m5.large, t3.micro]", "m5.large"),
        ("conditions", "!If [IsNotProduction, m5.large, t3.micro]", "t3.micro"),
        ("conditions", "[!If [BothOf, y, n], !If [EitherOf, y, n]]", ["y", "y"]),
        ("length", "{Fn::Length: [1, !Ref ParameterList]}", 2),
        (
            "ToJsonString",
            "{Fn::ToJsonString: [{key1: value1}, {key2: !Ref ParameterName}]}",
            '[{"key1":"value1"},{"key2":"resolvedValue"}]',
        ),
        ("ref", "!Ref AWS::URLSuffix", "amazonaws.com"),
        ("ref", "!Ref AWS::NotificationARNs", []),
    ],
)
def test_each_function_gives_what_its_reference_page_says(
    tmp_path: Path, page: str, expression: str, value: object
) -> None:
    # <page> is intrinsic-function-reference-{page} (Fn::Length and Fn::ToJsonString are the
    # AWS::LanguageExtensions transform's; the latter's page shows JSON without spaces), and
    # pseudo-parameter-reference for AWS::URLSuffix and AWS::NotificationARNs.
    assert evaluated(tmp_path, expression, DOCUMENTED, region="eu-west-1") == value
