"""AppSync's (graphql-java's) wording for validation, coercion and result errors.

Each expected text is an AppSync response recorded in a public thread (cited), or, where marked,
graphql-java's own text for the same ValidationErrorType (graphql-java's rule source), since no
AppSync response with it was recorded.
"""

from typing import Any

import pytest
from graphql import ExecutionResult, GraphQLResolveInfo

from schema.executable import ExecutableSchema
from schema.loader import AppSyncSchema, load_schema
from schema.resolution import FieldResolver
from tests.unit.schema.conftest import WriteSdl

RECORDED_SDL = """
type Query {
  sendEmail(data: AWSJSON): String
  listItems(orderId: ID, statusCreatedAt: StatusCreatedAtInput): String
  onCreateForm: Form
  syncOrders: OrderConnection
  getPerson(dateOfBirth: AWSDate): String
  onCreateTodo(owner: String!): String
}
type Mutation {
  createItem(outside_input: OutsideInput!): String
  createPerson(input: CreatePersonInput!): String
  getPost(id: ID!): String
}
input OutsideInput { nested: NestedInput }
input NestedInput { name: String! }
input CreatePersonInput { name: String, id: ID, phone: AWSPhone }
input StatusCreatedAtInput { beginsWith: StatusCreatedAtKey }
input StatusCreatedAtKey { status: String, createdAt: AWSDateTime }
type Form { name: String! }
type OrderConnection { items: [Order] }
type Order { orderDate: AWSDateTime }
"""


@pytest.fixture
def recorded(write_sdl: WriteSdl) -> AppSyncSchema:
    return load_schema(write_sdl(RECORDED_SDL))


def _executable(schema: AppSyncSchema, **table: Any) -> ExecutableSchema:
    def resolver_for(type_name: str, field_name: str) -> FieldResolver | None:
        value = table.get(f"{type_name}.{field_name}")
        if value is None:
            return None

        def resolve(source: Any, info: GraphQLResolveInfo[Any], args: dict[str, Any]) -> Any:
            return value

        return resolve

    return ExecutableSchema(schema, resolver_for)


async def _run(
    executable: ExecutableSchema, query: str, variables: dict[str, Any] | None = None
) -> ExecutionResult:
    return await executable.execute(query, variables, None, None)


def _only(result: ExecutionResult) -> tuple[str, list[tuple[int, int]]]:
    assert result.data is None
    (error,) = result.errors or []
    return error.message, [(loc.line, loc.column) for loc in error.locations or []]


async def _only_error(
    schema: AppSyncSchema, query: str, variables: dict[str, Any] | None = None
) -> tuple[str, list[tuple[int, int]]]:
    """The single error of running `query` on `schema` with no resolvers."""
    return _only(await _run(_executable(schema), query, variables))


@pytest.mark.anyio
async def test_undefined_field(blog_schema: AppSyncSchema) -> None:
    # graphql/graphql-over-http#81 (AppSync team): `{badfield}` -> line 1, column 2.
    message, locations = await _only_error(blog_schema, "{badfield}")
    assert message == (
        "Validation error of type FieldUndefined: Field 'badfield' in type 'Query' "
        "is undefined @ 'badfield'"
    )
    assert locations == [(1, 2)]


@pytest.mark.anyio
async def test_undefined_nested_field_names_the_query_path(blog_schema: AppSyncSchema) -> None:
    # graphql-java's query path: field names (not aliases) joined by '/'.
    message, _ = await _only_error(blog_schema, "{ p: getPost(id: 1) { nope } }")
    assert message == (
        "Validation error of type FieldUndefined: Field 'nope' in type 'Post' "
        "is undefined @ 'getPost/nope'"
    )


@pytest.mark.anyio
async def test_object_literal_for_awsjson_is_wrong_type(recorded: AppSyncSchema) -> None:
    # awslabs/aws-mobile-appsync-sdk-js#554 (AppSync console response).
    result = await _run(_executable(recorded), "{ sendEmail(data: {upvotes: 10}) }")
    message, _ = _only(result)
    assert message == (
        "Validation error of type WrongType: argument 'data' with value "
        "'ObjectValue{objectFields=[ObjectField{name='upvotes', value=IntValue{value=10}}]}' "
        "is not a valid 'AWSJSON' @ 'sendEmail'"
    )


@pytest.mark.anyio
async def test_wrong_type_names_the_nested_argument_path(recorded: AppSyncSchema) -> None:
    # aws/aws-cli#7078 (AppSync response, quoted without its query path).
    query = (
        '{ listItems(orderId: "order1", '
        'statusCreatedAt: { beginsWith: { status: "IN_TRANSIT", createdAt: "2019" } }) }'
    )
    message, _ = await _only_error(recorded, query)
    assert message.startswith(
        "Validation error of type WrongType: argument 'statusCreatedAt.beginsWith.createdAt' "
        "with value 'StringValue{value='2019'}' is not a valid 'AWSDateTime'"
    )
    assert message.endswith(" @ 'listItems'")


