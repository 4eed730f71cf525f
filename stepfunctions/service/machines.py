"""State machines, versions, aliases, tags and definition validation: the control-plane operations.

Field names and response shapes are the API reference's (CreateStateMachine, DescribeStateMachine,
PublishStateMachineVersion, CreateStateMachineAlias, TagResource,
ValidateStateMachineDefinition ...).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from stepfunctions.language.model import StateMachineDefinition
from stepfunctions.language.validation import (
    Diagnostic,
    Severity,
    check_definition,
    invalid_definition_message,
    validate_definition,
)
from stepfunctions.records.execution import ExecutionStatus
from stepfunctions.records.machines import StateMachine, StateMachineVersion
from stepfunctions.service.dependencies import ServiceDependencies
from stepfunctions.service.errors import ApiError
from stepfunctions.service.requests import (
    Request,
    arn_of_type,
    check_name,
    check_sensitive_size,
    paginate,
    validation_error,
)

Operation = Callable[[ServiceDependencies, Request], Awaitable[dict[str, Any]]]

MACHINE_TYPES = ("STANDARD", "EXPRESS")
MAX_DEFINITION_BYTES = 1_048_576
_ROLE_ARN = re.compile(r"^arn:aws[a-zA-Z-]*:iam::\d{12}:role/.+$")
_DEFAULT_LOGGING = {"level": "OFF", "includeExecutionData": False}
_DEFAULT_TRACING = {"enabled": False}
_DEFAULT_ENCRYPTION = {"type": "AWS_OWNED_KEY"}


def machine_not_found(arn: str) -> ApiError:
    return ApiError("StateMachineDoesNotExist", f"State Machine Does Not Exist: '{arn}'")


def definition_text(request: Request) -> str:
    """The `definition` member: at most 1 MiB, and sensitive (never echoed in errors)."""
    text = request.text("definition")
    check_sensitive_size(text, "definition", MAX_DEFINITION_BYTES)
    return text


def compile_definition(text: str, machine_type: str) -> StateMachineDefinition:
    """Validate and parse a definition, or raise InvalidDefinition with AWS's message."""
    diagnostics, definition = check_definition(text, machine_type)
    errors = tuple(d for d in diagnostics if d.severity is Severity.ERROR)
    if errors or definition is None:
        raise ApiError("InvalidDefinition", invalid_definition_message(errors))
    return definition


def _machine_type(request: Request) -> str:
    machine_type = request.optional_text("type") or "STANDARD"
    if machine_type not in MACHINE_TYPES:
        raise validation_error(
            machine_type, "type", "Member must satisfy enum value set: [STANDARD, EXPRESS]"
        )
    return machine_type


def _role_arn(request: Request) -> str:
    role = request.text("roleArn")
    if not _ROLE_ARN.match(role):
        raise ApiError("InvalidArn", f"Invalid Role Arn: '{role}'")
    return role


def _logging(request: Request) -> dict[str, Any]:
    config = request.mapping("loggingConfiguration")
    if config is None:
        return dict(_DEFAULT_LOGGING)
    level = config.get("level") or "OFF"
    destinations = config.get("destinations") or []
    if len(destinations) > 1 or (level != "OFF" and not destinations):
        raise ApiError(
            "InvalidLoggingConfiguration",
            "Invalid Logging Configuration: Must specify exactly one Log Destination.",
        )
    result: dict[str, Any] = {
        "level": level,
        "includeExecutionData": bool(config.get("includeExecutionData", False)),
    }
    if destinations:
        result["destinations"] = destinations
    return result


def _tracing(request: Request) -> dict[str, Any]:
    config = request.mapping("tracingConfiguration")
    return {"enabled": bool(config.get("enabled", False))} if config else dict(_DEFAULT_TRACING)


def request_tags(request: Request) -> dict[str, str]:
    """The request's `tags` list as a key -> value map."""
    tags: dict[str, str] = {}
    for tag in request.items("tags"):
        if not isinstance(tag, dict) or not isinstance(tag.get("key"), str):
            raise validation_error(tag, "tags", "Member must have a key")
        tags[tag["key"]] = str(tag.get("value", ""))
    return tags


