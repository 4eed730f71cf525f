"""AWS::SSM::Parameter read as its page of the CloudFormation User Guide describes it
(aws-resource-ssm-parameter.html: `Type` String or StringList, `Value` required, `Name`
optional; "Return values": Ref is the name, Fn::GetAtt Type and Value)."""

from __future__ import annotations

from pathlib import Path

from definition.service_resources import ParameterSpec
from tests.unit.definition.cloudformation.cloudformation_support import (
    notices,
    problems,
    read,
    stack_of,
)

PARAMETERS = """
  Endpoint:
    Type: AWS::SSM::Parameter
    Properties:
      Name: /app/endpoint
      Type: String
      Value: !GetAtt Api.GraphQLUrl
      Description: where the API is
      Tags: {team: web}
  Hosts:
    Type: AWS::SSM::Parameter
    Properties:
      Type: StringList
      Value: a,b
"""


def test_parameters_with_the_local_endpoint_and_a_generated_name(tmp_path: Path) -> None:
    """The API's cloud GraphQLUrl is the server's own URL in a parameter (a function reads
    it); a parameter without Name gets CloudFormation's `CFN-<logical id>-<suffix>`."""
    definition = read(tmp_path, PARAMETERS, endpoint_url="http://127.0.0.1:4321")
    endpoint, hosts = definition.server.resources.parameters
    assert endpoint == ParameterSpec(
        "/app/endpoint",
        "eu-west-1",
        "http://127.0.0.1:4321/graphql",
        "String",
        "where the API is",
        "Endpoint.Properties",
    )
    assert hosts.name.startswith("CFN-Hosts-")
    assert (hosts.type, hosts.value) == ("StringList", "a,b")
    assert "Endpoint.Properties.Tags: accepted; no local effect yet (tags are not listed)" in (
        notices(definition)
    )


def test_a_parameter_s_ref_and_attributes(tmp_path: Path) -> None:
    text = "Resources:" + PARAMETERS + "  Holder:\n    Type: AWS::SSM::Parameter\n"
    text += "    Properties:\n      Type: String\n"
    text += "      Value: !Join [' ', [!Ref Hosts, !GetAtt Hosts.Type, !GetAtt Hosts.Value]]\n"
    value = (stack_of(tmp_path, text).properties("Holder") or {})["Value"]
    name, kind, listed = value.split(" ")
    assert name.startswith("CFN-Hosts-")
    assert (kind, listed) == ("StringList", "a,b")


def test_bad_parameters_are_problems(tmp_path: Path) -> None:
    found = problems(
        tmp_path,
        """
  Secret:
    Type: AWS::SSM::Parameter
    Properties: {Name: /s, Type: SecureString, Value: x}
  Reserved:
    Type: AWS::SSM::Parameter
    Properties: {Name: aws-thing, Type: String, Value: x}
  Empty:
    Type: AWS::SSM::Parameter
    Properties: {Name: /e, Type: String}
""",
    )
    assert found == [
        "Secret.Properties.Type: expected String or StringList, got 'SecureString'",
        "Reserved.Properties.Name: expected letters, digits and . - _ / (at most 1011), not "
        "beginning with aws or ssm, got 'aws-thing'",
        "Empty.Properties.Value: required; expected a string",
    ]
