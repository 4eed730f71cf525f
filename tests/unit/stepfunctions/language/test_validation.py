"""ValidateStateMachineDefinition diagnostics and CreateStateMachine's InvalidDefinition text.

Expected values come from AWS answers: the corpus recordings (validate_cases.jsonl,
create_rejected_cases.jsonl) and the responses pinned against AWS in floci-io/floci#2786 and
quoted from AWS in localstack/localstack#12487.
"""

from __future__ import annotations

import json
from typing import Any

from stepfunctions.language.validation import (
    Diagnostic,
    Severity,
    diagnostics_from_message,
    invalid_definition_message,
    validate_definition,
)


def _validate(
    definition: dict[str, Any], machine_type: str = "STANDARD"
) -> list[tuple[str, str, str | None]]:
    return [
        (d.code, d.message, d.location)
        for d in validate_definition(json.dumps(definition), machine_type)
    ]


def _pass(**fields: Any) -> dict[str, Any]:
    return {"Type": "Pass", **fields}


def test_empty_definition_lists_both_required_fields_at_root() -> None:
    assert _validate({}) == [
        ("SCHEMA_VALIDATION_FAILED", "These fields are required: [States, StartAt]", "/")
    ]


def test_valid_pass_machine_has_no_diagnostics() -> None:
    assert _validate({"StartAt": "A", "States": {"A": _pass(End=True)}}) == []


def test_dangling_next_reports_missing_target_then_missing_end_state() -> None:
    found = _validate({"StartAt": "A", "States": {"A": _pass(Next="NOPE")}})
    assert found == [
        ("MISSING_TRANSITION_TARGET", "Missing 'Next' target: NOPE", "/States/A/Next"),
        ("MISSING_END_STATE", "Workflow has no terminal state", None),
    ]


def test_loop_without_terminal_state_reports_only_missing_end_state() -> None:
    loop = {
        "StartAt": "A",
        "States": {"A": _pass(Next="B"), "B": _pass(Next="A"), "C": _pass(Next="A")},
    }
    assert _validate(loop) == [("MISSING_END_STATE", "Workflow has no terminal state", None)]


def test_unreachable_terminal_state_is_reported_at_its_location() -> None:
    machine = {
        "StartAt": "pass1",
        "States": {
            "pass1": _pass(Next="pass3"),
            "pass2": _pass(End=True),
            "pass3": _pass(End=True),
        },
    }
    assert _validate(machine) == [
        ("MISSING_TRANSITION_TARGET", 'State "pass2" is not reachable.', "/States/pass2")
    ]


def test_create_message_joins_diagnostics_as_aws_prints_them() -> None:
    # localstack/localstack#12487 quotes AWS's CreateStateMachine answer for this shape.
    definition = {
        "StartAt": "pass1",
        "States": {"pass1": _pass(Next="pass3"), "pass2": _pass(End=True)},
    }
    diagnostics = validate_definition(json.dumps(definition))
    assert invalid_definition_message(diagnostics) == (
        "Invalid State Machine Definition: 'MISSING_TRANSITION_TARGET: Missing 'Next' target: "
        "pass3 at /States/pass1/Next, MISSING_TRANSITION_TARGET: "
        'State "pass2" is not reachable. at /States/pass2\''
    )


def test_missing_end_state_prints_a_null_location() -> None:
    definition = {"StartAt": "A", "States": {"A": _pass(Next="B"), "B": _pass(Next="A")}}
    assert invalid_definition_message(validate_definition(json.dumps(definition))) == (
        "Invalid State Machine Definition: "
        "'MISSING_END_STATE: Workflow has no terminal state at null'"
    )


def test_dangling_targets_in_choice_default_and_catch_all_say_next() -> None:
    machine = {
        "StartAt": "C",
        "States": {
            "C": {
                "Type": "Choice",
                "Choices": [{"Variable": "$.x", "IsPresent": True, "Next": "X1"}],
                "Default": "X2",
            },
        },
    }
    found = _validate(machine)
    assert (
        "MISSING_TRANSITION_TARGET",
        "Missing 'Next' target: X1",
        "/States/C/Choices[0]/Next",
    ) in found
    assert ("MISSING_TRANSITION_TARGET", "Missing 'Next' target: X2", "/States/C/Default") in found


def test_start_at_naming_no_state_is_a_missing_target_at_start_at() -> None:
    found = _validate({"StartAt": "Nope", "States": {"A": _pass(End=True)}})
    assert found[0] == ("MISSING_TRANSITION_TARGET", "Missing 'Next' target: Nope", "/StartAt")