def machine_of(deps: ServiceDependencies, text: str) -> StateMachine:
    """The unqualified state machine an ARN names (InvalidArn, StateMachineDoesNotExist)."""
    arn = arn_of_type(text, "stateMachine")
    if len(arn.parts) != 1:
        raise ApiError("InvalidArn", f"Invalid Arn: '{text}'")
    machine = deps.store.machine(text)
    if machine is None:
        raise machine_not_found(text)
    return machine


def check_not_deleting(machine: StateMachine) -> None:
    """A machine being deleted takes no new executions, revisions or versions."""
    if machine.status == "DELETING":
        raise ApiError("StateMachineDeleting", f"State Machine is being deleted: '{machine.arn}'")


def forget_if_deleted(deps: ServiceDependencies, machine_arn: str) -> None:
    """Finish a pending deletion once the machine has no running execution left."""
    machine = deps.store.machine(machine_arn)
    if machine is None or machine.status != "DELETING":
        return
    if not any(e.status is ExecutionStatus.RUNNING for e in deps.store.executions(machine_arn)):
        deps.store.delete_machine(machine_arn)


def _publish(
    deps: ServiceDependencies, machine: StateMachine, description: str | None
) -> StateMachineVersion:
    """Publish the current revision; an already published revision gives back its version."""
    for version in machine.versions.values():
        if version.revision_id == machine.revision_id:
            return version
    number = machine.next_version
    machine.next_version += 1
    version = StateMachineVersion(
        arn=f"{machine.arn}:{number}",
        machine_arn=machine.arn,
        number=number,
        definition_text=machine.definition_text,
        definition=machine.definition,
        role_arn=machine.role_arn,
        type=machine.type,
        creation_date=deps.clock.now(),
        revision_id=machine.revision_id,
        description=description,
        logging_configuration=machine.logging_configuration,
        tracing_configuration=machine.tracing_configuration,
    )
    machine.versions[number] = version
    return version


async def create_state_machine(deps: ServiceDependencies, request: Request) -> dict[str, Any]:
    publish = request.flag("publish")
    version_description = request.optional_text("versionDescription")
    if version_description and not publish:
        raise ApiError(
            "ValidationException", "Version description can only be set when publish is true"
        )
    name = check_name(request.text("name"))
    machine_type = _machine_type(request)
    role = _role_arn(request)
    text = definition_text(request)
    logging_config = _logging(request)
    tracing = _tracing(request)
    arn = deps.arn(f"stateMachine:{name}")
    existing = deps.store.machine(arn)
    if existing is not None:
        check_not_deleting(existing)
        # Idempotent on name, definition, type, logging and tracing; role and tags are ignored.
        same = (
            existing.definition_text == text
            and existing.type == machine_type
            and existing.logging_configuration == logging_config
            and existing.tracing_configuration == tracing
        )
        if not same:
            raise ApiError("StateMachineAlreadyExists", f"State Machine Already Exists: '{arn}'")
        return {"stateMachineArn": arn, "creationDate": existing.creation_date}
    definition = compile_definition(text, machine_type)
    machine = StateMachine(
        arn=arn,
        name=name,
        definition_text=text,
        definition=definition,
        role_arn=role,
        type=machine_type,
        creation_date=deps.clock.now(),
        revision_id=str(uuid.uuid4()),
        logging_configuration=logging_config,
        tracing_configuration=tracing,
        tags=request_tags(request),
    )
    deps.store.put_machine(machine)
    response: dict[str, Any] = {"stateMachineArn": arn, "creationDate": machine.creation_date}
    if publish:
        response["stateMachineVersionArn"] = _publish(deps, machine, version_description).arn
    return response


async def describe_state_machine(deps: ServiceDependencies, request: Request) -> dict[str, Any]:
    text = request.text("stateMachineArn")
    arn = arn_of_type(text, "stateMachine")
    machine = deps.store.machine(":".join(text.split(":")[:7]))
    if machine is None:
        raise machine_not_found(text)
    if len(arn.parts) == 2:
        version = version_of(machine, arn.parts[1])
        if version is None:
            raise machine_not_found(text)
        return describe_version(machine, version)
    return {
        "stateMachineArn": machine.arn,
        "name": machine.name,
        "status": machine.status,
        "definition": machine.definition_text,
        "roleArn": machine.role_arn,
        "type": machine.type,
        "creationDate": machine.creation_date,
        "loggingConfiguration": machine.logging_configuration,
        "tracingConfiguration": machine.tracing_configuration,
        "revisionId": machine.revision_id,
        "encryptionConfiguration": _DEFAULT_ENCRYPTION,
    }


