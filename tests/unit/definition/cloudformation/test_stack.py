"""A stack evaluates its resources' properties on demand, decides their conditions, and refuses
what CloudFormation refuses: a circular dependency between resources, a circular condition, a
reference to a resource that is not created."""

from __future__ import annotations

from pathlib import Path

from definition.cloudformation.parameters import StackSettings
from tests.unit.definition.cloudformation.cloudformation_support import API, NESTED, stack_of


def _problems(stack: object) -> list[str]:
    return [
        f"{problem.logical_id}.{problem.key_path}: {problem.message}"
        for problem in stack.problems  # type: ignore[attr-defined]
    ]


def test_a_resource_with_a_false_condition_is_not_created(tmp_path: Path) -> None:
    text = f"""
Parameters:
  Stage: {{Type: String, Default: dev}}
Conditions:
  IsProd: !Equals [!Ref Stage, prod]
Resources:{API}
  Audit:
    Type: AWS::DynamoDB::Table
    Condition: IsProd
  Reader:
    Type: AWS::SSM::Parameter
    Properties:
      Value: !If [IsProd, !Ref Audit, none]
      Other: !Ref Audit
"""
    stack = stack_of(tmp_path, text)
    assert [resource.logical_id for resource in stack.of_type("AWS::DynamoDB::Table")] == []
    assert stack.properties("Reader") is None
    assert _problems(stack) == [
        "Reader.Properties.Other.Ref: Audit is not created: its condition IsProd is false"
    ]
    prod = stack_of(tmp_path, text, StackSettings("posts", parameters={"Stage": "prod"}))
    assert [resource.logical_id for resource in prod.of_type("AWS::DynamoDB::Table")] == ["Audit"]


def test_a_circular_dependency_is_refused_naming_the_cycle(tmp_path: Path) -> None:
    text = f"""
Resources:{API}
  A:
    Type: AWS::SSM::Parameter
    Properties: {{Value: !GetAtt B.Arn}}
  B:
    Type: AWS::Lambda::Function
    Properties:
      Environment: {{Variables: {{A: !Sub "${{C}}"}}}}
  C:
    Type: AWS::DynamoDB::Table
    Properties: {{TableName: !Ref B}}
  D:
    Type: AWS::SSM::Parameter
    Properties: {{Value: !Ref A}}
"""
    stack = stack_of(tmp_path, text)
    assert _problems(stack) == ["B.: circular dependency between resources: B -> C -> B"]
    assert stack.properties("C") is None
    assert stack.properties("A") is None
    assert _problems(stack)[1:] == [
        "A.Properties.Value.Fn::GetAtt: B is part of a circular dependency"
    ]
    # DependsOn orders creation only, and nothing is created in order locally.
    text = f"Resources:{API}\n  E:\n    Type: AWS::SNS::Topic\n    DependsOn: [E]\n"
    assert stack_of(tmp_path, text).problems == []


def test_a_circular_condition_is_refused(tmp_path: Path) -> None:
    text = f"""
Conditions:
  A: !Not [!Condition B]
  B: !Not [!Condition A]
Resources:{API}
  Topic:
    Type: AWS::SNS::Topic
    Condition: A
"""
    stack = stack_of(tmp_path, text)
    assert stack.of_type("AWS::SNS::Topic") == []
    assert _problems(stack) == [
        "Topic.Conditions.B.Fn::Not[0].Condition: circular condition: A -> B -> A"
    ]


def test_malformed_resources_are_problems(tmp_path: Path) -> None:
    text = f"""
Resources:{API}
  NoType:
    Properties: {{}}
  BadProperties:
    Type: AWS::SNS::Topic
    Properties: [1]
  BadCondition:
    Type: AWS::SNS::Topic
    Condition: [1]
"""
    stack = stack_of(tmp_path, text)
    assert _problems(stack) == [
        "NoType.Type: required; expected a resource type",
        "BadProperties.Properties: expected a mapping",
        "BadCondition.Condition: expected a condition's name",
    ]
    assert "NoType" not in stack.resources
    assert stack.resources["BadCondition"].condition is None
    empty = stack_of(tmp_path, "Resources: {}\n")
    assert [str(problem) for problem in empty.problems] == [
        f"{tmp_path / 'template.yaml'}: Resources: required; expected resources"
    ]


def test_an_ssm_parameter_is_a_problem_only_when_read(tmp_path: Path) -> None:
    text = f"""
Parameters:
  BootstrapVersion:
    Type: AWS::SSM::Parameter::Value<String>
    Default: /cdk-bootstrap/hnb659fds/version
Resources:{API}
  Reader:
    Type: AWS::SSM::Parameter
    Properties: {{Value: !Ref BootstrapVersion}}
"""
    stack = stack_of(tmp_path, text)
    assert stack.problems == []
    stack.properties("Reader")
    assert _problems(stack) == [
        "Reader.Properties.Value.Ref: parameter BootstrapVersion reads the SSM parameter "
        "'/cdk-bootstrap/hnb659fds/version', which does not exist locally: give its value with "
        "--parameter BootstrapVersion=..."
    ]


