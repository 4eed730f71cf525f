"""The bundled example API through the real server: gql's HTTP transport and raw httpx.

Shapes follow AppSync's documented behaviour: field errors beside partial data, direct Lambda
resolvers receiving AppSync's context event, pipeline resolvers, BatchInvoke.
"""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from gql import Client, GraphQLRequest, gql
from gql.transport.appsync_auth import AppSyncApiKeyAuthentication
from gql.transport.exceptions import TransportQueryError
from gql.transport.httpx import HTTPXAsyncTransport

from tests.fixtures.aws_signing import aws_client
from tests.integration.conftest import BLOG_KEY, Server


def _client(server: Server) -> Client:
    auth = AppSyncApiKeyAuthentication(host=f"{server.host}:{server.port}", api_key=BLOG_KEY)
    return Client(transport=HTTPXAsyncTransport(url=server.url, headers=auth.get_headers()))


def _post(server: Server, body: dict[str, Any]) -> httpx.Response:
    return httpx.post(server.url, json=body, headers={"x-api-key": BLOG_KEY}, timeout=10)


@pytest.mark.anyio
async def test_query_with_variables_through_gql(blog: Server) -> None:
    query = gql(
        """
        query GetPost($id: ID!) {
          getPost(id: $id) { id title tags metadata publishedAt author { name email } }
        }
        """
    )
    async with _client(blog) as session:
        result = await session.execute(GraphQLRequest(query, variable_values={"id": "p1"}))
    assert result == {
        "getPost": {
            "id": "p1",
            "title": "Notes on the Analytical Engine",
            "tags": ["history", "computing"],
            # An AWSJSON value is returned as a JSON string (AppSync scalar reference).
            "metadata": '{"readingMinutes":4}',
            "publishedAt": "2026-01-05T09:30:00.000Z",
            "author": {"name": "Ada Lovelace", "email": "ada@example.com"},
        }
    }


@pytest.mark.anyio
async def test_pipeline_mutation_through_gql(blog: Server) -> None:
    mutation = gql(
        """
        mutation Create($input: CreatePostInput!) {
          createPost(input: $input) { id title authorId author { id } tags }
        }
        """
    )
    variables = {"input": {"title": "  Padded  ", "content": "c", "authorId": "a2"}}
    async with _client(blog) as session:
        created = await session.execute(GraphQLRequest(mutation, variable_values=variables))
        fetched = await session.execute(
            GraphQLRequest(
                "query Get($id: ID!) { getPost(id: $id) { title } }",
                variable_values={"id": created["createPost"]["id"]},
            )
        )
    # The before handler trimmed the title; checkAuthor then savePost ran in order.
    assert created["createPost"]["title"] == "Padded"
    assert created["createPost"]["author"] == {"id": "a2"}
    assert created["createPost"]["tags"] == []
    assert fetched == {"getPost": {"title": "Padded"}}


@pytest.mark.anyio
async def test_pipeline_function_error_fails_the_field(blog: Server) -> None:
    mutation = gql(
        'mutation { createPost(input: {title: "t", content: "c", authorId: "nobody"}) { id } }'
    )
    async with _client(blog) as session:
        with pytest.raises(TransportQueryError) as caught:
            await session.execute(mutation)
    assert caught.value.data == {"createPost": None}
    assert caught.value.errors == [
        {
            "path": ["createPost"],
            "data": None,
            "errorType": "NotFound",
            "errorInfo": None,
            # gql sends the document as graphql-core prints it: the field on line 2, column 3.
            "locations": [{"line": 2, "column": 3, "sourceName": None}],
            "message": "Author nobody not found",
        }
    ]


def test_fragments_and_aliases(blog: Server) -> None:
    query = """
    query {
      first: getPost(id: "p1") { ...postFields }
      second: getPost(id: "p2") { ...postFields heading: title }
    }
    fragment postFields on Post { id author { name } }
    """
    response = _post(blog, {"query": query})
    assert response.status_code == 200
    assert response.json() == {
        "data": {
            "first": {"id": "p1", "author": {"name": "Ada Lovelace"}},
            "second": {
                "id": "p2",
                "author": {"name": "Alan Turing"},
                "heading": "Computable numbers",
            },
        }
    }


