"""Offline sync as Amplify DataStore drives it, through the real server: DataStore-shaped
mutations (an `input` carrying `_version`, a selection of `_version _deleted _lastChangedAt`)
on the VTL templates Amplify's transformer generates for an @model with conflict detection, one
model per conflict handler, each on its own versioned table:

- Note: OPTIMISTIC_CONCURRENCY, Post: AUTOMERGE, Comment: LAMBDA (a local handler), Reply:
  LAMBDA (a declared Node.js function, named by `lambdaConflictHandlerArn`),

checked against "Conflict detection and resolution in AWS AppSync"
(https://docs.aws.amazon.com/appsync/latest/devguide/conflict-detection-and-resolution.html):
a rejected mutation is `ConflictUnhandled` with the server's item as the error's `data` (what
DataStore hands its conflict handler); Automerge keeps the server's scalars and appends lists;
a Lambda handler's RESOLVE, REMOVE and REJECT; and `sync<Model>s` returns what changed.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.conftest import REPO_ROOT
from tests.integration.conftest import Server, serve

KEY = "da2-localdatastoresynckey000"
TEMPLATES = REPO_ROOT / "tests" / "conformance" / "dynamodb" / "templates" / "amplify"
HANDLERS = {
    "Note": "OPTIMISTIC_CONCURRENCY",
    "Post": "AUTOMERGE",
    "Comment": "LAMBDA",
    "Reply": "LAMBDA",
}
LAMBDA_CONFIGS = {
    "Comment": "{handler: 'datastore_conflicts:handler'}",
    "Reply": "{lambdaConflictHandlerArn: 'arn:aws:lambda:us-east-1:123456789012:function:replies'}",
}
SELECTION = "id title tags createdAt updatedAt _version _deleted _lastChangedAt"

MODEL_SDL = """
type {m} {{
  id: ID!
  title: String
  tags: [String]
  createdAt: AWSDateTime!
  updatedAt: AWSDateTime!
  _version: Int!
  _deleted: Boolean
  _lastChangedAt: AWSTimestamp!
}}
type Model{m}Connection {{ items: [{m}]! nextToken: String startedAt: AWSTimestamp }}
input Create{m}Input {{ id: ID title: String tags: [String] _version: Int }}
input Update{m}Input {{ id: ID! title: String tags: [String] _version: Int }}
input Delete{m}Input {{ id: ID! _version: Int }}
extend type Query {{
  sync{m}s(limit: Int, nextToken: String, lastSync: AWSTimestamp): Model{m}Connection
}}
extend type Mutation {{
  create{m}(input: Create{m}Input!): {m}
  update{m}(input: Update{m}Input!): {m}
  delete{m}(input: Delete{m}Input!): {m}
}}
"""

# The Comment model's Lambda conflict handler: RESOLVE a stale update whose title starts with
# "!" with the incoming item, REMOVE on a stale delete, REJECT anything else.
CONFLICT_HANDLER = """
EVENTS = []

def handler(event, context):
    EVENTS.append(event)
    if event["resolver"]["field"] == "deleteComment":
        return {"action": "REMOVE"}
    if (event["newItem"].get("title") or "").startswith("!"):
        return {"action": "RESOLVE", "item": event["newItem"]}
    return {"action": "REJECT"}
"""

# The Reply model's: the same decisions, in a Node.js function run by the local Lambda runtime;
# a resolved item's title says which versions the event carried.
REPLY_CONFLICTS = """
exports.handler = async (event) => {
  if (event.resolver.field === "deleteReply") return { action: "REMOVE" };
  const title = event.newItem.title || "";
  if (!title.startsWith("!")) return { action: "REJECT" };
  const seen = `${title} (v${event.existingItem._version}, ${event.resolver.parentType})`;
  return { action: "RESOLVE", item: { ...event.newItem, title: seen } };
};
"""


def _definition() -> str:
    sources, resolvers = [], []
    for model, handler in HANDLERS.items():
        sources.append(
            f"""  - name: {model}Table
    type: AMAZON_DYNAMODB
    dynamodbConfig:
      tableName: {model}
      versioned: true
      deltaSyncConfig:
        {{baseTableTTL: 43200, deltaSyncTableName: DataStoreDelta, deltaSyncTableTTL: 30}}
