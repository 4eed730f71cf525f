"""Variable coercion in AppSync's (graphql-java's) words.

Each expected text is an AppSync response recorded in a public thread (cited), or graphql-java's
own text where marked.
"""

from typing import Any

import pytest
from graphql import GraphQLResolveInfo

from schema.executable import ExecutableSchema
from schema.loader import AppSyncSchema
from schema.resolution import FieldResolver
from tests.unit.schema.executing import (
    executable_with_values,
    request_error,
    request_error_of,
    run,
)


@pytest.mark.anyio
async def test_missing_non_null_variable(blog_schema: AppSyncSchema) -> None:
    # awslabs/aws-mobile-appsync-sdk-js#83: "Variable 'id' has coerced Null value for NonNull
    # type 'ID!'".
    executable = executable_with_values(blog_schema)
    query = "query ($id: ID!) { getPost(id: $id) { id } }"
    for variables in ({}, {"id": None}, None):
        message, locations = request_error(await run(executable, query, variables))
        assert message == "Variable 'id' has coerced Null value for NonNull type 'ID!'"
        assert locations == [(1, 8)]


@pytest.mark.anyio
async def test_missing_nested_field_names_outer_variable_and_inner_type(
    recorded: AppSyncSchema,
) -> None:
    # aws/aws-appsync-community#406 (AppSync response to exactly this schema and input).
    query = "mutation ($outside_input: OutsideInput!) { createItem(outside_input: $outside_input) }"
    message, _ = await request_error_of(recorded, query, {"outside_input": {"nested": {}}})
    assert message == "Variable 'outside_input' has coerced Null value for NonNull type 'String!'"


@pytest.mark.anyio
async def test_invalid_nested_scalar_names_the_input_field(recorded: AppSyncSchema) -> None:
    # aws-amplify/amplify-flutter#822 (AppSync response): column 23 is the variable definition.
    query = "mutation CreatePerson($input: CreatePersonInput!) {\n  createPerson(input: $input)\n}"
    variables = {"input": {"name": "Test with Phone", "phone": "1110004444"}}
    message, locations = await request_error_of(recorded, query, variables)
    assert message == (
        "Variable 'phone' has an invalid value. Unable to parse `1110004444` as a valid "
        "phone number."
    )
    assert locations == [(1, 23)]


@pytest.mark.anyio
async def test_invalid_date_variable(recorded: AppSyncSchema) -> None:
    # aws-amplify/amplify-swift#278 (AppSync response).
    query = "query GetPerson($dateOfBirth: AWSDate) { getPerson(dateOfBirth: $dateOfBirth) }"
    message, locations = await request_error_of(
        recorded, query, {"dateOfBirth": "2019-12-24T04:15:57.798Z"}
    )
    assert message == (
        "Variable 'dateOfBirth' has an invalid value. Unable to parse "
        "`2019-12-24T04:15:57.798Z` as a valid date."
    )
    assert locations == [(1, 17)]


@pytest.mark.anyio
async def test_invalid_datetime_in_nested_input(recorded: AppSyncSchema) -> None:
    # aws-amplify/amplify-cli#2033 (AppSync response): the innermost field's name is used.
    query = "query ($k: StatusCreatedAtInput) { listItems(statusCreatedAt: $k) }"
    variables = {"k": {"beginsWith": {"status": "FAC", "createdAt": "2019"}}}
    message, _ = await request_error_of(recorded, query, variables)
    assert message == (
        "Variable 'createdAt' has an invalid value. Unable to parse `2019` as a valid "
        "DateTime Object."
    )


@pytest.mark.anyio
async def test_numeric_string_for_an_int_variable_is_coerced(blog_schema: AppSyncSchema) -> None:
    # graphql-java's Int parseValue converts any number-ish input, so AppSync accepts "42".
    seen: list[Any] = []

    def resolver_for(type_name: str, field_name: str) -> FieldResolver | None:
        if (type_name, field_name) != ("Query", "listPosts"):
            return None

        def list_posts(source: Any, info: GraphQLResolveInfo[Any], args: dict[str, Any]) -> Any:
            seen.append(args["limit"])
            return []

        return list_posts

    executable = ExecutableSchema(blog_schema, resolver_for)
    query = "query ($limit: Int) { listPosts(limit: $limit) { id } }"
    result = await executable.execute(query, {"limit": "42"}, None, None)
    assert result.errors is None
    assert seen == [42]


@pytest.mark.anyio
async def test_non_numeric_string_for_an_int_variable(blog_schema: AppSyncSchema) -> None:
    # graphql-java: "Expected type 'Int' but was 'String'." inside AppSync's "Variable '%s' has
    # an invalid value. %s" (aws-amplify/amplify-flutter#822 for the frame).
    query = "query ($limit: Int) { listPosts(limit: $limit) { id } }"
    message, _ = await request_error_of(blog_schema, query, {"limit": "many"})
    assert message == "Variable 'limit' has an invalid value. Expected type 'Int' but was 'String'."


@pytest.mark.anyio
async def test_unknown_enum_value_variable(blog_schema: AppSyncSchema) -> None:
    # graphql-java GraphQLEnumType: "Invalid input for Enum '%s'. No value found for name '%s'".
    query = "query ($s: Status) { listPosts(status: $s) { id } }"
    message, _ = await request_error_of(blog_schema, query, {"s": "ARCHIVED"})
    assert message == (
        "Variable 's' has an invalid value. Invalid input for Enum 'Status'. "
        "No value found for name 'ARCHIVED'"
    )


@pytest.mark.anyio
async def test_unknown_input_field_variable(blog_schema: AppSyncSchema) -> None:
    # graphql-java InputMapDefinesTooManyFieldsException.
    query = "mutation ($input: PostInput!) { createPost(input: $input) { id } }"
    variables = {"input": {"title": "t", "colour": "red"}}
    message, _ = await request_error_of(blog_schema, query, variables)
    assert message == (
        "The variables input contains a field name 'colour' that is not defined for input "
        "object type 'PostInput' "
    )
