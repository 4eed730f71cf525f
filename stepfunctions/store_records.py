"""SqliteStore's rows: state machines, activities, executions and map runs as JSON objects.

Dates are ISO-8601 text; definitions are kept as their JSON text and parsed again on load
(through `parse`, which the store caches by text).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

from stepfunctions.execution import Execution, ExecutionStatus, MapRun, MapRunStatus
from stepfunctions.model import StateMachineDefinition
from stepfunctions.store import Activity, StateMachine, StateMachineAlias, StateMachineVersion

Parse = Callable[[str], StateMachineDefinition]


def machine_from(body: dict[str, Any], parse: Parse) -> StateMachine:
    """A StateMachine (with its versions and aliases) from `machine_body`'s JSON."""
    machine = StateMachine(
        arn=body["arn"],
        name=body["name"],
        definition_text=body["definition"],
        definition=parse(body["definition"]),
        role_arn=body["roleArn"],
        type=body["type"],
        creation_date=_date(body["creationDate"]),
        revision_id=body["revisionId"],
        logging_configuration=body["loggingConfiguration"],
        tracing_configuration=body["tracingConfiguration"],
        description=body["description"],
        update_date=_optional_date(body["updateDate"]),
        status=body["status"],
        tags=body["tags"],
        next_version=body["nextVersion"],
    )
    for item in body["versions"]:
        version = StateMachineVersion(
            arn=item["arn"],
            machine_arn=machine.arn,
            number=item["number"],
            definition_text=item["definition"],
            definition=parse(item["definition"]),
            role_arn=item["roleArn"],
            type=item["type"],
            creation_date=_date(item["creationDate"]),
            revision_id=item["revisionId"],
            description=item["description"],
            logging_configuration=item["loggingConfiguration"],
            tracing_configuration=item["tracingConfiguration"],
        )
        machine.versions[version.number] = version
    for item in body["aliases"]:
        machine.aliases[item["name"]] = StateMachineAlias(
            arn=item["arn"],
            machine_arn=machine.arn,
            name=item["name"],
            description=item["description"],
            routing=[(arn, weight) for arn, weight in item["routing"]],
            creation_date=_date(item["creationDate"]),
            update_date=_date(item["updateDate"]),
        )
    return machine


def execution_from(body: dict[str, Any], parse: Parse) -> Execution:
    """An Execution record (without history) from `execution_text`'s JSON."""
    return Execution(
        execution_arn=body["arn"],
        name=body["name"],
        state_machine_arn=body["stateMachineArn"],
        state_machine_name=body["stateMachineName"],
        definition=parse(body["definition"]),
        role_arn=body["roleArn"],
        input=body["input"],
        type=body["type"],
        start_date=_date(body["startDate"]),
        status=ExecutionStatus(body["status"]),
        stop_date=_optional_date(body["stopDate"]),
        output=body["output"],
        error=body["error"],
        cause=body["cause"],
        map_runs=[_map_run_from(item) for item in body["mapRuns"]],
        redrive_count=body["redriveCount"],
        redrive_date=_optional_date(body["redriveDate"]),
        state_machine_version_arn=body["versionArn"],
        state_machine_alias_arn=body["aliasArn"],
        trace_header=body["traceHeader"],
        redrive_state=body["redriveState"],
        redrive_input=body["redriveInput"],
        redrive_partial={int(k): v for k, v in body["redrivePartial"].items()},
    )