def test_a_name_that_cannot_be_made_names_the_resource_it_belongs_to(tmp_path: Path) -> None:
    text = f"""
Resources:{API}
  Table:
    Type: AWS::DynamoDB::Table
    Properties: {{TableName: !ImportValue shared-table}}
  Reader:
    Type: AWS::SSM::Parameter
    Properties: {{Value: !Ref Table}}
"""
    stack = stack_of(tmp_path, text)
    assert stack.properties("Reader") is None
    table, reader = _problems(stack)
    assert table.startswith("Table.Properties.TableName.Fn::ImportValue: Fn::ImportValue")
    assert reader == (
        "Reader.Properties.Value.Ref: Table's TableName cannot be evaluated (see Table)"
    )


def _nested(
    folder: Path, parameters: str = "{AppSyncApiId: !GetAtt Api.ApiId, Stage: prod}"
) -> str:
    (folder / "stacks").mkdir(exist_ok=True)
    (folder / "stacks" / "Posts.yaml").write_text(NESTED)
    return f"""
Resources:{API}
  Posts:
    Type: AWS::CloudFormation::Stack
    Properties:
      TemplateURL: stacks/Posts.yaml
      Parameters: {parameters}
  Reader:
    Type: AWS::SSM::Parameter
    Properties:
      Value: !GetAtt Posts.Outputs.TableName
      Name: !GetAtt Posts.Outputs.StackName
      Id: !Ref Posts
"""


def test_a_nested_stack_takes_parameters_and_gives_outputs(tmp_path: Path) -> None:
    stack = stack_of(tmp_path, _nested(tmp_path))
    properties = stack.properties("Reader")
    assert stack.problems == []
    assert properties is not None
    assert properties["Value"] == "posts-prod"
    # A nested stack is named <parent>-<LogicalId>-<SUFFIX>; its Ref is its stack id.
    child = stack.nested_stack("Posts")
    assert child is not None
    assert properties["Name"] == child.settings.stack_name
    assert child.settings.stack_name.startswith("posts-Posts-")
    assert properties["Id"].startswith(
        f"arn:aws:cloudformation:eu-west-1:123456789012:stack/{child.settings.stack_name}/"
    )
    assert [each.file for each in stack.tree()] == [stack.file, child.file]


def test_a_nested_stack_s_problems_name_its_template(tmp_path: Path) -> None:
    text = _nested(tmp_path, "{Stage: prod, Colour: blue}")
    stack = stack_of(tmp_path, text)
    child = stack.nested_stack("Posts")
    assert child is not None
    given_by = f"Posts.Properties.Parameters of {stack.file}"
    assert [(p.file, p.key_path, p.message) for p in stack.problems] == [
        (
            child.file,
            "Parameters.Colour",
            f"{given_by}.Colour: the template has no such parameter (AppSyncApiId, Stage)",
        ),
        (
            child.file,
            "Parameters.AppSyncApiId",
            f"Parameters: [AppSyncApiId] must have values (give it in {given_by})",
        ),
    ]


def test_a_nested_stack_that_cannot_be_read_is_a_problem(tmp_path: Path) -> None:
    text = f"""
Resources:{API}
  Missing:
    Type: AWS::CloudFormation::Stack
    Properties: {{TemplateURL: stacks/Missing.yaml}}
  Remote:
    Type: AWS::CloudFormation::Stack
    Properties: {{TemplateURL: https://s3.amazonaws.com/bucket/Remote.yaml}}
  Itself:
    Type: AWS::CloudFormation::Stack
    Properties: {{TemplateURL: template.yaml}}
  Reader:
    Type: AWS::SSM::Parameter
    Properties: {{Value: !GetAtt Itself.Outputs.Name, Other: !GetAtt Itself.Arn}}
"""
    stack = stack_of(tmp_path, text)
    assert stack.properties("Reader") is None
    assert list(stack.tree()) == [stack]
    missing = tmp_path / "stacks" / "Missing.yaml"
    assert _problems(stack) == [
        "Itself.Properties.TemplateURL: "
        + f"{(tmp_path / 'template.yaml').resolve()} nests itself",
        "Reader.Properties.Value.Fn::GetAtt: the nested stack Itself cannot be read",
        f"Missing.Properties.TemplateURL: file not found: {missing}",
        "Remote.Properties.TemplateURL: s3://bucket/Remote.yaml is not local: appsync-local reads "
        "files, so write the path of the file (relative to the template) instead",
    ]


def test_a_nested_stack_s_attributes_are_its_outputs(tmp_path: Path) -> None:
    text = _nested(tmp_path).replace("!GetAtt Posts.Outputs.StackName", "!GetAtt Posts.Arn")
    stack = stack_of(tmp_path, text)
    assert stack.properties("Reader") is None
    text = _nested(tmp_path).replace("Outputs.StackName", "Outputs.Nope")
    other = stack_of(tmp_path, text)
    assert other.properties("Reader") is None
    child = other.nested_stack("Posts")
    assert child is not None
    assert _problems(stack) == [
        "Reader.Properties.Name.Fn::GetAtt: an AWS::CloudFormation::Stack's attributes are "
        "Outputs.<name>, not 'Arn'"
    ]
    assert _problems(other) == [
        f"Reader.Properties.Name.Fn::GetAtt: {child.file} has no output Nope "
        "(outputs: TableName, StackName)"
    ]
