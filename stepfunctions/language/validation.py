"""Static checks of a definition, as ValidateStateMachineDefinition and CreateStateMachine run them.

AWS reports problems as diagnostics (`severity`, `code`, `message`, `location`); CreateStateMachine
joins the ERROR diagnostics into one `InvalidDefinition` message:
"Invalid State Machine Definition: 'CODE: message at location, CODE: message at location'".
Codes and wording follow the API reference (ValidateStateMachineDefinitionDiagnostic) and the
responses recorded in the shared corpus (validate_cases.jsonl, create_rejected_cases.jsonl).
The graph rules (a `Next` naming no state, an unreachable state, no terminal state) follow the
AWS answers pinned in floci-io/floci#2786: MISSING_END_STATE has no location and suppresses the
unreachable-state walk of its scope.
"""

from __future__ import annotations

import enum
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, TypedDict

from stepfunctions.errors import InvalidDefinitionError
from stepfunctions.language.model import StateMachineDefinition
from stepfunctions.language.parse import parse_definition_object

_PREFIX = "Invalid State Machine Definition: '"
_CODE = re.compile(r"[A-Z][A-Z_]+")
_STATE_TYPES = ("Task", "Wait", "Pass", "Succeed", "Fail", "Choice", "Parallel", "Map")
_TERMINAL_TYPES = frozenset({"Succeed", "Fail"})

_COMMON = frozenset({"Type", "Comment", "QueryLanguage"})
_IO = frozenset({"InputPath", "OutputPath", "Output", "Assign"})
_FLOW = frozenset({"Next", "End"})
_ERRORS = frozenset({"Retry", "Catch"})
_RESULT = frozenset({"ResultPath", "ResultSelector", "Parameters", "Arguments"})
# Fields each state type accepts, in either query language; anything else is
# "Field 'X' is not supported" at the state's location.
_ALLOWED: dict[str, frozenset[str]] = {
    "Pass": _COMMON | _IO | _FLOW | {"Parameters", "Result", "ResultPath"},
    "Task": _COMMON
    | _IO
    | _FLOW
    | _ERRORS
    | _RESULT
    | {
        "Resource",
        "TimeoutSeconds",
        "TimeoutSecondsPath",
        "HeartbeatSeconds",
        "HeartbeatSecondsPath",
        "Credentials",
    },
    "Choice": _COMMON | _IO | {"Choices", "Default"},
    "Wait": _COMMON | _IO | _FLOW | {"Seconds", "SecondsPath", "Timestamp", "TimestampPath"},
    "Succeed": _COMMON | {"InputPath", "OutputPath", "Output"},
    "Fail": _COMMON | {"Error", "ErrorPath", "Cause", "CausePath"},
    "Parallel": _COMMON | _IO | _FLOW | _ERRORS | _RESULT | {"Branches"},
    "Map": _COMMON
    | _IO
    | _FLOW
    | _ERRORS
    | _RESULT
    | {
        "ItemProcessor",
        "Iterator",
        "ItemsPath",
        "Items",
        "ItemSelector",
        "ItemReader",
        "ItemBatcher",
        "ResultWriter",
        "MaxConcurrency",
        "MaxConcurrencyPath",
        "ToleratedFailureCount",
        "ToleratedFailureCountPath",
        "ToleratedFailurePercentage",
        "ToleratedFailurePercentagePath",
        "Label",
    },
}


class Severity(enum.Enum):
    ERROR = "ERROR"
    WARNING = "WARNING"