def _date(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _optional_date(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


def machine_body(machine: StateMachine) -> dict[str, Any]:
    return {
        "arn": machine.arn,
        "name": machine.name,
        "definition": machine.definition_text,
        "roleArn": machine.role_arn,
        "type": machine.type,
        "creationDate": machine.creation_date.isoformat(),
        "revisionId": machine.revision_id,
        "loggingConfiguration": machine.logging_configuration,
        "tracingConfiguration": machine.tracing_configuration,
        "description": machine.description,
        "updateDate": _iso(machine.update_date),
        "status": machine.status,
        "tags": machine.tags,
        "nextVersion": machine.next_version,
        "versions": [
            {
                "arn": v.arn,
                "number": v.number,
                "definition": v.definition_text,
                "roleArn": v.role_arn,
                "type": v.type,
                "creationDate": v.creation_date.isoformat(),
                "revisionId": v.revision_id,
                "description": v.description,
                "loggingConfiguration": v.logging_configuration,
                "tracingConfiguration": v.tracing_configuration,
            }
            for v in machine.versions.values()
        ],
        "aliases": [
            {
                "arn": a.arn,
                "name": a.name,
                "description": a.description,
                "routing": a.routing,
                "creationDate": a.creation_date.isoformat(),
                "updateDate": a.update_date.isoformat(),
            }
            for a in machine.aliases.values()
        ],
    }


def activity_body(activity: Activity) -> dict[str, Any]:
    return {
        "arn": activity.arn,
        "name": activity.name,
        "creationDate": activity.creation_date.isoformat(),
        "tags": activity.tags,
    }


def activity_from(body: dict[str, Any]) -> Activity:
    return Activity(body["arn"], body["name"], _date(body["creationDate"]), body["tags"])


def execution_text(execution: Execution, definition_text: str) -> str:
    body = {
        "arn": execution.execution_arn,
        "name": execution.name,
        "stateMachineArn": execution.state_machine_arn,
        "stateMachineName": execution.state_machine_name,
        "definition": definition_text,
        "roleArn": execution.role_arn,
        "input": execution.input,
        "type": execution.type,
        "startDate": execution.start_date.isoformat(),
        "status": execution.status.value,
        "stopDate": _iso(execution.stop_date),
        "output": execution.output,
        "error": execution.error,
        "cause": execution.cause,
        "mapRuns": [_map_run_body(m) for m in execution.map_runs],
        "redriveCount": execution.redrive_count,
        "redriveDate": _iso(execution.redrive_date),
        "versionArn": execution.state_machine_version_arn,
        "aliasArn": execution.state_machine_alias_arn,
        "traceHeader": execution.trace_header,
        "redriveState": execution.redrive_state,
        "redriveInput": execution.redrive_input,
        "redrivePartial": {str(k): v for k, v in execution.redrive_partial.items()},
    }
    return json.dumps(body, separators=(",", ":"), default=str)


def _map_run_body(run: MapRun) -> dict[str, Any]:
    return {
        "arn": run.map_run_arn,
        "executionArn": run.execution_arn,
        "status": run.status.value,
        "startDate": run.start_date.isoformat(),
        "stopDate": _iso(run.stop_date),
        "maxConcurrency": run.max_concurrency,
        "toleratedFailurePercentage": run.tolerated_failure_percentage,
        "toleratedFailureCount": run.tolerated_failure_count,
        "itemCounts": run.item_counts,
        "executionCounts": run.execution_counts,
        "redriveCount": run.redrive_count,
        "redriveDate": _iso(run.redrive_date),
        "label": run.label,
        "stateMachineArn": run.state_machine_arn,
    }


def _map_run_from(body: dict[str, Any]) -> MapRun:
    return MapRun(
        map_run_arn=body["arn"],
        execution_arn=body["executionArn"],
        # AWS differs: a map run still RUNNING at a restart is not resumed; its execution fails.
        status=MapRunStatus(body["status"]),
        start_date=_date(body["startDate"]),
        stop_date=_optional_date(body["stopDate"]),
        max_concurrency=body["maxConcurrency"],
        tolerated_failure_percentage=body["toleratedFailurePercentage"],
        tolerated_failure_count=body["toleratedFailureCount"],
        item_counts=body["itemCounts"],
        execution_counts=body["executionCounts"],
        redrive_count=body["redriveCount"],
        redrive_date=_optional_date(body["redriveDate"]),
        label=body["label"],
        state_machine_arn=body["stateMachineArn"],
    )
