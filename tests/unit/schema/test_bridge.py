"""The Strawberry seam: a `strawberry.Schema` that runs our graphql-core schema."""

from importlib.metadata import version

from graphql import GraphQLSchema

from schema.bridge import wrap_in_strawberry
from schema.loader import AppSyncSchema


def test_strawberry_seam_runs_our_graphql_core_schema(blog_schema: AppSyncSchema) -> None:
    # Guards the reach into strawberry 0.341.2's Schema._schema.
    assert version("strawberry-graphql") == "0.341.2"
    wrapper = wrap_in_strawberry(blog_schema.graphql_schema)
    assert isinstance(wrapper._schema, GraphQLSchema)
    assert wrapper._schema is blog_schema.graphql_schema
    result = wrapper.execute_sync(
        "{ getPost(id: 1) { id title } }",
        root_value={"getPost": {"id": "1", "title": "Hello"}},
    )
    assert result.errors is None
    assert result.data == {"getPost": {"id": "1", "title": "Hello"}}
