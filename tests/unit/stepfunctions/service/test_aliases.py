"""Aliases through the service: routing over versions, weights, and a missing alias.

Error codes, statuses and texts are the API reference's and AWS's recorded answers.
"""

from __future__ import annotations

import pytest

from stepfunctions.service.api import StepFunctionsService
from tests.unit.stepfunctions.service.test_api import call, create, ok

pytestmark = pytest.mark.anyio

ARN = "arn:aws:states:us-east-1:123456789012:stateMachine:m"


async def test_alias_routes_versions_and_protects_them(service: StepFunctionsService) -> None:
    await create(service, publish=True)
    routing = [{"stateMachineVersionArn": f"{ARN}:1", "weight": 100}]
    alias = await ok(service, "CreateStateMachineAlias", name="live", routingConfiguration=routing)
    assert alias["stateMachineAliasArn"] == f"{ARN}:live"
    described = await ok(service, "DescribeStateMachineAlias", stateMachineAliasArn=f"{ARN}:live")
    assert described["routingConfiguration"] == routing
    status, body = await call(
        service, "DeleteStateMachineVersion", stateMachineVersionArn=f"{ARN}:1"
    )
    assert (status, body) == (
        400,
        {
            "__type": "ConflictException",
            "message": "Version to be deleted must not be referenced by an alias. "
            "Current list of aliases referencing this version: [live]",
        },
    )
    listed = await ok(service, "ListStateMachineAliases", stateMachineArn=ARN)
    assert [a["stateMachineAliasArn"] for a in listed["stateMachineAliases"]] == [f"{ARN}:live"]
    await ok(service, "DeleteStateMachineAlias", stateMachineAliasArn=f"{ARN}:live")
    await ok(service, "DeleteStateMachineVersion", stateMachineVersionArn=f"{ARN}:1")
    assert (await ok(service, "ListStateMachineVersions", stateMachineArn=ARN))[
        "stateMachineVersions"
    ] == []


async def test_alias_weights_must_add_up_to_100(service: StepFunctionsService) -> None:
    await create(service, publish=True)
    routing = [{"stateMachineVersionArn": f"{ARN}:1", "weight": 50}]
    status, body = await call(
        service, "CreateStateMachineAlias", name="live", routingConfiguration=routing
    )
    assert (status, body) == (
        400,
        {
            "__type": "ValidationException",
            "message": "Sum of routing configuration weights must equal 100. Received: [50]",
        },
    )


async def test_a_missing_alias_is_resource_not_found(service: StepFunctionsService) -> None:
    await create(service)
    status, body = await call(
        service, "DescribeStateMachineAlias", stateMachineAliasArn=f"{ARN}:nope"
    )
    assert (status, body) == (
        400,
        {
            "__type": "ResourceNotFound",
            "message": "Request references a resource that does not exist.",
        },
    )
