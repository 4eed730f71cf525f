"""`ctx.info.selectionSetList` / `selectionSetGraphQL`, against AppSync's resolver context
reference ("Resolver mapping template context reference", `info`) and the direct Lambda
resolver event example."""

from __future__ import annotations

from graphql import FieldNode, FragmentDefinitionNode, OperationDefinitionNode, build_schema, parse

from appsync.selection import selection_info

SCHEMA = build_schema(
    """
    type Query { getPost(id: ID): Post  node(id: ID!): Node }
    type Post implements Node {
      id: ID postId: ID title: String content: String
      author(id: ID): Author secondAuthor(id: ID): Author comments: [Comment]
    }
    type Author { authorId: ID name: String }
    type Comment { id: ID }
    interface Node { id: ID }
    type Blog implements Node { id: ID title: String category: String }
    """
)


def _info(query: str) -> tuple[tuple[str, ...], str]:
    document = parse(query)
    operation = next(d for d in document.definitions if isinstance(d, OperationDefinitionNode))
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    field = operation.selection_set.selections[0]
    assert isinstance(field, FieldNode)
    return_type = SCHEMA.query_type.fields[field.name.value].type  # type: ignore[union-attr]
    info = selection_info([field], fragments, return_type)
    return info.selection_set_list, info.selection_set_graphql


def test_the_documented_example() -> None:
    selections, _ = _info(
        """
        query {
          getPost(id: "123") {
            postId
            title
            secondTitle: title
            content
            author(id: "456") { authorId name }
            secondAuthor(id: "789") { authorId }
            ... on Post { inlineFragComments: comments { id } }
            ... postFrag
          }
        }
        fragment postFrag on Post { postFragComments: comments { id } }
        """
    )
    assert selections == (
        "postId",
        "title",
        "secondTitle",
        "content",
        "author",
        "author/authorId",
        "author/name",
        "secondAuthor",
        "secondAuthor/authorId",
        "inlineFragComments",
        "inlineFragComments/id",
        "postFragComments",
        "postFragComments/id",
    )


def test_interface_exposes_only_its_own_fields() -> None:
    selections, _ = _info(
        '{ node(id: "post1") { id ... on Post { title } ... on Blog { title } } }'
    )
    assert selections == ("id",)


def test_graphql_text_keeps_inline_fragments_and_spreads() -> None:
    _, text = _info(
        "{ getPost { id ... on Post { title } ...more } } fragment more on Post { content }"
    )
    assert text == "{\n  id\n  ... on Post {\n    title\n  }\n  ...more\n}"


def test_direct_lambda_event_example() -> None:
    selections, text = _info("{ getPost { id title content } }")
    assert selections == ("id", "title", "content")
    assert text == "{\n  id\n  title\n  content\n}"


def test_fragments_spread_twice_at_one_place_are_walked_once() -> None:
    """60 fragments each spreading the next twice: listed once each, not walked 2^60 times."""
    depth = 60
    fragments = "\n".join(
        f"fragment F{n} on Post {{ ... on Post {{ ...F{n + 1} }} ...F{n + 1} }}"
        for n in range(depth)
    )
    selections, printed = _info(
        f'query {{ getPost(id: "1") {{ ...F0 }} }}\n{fragments}\n'
        f"fragment F{depth} on Post {{ title author {{ name }} }}"
    )
    assert selections == ("title", "author", "author/name")
    assert printed == "{\n  ...F0\n}"


def test_the_selection_is_kept_in_the_documents_memo() -> None:
    document = parse('query { getPost(id: "1") { title } }')
    operation = document.definitions[0]
    assert isinstance(operation, OperationDefinitionNode)
    field = operation.selection_set.selections[0]
    assert isinstance(field, FieldNode)
    memo: dict[int, object] = {}
    first = selection_info([field], {}, None, memo)
    assert memo == {id(field): first}
    assert selection_info([field], {}, None, memo) is first
