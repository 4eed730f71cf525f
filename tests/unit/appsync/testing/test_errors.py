"""The plugin's errors say what failed and where."""

from __future__ import annotations

from appsync.testing.errors import ControlApiError, LocalApiError, ServerStartError, TokenError


def test_a_start_error_lists_each_problem_under_the_definition() -> None:
    error = ServerStartError(
        "api/appsync.yaml", ["appsync.yaml: name: bad", "schema.graphql:1:1: x"]
    )
    assert str(error) == (
        "appsync-local could not serve api/appsync.yaml:\n"
        "  appsync.yaml: name: bad\n"
        "  schema.graphql:1:1: x"
    )
    assert error.details == ("appsync.yaml: name: bad", "schema.graphql:1:1: x")


def test_a_control_error_keeps_the_operation_status_and_type() -> None:
    error = ControlApiError("AdvanceClock", 400, "ValidationException", "seconds must be ...")
    assert (error.operation, error.status, error.error_type) == (
        "AdvanceClock",
        400,
        "ValidationException",
    )
    assert str(error) == "AdvanceClock: 400 ValidationException: seconds must be ..."


def test_every_error_shares_the_root() -> None:
    assert all(
        issubclass(kind, LocalApiError) for kind in (ServerStartError, ControlApiError, TokenError)
    )
