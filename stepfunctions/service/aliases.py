"""State machine aliases: Create/Describe/Update/Delete/ListStateMachineAliases, and the weighted
choice of a version when an execution starts through an alias.

An alias (`<machine arn>:<name>`) routes over one or two published versions whose weights add up
to 100; texts are the API reference's and AWS's validation messages.
"""

from __future__ import annotations

import json
import random
from typing import Any

from stepfunctions.records.machines import StateMachine, StateMachineAlias, StateMachineVersion
from stepfunctions.service.dependencies import ServiceDependencies
from stepfunctions.service.errors import ApiError
from stepfunctions.service.machines import Operation, machine_not_found, machine_of, version_of
from stepfunctions.service.requests import (
    Request,
    arn_of_type,
    check_alias_name,
    paginate,
    validation_error,
)


def _routing(
    deps: ServiceDependencies, request: Request
) -> tuple[StateMachine, list[tuple[str, int]]]:
    entries = request.items("routingConfiguration")
    if not 1 <= len(entries) <= 2:
        raise validation_error(
            entries, "routingConfiguration", "Member must have length less than or equal to 2"
        )
    routing = [(str(e.get("stateMachineVersionArn")), int(e.get("weight", -1))) for e in entries]
    arns = [arn for arn, _ in routing]
    if len(set(arns)) < len(arns):
        raise ApiError(
            "ValidationException",
            "Routing configuration must contain distinct state machine version ARNs. "
            f"Received: [{', '.join(arns)}]",
        )
    for index, (_, weight) in enumerate(routing, start=1):
        if not 0 <= weight <= 100:
            raise validation_error(
                weight,
                f"routingConfiguration.{index}.member.weight",
                "Member must have value less than or equal to 100",
            )
    if sum(w for _, w in routing) != 100:
        weights = json.dumps([w for _, w in routing])
        raise ApiError(
            "ValidationException",
            f"Sum of routing configuration weights must equal 100. Received: {weights}",
        )
    owners = {":".join(arn.split(":")[:7]) for arn in arns}
    machine = deps.store.machine(next(iter(owners))) if len(owners) == 1 else None
    versions_exist = machine is not None and all(
        arn.count(":") == 7 and version_of(machine, arn.split(":")[-1]) is not None for arn in arns
    )
    if machine is None or not versions_exist:
        raise ApiError(
            "ValidationException",
            "Routing configuration must contain state machine version ARNs. "
            f"Received: [{', '.join(arns)}]",
        )
    return machine, routing


def _alias(deps: ServiceDependencies, text: str) -> tuple[StateMachine, StateMachineAlias]:
    arn = arn_of_type(text, "stateMachine")
    if len(arn.parts) != 2 or arn.parts[1].isdigit():
        raise ApiError("InvalidArn", f"Invalid Arn: '{text}'")
    machine = deps.store.machine(":".join(text.split(":")[:7]))
    alias = None if machine is None else machine.aliases.get(arn.parts[1])
    if machine is None or alias is None:
        raise ApiError("ResourceNotFound", "Request references a resource that does not exist.")
    return machine, alias


async def create_state_machine_alias(deps: ServiceDependencies, request: Request) -> dict[str, Any]:
    name = check_alias_name(request.text("name"))
    machine, routing = _routing(deps, request)
    description = request.optional_text("description")
    existing = machine.aliases.get(name)
    if existing is not None:
        if existing.routing == routing and existing.description == description:
            return {"stateMachineAliasArn": existing.arn, "creationDate": existing.creation_date}
        raise ApiError(
            "ConflictException",
            "Failed to create alias because an alias with the same name and a "
            "different routing configuration already exists.",
        )
    now = deps.clock.now()
    alias = StateMachineAlias(
        f"{machine.arn}:{name}", machine.arn, name, description, routing, now, now
    )
    machine.aliases[name] = alias
    return {"stateMachineAliasArn": alias.arn, "creationDate": alias.creation_date}


async def describe_state_machine_alias(
    deps: ServiceDependencies, request: Request
) -> dict[str, Any]:
    _, alias = _alias(deps, request.text("stateMachineAliasArn"))
    return {
        "stateMachineAliasArn": alias.arn,
        "name": alias.name,
        "description": alias.description,
        "routingConfiguration": [
            {"stateMachineVersionArn": arn, "weight": weight} for arn, weight in alias.routing
        ],
        "creationDate": alias.creation_date,
        "updateDate": alias.update_date,
    }


async def update_state_machine_alias(deps: ServiceDependencies, request: Request) -> dict[str, Any]:
    text = request.text("stateMachineAliasArn")
    if "description" not in request and "routingConfiguration" not in request:
        raise ApiError(
            "MissingRequiredParameter",
            "Either the description or the RoutingConfiguration must be specified",
        )
    machine, alias = _alias(deps, text)
    if "routingConfiguration" in request:
        owner, routing = _routing(deps, request)
        if owner is not machine:
            raise ApiError(
                "ValidationException",
                "Routing configuration must reference versions of the alias's state machine",
            )
        alias.routing = routing
    if "description" in request:
        alias.description = request.optional_text("description")
    alias.update_date = deps.clock.now()
    return {"updateDate": alias.update_date}


async def delete_state_machine_alias(deps: ServiceDependencies, request: Request) -> dict[str, Any]:
    text = request.text("stateMachineAliasArn")
    arn_of_type(text, "stateMachine")
    machine = deps.store.machine(":".join(text.split(":")[:7]))
    if machine is not None:
        machine.aliases.pop(text.split(":")[-1], None)
    return {}


async def list_state_machine_aliases(deps: ServiceDependencies, request: Request) -> dict[str, Any]:
    machine = machine_of(deps, request.text("stateMachineArn"))
    aliases = sorted(machine.aliases.values(), key=lambda a: a.creation_date)
    page, token = paginate(
        aliases, lambda a: a.arn, request.page_size(), request.optional_text("nextToken")
    )
    items = [{"stateMachineAliasArn": a.arn, "creationDate": a.creation_date} for a in page]
    return {"stateMachineAliases": items, "nextToken": token}


def pick_version(alias: StateMachineAlias, machine: StateMachine) -> StateMachineVersion:
    """The version an alias routes one start to, by weight."""
    arns = [arn for arn, _ in alias.routing]
    weights = [weight for _, weight in alias.routing]
    chosen = random.choices(arns, weights=weights)[0] if sum(weights) else arns[0]
    version = version_of(machine, chosen.split(":")[-1])
    if version is None:
        raise machine_not_found(chosen)
    return version


OPERATIONS: dict[str, Operation] = {
    "CreateStateMachineAlias": create_state_machine_alias,
    "DescribeStateMachineAlias": describe_state_machine_alias,
    "UpdateStateMachineAlias": update_state_machine_alias,
    "DeleteStateMachineAlias": delete_state_machine_alias,
    "ListStateMachineAliases": list_state_machine_aliases,
}
