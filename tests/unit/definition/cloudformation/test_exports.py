"""`Fn::ImportValue` reads the export of a stack read with the importing one ("Fn::ImportValue"
and "Exporting stack output values", CloudFormation User Guide): the export's name may be an
intrinsic function of the exporting stack, and its value is the output's, evaluated there."""

from __future__ import annotations

from pathlib import Path

import pytest

from definition.cloudformation.parameters import StackSettings
from definition.cloudformation.stack import Stack
from definition.cloudformation.template import load_template
from definition.errors import TemplateValueError

PRODUCER = """
Resources:
  Table:
    Type: AWS::DynamoDB::Table
    Properties:
      KeySchema: [{AttributeName: id, KeyType: HASH}]
      AttributeDefinitions: [{AttributeName: id, AttributeType: S}]
Outputs:
  TableName:
    Value: !Ref Table
    Export: {Name: !Sub "${AWS::StackName}:TableName"}
  TableArn:
    Value: !GetAtt Table.Arn
    Export: {Name: shared-table-arn}
  NotExported:
    Value: plain
"""
CONSUMER = """
Resources:
  Holder:
    Type: AWS::SSM::Parameter
    Properties:
      Type: String
      Value: !ImportValue {"Fn::Sub": "Data:TableName"}
      Description: !ImportValue shared-table-arn
"""


def _stacks(
    tmp_path: Path, consumer: str = CONSUMER, producer: str = PRODUCER
) -> tuple[Stack, Stack]:
    (tmp_path / "data.yaml").write_text(producer)
    (tmp_path / "api.yaml").write_text(consumer)
    api = Stack(load_template(tmp_path / "api.yaml"), StackSettings("Api", "eu-west-1"))
    data = Stack(
        load_template(tmp_path / "data.yaml"), StackSettings("Data", "eu-west-1"), reports_to=api
    )
    api.deployed_with([data])
    return api, data


def test_an_import_reads_the_exporting_stacks_output(tmp_path: Path) -> None:
    api, data = _stacks(tmp_path)
    properties = api.properties("Holder") or {}
    table = data.names.ref("Table", "")
    assert str(table).startswith("Data-Table-")
    assert properties["Value"] == table
    assert properties["Description"] == f"arn:aws:dynamodb:eu-west-1:123456789012:table/{table}"
    # The stacks read together are one tree: the producer's resources are created too.
    assert [stack.settings.stack_name for stack in api.tree()] == ["Api", "Data"]
    assert api.problems == []


def test_an_unknown_export_is_a_problem_naming_those_there_are(tmp_path: Path) -> None:
    api, _ = _stacks(tmp_path, CONSUMER.replace("Data:TableName", "Data:Nothing"))
    assert api.properties("Holder") is None
    [problem] = api.problems
    assert problem.key_path == "Properties.Value.Fn::ImportValue"
    assert problem.message == (
        "no stack read with this one exports 'Data:Nothing' (exports: Data:TableName, "
        "shared-table-arn); give the value as a parameter instead (--parameter Name=Value)"
    )


def test_a_stack_read_alone_imports_nothing(tmp_path: Path) -> None:
    (tmp_path / "api.yaml").write_text(CONSUMER)
    api = Stack(load_template(tmp_path / "api.yaml"), StackSettings("Api", "eu-west-1"))
    with pytest.raises(TemplateValueError, match="not read with this one"):
        api.import_value("shared-table-arn", "x")


def test_a_dependency_s_problems_are_in_the_same_report(tmp_path: Path) -> None:
    broken = PRODUCER.replace('!Sub "${AWS::StackName}:TableName"', "!Ref Missing")
    api, _ = _stacks(tmp_path, producer=broken)
    api.properties("Holder")
    files = {problem.file for problem in api.problems}
    assert str(tmp_path / "data.yaml") in files
    assert any("Missing" in problem.message for problem in api.problems)
