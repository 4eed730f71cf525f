"""The language's own errors: what expression modules raise and catch among themselves.

What leaves the language is a `StatesError` or an `InvalidDefinitionError`; these carry what the
outermost caller needs to word AWS's message.
"""

from __future__ import annotations

from stepfunctions.errors import InvalidDefinitionError
from stepfunctions.language.errors import (
    IntrinsicArgumentError,
    JsonataDefinitionError,
    JsonataFunctionError,
    MissingArgumentError,
)


def test_a_missing_argument_names_the_path_that_selected_nothing() -> None:
    error = MissingArgumentError("$.missing")
    assert (error.path, str(error)) == ("$.missing", "$.missing")


def test_a_jsonata_function_error_reads_as_a_jsonata_error() -> None:
    error = JsonataFunctionError("D3137", "Argument 1 of $partition must be an array")
    assert str(error) == "D3137: Argument 1 of $partition must be an array"
    assert (error.code, error.message) == ("D3137", "Argument 1 of $partition must be an array")


def test_a_jsonata_function_error_without_a_code_is_its_bare_message() -> None:
    assert str(JsonataFunctionError("", "The hash algorithm is not supported")) == (
        "The hash algorithm is not supported"
    )


def test_a_refused_template_expression_is_an_invalid_definition_with_its_place() -> None:
    error = JsonataDefinitionError("UNSUPPORTED_JSONATA_EXPRESSION: ...", "/Output/v")
    # CreateStateMachine refuses it like any invalid definition; the caller appends the place.
    assert isinstance(error, InvalidDefinitionError)
    assert (error.message, error.location) == ("UNSUPPORTED_JSONATA_EXPRESSION: ...", "/Output/v")


def test_an_intrinsic_argument_error_is_an_intrinsic_failure_by_default() -> None:
    # ASL spec Appendix A: States.IntrinsicFailure, an intrinsic function failed to execute.
    error = IntrinsicArgumentError("The value is not a valid base64 string")
    assert (error.error, error.cause) == (
        "States.IntrinsicFailure",
        "The value is not a valid base64 string",
    )
    assert IntrinsicArgumentError("cause", "States.Runtime").error == "States.Runtime"
