"""The TestState API: run one state (or one state of a whole machine, with `stateName`) once.

Request and response fields are the API reference's (TestState): `definition`, `roleArn`,
`input`, `inspectionLevel` (INFO, DEBUG, TRACE), `revealSecrets`, `variables`, `stateName`,
`mock` (`result` or `errorOutput`, `fieldValidationMode`), `context` and `stateConfiguration`
(`retrierRetryCount`, `errorCausedByState`, `mapIterationFailureCount`, `mapItemReaderData`);
the answer has `output`, `error`, `cause`, `inspectionData`, `nextState` and `status`. INFO
returns no inspection data; DEBUG returns it without the HTTP `request`/`response` of a task,
which only TRACE shows.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from stepfunctions.errors import InvalidDefinitionError
from stepfunctions.language.model import StateMachineDefinition
from stepfunctions.language.parse import parse_definition
from stepfunctions.language.paths import json_text
from stepfunctions.runtime.mock import TestStateMock
from stepfunctions.runtime.single_state import StateTestResult
from stepfunctions.service.dependencies import ServiceDependencies
from stepfunctions.service.errors import ApiError
from stepfunctions.service.requests import Request, validation_error

INSPECTION_LEVELS = ("INFO", "DEBUG", "TRACE")
FIELD_VALIDATION_MODES = ("STRICT", "PRESENT", "NONE")
# The name a lone state runs under: AWS's context object shows `State.Name` "StateName" when
# TestState gets a state rather than a machine (test_state_cases.jsonl).
LONE_STATE_NAME = "StateName"
_TRACE_ONLY = frozenset({"request", "response"})


@dataclass(frozen=True, slots=True)
class TestStateRequest:
    """A decoded TestState request."""

    __test__ = False  # not a pytest test class

    definition: StateMachineDefinition
    state_name: str | None
    input: Any
    inspection_level: str
    variables: Mapping[str, Any] | None
    context: Mapping[str, Any] | None
    mock: TestStateMock | None
    role_arn: str | None


def _json_field(request: Request, field: str, default: Any) -> Any:
    text = request.optional_text(field)
    if text is None:
        return default
    try:
        return json.loads(text)
    except ValueError:
        raise ApiError("ValidationException", f"Invalid JSON in field '{field}'") from None


def _mock(request: Request) -> TestStateMock | None:
    mock = request.mapping("mock")
    config = request.mapping("stateConfiguration") or {}
    if mock is None and not config:
        return None
    mock = mock or {}
    mode = mock.get("fieldValidationMode") or "STRICT"
    if mode not in FIELD_VALIDATION_MODES:
        raise validation_error(
            mode,
            "mock.fieldValidationMode",
            "Member must satisfy enum value set: [STRICT, PRESENT, NONE]",
        )
    result_text, error_output = mock.get("result"), mock.get("errorOutput")
    if result_text is not None and error_output is not None:
        raise ApiError(
            "ValidationException", "A mock can have either a result or an errorOutput, not both"
        )
    result: Any = None
    if result_text is not None:
        try:
            result = json.loads(result_text)
        except ValueError:
            raise ApiError("ValidationException", "The mock result must be valid JSON") from None
    error = error_output if isinstance(error_output, dict) else {}
    return TestStateMock(
        result=result,
        has_result=result_text is not None,
        error=error.get("error"),
        cause=error.get("cause"),
        retrier_retry_count=int(config.get("retrierRetryCount") or 0),
        error_caused_by_state=config.get("errorCausedByState"),
        map_iteration_failure_count=int(config.get("mapIterationFailureCount") or 0),
        map_item_reader_data=_item_reader_data(config.get("mapItemReaderData")),
    )


def _item_reader_data(text: Any) -> Any:
    if not isinstance(text, str):
        return text
    try:
        return json.loads(text)
    except ValueError:
        return text


def _targets(state: Mapping[str, Any]) -> set[str]:
    """The states a lone state may transition to (they are not part of the request)."""
    names = {state["Next"]} if isinstance(state.get("Next"), str) else set()
    if isinstance(state.get("Default"), str):
        names.add(state["Default"])
    for entry in [*(state.get("Choices") or ()), *(state.get("Catch") or ())]:
        if isinstance(entry, dict) and isinstance(entry.get("Next"), str):
            names.add(entry["Next"])
    return names


def _state_names(block: Mapping[str, Any]) -> set[str]:
    """Every state name of a machine, nested ones (Parallel branches, Map processors) included."""
    names: set[str] = set()
    states = block.get("States")
    if not isinstance(states, Mapping):
        return names
    for name, state in states.items():
        names.add(name)
        if not isinstance(state, Mapping):
            continue
        for branch in state.get("Branches") or ():
            if isinstance(branch, Mapping):
                names |= _state_names(branch)
        for field in ("ItemProcessor", "Iterator"):
            if isinstance(state.get(field), Mapping):
                names |= _state_names(state[field])
    return names


def _definition(document: dict[str, Any], state_name: str | None) -> StateMachineDefinition:
    if state_name is None:
        # A lone state runs inside a machine of its own; its transition targets become
        # placeholders so the machine is complete (TestState only reports `nextState`).
        states: dict[str, Any] = {LONE_STATE_NAME: document}
        for target in _targets(document) - {LONE_STATE_NAME}:
            states[target] = {"Type": "Succeed"}
        machine: dict[str, Any] = {"StartAt": LONE_STATE_NAME, "States": states}
        if "QueryLanguage" in document:
            machine["QueryLanguage"] = document["QueryLanguage"]
        document = machine
    try:
        definition = parse_definition(json.dumps(document))
    except InvalidDefinitionError as exc:
        raise ApiError("InvalidDefinition", exc.message) from None
    if state_name is not None and state_name not in _state_names(document):
        raise ApiError(
            "ValidationException", f"State '{state_name}' does not exist in the definition"
        )
    return definition


def parse_request(request: Request) -> TestStateRequest:
    """The TestState request, decoded and checked."""
    level = request.optional_text("inspectionLevel") or "INFO"
    if level not in INSPECTION_LEVELS:
        raise validation_error(
            level, "inspectionLevel", "Member must satisfy enum value set: [INFO, DEBUG, TRACE]"
        )
    document = _json_field(request, "definition", None)
    if not isinstance(document, dict):
        raise ApiError(
            "InvalidDefinition",
            "Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: "
            "The definition must be a JSON object at /'",
        )
    state_name = request.optional_text("stateName")
    return TestStateRequest(
        definition=_definition(document, state_name),
        state_name=state_name,
        input=_json_field(request, "input", {}),
        inspection_level=level,
        variables=_json_field(request, "variables", None),
        context=_json_field(request, "context", None),
        mock=_mock(request),
        role_arn=request.optional_text("roleArn"),
    )


def render(result: StateTestResult, level: str) -> dict[str, Any]:
    """TestState's response for one result at one inspection level."""
    response: dict[str, Any] = {"status": result.status}
    if result.has_output:
        response["output"] = json_text(result.output)
    if result.error is not None:
        response["error"] = result.error
    if result.cause is not None:
        response["cause"] = result.cause
    if result.next_state is not None:
        response["nextState"] = result.next_state
    if level != "INFO" and result.inspection_data:
        response["inspectionData"] = {
            key: value
            for key, value in result.inspection_data.items()
            if key not in _TRACE_ONLY or level == "TRACE"
        }
    return response


async def test_state(deps: ServiceDependencies, request: Request) -> dict[str, Any]:
    """TestState: run the state on the service's interpreter and render its result."""
    parsed = parse_request(request)
    result = await deps.interpreter.test_state(
        parsed.definition,
        parsed.state_name,
        parsed.input,
        context=parsed.context,
        variables=parsed.variables,
        mock=parsed.mock,
        role_arn=parsed.role_arn,
        inspection_level=parsed.inspection_level,
    )
    return render(result, parsed.inspection_level)