@pytest.mark.anyio
async def test_missing_field_argument(recorded: AppSyncSchema) -> None:
    # aws-amplify/amplify-js#7435: "Validation error of type MissingFieldArgument: Missing field
    # argument owner" (subscriptions generated without the owner argument).
    message, _ = await _only_error(recorded, "{ onCreateTodo }")
    assert message == (
        "Validation error of type MissingFieldArgument: Missing field argument owner "
        "@ 'onCreateTodo'"
    )


@pytest.mark.anyio
async def test_sub_selection_required_prints_null_for_a_list_type(
    blog_schema: AppSyncSchema,
) -> None:
    # An AppSync client's recorded error: "Validation error of type SubSelectionRequired: Sub
    # selection required for type null of field custom_fields @ 'getAssets/.../custom_fields'";
    # and for a plain object type "... for type Allocations of field endAllocations @ '...'".
    executable = _executable(blog_schema)
    message, _ = _only(await _run(executable, "{ listPosts }"))
    assert message == (
        "Validation error of type SubSelectionRequired: Sub selection required for type null "
        "of field listPosts @ 'listPosts'"
    )
    message, _ = _only(await _run(executable, "{ getPost(id: 1) { author } }"))
    assert message == (
        "Validation error of type SubSelectionRequired: Sub selection required for type Author "
        "of field author @ 'getPost/author'"
    )


@pytest.mark.anyio
async def test_sub_selection_not_allowed(blog_schema: AppSyncSchema) -> None:
    # graphql-java ScalarLeafs: "Sub selection not allowed on leaf type %s of field %s".
    message, _ = await _only_error(blog_schema, "{ getPost(id: 1) { body { x } } }")
    assert message == (
        "Validation error of type SubSelectionNotAllowed: Sub selection not allowed on leaf "
        "type String of field body @ 'getPost/body'"
    )


@pytest.mark.anyio
async def test_unknown_argument(blog_schema: AppSyncSchema) -> None:
    # graphql-java KnownArgumentNames: "Unknown field argument %s".
    message, _ = await _only_error(blog_schema, "{ getPost(id: 1, x: 2) { id } }")
    assert message == (
        "Validation error of type UnknownArgument: Unknown field argument x @ 'getPost'"
    )


@pytest.mark.anyio
async def test_undefined_and_unused_variables(blog_schema: AppSyncSchema) -> None:
    # graphql-java NoUndefinedVariables / NoUnusedVariables.
    result = await _run(_executable(blog_schema), "query Q($a: Int) { getPost(id: $b) { id } }")
    assert result.data is None
    messages = [error.message for error in result.errors or []]
    assert messages == [
        "Validation error of type UndefinedVariable: Undefined variable b @ 'getPost'",
        "Validation error of type UnusedVariable: Unused variable a",
    ]


@pytest.mark.anyio
async def test_unknown_type(blog_schema: AppSyncSchema) -> None:
    # graphql-java KnownTypeNames: "Unknown type %s".
    result = await _run(_executable(blog_schema), "query ($a: Nope) { listPosts(limit: 1) { id } }")
    assert "Validation error of type UnknownType: Unknown type Nope" in [
        error.message for error in result.errors or []
    ]


@pytest.mark.anyio
async def test_fields_conflict(blog_schema: AppSyncSchema) -> None:
    # graphql-java OverlappingFieldsCanBeMerged: "%s: %s and %s are different fields".
    result = await _run(
        _executable(blog_schema), "{ a: listPosts { id } a: getPost(id: 1) { id } }"
    )
    message, locations = _only(result)
    assert message == (
        "Validation error of type FieldsConflict: a: listPosts and getPost are different fields"
    )
    assert len(locations) == 2


@pytest.mark.anyio
async def test_missing_non_null_variable(blog_schema: AppSyncSchema) -> None:
    # awslabs/aws-mobile-appsync-sdk-js#83: "Variable 'id' has coerced Null value for NonNull
    # type 'ID!'".
    executable = _executable(blog_schema)
    query = "query ($id: ID!) { getPost(id: $id) { id } }"
    for variables in ({}, {"id": None}, None):
        message, locations = _only(await _run(executable, query, variables))
        assert message == "Variable 'id' has coerced Null value for NonNull type 'ID!'"
        assert locations == [(1, 8)]