"""
        )
        sync = f"{{conflictDetection: VERSION, conflictHandler: {handler}}}"
        if handler == "LAMBDA":
            sync = (
                "{conflictDetection: VERSION, conflictHandler: LAMBDA, "
                f"lambdaConflictHandlerConfig: {LAMBDA_CONFIGS[model]}}}"
            )
        for field, request, response in (
            (f"create{model}", f"create{model}.req.vtl", "Mutation.res.vtl"),
            (f"update{model}", f"update{model}.req.vtl", "Mutation.res.vtl"),
            (f"delete{model}", "Mutation.deletePost.versioned.req.vtl", "Mutation.res.vtl"),
        ):
            resolvers.append(
                f"""  - typeName: Mutation
    fieldName: {field}
    dataSourceName: {model}Table
    requestMappingTemplate: {request}
    responseMappingTemplate: {response}
    syncConfig: {sync}
"""
            )
        resolvers.append(
            f"""  - typeName: Query
    fieldName: sync{model}s
    dataSourceName: {model}Table
    requestMappingTemplate: Query.syncPosts.req.vtl
    responseMappingTemplate: Query.res.vtl
"""
        )
    tables = "".join(
        f"""      - TableName: {model}
        KeySchema: [{{AttributeName: id, KeyType: HASH}}]
        AttributeDefinitions: [{{AttributeName: id, AttributeType: S}}]
        BillingMode: PAY_PER_REQUEST