def describe_version(machine: StateMachine, version: StateMachineVersion) -> dict[str, Any]:
    return {
        "stateMachineArn": version.arn,
        "name": machine.name,
        "status": "ACTIVE",
        "definition": version.definition_text,
        "roleArn": version.role_arn,
        "type": version.type,
        "creationDate": version.creation_date,
        "loggingConfiguration": version.logging_configuration,
        "tracingConfiguration": version.tracing_configuration,
        "revisionId": version.revision_id,
        "description": version.description,
        "encryptionConfiguration": _DEFAULT_ENCRYPTION,
    }


def version_of(machine: StateMachine, qualifier: str) -> StateMachineVersion | None:
    """The version a qualifier (`1`, `2` ...) names, or None."""
    return machine.versions.get(int(qualifier)) if qualifier.isdigit() else None


async def update_state_machine(deps: ServiceDependencies, request: Request) -> dict[str, Any]:
    machine = machine_of(deps, request.text("stateMachineArn"))
    check_not_deleting(machine)
    publish = request.flag("publish")
    version_description = request.optional_text("versionDescription")
    if version_description and not publish:
        raise ApiError(
            "ValidationException", "Version description can only be set when publish is true"
        )
    fields = ("definition", "roleArn", "loggingConfiguration", "tracingConfiguration")
    if not any(field in request for field in fields):
        raise ApiError(
            "MissingRequiredParameter",
            "Either the definition, the role ARN, the LoggingConfiguration, "
            "or the TracingConfiguration must be specified",
        )
    changed = False
    if "definition" in request:
        text = definition_text(request)
        definition = compile_definition(text, machine.type)
        changed |= text != machine.definition_text
        machine.definition_text, machine.definition = text, definition
    if "roleArn" in request:
        role = _role_arn(request)
        changed |= role != machine.role_arn
        machine.role_arn = role
    if "loggingConfiguration" in request:
        logging_config = _logging(request)
        changed |= logging_config != machine.logging_configuration
        machine.logging_configuration = logging_config
    if "tracingConfiguration" in request:
        tracing = _tracing(request)
        changed |= tracing != machine.tracing_configuration
        machine.tracing_configuration = tracing
    if changed:
        machine.revision_id = str(uuid.uuid4())
    machine.update_date = deps.clock.now()
    response: dict[str, Any] = {
        "updateDate": machine.update_date,
        "revisionId": machine.revision_id,
    }
    if publish:
        response["stateMachineVersionArn"] = _publish(deps, machine, version_description).arn
    return response


async def delete_state_machine(deps: ServiceDependencies, request: Request) -> dict[str, Any]:
    """DeleteStateMachine is asynchronous: the machine is DELETING, with its versions and aliases
    gone, until its running executions end; each ends at its next state transition (API
    reference, DeleteStateMachine)."""
    text = request.text("stateMachineArn")
    arn_of_type(text, "stateMachine")
    machine = deps.store.machine(text)
    if machine is None:
        return {}
    machine.status = "DELETING"
    machine.versions.clear()
    machine.aliases.clear()
    for execution in deps.store.executions(machine.arn):
        if execution.status is ExecutionStatus.RUNNING:
            execution.terminating = True
    forget_if_deleted(deps, machine.arn)
    return {}


async def list_state_machines(deps: ServiceDependencies, request: Request) -> dict[str, Any]:
    machines = sorted(deps.store.machines(), key=lambda m: m.name)
    page, token = paginate(
        machines, lambda m: m.arn, request.page_size(), request.optional_text("nextToken")
    )
    items = [
        {"stateMachineArn": m.arn, "name": m.name, "type": m.type, "creationDate": m.creation_date}
        for m in page
    ]
    return {"stateMachines": items, "nextToken": token}


async def publish_state_machine_version(
    deps: ServiceDependencies, request: Request
) -> dict[str, Any]:
    machine = machine_of(deps, request.text("stateMachineArn"))
    check_not_deleting(machine)
    revision = request.optional_text("revisionId")
    if revision is not None and revision != machine.revision_id:
        raise ApiError(
            "ConflictException",
            f"Failed to publish the State Machine version for revision {revision}. "
            f"The current State Machine revision is {machine.revision_id}.",
        )
    version = _publish(deps, machine, request.optional_text("description"))
    return {"creationDate": version.creation_date, "stateMachineVersionArn": version.arn}