@pytest.mark.anyio
async def test_missing_nested_field_names_outer_variable_and_inner_type(
    recorded: AppSyncSchema,
) -> None:
    # aws/aws-appsync-community#406 (AppSync response to exactly this schema and input).
    query = "mutation ($outside_input: OutsideInput!) { createItem(outside_input: $outside_input) }"
    message, _ = await _only_error(recorded, query, {"outside_input": {"nested": {}}})
    assert message == "Variable 'outside_input' has coerced Null value for NonNull type 'String!'"


@pytest.mark.anyio
async def test_invalid_nested_scalar_names_the_input_field(recorded: AppSyncSchema) -> None:
    # aws-amplify/amplify-flutter#822 (AppSync response): column 23 is the variable definition.
    query = "mutation CreatePerson($input: CreatePersonInput!) {\n  createPerson(input: $input)\n}"
    variables = {"input": {"name": "Test with Phone", "phone": "1110004444"}}
    message, locations = await _only_error(recorded, query, variables)
    assert message == (
        "Variable 'phone' has an invalid value. Unable to parse `1110004444` as a valid "
        "phone number."
    )
    assert locations == [(1, 23)]


@pytest.mark.anyio
async def test_invalid_date_variable(recorded: AppSyncSchema) -> None:
    # aws-amplify/amplify-swift#278 (AppSync response).
    query = "query GetPerson($dateOfBirth: AWSDate) { getPerson(dateOfBirth: $dateOfBirth) }"
    message, locations = await _only_error(
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
    message, _ = await _only_error(recorded, query, variables)
    assert message == (
        "Variable 'createdAt' has an invalid value. Unable to parse `2019` as a valid "
        "DateTime Object."
    )


@pytest.mark.anyio
async def test_unserializable_result_names_the_java_path(recorded: AppSyncSchema) -> None:
    # aws-amplify/amplify-js#5963 (AppSync response).
    items = [{"orderDate": "2020-05-19T11:05:29.000Z"}] * 32
    items.append({"orderDate": "2020-05-23T06:4:37.000Z"})
    executable = _executable(recorded, **{"Query.syncOrders": {"items": items}})
    result = await _run(executable, "{ syncOrders { items { orderDate } } }")
    assert result.data is not None
    (error,) = result.errors or []
    assert error.message == (
        "Can't serialize value (/syncOrders/items[32]/orderDate) : Unable to serialize "
        "`2020-05-23T06:4:37.000Z` as a valid DateTime Object."
    )
    assert error.path == ["syncOrders", "items", 32, "orderDate"]
    assert error.locations is None


@pytest.mark.anyio
async def test_null_for_non_null_field(recorded: AppSyncSchema) -> None:
    # aws-amplify/amplify-cli#6450 (AppSync response).
    executable = _executable(recorded, **{"Query.onCreateForm": {"name": None}})
    result = await _run(executable, "{ onCreateForm { name } }")
    assert result.data == {"onCreateForm": None}
    (error,) = result.errors or []
    assert error.message == (
        "Cannot return null for non-nullable type: 'String' within parent 'Form' "
        "(/onCreateForm/name)"
    )
    # graphql-compose/graphql-compose#121 (AppSync response): the path is the null field's and
    # there are no locations.
    assert error.path == ["onCreateForm", "name"]
    assert error.locations is None


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
    message, _ = await _only_error(blog_schema, query, {"limit": "many"})
    assert message == "Variable 'limit' has an invalid value. Expected type 'Int' but was 'String'."


@pytest.mark.anyio
async def test_unknown_enum_value_variable(blog_schema: AppSyncSchema) -> None:
    # graphql-java GraphQLEnumType: "Invalid input for Enum '%s'. No value found for name '%s'".
    query = "query ($s: Status) { listPosts(status: $s) { id } }"
    message, _ = await _only_error(blog_schema, query, {"s": "ARCHIVED"})
    assert message == (
        "Variable 's' has an invalid value. Invalid input for Enum 'Status'. "
        "No value found for name 'ARCHIVED'"
    )


@pytest.mark.anyio
async def test_unknown_input_field_variable(blog_schema: AppSyncSchema) -> None:
    # graphql-java InputMapDefinesTooManyFieldsException.
    query = "mutation ($input: PostInput!) { createPost(input: $input) { id } }"
    variables = {"input": {"title": "t", "colour": "red"}}
    message, _ = await _only_error(blog_schema, query, variables)
    assert message == (
        "The variables input contains a field name 'colour' that is not defined for input "
        "object type 'PostInput' "
    )


# graphql-java's texts for the rules no recorded AppSync response shows (graphql-java's
# src/main/java/graphql/validation/rules/*.java): each is a known difference risk.
GRAPHQL_JAVA_CASES = [
    (
        "{ listPosts { id @nope } }",
        "Validation error of type UnknownDirective: Unknown directive nope @ 'listPosts/id'",
    ),
    (
        "query @skip(if: true) { listPosts { id } }",
        "Validation error of type MisplacedDirective: Directive skip not allowed here",
    ),
    (
        "query A { listPosts { id } } query A { getPost(id: 1) { id } }",
        "Validation error of type DuplicateOperationName: There can be only one operation "
        "named 'A'",
    ),
    (
        "{ listPosts { id } } query B { getPost(id: 1) { id } }",
        "Validation error of type LoneAnonymousOperationViolation: Anonymous operation with "
        "other operations.",
    ),
    (
        "{ listPosts { ...Missing } }",
        "Validation error of type UndefinedFragment: Undefined fragment Missing @ 'listPosts'",
    ),
    (
        "{ listPosts { id } } fragment F on Post { id }",
        "Validation error of type UnusedFragment: Unused fragment F",
    ),
    (
        "{ listPosts { ... on Author { name } } }",
        "Validation error of type InvalidFragmentType: Fragment cannot be spread here as "
        "objects of type Post can never be of type Author @ 'listPosts'",
    ),
    (
        "{ listPosts { ...A } } fragment A on Author { name }",
        "Validation error of type InvalidFragmentType: Fragment A cannot be spread here as "
        "objects of type Post can never be of type Author @ 'listPosts'",
    ),
    (
        "query ($p: Post) { getPost(id: 1) { id } }",
        "Validation error of type NonInputTypeOnVariable: Wrong type for a variable",
    ),
    (
        "query ($n: Int) { getPost(id: $n) { id } }",
        "Validation error of type VariableTypeMismatch: Variable type 'Int' doesn't match "
        "expected type 'ID!' @ 'getPost'",
    ),
    (
        "{ listPosts(status: ARCHIVED) { id } }",
        "Validation error of type WrongType: argument 'status' with value "
        "'EnumValue{name='ARCHIVED'}' is not a valid 'Status' @ 'listPosts'",
    ),
    (
        "{ getPost(id: null) { id } }",
        "Validation error of type WrongType: argument 'id' with value 'NullValue{}' "
        "must not be null @ 'getPost'",
    ),
    (
        'mutation { createPost(input: { body: "b" }) { id } }',
        "Validation error of type WrongType: argument 'input' with value "
        "'ObjectValue{objectFields=[ObjectField{name='body', value=StringValue{value='b'}}]}' "
        "is missing required fields '[title]' @ 'createPost'",
    ),
    (
        'mutation { createPost(input: { title: "t", colour: "red" }) { id } }',
        "Validation error of type WrongType: argument 'input' with value "
        "'ObjectValue{objectFields=[ObjectField{name='title', value=StringValue{value='t'}}, "
        "ObjectField{name='colour', value=StringValue{value='red'}}]}' contains a field not "
        "in 'PostInput': 'colour' @ 'createPost'",
    ),
    (
        'query ($n: Int = "x") { listPosts(limit: $n) { id } }',
        "Validation error of type BadValueForDefaultArg: Bad default value "
        "StringValue{value='x'} for type Int",
    ),
    (
        "{ listPosts @include(if: true) @include(if: false) { id } }",
        "Validation error of type DuplicateDirectiveName: Non repeatable directives must be "
        "uniquely named within a location. The directive 'include' used on a 'Field' is not "
        "unique. @ 'listPosts'",
    ),
    (
        "{ listPosts { id } listPosts { id: title } }",
        "Validation error of type FieldsConflict: listPosts: (id: id and title are different "
        "fields)",
    ),
]


@pytest.mark.anyio
@pytest.mark.parametrize(("query", "expected"), GRAPHQL_JAVA_CASES)
async def test_graphql_java_wording_for_other_rules(
    blog_schema: AppSyncSchema, query: str, expected: str
) -> None:
    result = await _run(_executable(blog_schema), query)
    assert result.data is None
    assert expected in [error.message for error in result.errors or []]


@pytest.mark.anyio
async def test_errors_inside_a_fragment_start_the_path_at_the_fragment(
    blog_schema: AppSyncSchema,
) -> None:
    # graphql-java's TraversalContext pushes the fragment definition's name, then field names.
    query = "{ listPosts { ...F } } fragment F on Post { author { nope } }"
    message, _ = await _only_error(blog_schema, query)
    assert message == (
        "Validation error of type FieldUndefined: Field 'nope' in type 'Author' is undefined "
        "@ 'F/author/nope'"
    )


@pytest.mark.anyio
async def test_operation_the_schema_has_no_root_for(write_sdl: WriteSdl) -> None:
    # graphql-java's MissingRootTypeException text (its executor, not a validation rule).
    schema = load_schema(write_sdl("type Query { a: String }"))
    message, _ = await _only_error(schema, "mutation { a }")
    assert message == "Schema is not configured for mutations."
