"""AppSync's (graphql-java's) wording for validation errors.

Each expected text is an AppSync response recorded in a public thread (cited), or, where marked,
graphql-java's own text for the same ValidationErrorType (graphql-java's rule source), since no
AppSync response with it was recorded.
"""

import pytest
from graphql import parse

from schema.loader import AppSyncSchema, load_schema
from schema.messages import MAX_VALIDATION_ERRORS, validate_document
from tests.unit.schema.conftest import WriteSdl
from tests.unit.schema.executing import (
    executable_with_values,
    request_error,
    request_error_of,
    run,
)


@pytest.mark.anyio
async def test_undefined_field(blog_schema: AppSyncSchema) -> None:
    # graphql/graphql-over-http#81 (AppSync team): `{badfield}` -> line 1, column 2.
    message, locations = await request_error_of(blog_schema, "{badfield}")
    assert message == (
        "Validation error of type FieldUndefined: Field 'badfield' in type 'Query' "
        "is undefined @ 'badfield'"
    )
    assert locations == [(1, 2)]


@pytest.mark.anyio
async def test_undefined_nested_field_names_the_query_path(blog_schema: AppSyncSchema) -> None:
    # graphql-java's query path: field names (not aliases) joined by '/'.
    message, _ = await request_error_of(blog_schema, "{ p: getPost(id: 1) { nope } }")
    assert message == (
        "Validation error of type FieldUndefined: Field 'nope' in type 'Post' "
        "is undefined @ 'getPost/nope'"
    )


@pytest.mark.anyio
async def test_object_literal_for_awsjson_is_wrong_type(recorded: AppSyncSchema) -> None:
    # awslabs/aws-mobile-appsync-sdk-js#554 (AppSync console response).
    result = await run(executable_with_values(recorded), "{ sendEmail(data: {upvotes: 10}) }")
    message, _ = request_error(result)
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
    message, _ = await request_error_of(recorded, query)
    assert message.startswith(
        "Validation error of type WrongType: argument 'statusCreatedAt.beginsWith.createdAt' "
        "with value 'StringValue{value='2019'}' is not a valid 'AWSDateTime'"
    )
    assert message.endswith(" @ 'listItems'")


@pytest.mark.anyio
async def test_missing_field_argument(recorded: AppSyncSchema) -> None:
    # aws-amplify/amplify-js#7435: "Validation error of type MissingFieldArgument: Missing field
    # argument owner" (subscriptions generated without the owner argument).
    message, _ = await request_error_of(recorded, "{ onCreateTodo }")
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
    executable = executable_with_values(blog_schema)
    message, _ = request_error(await run(executable, "{ listPosts }"))
    assert message == (
        "Validation error of type SubSelectionRequired: Sub selection required for type null "
        "of field listPosts @ 'listPosts'"
    )
    message, _ = request_error(await run(executable, "{ getPost(id: 1) { author } }"))
    assert message == (
        "Validation error of type SubSelectionRequired: Sub selection required for type Author "
        "of field author @ 'getPost/author'"
    )


@pytest.mark.anyio
async def test_sub_selection_not_allowed(blog_schema: AppSyncSchema) -> None:
    # graphql-java ScalarLeafs: "Sub selection not allowed on leaf type %s of field %s".
    message, _ = await request_error_of(blog_schema, "{ getPost(id: 1) { body { x } } }")
    assert message == (
        "Validation error of type SubSelectionNotAllowed: Sub selection not allowed on leaf "
        "type String of field body @ 'getPost/body'"
    )


@pytest.mark.anyio
async def test_unknown_argument(blog_schema: AppSyncSchema) -> None:
    # graphql-java KnownArgumentNames: "Unknown field argument %s".
    message, _ = await request_error_of(blog_schema, "{ getPost(id: 1, x: 2) { id } }")
    assert message == (
        "Validation error of type UnknownArgument: Unknown field argument x @ 'getPost'"
    )


@pytest.mark.anyio
async def test_undefined_and_unused_variables(blog_schema: AppSyncSchema) -> None:
    # graphql-java NoUndefinedVariables / NoUnusedVariables.
    result = await run(
        executable_with_values(blog_schema), "query Q($a: Int) { getPost(id: $b) { id } }"
    )
    assert result.data is None
    messages = [error.message for error in result.errors or []]
    assert messages == [
        "Validation error of type UndefinedVariable: Undefined variable b @ 'getPost'",
        "Validation error of type UnusedVariable: Unused variable a",
    ]


