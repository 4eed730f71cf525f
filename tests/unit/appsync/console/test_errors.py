"""The console's errors carry AWS's error code to the GraphQL error's extensions."""

from __future__ import annotations

from graphql import GraphQLError

from appsync.console.errors import AwsServiceError, ConsoleError, NotServedError


def test_graphql_core_copies_the_error_type_into_the_extensions() -> None:
    # graphql-core wraps a resolver's exception so; the console's contract reads extensions.
    located = GraphQLError("wrapped", original_error=AwsServiceError("ExecutionDoesNotExist", "no"))
    assert located.extensions == {"errorType": "ExecutionDoesNotExist"}
    assert located.formatted["extensions"] == {"errorType": "ExecutionDoesNotExist"}


def test_each_refusal_names_its_type() -> None:
    assert NotServedError("no tables").error_type == "ConsoleApiUnavailable"
    for error in (NotServedError("b"), AwsServiceError("C", "c")):
        assert isinstance(error, ConsoleError)
        assert str(error) == error.message
