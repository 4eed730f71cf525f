"""SDL files to an AppSync schema: prelude, merged files, every problem with file:line:column."""

from pathlib import Path

import pytest
from graphql import GraphQLObjectType, GraphQLScalarType

from schema.errors import SchemaError, SchemaProblem
from schema.loader import AppSyncSchema, load_schema
from tests.unit.schema.conftest import BLOG_SDL, WriteSdl

AWS_SCALAR_NAMES = (
    "AWSDate",
    "AWSTime",
    "AWSDateTime",
    "AWSTimestamp",
    "AWSEmail",
    "AWSJSON",
    "AWSURL",
    "AWSPhone",
    "AWSIPAddress",
)


def test_aws_scalars_and_directives_are_available_without_declaring_them(
    blog_schema: AppSyncSchema,
) -> None:
    schema = blog_schema.graphql_schema
    for name in AWS_SCALAR_NAMES:
        assert isinstance(schema.get_type(name), GraphQLScalarType)
    for name in ("aws_api_key", "aws_iam", "aws_oidc", "aws_lambda", "aws_cognito_user_pools"):
        assert schema.get_directive(name) is not None
    assert schema.get_directive("aws_subscribe") is not None


def test_builtin_scalars_exist_even_when_the_sdl_uses_none(write_sdl: WriteSdl) -> None:
    schema = load_schema(write_sdl("type Query { id: ID }")).graphql_schema
    for name in ("Int", "Float", "String", "Boolean", "ID"):
        assert schema.get_type(name) is not None


def test_sdl_that_declares_the_aws_scalars_itself_loads(write_sdl: WriteSdl) -> None:
    # An SDL downloaded from AppSync declares the AWS scalars and directives.
    sdl = (
        "scalar AWSDateTime\n"
        "directive @aws_api_key on FIELD_DEFINITION | OBJECT\n"
        "type Query { now: AWSDateTime @aws_api_key }\n"
    )
    schema = load_schema(write_sdl(sdl))
    assert isinstance(schema.graphql_schema.get_type("AWSDateTime"), GraphQLScalarType)


def test_several_files_merge_into_one_schema(write_sdl: WriteSdl) -> None:
    paths = write_sdl(
        "type Query { getPost(id: ID!): Post }",
        "type Post { id: ID! }\nextend type Query { listPosts: [Post] }",
    )
    schema = load_schema(paths).graphql_schema
    assert schema.query_type is not None
    assert set(schema.query_type.fields) == {"getPost", "listPosts"}


def test_every_problem_is_reported_with_file_line_and_column(write_sdl: WriteSdl) -> None:
    first, second = write_sdl(
        "type Query {\n  a: Missing\n}\n",
        "type Bar { x: Int }\ntype Bar { y: Int }\n",
    )
    with pytest.raises(SchemaError) as caught:
        load_schema([first, second])
    problems = caught.value.problems
    assert SchemaProblem(str(first), 2, 6, "Unknown type 'Missing'.") in problems
    assert SchemaProblem(str(second), 2, 6, "There can be only one type named 'Bar'.") in problems
    assert str(problems[0]).startswith(f"{problems[0].file}:{problems[0].line}:")


def test_syntax_errors_in_several_files_are_all_reported(write_sdl: WriteSdl) -> None:
    first, second = write_sdl("type Query {", "type Post { id: ID! ")
    with pytest.raises(SchemaError) as caught:
        load_schema([first, second])
    assert [(p.file, p.line) for p in caught.value.problems] == [(str(first), 1), (str(second), 1)]


def test_unreadable_file_is_a_problem(tmp_path: Path) -> None:
    missing = tmp_path / "missing.graphql"
    with pytest.raises(SchemaError) as caught:
        load_schema([missing])
    assert caught.value.problems[0].file == str(missing)


def test_custom_scalars_are_rejected_as_appsync_does(write_sdl: WriteSdl) -> None:
    # "AWS AppSync doesn't support the creation of user-defined (custom) scalars." (AWS-SCALARS)
    (path,) = write_sdl("scalar DateTime\ntype Query { now: DateTime }")
    with pytest.raises(SchemaError) as caught:
        load_schema([path])
    (problem,) = caught.value.problems
    assert (problem.line, problem.column) == (1, 1)
    assert "DateTime" in problem.message


def test_the_aws_prefix_is_reserved_for_type_names(write_sdl: WriteSdl) -> None:
    # "You cannot use AWS as a prefix for custom object types." (AWS-SCALARS)
    (path,) = write_sdl("type AWSThing { id: ID }\ntype Query { t: AWSThing }")
    with pytest.raises(SchemaError) as caught:
        load_schema([path])
    assert caught.value.problems[0].line == 1


def test_blog_sdl_loads(blog_schema: AppSyncSchema) -> None:
    assert blog_schema.graphql_schema.mutation_type is not None
    assert "onCreatePost" in BLOG_SDL


def test_legacy_comma_separated_interfaces_load(write_sdl: WriteSdl) -> None:
    # graphql-java (and so AppSync) still reads `implements A, B`; graphql-core needs `A & B`.
    sdl = (
        "interface Node { id: ID! }\ninterface Named { name: String }\n"
        "type Item implements Node, Named { id: ID! name: String }\n"
        "type Query { item: Item }\n"
    )
    schema = load_schema(write_sdl(sdl)).graphql_schema
    item = schema.get_type("Item")
    assert isinstance(item, GraphQLObjectType)
    assert [interface.name for interface in item.interfaces] == ["Node", "Named"]


