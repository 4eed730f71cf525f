"""Templates as Amplify's GraphQL transformer (v1, graphql-dynamodb-transformer) generates them
for an `@model type Post`, rendered by our VTL runtime into AppSync DynamoDB request documents.

The template texts (in `amplify/`) follow the transformer's generated Mutation.createPost /
updatePost / deletePost and Query.getPost / listPosts / syncPosts templates; the expected documents
follow "Resolver mapping template reference for DynamoDB" (PutItem, UpdateItem, DeleteItem,
GetItem, Scan, Sync request shapes) and "Transformation helpers in $util.transform".
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from resolvers.context import ContextError
from resolvers.errors import UnauthorizedFieldError, UtilError
from tests.unit.resolvers.runtimes.vtl_templates import LoadTemplates, make_ctx

NOW = "2018-02-06T19:01:35.750Z"
TEMPLATES = Path(__file__).parent / "amplify"


def _template(name: str) -> str:
    return (TEMPLATES / name).read_text(encoding="utf-8")


RESPONSE = _template("Post.res.vtl")

CREATE = _template("Mutation.createPost.req.vtl")

UPDATE = _template("Mutation.updatePost.req.vtl")

DELETE = _template("Mutation.deletePost.req.vtl")

GET = _template("Query.getPost.req.vtl")

LIST = _template("Query.listPosts.req.vtl")

SYNC = _template("Query.syncPosts.req.vtl")


def run(templates: LoadTemplates, template: str, arguments: dict[str, Any]) -> Any:
    return templates(template, RESPONSE).request(make_ctx(arguments))


def test_create_puts_the_item_with_timestamps_and_typename(templates: LoadTemplates) -> None:
    document = run(templates, CREATE, {"input": {"id": "p1", "title": "Hi", "views": 3}})
    assert document == {
        "version": "2018-05-29",
        "operation": "PutItem",
        "key": {"id": {"S": "p1"}},
        "attributeValues": {
            "id": {"S": "p1"},
            "title": {"S": "Hi"},
            "views": {"N": 3},
            "createdAt": {"S": NOW},
            "updatedAt": {"S": NOW},
            "__typename": {"S": "Post"},
        },
        "condition": {"expression": "attribute_not_exists(#id)", "expressionNames": {"#id": "id"}},
    }


def test_create_without_an_id_generates_one(templates: LoadTemplates) -> None:
    document = run(templates, CREATE, {"input": {"title": "Hi"}})
    generated = document["key"]["id"]["S"]
    assert len(generated) == 36
    assert generated.count("-") == 4


def test_create_with_a_condition_joins_it(templates: LoadTemplates) -> None:
    document = run(templates, CREATE, {"input": {"id": "p1"}, "condition": {"title": {"ne": "x"}}})
    assert document["condition"] == {
        "expression": "(attribute_not_exists(#id)) AND #title <> :title_ne",
        "expressionNames": {"#id": "id", "#title": "title"},
        "expressionValues": {":title_ne": {"S": "x"}},
    }


def test_update_with_condition_and_version(templates: LoadTemplates) -> None:
    arguments = {
        "input": {"id": "p1", "title": "New", "body": None, "_version": 3},
        "condition": {"title": {"eq": "Old"}},
    }
    document = run(templates, UPDATE, arguments)
    assert document == {
        "version": "2018-05-29",
        "operation": "UpdateItem",
        "key": {"id": {"S": "p1"}},
        "update": {
            "expression": "SET #title = :title, #updatedAt = :updatedAt, "
            "#__typename = :__typename REMOVE #body",
            "expressionNames": {
                "#title": "title",
                "#body": "body",
                "#updatedAt": "updatedAt",
                "#__typename": "__typename",
            },
            "expressionValues": {
                ":title": {"S": "New"},
                ":updatedAt": {"S": NOW},
                ":__typename": {"S": "Post"},
            },
        },
        "condition": {
            "expression": "(attribute_exists(#id)) AND #title = :title_eq",
            "expressionNames": {"#id": "id", "#title": "title"},
            "expressionValues": {":title_eq": {"S": "Old"}},
        },
        "_version": 3,
    }


def test_update_without_condition_drops_empty_expression_values(
    templates: LoadTemplates,
) -> None:
    document = run(templates, UPDATE, {"input": {"id": "p1", "title": "New"}})
    assert document["condition"] == {
        "expression": "attribute_exists(#id)",
        "expressionNames": {"#id": "id"},
    }
    assert document["_version"] == 0


def test_delete_with_version(templates: LoadTemplates) -> None:
    document = run(templates, DELETE, {"input": {"id": "p1", "_version": 2}})
    assert document == {
        "version": "2018-05-29",
        "operation": "DeleteItem",
        "key": {"id": {"S": "p1"}},
        "condition": {"expression": "attribute_exists(#id)", "expressionNames": {"#id": "id"}},
        "_version": 2,
    }


def test_get(templates: LoadTemplates) -> None:
    assert run(templates, GET, {"id": "p1"}) == {
        "version": "2018-05-29",
        "operation": "GetItem",
        "key": {"id": {"S": "p1"}},
    }


def test_list_with_filter_and_next_token(templates: LoadTemplates) -> None:
    arguments = {
        "filter": {"title": {"contains": "Hello World"}},
        "limit": 5,
        "nextToken": "tok",
    }
    assert run(templates, LIST, arguments) == {
        "version": "2018-05-29",
        "limit": 5,
        "nextToken": "tok",
        "filter": {
            "expression": "contains(#title, :title_contains)",
            "expressionNames": {"#title": "title"},
            "expressionValues": {":title_contains": {"S": "Hello World"}},
        },
        "operation": "Scan",
    }


def test_list_defaults(templates: LoadTemplates) -> None:
    assert run(templates, LIST, {}) == {"version": "2018-05-29", "limit": 10, "operation": "Scan"}


def test_sync(templates: LoadTemplates) -> None:
    assert run(templates, SYNC, {"lastSync": 1517943695750}) == {
        "version": "2018-05-29",
        "operation": "Sync",
        "limit": 100,
        "nextToken": None,
        "lastSync": 1517943695750,
        "filter": None,
    }


def test_response_raises_the_data_source_error_with_the_current_item(
    templates: LoadTemplates,
) -> None:
    code = templates(GET, RESPONSE)
    ctx = make_ctx(
        result={"id": "p1", "_version": 4},
        error=ContextError(
            "The conditional request failed", "DynamoDB:ConditionalCheckFailedException"
        ),
    )
    with pytest.raises(UtilError) as raised:
        code.response(ctx)
    assert raised.value.error_type == "DynamoDB:ConditionalCheckFailedException"
    assert raised.value.data == {"id": "p1", "_version": 4}


def test_response_returns_the_item(templates: LoadTemplates) -> None:
    code = templates(GET, RESPONSE)
    assert code.response(make_ctx(result={"id": "p1", "title": "Hi"})) == {
        "id": "p1",
        "title": "Hi",
    }


# Transformer v2's owner-authorization pipeline function (`@auth(rules: [{allow: owner}])`),
# trimmed to the owner rule: it stamps the owner on create and refuses another user's owner.
OWNER_AUTH = _template("Mutation.createPost.auth.1.req.vtl")


def test_owner_auth_stamps_the_owner_for_a_user_pool_caller(templates: LoadTemplates) -> None:
    ctx = make_ctx(
        {"input": {"title": "x"}},
        identity={"sub": "abc", "claims": {"sub": "abc", "username": "bob"}},
        auth_type="User Pool Authorization",
    )
    assert templates(OWNER_AUTH).request(ctx) == {}
    assert ctx.arguments == {"input": {"title": "x", "owner": "abc::bob"}}
    assert ctx.stash == {"hasAuth": True}


def test_owner_auth_refuses_another_users_owner(templates: LoadTemplates) -> None:
    ctx = make_ctx(
        {"input": {"title": "x", "owner": "someone::else"}},
        identity={"sub": "abc", "claims": {"sub": "abc", "username": "bob"}},
        auth_type="User Pool Authorization",
    )
    with pytest.raises(UnauthorizedFieldError) as raised:
        templates(OWNER_AUTH).request(ctx)
    assert raised.value.error_type == "Unauthorized"


def test_owner_auth_refuses_api_key_callers(templates: LoadTemplates) -> None:
    with pytest.raises(UnauthorizedFieldError):
        templates(OWNER_AUTH).request(make_ctx({"input": {"title": "x"}}))


# Transformer v2 splits create into pipeline functions: init (defaults into the stash), then the
# PutItem request built from the stash, its collected conditions and the key condition.
V2_INIT = _template("Mutation.createPost.init.1.req.vtl")
V2_CREATE = _template("Mutation.createPost.req.v2.vtl")


def test_v2_create_pipeline_functions_share_the_stash(templates: LoadTemplates) -> None:
    ctx = make_ctx({"input": {"id": "p9", "title": "Hello"}})
    ctx.stash.update({"conditions": [], "metadata": {}})
    assert templates(V2_INIT).request(ctx) == {"version": "2018-05-29", "payload": {}}
    document = templates(V2_CREATE).request(ctx)
    assert document == {
        "version": "2018-05-29",
        "operation": "PutItem",
        "attributeValues": {
            "id": {"S": "p9"},
            "createdAt": {"S": NOW},
            "updatedAt": {"S": NOW},
            "title": {"S": "Hello"},
            "__typename": {"S": "Post"},
        },
        "condition": {"expression": "attribute_not_exists(#id)", "expressionNames": {"#id": "id"}},
        "key": {"id": {"S": "p9"}},
    }


def test_v2_create_joins_a_caller_condition(templates: LoadTemplates) -> None:
    ctx = make_ctx({"input": {"id": "p9"}, "condition": {"title": {"attributeExists": False}}})
    ctx.stash.update({"conditions": [], "metadata": {}})
    templates(V2_INIT).request(ctx)
    document = templates(V2_CREATE).request(ctx)
    assert document["condition"] == {
        "expression": "(attribute_not_exists(#title) AND attribute_not_exists(#id))",
        "expressionNames": {"#title": "title", "#id": "id"},
    }
