"""Parameters take their override or default and are checked as CloudFormation checks them
("Parameters" in the CloudFormation User Guide); pseudo parameters have local values ("Pseudo
parameters reference")."""

from __future__ import annotations

from typing import Any

from definition.cloudformation.intrinsics import NO_VALUE
from definition.cloudformation.parameters import (
    StackSettings,
    Unavailable,
    partition,
    pseudo_parameters,
    read_parameters,
    stack_name_for,
    valid_stack_name,
)


def _read(declared: dict[str, Any], given: dict[str, str] | None = None) -> tuple[Any, list[str]]:
    values, problems = read_parameters("t.yaml", declared, given or {})
    return values, [f"{problem.key_path}: {problem.message}" for problem in problems]


def test_an_override_wins_over_the_default() -> None:
    declared = {
        "Stage": {"Type": "String", "Default": "dev"},
        "Size": {"Type": "Number", "Default": 3},
        "Zones": {"Type": "CommaDelimitedList", "Default": "a, b"},
        "Ports": {"Type": "List<Number>", "Default": "80,443"},
        "Key": {"Type": "AWS::EC2::KeyPair::KeyName", "Default": "mine"},
        "Flag": {"Type": "String", "Default": True},
    }
    values, problems = _read(declared, {"Stage": "prod", "Zones": "c"})
    assert problems == []
    assert values == {
        "Stage": "prod",
        "Size": "3",
        "Zones": ["c"],
        "Ports": ["80", "443"],
        "Key": "mine",
        "Flag": "true",
    }


def test_values_are_checked_against_the_declaration() -> None:
    declared = {
        "Stage": {"Type": "String", "AllowedValues": ["dev", "prod"]},
        "Name": {"Type": "String", "AllowedPattern": "[a-z]+", "MinLength": 2, "MaxLength": 4},
        "Size": {"Type": "Number", "MinValue": 1, "MaxValue": 10},
        "Count": {"Type": "Number", "Default": "many"},
        "Short": {"Type": "String", "MinLength": 3, "Default": "ab"},
        "Untyped": {"Default": "x"},
        "Required": {"Type": "String"},
        "Listed": "String",
    }
    _, problems = _read(declared, {"Stage": "test", "Name": "ABC", "Size": "11", "Extra": "1"})
    assert problems == [
        "Parameters.Extra: --parameter Extra: the template has no such parameter (Stage, Name, "
        "Size, Count, Short, Untyped, Required, Listed)",
        "Parameters.Stage: 'test' is not one of the AllowedValues (dev, prod)",
        "Parameters.Name: 'ABC' does not match the AllowedPattern '[a-z]+'",
        "Parameters.Size: '11' is outside MaxValue 10",
        "Parameters.Count: 'many' is not a number (Number)",
        "Parameters.Short: 'ab' is outside MinLength 3",
        "Parameters.Untyped: Type: required; expected String, Number, CommaDelimitedList, ...",
        "Parameters.Required: Parameters: [Required] must have values (give --parameter "
        "Required=...)",
        "Parameters.Listed: expected a mapping with a Type",
    ]


def test_an_ssm_parameter_needs_an_override_to_be_read() -> None:
    declared = {
        "BootstrapVersion": {
            "Type": "AWS::SSM::Parameter::Value<String>",
            "Default": "/cdk-bootstrap/hnb659fds/version",
        }
    }
    values, problems = _read(declared)
    assert problems == []
    unavailable = values["BootstrapVersion"]
    assert isinstance(unavailable, Unavailable)
    assert unavailable.reason == (
        "parameter BootstrapVersion reads the SSM parameter '/cdk-bootstrap/hnb659fds/version', "
        "which does not exist locally: give its value with --parameter BootstrapVersion=..."
    )
    assert _read(declared, {"BootstrapVersion": "6"})[0] == {"BootstrapVersion": "6"}


def test_pseudo_parameters_have_local_values() -> None:
    values = pseudo_parameters(StackSettings("posts", "cn-north-1"))
    stack_id = values.pop("AWS::StackId")
    assert values == {
        "AWS::Region": "cn-north-1",
        "AWS::AccountId": "123456789012",
        "AWS::StackName": "posts",
        "AWS::Partition": "aws-cn",
        "AWS::URLSuffix": "amazonaws.com.cn",
        "AWS::NotificationARNs": [],
        "AWS::NoValue": NO_VALUE,
    }
    assert stack_id.startswith("arn:aws-cn:cloudformation:cn-north-1:123456789012:stack/posts/")
    # The same on every start.
    assert pseudo_parameters(StackSettings("posts", "cn-north-1"))["AWS::StackId"] == stack_id
    assert pseudo_parameters(StackSettings("other", "cn-north-1"))["AWS::StackId"] != stack_id


def test_partitions_follow_the_region() -> None:
    assert [partition(r) for r in ("eu-west-1", "cn-north-1", "us-gov-west-1")] == [
        "aws",
        "aws-cn",
        "aws-us-gov",
    ]


def test_stack_names_are_made_valid() -> None:
    assert stack_name_for("template") == "template"
    assert stack_name_for("my_app.prod") == "my-app-prod"
    assert stack_name_for("1st") == "stack-1st"
    assert stack_name_for("__") == "stack"
    assert valid_stack_name("posts-dev")
    assert not valid_stack_name("posts_dev")
    assert not valid_stack_name("9posts")