def test_nested_relations_and_none_resolver(blog: Server) -> None:
    query = """
    { getAuthor(id: "a1") { name posts { id comments { author content } } } echo(message: "hi") }
    """
    response = _post(blog, {"query": query})
    data = response.json()["data"]
    assert data["echo"] == "hi"
    assert data["getAuthor"]["name"] == "Ada Lovelace"
    # Other tests add posts and comments to the shared in-memory data: look for the seed's.
    [first] = [post for post in data["getAuthor"]["posts"] if post["id"] == "p1"]
    assert {"author": "Charles", "content": "Splendid."} in first["comments"]


def test_lambda_failure_is_a_field_error_and_siblings_stand(blog: Server) -> None:
    query = """
    mutation {
      addComment(postId: "missing", author: "a", content: "b") { id }
    }
    """
    response = _post(blog, {"query": query})
    body = response.json()
    assert response.status_code == 200
    assert body["data"] == {"addComment": None}
    [error] = body["errors"]
    # A raising Python handler is Lambda's unhandled error (aws-appsync-community#209).
    assert error["errorType"] == "Lambda:Unhandled"
    assert error["message"] == "Post missing does not exist"
    assert error["path"] == ["addComment"]


def test_get_request_serves_a_query(blog: Server) -> None:
    response = httpx.get(
        blog.url,
        params={
            "query": "query Get($id: ID!) { getPost(id: $id) { title } }",
            "variables": '{"id": "p2"}',
        },
        headers={"x-api-key": BLOG_KEY},
        timeout=10,
    )
    assert response.status_code == 200
    assert response.json() == {"data": {"getPost": {"title": "Computable numbers"}}}


def test_operation_name_selects_the_operation(blog: Server) -> None:
    query = 'query A { echo(message: "a") } query B { echo(message: "b") }'
    response = _post(blog, {"query": query, "operationName": "B"})
    assert response.json() == {"data": {"echo": "b"}}


def test_every_response_carries_a_request_id(blog: Server) -> None:
    ids = set()
    for _ in range(3):
        response = _post(blog, {"query": '{ echo(message: "x") }'})
        assert response.headers["content-type"].startswith("application/json")
        request_id = uuid.UUID(response.headers["x-amzn-requestid"])
        # AWS's x-amzn-requestid is a random (version-4) UUID, a new one per request (the
        # reference's recorded requestId "82035a43-..."; API Gateway's 68c4fad4-ca27-49cb-...).
        assert (request_id.version, request_id.variant) == (4, uuid.RFC_4122)
        assert str(request_id) == response.headers["x-amzn-requestid"]
        ids.add(request_id)
    assert len(ids) == 3


def test_browsers_get_appsync_cors_answers(blog: Server) -> None:
    preflight = httpx.options(
        blog.url,
        headers={
            "origin": "http://localhost:3000",
            "access-control-request-method": "POST",
            "access-control-request-headers": "content-type,x-api-key",
        },
    )
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == "*"
    allowed = preflight.headers["access-control-allow-headers"].lower().split(",")
    assert {"content-type", "x-api-key", "authorization", "x-amz-user-agent"} <= set(allowed)
    response = _post(blog, {"query": '{ echo(message: "cors") }'})
    assert response.headers["access-control-allow-origin"] == "*"


@pytest.mark.anyio
async def test_the_nodejs_function_counts_likes_in_the_embedded_dynamodb(blog: Server) -> None:
    # A post of its own, so other tests' likes do not count.
    created = _post(
        blog,
        {
            "query": 'mutation { createPost(input: {title: "Liked", content: "c", authorId: "a1"})'
            " { id likes } }"
        },
    ).json()["data"]["createPost"]
    assert created["likes"] == 0
    post_id = created["id"]
    liked = _post(
        blog,
        {
            "query": "mutation Like($id: ID!) "
            "{ a: likePost(postId: $id) b: likePost(postId: $id) }",
            "variables": {"id": post_id},
        },
    ).json()
    # Mutation fields run one after the other: UpdateItem's ADD counts up.
    assert liked == {"data": {"a": 1, "b": 2}}
    posts = _post(blog, {"query": "{ listPosts { id likes } }"}).json()["data"]["listPosts"]
    assert {"id": post_id, "likes": 2} in posts
    # The count is an item of the embedded DynamoDB, which boto3 reads on the AWS endpoint.
    dynamodb = aws_client("dynamodb", f"http://{blog.host}:{blog.port}")
    item = dynamodb.get_item(TableName="PostLikes", Key={"postId": {"S": post_id}})["Item"]
    assert item["likes"] == {"N": "2"}