class DiagnosticWire(TypedDict, total=False):
    severity: str
    code: str
    message: str
    location: str


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One finding; `location` is a JSON pointer into the definition, or None."""

    severity: Severity
    code: str
    message: str
    location: str | None

    def to_wire(self) -> DiagnosticWire:
        wire: DiagnosticWire = {
            "severity": self.severity.value,
            "code": self.code,
            "message": self.message,
        }
        if self.location is not None:
            wire["location"] = self.location
        return wire

    def render(self) -> str:
        # CreateStateMachine prints a missing location as "null" (floci-io/floci#2735).
        location = "null" if self.location is None else self.location
        return f"{self.code}: {self.message} at {location}"


def _error(code: str, message: str, location: str | None) -> Diagnostic:
    return Diagnostic(Severity.ERROR, code, message, location)


def _schema(message: str, location: str | None) -> Diagnostic:
    return _error("SCHEMA_VALIDATION_FAILED", message, location)


def invalid_definition_message(diagnostics: tuple[Diagnostic, ...]) -> str:
    """The `InvalidDefinition` message CreateStateMachine and UpdateStateMachine return."""
    errors = [d.render() for d in diagnostics if d.severity is Severity.ERROR]
    return _PREFIX + ", ".join(errors) + "'"


def validate_definition(text: str, machine_type: str = "STANDARD") -> tuple[Diagnostic, ...]:
    """Every diagnostic for `text`; an empty tuple when AWS would accept the definition."""
    return check_definition(text, machine_type)[0]


def check_definition(
    text: str, machine_type: str = "STANDARD"
) -> tuple[tuple[Diagnostic, ...], StateMachineDefinition | None]:
    """The diagnostics for `text` and, when there are none, the parsed definition (parsed once)."""
    try:
        document = json.loads(text)
    except ValueError as exc:
        # AWS differs: AWS quotes its Jackson parser's message; ours is Python's.
        return (_error("INVALID_JSON_DESCRIPTION", str(exc), None),), None
    if not isinstance(document, dict):
        return (_schema("The definition must be a JSON object", "/"),), None
    found = tuple(_check_machine(document, "", machine_type, document.get("QueryLanguage")))
    if found:
        return found, None
    # What the engine's parser rejects beyond the schema: expressions, paths, limits.
    try:
        return (), parse_definition_object(document)
    except InvalidDefinitionError as exc:
        return diagnostics_from_message(exc.message), None


def diagnostics_from_message(message: str) -> tuple[Diagnostic, ...]:
    """Split a parser message back into a diagnostic: "[CODE: ]message[ at /location]", with or
    without the "Invalid State Machine Definition: '...'" wrapper. No code means a schema error."""
    body = message
    if body.startswith(_PREFIX) and body.endswith("'"):
        body = body[len(_PREFIX) : -1]
    code, sep, rest = body.partition(": ")
    if not sep or not _CODE.fullmatch(code):
        code, rest = "SCHEMA_VALIDATION_FAILED", body
    text, at, location = rest.rpartition(" at ")
    if at and (location.startswith("/") or location == "null"):
        return (_error(code, text, None if location == "null" else location),)
    return (_error(code, rest, None),)


def _check_machine(
    block: dict[str, Any], where: str, machine_type: str, top_language: Any
) -> Iterator[Diagnostic]:
    """One StartAt/States block: the whole machine, a Parallel branch or a Map processor."""
    missing = [name for name in ("States", "StartAt") if name not in block]
    if missing:
        yield _schema(f"These fields are required: [{', '.join(missing)}]", where or "/")
        return
    states = block["States"]
    if not isinstance(states, dict) or not states:
        yield _schema("The field 'States' should be non-empty", f"{where}/States")
        return
    if not isinstance(block["StartAt"], str):
        yield _schema("The field 'StartAt' should be a string", f"{where}/StartAt")
        return
    structural = False
    for name, state in states.items():
        for diagnostic in _check_state(
            name, state, f"{where}/States/{name}", machine_type, top_language
        ):
            structural = True
            yield diagnostic
    if not structural:
        yield from _check_transitions(block, where)


def _check_state(
    name: str, state: Any, at: str, machine_type: str, top_language: Any
) -> Iterator[Diagnostic]:
    if len(name) > 80:
        yield _error("INVALID_STATE_NAME", f"State name '{name}' exceeds 80 characters", at)
    if not isinstance(state, dict):
        yield _schema("The state must be a JSON object", at)
        return
    kind = state.get("Type")
    if kind is None:
        yield _schema("These fields are required: [Type]", at)
        return
    if kind not in _STATE_TYPES:
        values = ", ".join(_STATE_TYPES)
        yield _schema(f"The field 'Type' should have one of these values: [{values}]", f"{at}/Type")
        return
    for field in state:
        if field not in _ALLOWED[kind]:
            yield _schema(f"Field '{field}' is not supported", at)
    if top_language == "JSONata" and state.get("QueryLanguage") == "JSONPath":
        yield _schema(
            "'QueryLanguage' can not be 'JSONPath' if set to 'JSONata' for whole state machine", at
        )
    if kind not in _TERMINAL_TYPES and kind != "Choice":
        if "Next" in state and state.get("End") is True:
            yield _schema("Only one of the fields [Next, End] may be set", at)
        elif "Next" not in state and state.get("End") is not True:
            yield _schema("These fields are required: [Next, End] (one of)", at)
    if kind == "Task":
        yield from _check_task(state, at, machine_type)
    elif kind == "Parallel":
        branches = state.get("Branches")
        if not isinstance(branches, list) or not branches:
            yield _schema("These fields are required: [Branches]", at)
        else:
            for index, branch in enumerate(branches):
                if isinstance(branch, dict):
                    yield from _check_machine(
                        branch, f"{at}/Branches[{index}]", machine_type, top_language
                    )
    elif kind == "Map":
        field = "ItemProcessor" if "ItemProcessor" in state else "Iterator"
        processor = state.get(field)
        if not isinstance(processor, dict):
            yield _schema("These fields are required: [ItemProcessor]", at)
        else:
            yield from _check_map_processor(processor, f"{at}/{field}", machine_type, top_language)
    elif kind == "Choice" and not state.get("Choices"):
        yield _schema("These fields are required: [Choices]", at)


def _check_map_processor(
    processor: dict[str, Any], at: str, machine_type: str, top_language: Any
) -> Iterator[Diagnostic]:
    config = processor.get("ProcessorConfig")
    if (
        isinstance(config, dict)
        and config.get("Mode") == "DISTRIBUTED"
        and machine_type == "EXPRESS"
    ):
        yield _schema(
            "The field 'Mode' with value 'DISTRIBUTED' is not supported inside 'EXPRESS' "
            "state machines",
            f"{at}/ProcessorConfig/Mode",
        )
    yield from _check_machine(processor, at, machine_type, top_language)


def _check_task(state: dict[str, Any], at: str, machine_type: str) -> Iterator[Diagnostic]:
    resource = state.get("Resource")
    if not isinstance(resource, str):
        yield _schema("These fields are required: [Resource]", at)
        return
    if machine_type == "EXPRESS":
        # Recorded verbatim: the waitForTaskToken text carries a trailing space, .sync's does not.
        if resource.endswith(".waitForTaskToken"):
            yield _schema(
                "Express state machine does not support '.waitForTaskToken' service integration ",
                f"{at}/Resource",
            )
        elif resource.endswith(".sync") or resource.endswith(".sync:2"):
            yield _schema(
                "Express state machine does not support '.sync' service integration",
                f"{at}/Resource",
            )
    credentials = state.get("Credentials")
    if credentials is not None and (
        not isinstance(credentials, dict) or not ({"RoleArn", "RoleArn.$"} & credentials.keys())
    ):
        yield _schema("The field 'RoleArn' is required but was missing", f"{at}/Credentials")


def _targets(state: dict[str, Any], at: str) -> Iterator[tuple[str, str]]:
    """(target name, location) of every transition out of one state."""
    if isinstance(state.get("Next"), str):
        yield state["Next"], f"{at}/Next"
    if state.get("Type") == "Choice":
        for index, rule in enumerate(state.get("Choices") or ()):
            if isinstance(rule, dict) and isinstance(rule.get("Next"), str):
                yield rule["Next"], f"{at}/Choices[{index}]/Next"
        if isinstance(state.get("Default"), str):
            yield state["Default"], f"{at}/Default"
    for index, catcher in enumerate(state.get("Catch") or ()):
        if isinstance(catcher, dict) and isinstance(catcher.get("Next"), str):
            yield catcher["Next"], f"{at}/Catch[{index}]/Next"


def _check_transitions(block: dict[str, Any], where: str) -> Iterator[Diagnostic]:
    states: dict[str, dict[str, Any]] = block["States"]
    start: str = block["StartAt"]
    found: list[Diagnostic] = []
    if start not in states:
        found.append(
            _error(
                "MISSING_TRANSITION_TARGET", f"Missing 'Next' target: {start}", f"{where}/StartAt"
            )
        )
    edges: dict[str, list[str]] = {}
    for name, state in states.items():
        edges[name] = []
        for target, location in _targets(state, f"{where}/States/{name}"):
            if target in states:
                edges[name].append(target)
            else:
                # AWS says 'Next' for every position: Choices[i].Next, Default, Catch[i].Next.
                found.append(
                    _error(
                        "MISSING_TRANSITION_TARGET", f"Missing 'Next' target: {target}", location
                    )
                )
    reachable: set[str] = set()
    pending = [start] if start in states else []
    while pending:
        name = pending.pop()
        if name not in reachable:
            reachable.add(name)
            pending.extend(edges[name])
    # A terminal state anywhere in the scope counts, reachable or not (AWS answers for a loop plus
    # an unreachable terminal state with "not reachable", not MISSING_END_STATE).
    if not any(_is_terminal(state) for state in states.values()):
        found.append(_error("MISSING_END_STATE", "Workflow has no terminal state", None))
    else:
        for name in states:
            if name not in reachable:
                found.append(
                    _error(
                        "MISSING_TRANSITION_TARGET",
                        f'State "{name}" is not reachable.',
                        f"{where}/States/{name}",
                    )
                )
    yield from found


def _is_terminal(state: dict[str, Any]) -> bool:
    return state.get("Type") in _TERMINAL_TYPES or state.get("End") is True