def test_downgrading_query_language_inside_jsonata_machine_is_rejected() -> None:
    machine = {
        "QueryLanguage": "JSONata",
        "StartAt": "Pass",
        "States": {"Pass": _pass(End=True, QueryLanguage="JSONPath")},
    }
    assert _validate(machine) == [
        (
            "SCHEMA_VALIDATION_FAILED",
            "'QueryLanguage' can not be 'JSONPath' if set to 'JSONata' for whole state machine",
            "/States/Pass",
        )
    ]


def test_express_machine_rejects_callback_and_sync_integrations() -> None:
    token = {
        "StartAt": "T",
        "States": {
            "T": {
                "Type": "Task",
                "Resource": "arn:aws:states:::sns:publish.waitForTaskToken",
                "End": True,
            }
        },
    }
    sync = {
        "StartAt": "T",
        "States": {
            "T": {
                "Type": "Task",
                "Resource": "arn:aws:states:::states:startExecution.sync",
                "End": True,
            }
        },
    }
    assert _validate(token, "EXPRESS") == [
        (
            "SCHEMA_VALIDATION_FAILED",
            "Express state machine does not support '.waitForTaskToken' service integration ",
            "/States/T/Resource",
        )
    ]
    assert (
        _validate(sync, "EXPRESS")[0][1]
        == "Express state machine does not support '.sync' service integration"
    )
    assert _validate(token, "STANDARD") == []


def test_credentials_without_role_arn_are_rejected() -> None:
    machine = {
        "StartAt": "T",
        "States": {
            "T": {
                "Type": "Task",
                "Resource": "arn:aws:states:::lambda:invoke",
                "Credentials": {},
                "End": True,
            }
        },
    }
    assert _validate(machine) == [
        (
            "SCHEMA_VALIDATION_FAILED",
            "The field 'RoleArn' is required but was missing",
            "/States/T/Credentials",
        )
    ]


def test_unknown_field_on_a_state_is_not_supported() -> None:
    machine = {"StartAt": "A", "States": {"A": _pass(End=True, Message="hi")}}
    assert _validate(machine) == [
        ("SCHEMA_VALIDATION_FAILED", "Field 'Message' is not supported", "/States/A")
    ]


def test_nested_branch_locations_include_the_branch_index() -> None:
    machine = {
        "StartAt": "P",
        "States": {
            "P": {
                "Type": "Parallel",
                "End": True,
                "Branches": [{"StartAt": "B", "States": {"B": _pass(Next="Gone")}}],
            }
        },
    }
    found = _validate(machine)
    assert found[0] == (
        "MISSING_TRANSITION_TARGET",
        "Missing 'Next' target: Gone",
        "/States/P/Branches[0]/States/B/Next",
    )


def test_unknown_state_type_lists_the_allowed_values() -> None:
    found = _validate({"StartAt": "A", "States": {"A": {"Type": "Nope", "End": True}}})
    assert found == [
        (
            "SCHEMA_VALIDATION_FAILED",
            "The field 'Type' should have one of these values: "
            "[Task, Wait, Pass, Succeed, Fail, Choice, Parallel, Map]",
            "/States/A/Type",
        )
    ]


def test_message_round_trips_through_diagnostics() -> None:
    message = (
        "Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: These fields are required: "
        "[States] at /'"
    )
    (diagnostic,) = diagnostics_from_message(message)
    assert diagnostic == Diagnostic(
        Severity.ERROR, "SCHEMA_VALIDATION_FAILED", "These fields are required: [States]", "/"
    )
    assert invalid_definition_message((diagnostic,)) == message


def test_malformed_json_is_an_invalid_json_description() -> None:
    (diagnostic,) = validate_definition("{not json")
    assert diagnostic.code == "INVALID_JSON_DESCRIPTION"
    assert diagnostic.severity is Severity.ERROR


def test_parser_messages_without_a_code_are_schema_errors_with_their_location() -> None:
    (diagnostic,) = diagnostics_from_message(
        "The value for the field 'NumericEquals' is not valid at /States/C/Choices[0]"
    )
    assert diagnostic == Diagnostic(
        Severity.ERROR,
        "SCHEMA_VALIDATION_FAILED",
        "The value for the field 'NumericEquals' is not valid",
        "/States/C/Choices[0]",
    )


def test_parser_messages_keep_their_own_code() -> None:
    (diagnostic,) = diagnostics_from_message(
        "INVALID_JSONATA_EXPRESSION: Expected ')' at position 4"
    )
    assert (diagnostic.code, diagnostic.message, diagnostic.location) == (
        "INVALID_JSONATA_EXPRESSION",
        "Expected ')' at position 4",
        None,
    )