def test_positions_after_a_legacy_interface_list_stay_exact(write_sdl: WriteSdl) -> None:
    sdl = "interface A { x: Int }\ninterface B { x: Int }\ntype C implements A, B { x: Missing }\n"
    (path,) = write_sdl(sdl)
    with pytest.raises(SchemaError) as caught:
        load_schema([path])
    assert SchemaProblem(str(path), 3, 29, "Unknown type 'Missing'.") in caught.value.problems


def test_subscription_must_return_its_mutations_type(write_sdl: WriteSdl) -> None:
    # dabit3/graphql-api-cdk-serverless-postgres#1: AppSync refused a `Post` subscription on a
    # mutation returning `String` with "The subscription has an invalid output type."
    sdl = (
        "type Post { id: ID! }\ntype Query { getPost: Post }\n"
        "type Mutation { deletePost(id: ID!): String }\n"
        'type Subscription {\n  onDeletePost: Post @aws_subscribe(mutations: ["deletePost"])\n}\n'
    )
    (path,) = write_sdl(sdl)
    with pytest.raises(SchemaError) as caught:
        load_schema([path])
    assert caught.value.problems == [
        SchemaProblem(str(path), 5, 3, "The subscription has an invalid output type.")
    ]


def test_subscription_may_drop_non_null_from_its_mutations_type(write_sdl: WriteSdl) -> None:
    sdl = (
        "type Post { id: ID! }\ntype Query { getPost: Post }\n"
        "type Mutation { createPost(id: ID!): Post! }\n"
        'type Subscription { onCreatePost: Post @aws_subscribe(mutations: ["createPost"]) }\n'
    )
    schema = load_schema(write_sdl(sdl))
    assert schema.directives.subscription_trigger("onCreatePost") is not None


def test_directives_are_graphql_javas_and_appsyncs(blog_schema: AppSyncSchema) -> None:
    names = {directive.name for directive in blog_schema.graphql_schema.directives}
    assert {"include", "skip", "deprecated", "aws_subscribe", "aws_api_key"} <= names
    assert not names & {"specifiedBy", "oneOf"}


def test_prelude_directives_read_as_appsyncs_introspection(blog_schema: AppSyncSchema) -> None:
    # The definitions an AppSync schema export lists (argument types and descriptions).
    schema = blog_schema.graphql_schema
    subscribe = schema.get_directive("aws_subscribe")
    assert subscribe is not None
    assert subscribe.description == "Tells the service which mutation triggers this subscription."
    assert str(subscribe.args["mutations"].type) == "[String]"
    groups = schema.get_directive("aws_cognito_user_pools")
    assert groups is not None
    assert str(groups.args["cognito_groups"].type) == "[String]"


ABSTRACT_AUTH_SDL = """
interface Node @aws_iam @aws_api_key { id: ID! }
union SearchResult @aws_cognito_user_pools(cognito_groups: ["Admin"]) @aws_oidc = Film
extend union SearchResult @aws_lambda
type Film implements Node { id: ID! }
type Query { node(id: ID!): Node search: [SearchResult] }
"""


def test_auth_directives_on_interfaces_and_unions_load_as_appsync_deploys_them(
    write_sdl: WriteSdl, caplog: pytest.LogCaptureFixture
) -> None:
    # aws-cdk's code-first InterfaceType renders `interface Node @aws_iam {...}` and AppSync
    # deploys it (awscdk-appsync-utils test/appsync-directives.test.ts).
    caplog.set_level("INFO", logger="schema.loader")
    [path] = write_sdl(ABSTRACT_AUTH_SDL)
    schema = load_schema([path]).graphql_schema
    assert schema.get_type("Node") is not None
    notices = [record.getMessage() for record in caplog.records]
    assert notices == [
        f"{path}:2:16: @aws_iam on interface Node has no effect: AppSync decides access on the "
        "object type a field resolves on and on its fields",
        f"{path}:2:25: @aws_api_key on interface Node has no effect: AppSync decides access on "
        "the object type a field resolves on and on its fields",
        f"{path}:3:20: @aws_cognito_user_pools on union SearchResult has no effect: AppSync "
        "decides access on the object type a field resolves on and on its fields",
        f"{path}:3:71: @aws_oidc on union SearchResult has no effect: AppSync decides access "
        "on the object type a field resolves on and on its fields",
        f"{path}:4:27: @aws_lambda on union SearchResult has no effect: AppSync decides access "
        "on the object type a field resolves on and on its fields",
    ]


def test_other_directives_stay_refused_where_graphql_refuses_them(write_sdl: WriteSdl) -> None:
    sdl = "enum Color @aws_iam { RED }\ntype Query { c: Color @aws_subscribe(mutations: []) }\n"
    with pytest.raises(SchemaError) as refused:
        load_schema(write_sdl(sdl))
    assert [problem.message for problem in refused.value.problems] == [
        "Directive '@aws_iam' may not be used on enum."
    ]