async def list_state_machine_versions(
    deps: ServiceDependencies, request: Request
) -> dict[str, Any]:
    machine = machine_of(deps, request.text("stateMachineArn"))
    versions = sorted(machine.versions.values(), key=lambda v: v.number, reverse=True)
    page, token = paginate(
        versions, lambda v: v.arn, request.page_size(), request.optional_text("nextToken")
    )
    items = [{"stateMachineVersionArn": v.arn, "creationDate": v.creation_date} for v in page]
    return {"stateMachineVersions": items, "nextToken": token}


async def delete_state_machine_version(
    deps: ServiceDependencies, request: Request
) -> dict[str, Any]:
    text = request.text("stateMachineVersionArn")
    arn = arn_of_type(text, "stateMachine")
    if len(arn.parts) != 2 or not arn.parts[1].isdigit():
        raise ApiError("InvalidArn", f"Invalid Arn: '{text}'")
    machine = deps.store.machine(":".join(text.split(":")[:7]))
    if machine is None or int(arn.parts[1]) not in machine.versions:
        return {}
    users = [a.name for a in machine.aliases.values() if any(v == text for v, _ in a.routing)]
    if users:
        raise ApiError(
            "ConflictException",
            "Version to be deleted must not be referenced by an alias. "
            f"Current list of aliases referencing this version: [{', '.join(users)}]",
        )
    del machine.versions[int(arn.parts[1])]
    return {}


def _tagged(deps: ServiceDependencies, text: str) -> dict[str, str]:
    tags = deps.store.tags(text)
    if tags is None:
        raise ApiError("ResourceNotFound", f"Resource not found: '{text}'")
    return tags


async def tag_resource(deps: ServiceDependencies, request: Request) -> dict[str, Any]:
    tags = _tagged(deps, request.text("resourceArn"))
    tags.update(request_tags(request))
    return {}


async def untag_resource(deps: ServiceDependencies, request: Request) -> dict[str, Any]:
    tags = _tagged(deps, request.text("resourceArn"))
    for key in request.items("tagKeys"):
        tags.pop(str(key), None)
    return {}


async def list_tags_for_resource(deps: ServiceDependencies, request: Request) -> dict[str, Any]:
    tags = _tagged(deps, request.text("resourceArn"))
    return {"tags": [{"key": k, "value": v} for k, v in tags.items()]}


async def validate_state_machine_definition(
    deps: ServiceDependencies, request: Request
) -> dict[str, Any]:
    text = definition_text(request)
    machine_type = _machine_type(request)
    severity = request.optional_text("severity") or "ERROR"
    if severity not in ("ERROR", "WARNING"):
        raise validation_error(
            severity, "severity", "Member must satisfy enum value set: [ERROR, WARNING]"
        )
    limit = request.page_size()
    if limit > 100:
        raise validation_error(
            limit, "maxResults", "Member must have value less than or equal to 100"
        )
    found = validate_definition(text, machine_type)
    shown: list[Diagnostic] = [
        d for d in found if severity == "WARNING" or d.severity is Severity.ERROR
    ]
    failed = any(d.severity is Severity.ERROR for d in found)
    return {
        "result": "FAIL" if failed else "OK",
        "diagnostics": [d.to_wire() for d in shown[:limit]],
        "truncated": len(shown) > limit,
    }


OPERATIONS: dict[str, Operation] = {
    "CreateStateMachine": create_state_machine,
    "DescribeStateMachine": describe_state_machine,
    "UpdateStateMachine": update_state_machine,
    "DeleteStateMachine": delete_state_machine,
    "ListStateMachines": list_state_machines,
    "PublishStateMachineVersion": publish_state_machine_version,
    "ListStateMachineVersions": list_state_machine_versions,
    "DeleteStateMachineVersion": delete_state_machine_version,
    "TagResource": tag_resource,
    "UntagResource": untag_resource,
    "ListTagsForResource": list_tags_for_resource,
    "ValidateStateMachineDefinition": validate_state_machine_definition,
}
