"""A template's parameters with their values, and the pseudo parameters' local values.

`Parameters` ("Parameters" in the CloudFormation User Guide): each takes its `--parameter
Key=Value` override, else its `Default`; one with neither is a problem, as CloudFormation says
`Parameters: [Name] must have values`. Values are checked as CloudFormation checks them: the
`Type` (`String`, `Number`, `List<Number>`, `CommaDelimitedList`, the AWS-specific types as
strings and lists), `AllowedValues`, `AllowedPattern`, `MinLength`/`MaxLength`,
`MinValue`/`MaxValue`. A `Ref` to a `List<...>` or `CommaDelimitedList` parameter is a list; to
any other, a string. `AWS::SSM::Parameter::Value<...>` parameters read Parameter Store, which
does not exist locally: they need an override when something reads them.

Pseudo parameters ("Pseudo parameters reference") have local values: `AWS::Region` (the
`--region`, else us-east-1), `AWS::AccountId` (123456789012, the embedded services' account),
`AWS::StackName`, `AWS::StackId`, `AWS::Partition` and `AWS::URLSuffix` (from the region),
`AWS::NotificationARNs` (none); `AWS::NoValue` removes the property that names it.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from definition.cloudformation.intrinsics import NO_VALUE
from definition.model import DEFAULT_REGION, LOCAL_ACCOUNT_ID, LOCAL_ENDPOINT_URL
from definition.problems import Problem

# CloudFormation's stack names: "[a-zA-Z][-a-zA-Z0-9]*", at most 128 characters.
_STACK_NAME = re.compile(r"^[A-Za-z][-A-Za-z0-9]{0,127}$")
_SSM = "AWS::SSM::Parameter::Value<"
# Records a problem of the parameter named first.
_Report = Callable[[str, str], None]


@dataclass(frozen=True, slots=True)
class StackSettings:
    """Who deploys the template, locally: the stack's name, its region and account, and the
    parameter values given on the command line, or, for a nested stack, by the parent's
    resource that `given_by` names (`Post.Properties.Parameters`). `endpoint_url` is the
    server's own address, which its queue URLs name (`appsync-local serve`'s)."""

    stack_name: str
    region: str = DEFAULT_REGION
    account_id: str = LOCAL_ACCOUNT_ID
    parameters: Mapping[str, str] | None = None
    given_by: str | None = None
    endpoint_url: str = LOCAL_ENDPOINT_URL


def stack_name_for(name: str) -> str:
    """`name` made a valid stack name (a file's stem, a CDK stack's id)."""
    cleaned = re.sub(r"[^-A-Za-z0-9]+", "-", name).strip("-") or "stack"
    if not cleaned[0].isalpha():
        cleaned = f"stack-{cleaned}"
    return cleaned[:128]


def partition(region: str) -> str:
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws"


def stack_id(settings: StackSettings) -> str:
    """`arn:aws:cloudformation:<region>:<account>:stack/<name>/<uuid>`, the uuid derived from
    the name and region (CloudFormation's is random)."""
    region = settings.region
    digest = hashlib.sha256(f"{settings.stack_name}/{region}".encode()).digest()
    return (
        f"arn:{partition(region)}:cloudformation:{region}:{settings.account_id}:stack/"
        f"{settings.stack_name}/{uuid.UUID(bytes=digest[:16])}"
    )


def pseudo_parameters(settings: StackSettings) -> dict[str, Any]:
    region = settings.region
    return {
        "AWS::Region": region,
        "AWS::AccountId": settings.account_id,
        "AWS::StackName": settings.stack_name,
        "AWS::StackId": stack_id(settings),
        "AWS::Partition": partition(region),
        "AWS::URLSuffix": "amazonaws.com.cn" if region.startswith("cn-") else "amazonaws.com",
        "AWS::NotificationARNs": [],
        "AWS::NoValue": NO_VALUE,
    }


class Unavailable:
    """A parameter whose value cannot be had locally (an SSM parameter without an override):
    reading it is the problem `reason` says."""

    def __init__(self, reason: str) -> None:
        self.reason = reason


def read_parameters(
    file: str, declared: Mapping[str, Any], given: Mapping[str, str], given_by: str | None = None
) -> tuple[dict[str, Any], list[Problem]]:
    """Each declared parameter's value; the problems of the declarations and values. Values
    are `--parameter`s, or a nested stack's, which its parent's resource `given_by` gives."""
    values: dict[str, Any] = {}
    problems: list[Problem] = []

    def problem(name: str, message: str) -> None:
        problems.append(Problem(file, f"Parameters.{name}", message))

    for name in given:
        if name not in declared:
            known = ", ".join(declared) or "none declared"
            giver = f"--parameter {name}" if given_by is None else f"{given_by}.{name}"
            problem(name, f"{giver}: the template has no such parameter ({known})")
    for name, declaration in declared.items():
        if not isinstance(declaration, dict):
            problem(name, "expected a mapping with a Type")
            continue
        kind = declaration.get("Type")
        if not isinstance(kind, str):
            problem(name, "Type: required; expected String, Number, CommaDelimitedList, ...")
            continue
        if name in given:
            value: Any = given[name]
        elif "Default" in declaration:
            value = declaration["Default"]
        else:
            advice = (
                f"give --parameter {name}=..." if given_by is None else f"give it in {given_by}"
            )
            problem(name, f"Parameters: [{name}] must have values ({advice})")
            values[name] = Unavailable(f"parameter {name} has no value: {advice}")
            continue
        if kind.startswith(_SSM) and name not in given:
            values[name] = Unavailable(
                f"parameter {name} reads the SSM parameter {value!r}, which does not exist "
                f"locally: give its value with --parameter {name}=..."
            )
            continue
        values[name] = _checked(name, kind, value, declaration, problem)
    return values, problems


def _checked(
    name: str, kind: str, value: Any, declaration: Mapping[str, Any], problem: _Report
) -> Any:
    """The value as `Ref` gives it (a list for the list types); a value that breaks the
    declaration is a problem, and is kept so that the rest of the template is still checked."""
    listed = kind.startswith("List<") or kind == "CommaDelimitedList"
    if isinstance(value, list):
        items = [str(item) for item in value]
    else:
        raw = "true" if value is True else "false" if value is False else str(value)
        items = [item.strip() for item in raw.split(",")] if listed else [raw]
    numeric = kind in ("Number", "List<Number>")
    ok = True
    for item in items:
        if numeric and not _is_number(item):
            problem(name, f"{item!r} is not a number ({kind})")
            ok = False
        ok = _constraints(name, item, declaration, problem) and ok
    return items if listed else items[0]


def _constraints(name: str, value: str, declaration: Mapping[str, Any], problem: _Report) -> bool:
    allowed = declaration.get("AllowedValues")
    if isinstance(allowed, list) and value not in [str(item) for item in allowed]:
        choices = ", ".join(str(item) for item in allowed)
        problem(name, f"{value!r} is not one of the AllowedValues ({choices})")
        return False
    pattern = declaration.get("AllowedPattern")
    if isinstance(pattern, str) and re.fullmatch(pattern, value) is None:
        problem(name, f"{value!r} does not match the AllowedPattern {pattern!r}")
        return False
    number = float(value) if _is_number(value) else None
    for key, measure, below in (
        ("MinLength", len(value), True),
        ("MaxLength", len(value), False),
        ("MinValue", number, True),
        ("MaxValue", number, False),
    ):
        limit = declaration.get(key)
        if limit is None or measure is None or not _is_number(str(limit)):
            continue
        if measure < float(limit) if below else measure > float(limit):
            problem(name, f"{value!r} is outside {key} {limit}")
            return False
    return True


def _is_number(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return True


def valid_stack_name(name: str) -> bool:
    return _STACK_NAME.match(name) is not None
