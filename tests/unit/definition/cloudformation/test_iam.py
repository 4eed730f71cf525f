"""A template's IAM roles with their identity-based policies: a role's inline `Policies`
(aws-resource-iam-role.html), the `AWS::IAM::Policy` and `AWS::IAM::ManagedPolicy` naming it in
`Roles` (by its `Ref`, the role's name), its `ManagedPolicyArns` the template declares; an AWS
managed policy is kept as unknown. A policy that cannot be evaluated is left out quietly."""

from __future__ import annotations

from pathlib import Path

from tests.unit.definition.cloudformation.cloudformation_support import read

ROLES = """
  Guest:
    Type: AWS::IAM::Role
    Properties:
      RoleName: guest
      AssumeRolePolicyDocument: {Statement: []}
      Policies:
        - PolicyName: inline
          PolicyDocument:
            Statement: [{Effect: Allow, Action: s3:GetObject, Resource: "*"}]
  Worker:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: {Statement: []}
      ManagedPolicyArns:
        - !Ref Shared
        - arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole
  Shared:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Statement: [{Effect: Allow, Action: sqs:SendMessage, Resource: "*"}]
  Uploads:
    Type: AWS::IAM::Policy
    Properties:
      PolicyName: uploads
      Roles: [!Ref Guest, !Ref Worker]
      PolicyDocument:
        Statement: [{Effect: Allow, Action: s3:PutObject, Resource: !Sub "arn:aws:s3:::b/*"}]
  Broken:
    Type: AWS::IAM::Policy
    Properties:
      PolicyName: broken
      Roles: [!Ref Guest]
      PolicyDocument:
        Statement: [{Effect: Allow, Action: s3:*, Resource: !GetAtt Nowhere.Arn}]
"""


def test_roles_gather_their_inline_attached_and_declared_managed_policies(
    tmp_path: Path,
) -> None:
    definition = read(tmp_path, ROLES)
    guest, worker = sorted(definition.server.resources.roles, key=lambda r: r.role_name != "guest")
    assert guest.role_name == "guest"
    assert [p["Statement"][0]["Action"] for p in guest.policies] == [
        "s3:GetObject",
        "s3:PutObject",
    ]
    assert guest.unknown_policies == ()
    # CloudFormation's generated name, the one the policy's `Ref` gives.
    assert worker.role_name.startswith("posts-Worker-")
    assert [p["Statement"][0]["Action"] for p in worker.policies] == [
        "s3:PutObject",
        "sqs:SendMessage",
    ]
    assert worker.unknown_policies == (
        "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
    )
    # `Broken` names a resource that does not exist: left out, and no problem (`read` raises
    # on one), as IAM resources were accepted before they were read.
