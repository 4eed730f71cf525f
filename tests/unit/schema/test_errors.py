"""The schema package's errors: SDL problems with their place, one root for every error."""

import schema
from schema.errors import QueryDepthLimitError, QuerySyntaxError, SchemaError, SchemaProblem
from tests.unit.exception_classes import defined_exceptions


def test_a_problem_prints_its_file_line_and_column() -> None:
    problem = SchemaProblem("schema.graphql", 3, 14, "Unknown type 'Pst'.")
    assert str(problem) == "schema.graphql:3:14: Unknown type 'Pst'."


def test_a_schema_error_lists_every_problem_one_per_line() -> None:
    problems = [SchemaProblem("a.graphql", 1, 1, "first"), SchemaProblem("b.graphql", 2, 5, "next")]
    error = SchemaError(problems)
    assert error.problems == problems
    assert str(error) == "a.graphql:1:1: first\nb.graphql:2:5: next"


def test_a_query_that_does_not_parse_reads_as_appsync_answers() -> None:
    # graphql/graphql-over-http#81: AppSync answers "Unable to parse GraphQL query."
    error = QuerySyntaxError("Syntax Error: Expected Name, found <EOF>.")
    assert str(error) == "Unable to parse GraphQL query."
    assert error.detail == "Syntax Error: Expected Name, found <EOF>."


def test_the_depth_limit_error_names_the_field_and_its_depth() -> None:
    error = QueryDepthLimitError(2, 3, "name")
    assert str(error) == "Query depth limit of 2 exceeded: field 'name' is at depth 3."
    assert (error.limit, error.depth, error.field_name) == (2, 3, "name")


def test_every_exception_of_the_package_is_in_errors_under_schema_error() -> None:
    found = defined_exceptions(schema)
    assert SchemaError in found
    for error_class in found:
        assert error_class.__module__ == "schema.errors", error_class
        assert issubclass(error_class, SchemaError), error_class