@pytest.mark.anyio
async def test_unknown_type(blog_schema: AppSyncSchema) -> None:
    # graphql-java KnownTypeNames: "Unknown type %s".
    result = await run(
        executable_with_values(blog_schema), "query ($a: Nope) { listPosts(limit: 1) { id } }"
    )
    assert "Validation error of type UnknownType: Unknown type Nope" in [
        error.message for error in result.errors or []
    ]


@pytest.mark.anyio
async def test_fields_conflict(blog_schema: AppSyncSchema) -> None:
    # graphql-java OverlappingFieldsCanBeMerged: "%s: %s and %s are different fields".
    result = await run(
        executable_with_values(blog_schema), "{ a: listPosts { id } a: getPost(id: 1) { id } }"
    )
    message, locations = request_error(result)
    assert message == (
        "Validation error of type FieldsConflict: a: listPosts and getPost are different fields"
    )
    assert len(locations) == 2


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
    result = await run(executable_with_values(blog_schema), query)
    assert result.data is None
    assert expected in [error.message for error in result.errors or []]


@pytest.mark.anyio
async def test_errors_inside_a_fragment_start_the_path_at_the_fragment(
    blog_schema: AppSyncSchema,
) -> None:
    # graphql-java's TraversalContext pushes the fragment definition's name, then field names.
    query = "{ listPosts { ...F } } fragment F on Post { author { nope } }"
    message, _ = await request_error_of(blog_schema, query)
    assert message == (
        "Validation error of type FieldUndefined: Field 'nope' in type 'Author' is undefined "
        "@ 'F/author/nope'"
    )


@pytest.mark.anyio
async def test_operation_the_schema_has_no_root_for(write_sdl: WriteSdl) -> None:
    # graphql-java's MissingRootTypeException text (its executor, not a validation rule).
    schema = load_schema(write_sdl("type Query { a: String }"))
    message, _ = await request_error_of(schema, "mutation { a }")
    assert message == "Schema is not configured for mutations."


def _messages(schema: AppSyncSchema, query: str) -> list[str]:
    document = parse(query)
    return [error.message for error in validate_document(schema.graphql_schema, document)]


def test_validation_stops_at_graphql_javas_hundredth_error(blog_schema: AppSyncSchema) -> None:
    """graphql-java's ValidationErrorCollector (graphql-java#2553): 99 errors, then one saying
    the limit is reached, and validation stops."""
    query = "{ " + " ".join(f"bad{n}" for n in range(500)) + " }"
    messages = _messages(blog_schema, query)
    assert len(messages) == MAX_VALIDATION_ERRORS == 100
    assert messages[98] == (
        "Validation error of type FieldUndefined: Field 'bad98' in type 'Query' is undefined "
        "@ 'bad98'"
    )
    assert messages[99] == (
        "Validation error of type MaxValidationErrorsReached: The maximum number of validation "
        "errors has been reached. (100)"
    )


def test_ninety_nine_errors_are_all_reported_without_the_limit_error(
    blog_schema: AppSyncSchema,
) -> None:
    query = "{ " + " ".join(f"bad{n}" for n in range(99)) + " }"
    messages = _messages(blog_schema, query)
    assert len(messages) == 99
    assert "MaxValidationErrorsReached" not in messages[-1]


def test_paths_and_holders_found_after_the_visit_are_each_errors_own(
    blog_schema: AppSyncSchema,
) -> None:
    """The errors whose query path or directive holder graphql-core does not give are resolved
    together in one more pass: each still names its own."""
    query = (
        "query Q($a: Int) { listPosts @skip(if: true) @skip(if: true) { id } "
        "getPost { title @include(if: true) @include(if: true) } } "
        "fragment F on Post { author { posts(x: $b) { id } } }"
    )
    messages = _messages(blog_schema, query)
    assert (
        "Validation error of type DuplicateDirectiveName: Non repeatable directives must be "
        "uniquely named within a location. The directive 'skip' used on a 'Field' is not "
        "unique. @ 'listPosts'"
    ) in messages
    assert (
        "Validation error of type DuplicateDirectiveName: Non repeatable directives must be "
        "uniquely named within a location. The directive 'include' used on a 'Field' is not "
        "unique. @ 'getPost/title'"
    ) in messages
    assert (
        "Validation error of type MissingFieldArgument: Missing field argument id @ 'getPost'"
        in (messages)
    )
