"""A template's IAM roles with their identity-based policies (`definition.service_resources.
RoleSpec`), for the AWS endpoint to decide what the credentials an identity pool vends for a
role may do in S3 (`appsync.aws.s3_access`).

A role's policies are its inline `Policies` ("AWS::IAM::Role", aws-resource-iam-role.html),
each `AWS::IAM::Policy` and `AWS::IAM::ManagedPolicy` whose `Roles` name it (by the role's
name, its `Ref`), and the managed policies of its `ManagedPolicyArns` that the template
declares (their `Ref` is their ARN); an ARN it does not declare (an AWS managed policy) is
kept as unknown. Roles and policies were accepted without being read before: a property that
cannot be evaluated leaves that resource out, without a problem.
"""

from __future__ import annotations

from typing import Any

from definition.cloudformation.intrinsics import evaluate
from definition.cloudformation.stack import Stack
from definition.errors import TemplateValueError
from definition.service_resources import RoleSpec

ROLE = "AWS::IAM::Role"
POLICY = "AWS::IAM::Policy"
MANAGED_POLICY = "AWS::IAM::ManagedPolicy"


def read_roles(stacks: list[Stack]) -> tuple[RoleSpec, ...]:
    """Every stack's roles with the policies of every stack that name them."""
    inline: dict[str, list[dict[str, Any]]] = {}
    managed_arns: dict[str, list[str]] = {}
    attached: dict[str, list[dict[str, Any]]] = {}
    declared: dict[str, dict[str, Any]] = {}
    for stack in stacks:
        for resource in stack.of_type(ROLE, POLICY, MANAGED_POLICY):
            properties = _properties(stack, resource.logical_id)
            if properties is None:
                continue
            if resource.type == ROLE:
                name = _ref(stack, resource.logical_id)
                if name is None:
                    continue
                inline[name] = [
                    item["PolicyDocument"]
                    for item in _list(properties.get("Policies"))
                    if isinstance(item, dict) and isinstance(item.get("PolicyDocument"), dict)
                ]
                managed_arns[name] = [
                    str(arn) for arn in _list(properties.get("ManagedPolicyArns"))
                ]
                continue
            document = properties.get("PolicyDocument")
            if not isinstance(document, dict):
                continue
            if resource.type == MANAGED_POLICY and (arn := _ref(stack, resource.logical_id)):
                declared[arn] = document
            for role in _list(properties.get("Roles")):
                attached.setdefault(str(role), []).append(document)
    roles = []
    for name, documents in inline.items():
        arns = managed_arns.get(name, [])
        known = [declared[arn] for arn in arns if arn in declared]
        unknown = tuple(arn for arn in arns if arn not in declared)
        roles.append(RoleSpec(name, (*documents, *attached.get(name, []), *known), unknown))
    return tuple(roles)


def _properties(stack: Stack, logical_id: str) -> dict[str, Any] | None:
    """The resource's evaluated properties, or None when they cannot be (no problem is kept:
    IAM resources are accepted whatever they hold)."""
    before = len(stack.problems)
    try:
        value = evaluate(dict(stack.resources[logical_id].properties), stack, "Properties")
    except TemplateValueError:
        value = None
    del stack.problems[before:]
    return value if isinstance(value, dict) else None


def _ref(stack: Stack, logical_id: str) -> str | None:
    """The resource's `Ref` (a role's name, a managed policy's ARN), or None when it cannot be
    evaluated (no problem kept, as for `_properties`)."""
    before = len(stack.problems)
    try:
        return str(stack.names.ref(logical_id, ""))
    except TemplateValueError:
        return None
    finally:
        del stack.problems[before:]


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []
