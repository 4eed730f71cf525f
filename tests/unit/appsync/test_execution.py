"""One operation through the Executor: field-level auth, the resolver count limit, a query
that does not parse, a subscription sent over HTTP, the headers resolvers add, and mutations
handed to the publisher."""

from __future__ import annotations

from pathlib import Path

import pytest

from appsync.app import load_api
from appsync.errors import RequestError, RequestErrorType, ResponseBody
from appsync.execution import GraphQLRequest
from appsync.pubsub import Inbox, PublicationKind, topic_name
from definition.appsync_yaml.api import read_appsync_yaml
from tests.unit.appsync.api_support import API_KEY, api_key_caller, load_test_api


async def _run(folder: Path, query: str, extra: str = "") -> tuple[ResponseBody, dict[str, str]]:
    api = load_test_api(folder, extra)
    request = GraphQLRequest(query, None, None)
    prepared = await api.executor.prepare(request)
    result = await api.executor.execute(request, prepared, await api_key_caller(api), {})
    return result.body, result.headers


@pytest.mark.anyio
async def test_a_field_the_callers_mode_may_not_reach_is_null_and_unauthorized(
    tmp_path: Path,
) -> None:
    body, _ = await _run(tmp_path, '{ getPost(id: "p1") { id secret } }')
    # amplify-cli#9121: the field is null with AppSync's Unauthorized error; the rest stands.
    assert body["data"] == {"getPost": {"id": "p1", "secret": None}}
    assert body["errors"] == [
        {
            "path": ["getPost", "secret"],
            "data": None,
            "errorType": "Unauthorized",
            "errorInfo": None,
            "locations": [{"line": 1, "column": 26, "sourceName": None}],
            "message": "Not Authorized to access secret on type Post",
        }
    ]


@pytest.mark.anyio
async def test_past_the_resolver_count_limit_a_resolver_fails_without_running(
    tmp_path: Path,
) -> None:
    body, _ = await _run(tmp_path, "{ a b }", "resolverCountLimit: 1\n")
    assert body["data"] == {"a": "a", "b": None}
    [error] = body.get("errors", [])
    assert (error.get("errorType"), error["message"]) == (
        "ResolverExecutionLimitReached",
        "Resolver invocation limit reached.",
    )


@pytest.mark.anyio
async def test_headers_a_resolver_adds_come_back_with_the_result(tmp_path: Path) -> None:
    _, headers = await _run(tmp_path, "{ b }")
    # A restricted header (content-type) is not added: the server keeps its own.
    assert headers == {"x-cache-status": "MISS"}


@pytest.mark.anyio
async def test_a_query_that_does_not_parse_is_a_malformed_request(tmp_path: Path) -> None:
    api = load_test_api(tmp_path)
    with pytest.raises(RequestError) as refused:
        await api.executor.prepare(GraphQLRequest("{ a", None, None))
    assert (refused.value.status, refused.value.error_type, refused.value.message) == (
        400,
        RequestErrorType.MALFORMED_HTTP_REQUEST,
        "Unable to parse GraphQL query.",
    )


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("query", "operation_name"),
    [
        ('subscription { onAddPost(id: "p1") { id } }', None),
        ('query Q { getPost(id: "p1") { id } } subscription S { onAddPost { id } }', "S"),
    ],
    ids=["alone", "named among others"],
)
async def test_a_subscription_operation_over_http_is_a_bad_request(
    tmp_path: Path, query: str, operation_name: str | None
) -> None:
    # AppSync's answer since MQTT subscriptions were retired (aws-samples/aws-amplify-appsync-
    # graphql-real-time-canvas#28): subscriptions are served on the realtime websocket only.
    api = load_test_api(tmp_path)
    with pytest.raises(RequestError) as refused:
        await api.executor.prepare(GraphQLRequest(query, None, operation_name))
    assert (refused.value.status, refused.value.error_type, refused.value.message) == (
        400,
        RequestErrorType.BAD_REQUEST,
        "Subscriptions over MQTT is not supported.",
    )


@pytest.mark.anyio
async def test_a_query_beside_a_subscription_in_one_document_still_runs(tmp_path: Path) -> None:
    api = load_test_api(tmp_path)
    query = 'query Q { getPost(id: "p1") { id } } subscription S { onAddPost { id } }'
    request = GraphQLRequest(query, None, "Q")
    prepared = await api.executor.prepare(request)
    result = await api.executor.execute(request, prepared, await api_key_caller(api), {})
    assert result.body == {"data": {"getPost": {"id": "p1"}}}


@pytest.mark.anyio
async def test_a_mutations_result_reaches_its_subscribers_topic(tmp_path: Path) -> None:
    api = load_test_api(tmp_path)
    inbox = Inbox()
    api.realtime.broker.subscribe([topic_name(PublicationKind.MUTATION, "addPost")], inbox)
    request = GraphQLRequest('mutation { addPost(id: "p2", title: "T") { id title } }', None, None)
    prepared = await api.executor.prepare(request)
    await api.executor.execute(request, prepared, await api_key_caller(api), {})
    publication = await inbox.get()
    # Cut to the mutation's own selection set: no `secret`.
    assert (publication.field_name, publication.payload) == ("addPost", {"id": "p2", "title": "T"})
    assert inbox.empty()


@pytest.mark.anyio
async def test_auth_directives_on_an_interface_do_not_decide_its_fields(tmp_path: Path) -> None:
    # AppSync decides on the object type a field resolves on ("Not Authorized to access body on
    # type Post", aws-appsync-community#266): Film has no directive, so the default mode
    # (API_KEY) reads it, whatever `@aws_iam` on Node says.
    files = {
        "schema.graphql": (
            "interface Node @aws_iam { id: ID! }\n"
            "type Film implements Node { id: ID! title: String }\n"
            "type Query { node(id: ID!): Node }\n"
        ),
        "film.py": (
            "def request(ctx):\n"
            "    film = {'__typename': 'Film', 'id': ctx.args['id'], 'title': 'Heat'}\n"
            "    return {'payload': film}\n"
            "def response(ctx):\n"
            "    return ctx.result\n"
        ),
        "appsync.yaml": (
            "schema: schema.graphql\nauthenticationType: API_KEY\n"
            f"apiKeys: [{{id: {API_KEY}}}]\n"
            "additionalAuthenticationProviders: [{authenticationType: AWS_IAM}]\n"
            "dataSources: [{name: Local, type: NONE}]\n"
            "resolvers:\n"
            "  - {typeName: Query, fieldName: node, dataSourceName: Local, code: film.py}\n"
        ),
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    api = load_api(read_appsync_yaml(tmp_path / "appsync.yaml"))
    request = GraphQLRequest('{ node(id: "f1") { id ... on Film { title } } }', None, None)
    result = await api.executor.execute(
        request, await api.executor.prepare(request), await api_key_caller(api), {}
    )
    assert result.body == {"data": {"node": {"id": "f1", "title": "Heat"}}}
