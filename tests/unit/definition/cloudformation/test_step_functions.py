"""AWS::StepFunctions::StateMachine becomes a state machine of the embedded engine: its
definition from `Definition`, `DefinitionString` or `DefinitionS3Location`, with
`DefinitionSubstitutions` made, named as its `Ref` names it."""

from __future__ import annotations

import json
from pathlib import Path

from definition.model import InlineSource, StateMachineType
from tests.unit.definition.cloudformation.cloudformation_support import problems, read

PASS = {"StartAt": "P", "States": {"P": {"Type": "Pass", "Result": "${Greeting}", "End": True}}}


def test_each_definition_form_gives_the_same_machine(tmp_path: Path) -> None:
    (tmp_path / "machine.asl.json").write_text(json.dumps(PASS))
    definition = read(
        tmp_path,
        f"""
  Inline:
    Type: AWS::StepFunctions::StateMachine
    Properties:
      StateMachineName: inline
      Definition: {json.dumps(PASS)}
      DefinitionSubstitutions: {{Greeting: !Sub "hello from ${{AWS::Region}}"}}
  Text:
    Type: AWS::StepFunctions::StateMachine
    Properties:
      StateMachineType: EXPRESS
      DefinitionString: !Join
        - ""
        - - '{{"StartAt": "P", "States": {{"P": '
          - '{{"Type": "Pass", "Result": "${{Greeting}}", "End": true}}}}}}'

      DefinitionSubstitutions: {{Greeting: true}}
  File:
    Type: AWS::StepFunctions::StateMachine
    Properties:
      DefinitionS3Location: machine.asl.json
      DefinitionSubstitutions: {{Other: 1}}
  Referrer:
    Type: AWS::AppSync::DataSource
    Properties:
      ApiId: !GetAtt Api.ApiId
      Name: Direct
      Type: HTTP
      HttpConfig: {{Endpoint: !Sub "https://states.${{AWS::Region}}.amazonaws.com/?arn=${{File}}"}}
""",
    )
    inline, text, file = definition.server.step_functions.state_machines
    assert inline.name == "inline"
    assert isinstance(inline.definition, InlineSource)
    assert inline.definition.name == "Inline.Properties.Definition"
    assert json.loads(inline.definition.text)["States"]["P"]["Result"] == "hello from eu-west-1"
    assert text.type is StateMachineType.EXPRESS
    assert isinstance(text.definition, InlineSource)
    assert json.loads(text.definition.text)["States"]["P"]["Result"] == "true"
    assert isinstance(file.definition, InlineSource)
    assert json.loads(file.definition.text) == PASS  # ${Greeting} is not among its substitutions
    assert file.name.startswith("File-")
    # The data source names the machine the engine holds, by its ARN.
    http = definition.data_sources[0].http
    assert http is not None
    assert http.endpoint.endswith(
        f"arn=arn:aws:states:eu-west-1:123456789012:stateMachine:{file.name}"
    )
    settings = definition.server.step_functions
    assert (settings.region, settings.account_id, settings.declared) == (
        "eu-west-1",
        "123456789012",
        True,
    )


def test_bad_machines_are_problems(tmp_path: Path) -> None:
    assert problems(
        tmp_path,
        f"""
  None:
    Type: AWS::StepFunctions::StateMachine
    Properties: {{RoleArn: arn:aws:iam::1:role/r}}
  Both:
    Type: AWS::StepFunctions::StateMachine
    Properties: {{Definition: {json.dumps(PASS)}, DefinitionString: "{{}}"}}
  Remote:
    Type: AWS::StepFunctions::StateMachine
    Properties: {{DefinitionS3Location: {{Bucket: my-bucket, Key: machine.json}}}}
  List:
    Type: AWS::StepFunctions::StateMachine
    Properties:
      Definition: {json.dumps(PASS)}
      DefinitionSubstitutions: {{Greeting: [1]}}
  Kind:
    Type: AWS::StepFunctions::StateMachine
    Properties: {{Definition: {json.dumps(PASS)}, StateMachineType: SLOW}}
""",
    ) == [
        "None.Properties.Definition: expected one of Definition, DefinitionString, "
        "DefinitionS3Location",
        "Both.Properties.Definition: expected one of Definition, DefinitionString, "
        "DefinitionS3Location; got Definition, DefinitionString",
        "Remote.Properties.DefinitionS3Location: s3://my-bucket/machine.json is not local: "
        "appsync-local reads files, so write the path of the file (relative to the template) "
        "instead",
        "List.Properties.DefinitionSubstitutions.Greeting: expected a string, number or boolean",
        "Kind.Properties.StateMachineType: expected one of STANDARD | EXPRESS, got 'SLOW'",
    ]
