"""Definition JSON -> the frozen model, with every expression compiled once.

`parse_definition` builds what the interpreter runs. It checks what it must to build the model
(types, required fields, references between states) and raises `InvalidDefinitionError`;
`validation.py` runs first in the service and words AWS's diagnostics for the common mistakes.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from stepfunctions.errors import InvalidDefinitionError
from stepfunctions.language.choice import compile_choice_rule
from stepfunctions.language.jsonata import (
    compile_jsonata,
    compile_jsonata_template,
    is_jsonata,
    jsonata_body,
)
from stepfunctions.language.model import (
    Assign,
    Catcher,
    ChoiceBranch,
    ChoiceState,
    Dynamic,
    FailState,
    ItemBatcher,
    ItemReader,
    MapState,
    ParallelState,
    PassState,
    ProcessorMode,
    Program,
    ReaderConfig,
    RecoverableState,
    State,
    StateMachineDefinition,
    StateType,
    SucceedState,
    TaskState,
    WaitState,
)
from stepfunctions.language.paths import QueryLanguage, compile_path, compile_reference_path
from stepfunctions.language.payload import compile_dynamic_value, compile_payload_template
from stepfunctions.language.retry import (
    DEFAULT_BACKOFF_RATE,
    DEFAULT_INTERVAL_SECONDS,
    DEFAULT_MAX_ATTEMPTS,
    JitterStrategy,
    Retrier,
)
from stepfunctions.language.task_resource import classify_resource
from stepfunctions.language.timestamps import parse_timestamp

__all__ = ["parse_definition", "parse_definition_object", "parse_state_definition"]

Json = Mapping[str, Any]

# ReaderConfig.CSVDelimiter's names (dg "ItemReader (Map)").
_DELIMITERS = {"COMMA": ",", "PIPE": "|", "SEMICOLON": ";", "SPACE": " ", "TAB": "\t"}


def parse_definition(text: str) -> StateMachineDefinition:
    """Parse a state machine definition (JSON text) into the model."""
    try:
        document = json.loads(text)
    except (TypeError, ValueError) as exc:
        raise InvalidDefinitionError(f"Invalid State Machine Definition: '{exc}'") from exc
    return parse_definition_object(document)


def parse_definition_object(document: Any) -> StateMachineDefinition:
    """Parse an already decoded definition."""
    if not isinstance(document, Mapping):
        raise InvalidDefinitionError("Invalid State Machine Definition: not a JSON object")
    language = _query_language(document.get("QueryLanguage"), QueryLanguage.JSONPATH)
    program = _program(document, language, "")
    timeout = document.get("TimeoutSeconds")
    if timeout is not None and (not isinstance(timeout, int) or isinstance(timeout, bool)):
        raise InvalidDefinitionError("TimeoutSeconds must be a positive integer")
    return StateMachineDefinition(
        program=program,
        query_language=language,
        timeout_seconds=timeout,
        comment=document.get("Comment"),
        version=document.get("Version"),
        raw=document,
    )


def parse_state_definition(state: Any, name: str = "StateName") -> StateMachineDefinition:
    """A single state's definition (TestState without stateName) as a one-state machine.

    Its Next may name a state that does not exist; TestState reports it as `nextState`.
    """
    if not isinstance(state, Mapping):
        raise InvalidDefinitionError("Invalid State Definition: not a JSON object")
    language = _query_language(state.get("QueryLanguage"), QueryLanguage.JSONPATH)
    parsed = _state(name, state, language, language, f"/States/{name}")
    program = Program(name, {name: parsed}, language)
    return StateMachineDefinition(program, language, None, None, None, state)


def _query_language(value: Any, default: QueryLanguage) -> QueryLanguage:
    if value is None:
        return default
    try:
        return QueryLanguage(value)
    except ValueError as exc:
        raise InvalidDefinitionError(f"Unknown QueryLanguage: {value!r}") from exc


def _program(document: Json, language: QueryLanguage, where: str) -> Program:
    start_at = document.get("StartAt")
    states = document.get("States")
    if not isinstance(start_at, str):
        raise InvalidDefinitionError(f"Missing 'StartAt' field at {where or '/'}")
    if not isinstance(states, Mapping) or not states:
        raise InvalidDefinitionError(f"Missing 'States' field at {where or '/'}")
    parsed: dict[str, State] = {}
    for name, body in states.items():
        if not isinstance(body, Mapping):
            raise InvalidDefinitionError(f"State '{name}' must be an object")
        own = _query_language(body.get("QueryLanguage"), language)
        parsed[name] = _state(name, body, own, language, f"{where}/States/{name}")
    if start_at not in parsed:
        raise InvalidDefinitionError(f"Missing 'Next' target: {start_at} at {where or '/'}StartAt")
    for state in parsed.values():
        for target in _targets(state):
            if target not in parsed:
                raise InvalidDefinitionError(
                    f"Missing 'Next' target: {target} at {where}/States/{state.name}"
                )
    return Program(start_at, parsed, language)


def _targets(state: State) -> list[str]:
    targets = [state.next] if state.next is not None else []
    if isinstance(state, ChoiceState):
        targets.extend(branch.next for branch in state.choices)
        if state.default is not None:
            targets.append(state.default)
    if isinstance(state, RecoverableState):
        targets.extend(catcher.next for catcher in state.catchers)
    return targets


def _state(
    name: str, body: Json, language: QueryLanguage, machine_language: QueryLanguage, where: str
) -> State:
    type_name = body.get("Type")
    try:
        state_type = StateType(str(type_name))
    except ValueError as exc:
        raise InvalidDefinitionError(f"Invalid State Type: {type_name!r} at {where}") from exc
    jsonata = language is QueryLanguage.JSONATA
    common: dict[str, Any] = {
        "name": name,
        "type": state_type,
        "query_language": language,
        "comment": body.get("Comment"),
        "next": body.get("Next"),
        "end": bool(body.get("End", False)),
        "assign": _assign(body.get("Assign"), jsonata) if "Assign" in body else None,
    }
    if jsonata:
        if "Output" in body:
            common["output"] = compile_jsonata_template(body["Output"], "Output")
    else:
        common.update(_path_field(body, "InputPath", "input_path"))
        common.update(_path_field(body, "OutputPath", "output_path"))
    if state_type is StateType.PASS:
        return _pass(body, common, jsonata)
    if state_type is StateType.TASK:
        return _task(body, common, jsonata)
    if state_type is StateType.CHOICE:
        return _choice(body, common, language)
    if state_type is StateType.WAIT:
        return _wait(body, common, jsonata)
    if state_type is StateType.SUCCEED:
        return SucceedState(**common)
    if state_type is StateType.FAIL:
        return _fail(body, common, jsonata)
    if state_type is StateType.PARALLEL:
        return _parallel(body, common, jsonata, machine_language, where)
    return _map(body, common, jsonata, machine_language, where)


def _path_field(body: Json, key: str, attribute: str) -> dict[str, Any]:
    if key not in body:
        return {}
    value = body[key]
    if value is None:
        return {f"{attribute}_null": True}
    return {attribute: compile_path(value)}


def _result_path(body: Json) -> dict[str, Any]:
    if "ResultPath" not in body:
        return {}
    value = body["ResultPath"]
    if value is None:
        return {"result_path_null": True}
    return {"result_path": compile_reference_path(value)}


def _assign(value: Any, jsonata: bool) -> Assign:
    if not isinstance(value, Mapping):
        raise InvalidDefinitionError("The value of 'Assign' must be an object")
    if jsonata:
        return Assign(jsonata=compile_jsonata_template(value, "Assign"))
    return Assign(payload=compile_payload_template(value, "Assign"))


def _pass(body: Json, common: dict[str, Any], jsonata: bool) -> PassState:
    fields: dict[str, Any] = {}
    if not jsonata:
        if "Parameters" in body:
            fields["parameters"] = compile_payload_template(body["Parameters"], "Parameters")
        fields.update(_result_path(body))
    if "Result" in body:
        fields["result"] = body["Result"]
        fields["has_result"] = True
    return PassState(**common, **fields)


def _dynamic(body: Json, key: str, jsonata: bool, *, reference: bool = True) -> Dynamic | None:
    """`Key` (literal or, under JSONata, `{% %}`) or `KeyPath` (reference path)."""
    if key in body:
        value = body[key]
        if jsonata and is_jsonata(value):
            return Dynamic(key, jsonata=compile_jsonata(jsonata_body(value)))
        return Dynamic(key, literal=value)
    path_key = f"{key}Path"
    if path_key in body:
        text = body[path_key]
        path = compile_reference_path(text) if reference else compile_path(text)
        return Dynamic(path_key, path=path)
    return None


def _task(body: Json, common: dict[str, Any], jsonata: bool) -> TaskState:
    resource = body.get("Resource")
    if not isinstance(resource, str):
        raise InvalidDefinitionError(f"Missing 'Resource' field in state '{common['name']}'")
    return TaskState(
        **common,
        resource=classify_resource(resource),
        timeout_seconds=_dynamic(body, "TimeoutSeconds", jsonata),
        heartbeat_seconds=_dynamic(body, "HeartbeatSeconds", jsonata),
        credentials=body.get("Credentials"),
        **_input_fields(body, jsonata),
        **_result_fields(body, jsonata),
    )


def _input_fields(body: Json, jsonata: bool) -> dict[str, Any]:
    """Arguments (JSONata) or Parameters (JSONPath): a Task's or Parallel's effective input."""
    if jsonata:
        if "Arguments" in body:
            return {"arguments": compile_jsonata_template(body["Arguments"], "Arguments")}
    elif "Parameters" in body:
        return {"parameters": compile_payload_template(body["Parameters"], "Parameters")}
    return {}


def _result_fields(body: Json, jsonata: bool) -> dict[str, Any]:
    """Retry and Catch, and under JSONPath ResultSelector and ResultPath: the fields of the
    states that produce a result (Task, Parallel, Map)."""
    fields: dict[str, Any] = {
        "retriers": _retriers(body.get("Retry")),
        "catchers": _catchers(body.get("Catch"), jsonata),
    }
    if not jsonata:
        if "ResultSelector" in body:
            fields["result_selector"] = compile_payload_template(
                body["ResultSelector"], "ResultSelector"
            )
        fields.update(_result_path(body))
    return fields


def _choice(body: Json, common: dict[str, Any], language: QueryLanguage) -> ChoiceState:
    rules = body.get("Choices")
    if not isinstance(rules, list) or not rules:
        raise InvalidDefinitionError(f"Missing 'Choices' in state '{common['name']}'")
    jsonata = language is QueryLanguage.JSONATA
    branches: list[ChoiceBranch] = []
    for index, rule in enumerate(rules):
        if not isinstance(rule, Mapping) or not isinstance(rule.get("Next"), str):
            raise InvalidDefinitionError(
                f"Missing 'Next' in Choices[{index}] of state '{common['name']}'"
            )
        branches.append(
            ChoiceBranch(
                rule=compile_choice_rule(rule, language, f"Choices[{index}]"),
                next=rule["Next"],
                assign=_assign(rule["Assign"], jsonata) if "Assign" in rule else None,
                output=(
                    compile_jsonata_template(rule["Output"], "Output")
                    if jsonata and "Output" in rule
                    else None
                ),
            )
        )
    return ChoiceState(**common, choices=tuple(branches), default=body.get("Default"))


def _wait(body: Json, common: dict[str, Any], jsonata: bool) -> WaitState:
    fields: dict[str, Any] = {"seconds": _dynamic(body, "Seconds", jsonata)}
    if "Timestamp" in body and not (jsonata and is_jsonata(body["Timestamp"])):
        moment = parse_timestamp(body["Timestamp"])
        if moment is None:
            raise InvalidDefinitionError(
                f"The Timestamp field of state '{common['name']}' is not a valid ISO-8601 "
                "extended offset date-time"
            )
        fields["timestamp_literal"] = moment
    else:
        fields["timestamp"] = _dynamic(body, "Timestamp", jsonata)
    return WaitState(**common, **fields)


def _fail(body: Json, common: dict[str, Any], jsonata: bool) -> FailState:
    fields: dict[str, Any] = {}
    for key, attribute in (("Error", "error"), ("Cause", "cause")):
        if key in body:
            value = body[key]
            if jsonata and is_jsonata(value):
                fields[attribute] = Dynamic(key, jsonata=compile_jsonata(jsonata_body(value)))
            else:
                fields[attribute] = Dynamic(key, literal=value)
        elif f"{key}Path" in body:
            fields[f"{attribute}_value"] = compile_dynamic_value(body[f"{key}Path"], f"{key}Path")
    return FailState(**common, **fields)


def _parallel(
    body: Json,
    common: dict[str, Any],
    jsonata: bool,
    machine_language: QueryLanguage,
    where: str,
) -> ParallelState:
    branches = body.get("Branches")
    if not isinstance(branches, list) or not branches:
        raise InvalidDefinitionError(f"Missing 'Branches' in state '{common['name']}'")
    programs = tuple(
        _program(branch, machine_language, f"{where}/Branches[{index}]")
        for index, branch in enumerate(branches)
    )
    return ParallelState(
        **common,
        branches=programs,
        **_input_fields(body, jsonata),
        **_result_fields(body, jsonata),
    )


def _map(
    body: Json,
    common: dict[str, Any],
    jsonata: bool,
    machine_language: QueryLanguage,
    where: str,
) -> MapState:
    processor = body.get("ItemProcessor", body.get("Iterator"))
    if not isinstance(processor, Mapping):
        raise InvalidDefinitionError(f"Missing 'ItemProcessor' in state '{common['name']}'")
    config = processor.get("ProcessorConfig") or {}
    mode = ProcessorMode(config.get("Mode", "INLINE"))
    fields: dict[str, Any] = {
        "item_processor": _program(processor, machine_language, f"{where}/ItemProcessor"),
        "mode": mode,
        "execution_type": config.get("ExecutionType", "STANDARD"),
        "max_concurrency": _dynamic(body, "MaxConcurrency", jsonata),
        "tolerated_failure_count": _dynamic(body, "ToleratedFailureCount", jsonata),
        "tolerated_failure_percentage": _dynamic(body, "ToleratedFailurePercentage", jsonata),
        "label": body.get("Label"),
        "item_reader": (
            _item_reader(body["ItemReader"], jsonata) if "ItemReader" in body else None
        ),
        "result_writer": body.get("ResultWriter"),
        **_result_fields(body, jsonata),
    }
    if "ItemBatcher" in body:
        fields["item_batcher"] = _item_batcher(body["ItemBatcher"], jsonata)
    selector = body.get("ItemSelector", body.get("Parameters"))
    if jsonata:
        if "Items" in body:
            items = body["Items"]
            if is_jsonata(items):
                fields["items"] = compile_jsonata(jsonata_body(items))
            else:
                fields["items_template"] = compile_jsonata_template(items, "Items")
        if selector is not None:
            fields["item_selector_jsonata"] = compile_jsonata_template(selector, "ItemSelector")
    else:
        if "ItemsPath" in body:
            fields["items_path"] = compile_reference_path(body["ItemsPath"])
        if selector is not None:
            fields["item_selector"] = compile_payload_template(selector, "ItemSelector")
    return MapState(**common, **fields)


def _item_reader(value: Any, jsonata: bool) -> ItemReader:
    if not isinstance(value, Mapping) or not isinstance(value.get("Resource"), str):
        raise InvalidDefinitionError("ItemReader must be an object with a Resource")
    config = value.get("ReaderConfig") or {}
    if not isinstance(config, Mapping):
        raise InvalidDefinitionError("ItemReader.ReaderConfig must be an object")
    return ItemReader(
        resource=value["Resource"],
        parameters=(
            compile_payload_template(value["Parameters"], "Parameters")
            if not jsonata and "Parameters" in value
            else None
        ),
        arguments=(
            compile_jsonata_template(value["Arguments"], "Arguments")
            if jsonata and "Arguments" in value
            else None
        ),
        config=_reader_config(config),
        max_items=_dynamic(config, "MaxItems", jsonata),
    )


def _reader_config(raw: Mapping[str, Any]) -> ReaderConfig:
    return ReaderConfig(
        input_type=raw.get("InputType"),
        csv_header_location=raw.get("CSVHeaderLocation", "FIRST_ROW"),
        csv_headers=tuple(raw.get("CSVHeaders", ())),
        csv_delimiter=_DELIMITERS.get(raw.get("CSVDelimiter", "COMMA"), ","),
    )


def _item_batcher(value: Any, jsonata: bool) -> ItemBatcher:
    if not isinstance(value, Mapping):
        raise InvalidDefinitionError("ItemBatcher must be an object")
    batch_input = value.get("BatchInput")
    return ItemBatcher(
        max_items_per_batch=_dynamic(value, "MaxItemsPerBatch", jsonata),
        max_input_bytes_per_batch=_dynamic(value, "MaxInputBytesPerBatch", jsonata),
        batch_input=(
            compile_payload_template(batch_input, "BatchInput")
            if batch_input is not None and not jsonata
            else None
        ),
        batch_input_jsonata=(
            compile_jsonata_template(batch_input, "BatchInput")
            if batch_input is not None and jsonata
            else None
        ),
    )


def _retriers(value: Any) -> tuple[Retrier, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise InvalidDefinitionError("Retry must be an array")
    retriers: list[Retrier] = []
    for entry in value:
        if not isinstance(entry, Mapping) or not isinstance(entry.get("ErrorEquals"), list):
            raise InvalidDefinitionError("Each Retrier needs an ErrorEquals array")
        max_delay = entry.get("MaxDelaySeconds")
        retriers.append(
            Retrier(
                error_equals=tuple(entry["ErrorEquals"]),
                interval_seconds=entry.get("IntervalSeconds", DEFAULT_INTERVAL_SECONDS),
                max_attempts=entry.get("MaxAttempts", DEFAULT_MAX_ATTEMPTS),
                backoff_rate=float(entry.get("BackoffRate", DEFAULT_BACKOFF_RATE)),
                max_delay_seconds=None if max_delay is None else float(max_delay),
                jitter_strategy=JitterStrategy(entry.get("JitterStrategy", "NONE")),
            )
        )
    return tuple(retriers)


def _catchers(value: Any, jsonata: bool) -> tuple[Catcher, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise InvalidDefinitionError("Catch must be an array")
    catchers: list[Catcher] = []
    for entry in value:
        if not isinstance(entry, Mapping) or not isinstance(entry.get("ErrorEquals"), list):
            raise InvalidDefinitionError("Each Catcher needs an ErrorEquals array")
        if not isinstance(entry.get("Next"), str):
            raise InvalidDefinitionError("Each Catcher needs a Next")
        fields: dict[str, Any] = {}
        if jsonata:
            if "Output" in entry:
                fields["output"] = compile_jsonata_template(entry["Output"], "Output")
        else:
            fields.update(_result_path(entry))
        catchers.append(
            Catcher(
                error_equals=tuple(entry["ErrorEquals"]),
                next=entry["Next"],
                assign=_assign(entry["Assign"], jsonata) if "Assign" in entry else None,
                **fields,
            )
        )
    return tuple(catchers)