"""
        for model in HANDLERS
    )
    return (
        "name: datastore\nschema: schema.graphql\nauthenticationType: API_KEY\n"
        f"apiKeys: [{{id: {KEY}}}]\n"
        "dataSources:\n"
        + "".join(sources)
        + "resolvers:\n"
        + "".join(resolvers)
        + "server:\n  dynamodb:\n    endpoint: false\n    tables:\n"
        + tables
        + "  lambda:\n    functions:\n"
        + "      - {FunctionName: replies, Runtime: nodejs20.x, Handler: index.handler, "
        + "CodeUri: replies}\n"
    )


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp("datastore")
    schema = "type Query { _: Boolean }\ntype Mutation { _: Boolean }\n"
    schema += "".join(MODEL_SDL.format(m=model) for model in HANDLERS)
    (folder / "schema.graphql").write_text(schema)
    for template in TEMPLATES.glob("*.vtl"):
        (folder / template.name).write_text(template.read_text())
    for model in HANDLERS:
        for kind in ("create", "update"):
            text = (TEMPLATES / f"Mutation.{kind}Post.req.vtl").read_text()
            (folder / f"{kind}{model}.req.vtl").write_text(text.replace('"Post"', f'"{model}"'))
    (folder / "datastore_conflicts.py").write_text(CONFLICT_HANDLER)
    (folder / "replies").mkdir()
    (folder / "replies" / "index.js").write_text(REPLY_CONFLICTS)
    (folder / "appsync.yaml").write_text(_definition())
    with serve(folder / "appsync.yaml") as running:
        yield running


def _graphql(server: Server, query: str, **variables: Any) -> dict[str, Any]:
    response = httpx.post(
        server.url, json={"query": query, "variables": variables}, headers={"x-api-key": KEY}
    )
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    return body


def _mutate(server: Server, field: str, **values: Any) -> dict[str, Any]:
    kind = "Delete" if field.startswith("delete") else field[0].upper() + field[1:]
    model = field.removeprefix("create").removeprefix("update").removeprefix("delete")
    input_type = f"{kind[:6]}{model}Input" if kind != "Delete" else f"Delete{model}Input"
    query = f"mutation Save($input: {input_type}!) {{ {field}(input: $input) {{ {SELECTION} }} }}"
    return _graphql(server, query, input=values)


def test_a_stale_update_is_rejected_with_the_servers_item(server: Server) -> None:
    created = _mutate(server, "createNote", id="n1", title="Draft")["data"]["createNote"]
    assert (created["_version"], created["_deleted"]) == (1, None)
    updated = _mutate(server, "updateNote", id="n1", title="Final", _version=1)
    assert updated["data"]["updateNote"]["_version"] == 2
    stale = _mutate(server, "updateNote", id="n1", title="Late", _version=1)
    assert stale["data"] == {"updateNote": None}
    [error] = stale["errors"]
    # What DataStore's conflict handler receives: the server's item in `data`.
    assert (error["errorType"], error["message"], error["path"]) == (
        "ConflictUnhandled",
        "Conflict resolver rejects mutation.",
        ["updateNote"],
    )
    assert (error["data"]["title"], error["data"]["_version"]) == ("Final", 2)


def test_automerge_keeps_the_servers_scalars_and_appends_lists(server: Server) -> None:
    _mutate(server, "createPost", id="p1", title="Draft", tags=["a"])
    _mutate(server, "updatePost", id="p1", title="Edited online", _version=1)
    # A device that was offline still holds version 1.
    merged = _mutate(server, "updatePost", id="p1", title="Edited offline", tags=["b"], _version=1)
    assert "errors" not in merged
    post = merged["data"]["updatePost"]
    assert (post["title"], post["tags"], post["_version"]) == ("Edited online", ["a", "b"], 3)
    synced = _graphql(server, "{ syncPosts { items { id title tags _version } startedAt } }")
    [item] = synced["data"]["syncPosts"]["items"]
    assert item == {"id": "p1", "title": "Edited online", "tags": ["a", "b"], "_version": 3}


def test_a_lambda_conflict_handler_resolves_removes_and_rejects(server: Server) -> None:
    _mutate(server, "createComment", id="c1", title="Draft")
    _mutate(server, "updateComment", id="c1", title="Online", _version=1)
    rejected = _mutate(server, "updateComment", id="c1", title="Offline", _version=1)
    assert rejected["errors"][0]["errorType"] == "ConflictUnhandled"
    assert rejected["errors"][0]["data"]["title"] == "Online"
    resolved = _mutate(server, "updateComment", id="c1", title="!Offline", _version=1)
    assert resolved["data"]["updateComment"]["title"] == "!Offline"
    assert resolved["data"]["updateComment"]["_version"] == 3
    handler = sys.modules["datastore_conflicts"]
    event = handler.EVENTS[-1]
    # The documented event: an API key caller has no identity.
    assert set(event) == {"newItem", "existingItem", "arguments", "resolver", "identity"}
    assert event["identity"] is None
    assert event["resolver"]["parentType"] == "Mutation"
    # The mutation's arguments (with what Amplify's template put into them: timestamps).
    sent = {"id": "c1", "title": "!Offline", "_version": 1}
    assert event["arguments"]["input"].items() >= sent.items()
    removed = _mutate(server, "deleteComment", id="c1", _version=1)
    comment = removed["data"]["deleteComment"]
    assert (comment["_deleted"], comment["_version"]) == (True, 4)


def test_a_declared_function_named_by_its_arn_resolves_conflicts(server: Server) -> None:
    _mutate(server, "createReply", id="r1", title="Draft")
    _mutate(server, "updateReply", id="r1", title="Online", _version=1)
    rejected = _mutate(server, "updateReply", id="r1", title="Offline", _version=1)
    assert rejected["errors"][0]["errorType"] == "ConflictUnhandled"
    assert rejected["errors"][0]["data"]["title"] == "Online"
    resolved = _mutate(server, "updateReply", id="r1", title="!Offline", _version=1)
    reply = resolved["data"]["updateReply"]
    # The function saw the documented event: the stored item's version, the resolver's type.
    assert (reply["title"], reply["_version"]) == ("!Offline (v2, Mutation)", 3)
    removed = _mutate(server, "deleteReply", id="r1", _version=1)
    assert removed["data"]["deleteReply"]["_deleted"] is True
