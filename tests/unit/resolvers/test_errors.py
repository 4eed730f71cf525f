"""The resolver package's errors: AppSync's field-error keys, one root for every error.

Texts from AppSync: a template that does not load is a `MappingTemplate` error naming the file,
line and column; resolver code that raised is a `Code` error named the same way
(aws-appsync-community#328); a DynamoDB error carries the Java SDK v2 suffix
(aws-appsync-community#343).
"""

from __future__ import annotations

from pathlib import Path

import resolvers
from resolvers.errors import (
    CodeError,
    DynamoDBServiceError,
    EarlyReturn,
    HandlerOffloaded,
    ResolverError,
    SeedError,
    TemplateError,
)
from tests.unit.exception_classes import defined_exceptions


def test_a_resolver_error_holds_appsyncs_field_error_keys() -> None:
    error = ResolverError("Boom", "MyError", {"id": "1"}, {"code": 7})
    assert str(error) == "Boom"
    assert (error.message, error.error_type, error.data, error.error_info) == (
        "Boom",
        "MyError",
        {"id": "1"},
        {"code": 7},
    )


def test_a_template_error_names_file_line_and_column() -> None:
    error = TemplateError("Query.getPost.req.vtl", 4, 1, "Encountered <EOF>")
    assert error.message == "Query.getPost.req.vtl:4:1: Encountered <EOF>"
    assert error.error_type == "MappingTemplate"
    assert (error.file, error.line, error.column, error.detail) == (
        "Query.getPost.req.vtl",
        4,
        1,
        "Encountered <EOF>",
    )


def test_a_code_error_names_the_file_as_appsync_js_does() -> None:
    error = CodeError("code.py", 162, 13, "NameError: name 'x' is not defined")
    assert error.message == "code.py:162:13: NameError: name 'x' is not defined"
    assert error.error_type == "Code"


def test_a_seed_error_names_the_seed_file() -> None:
    error = SeedError(Path("seed/posts.json"), "expected a list of JSON objects")
    assert error.message == "seed/posts.json: expected a list of JSON objects"
    assert error.error_type == "DynamoDB:SeedError"


def test_every_exception_of_the_package_is_in_errors() -> None:
    found = defined_exceptions(resolvers)
    assert DynamoDBServiceError in found
    for error_class in found:
        assert error_class.__module__ == "resolvers.errors", error_class
        # The control signals that must pass a handler's `except Exception` are the exceptions.
        control = (EarlyReturn, HandlerOffloaded)
        assert issubclass(error_class, ResolverError) or error_class in control, error_class


def test_early_return_passes_an_except_exception() -> None:
    # The one exception not under ResolverError: a PYTHON handler's `except Exception` must not
    # catch runtime.earlyReturn.
    assert not issubclass(EarlyReturn, Exception)


def test_service_errors_carry_the_sdk_suffix() -> None:
    error = DynamoDBServiceError(
        "ConditionalCheckFailedException", "The conditional request failed", 400, "ABC"
    ).as_data_source_error({"id": "1"})
    assert error.error_type == "DynamoDB:ConditionalCheckFailedException"
    assert error.message == (
        "The conditional request failed (Service: DynamoDb, Status Code: 400, Request ID: ABC)"
    )
    assert error.data == {"id": "1"}
