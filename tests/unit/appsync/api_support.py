"""A small API for the appsync unit tests, built by `load_api` from its definition file: the
real schema, Authorizer (API_KEY, and AWS_IAM beside it), PYTHON resolvers on a NONE data
source, Executor and RealtimeRuntime, with no socket."""

from __future__ import annotations

from pathlib import Path

from appsync.app import LoadedApi, load_api
from auth.identity import Principal
from auth.request import AuthRequest
from definition.appsync_yaml.api import read_appsync_yaml

API_KEY = "da2-appsyncunittestkey000000"

SCHEMA = """
type Post @aws_api_key @aws_iam {
  id: ID!
  title: String
  secret: String @aws_iam
}
type Query {
  getPost(id: ID!): Post
  a: String
  b: String
}
type Mutation {
  addPost(id: ID!, title: String): Post
}
type Subscription {
  onAddPost(id: ID): Post @aws_subscribe(mutations: ["addPost"])
}
"""

# The post named by the arguments, with a secret only AWS_IAM callers may read.
POST_CODE = """
def request(ctx):
    return {"payload": {"id": ctx.args["id"], "title": ctx.args.get("title") or "t", "secret": "s"}}

def response(ctx):
    return ctx.result
"""
# The field's own name as its value.
NAME_CODE = """
def request(ctx):
    return {"payload": ctx.info.fieldName}

def response(ctx):
    return ctx.result
"""
# Adds a response header ("HTTP helpers in $util.http"), and tries to replace a restricted one.
HEADER_TEMPLATE = (
    '$util.http.addResponseHeader("x-cache-status", "MISS")'
    '$util.http.addResponseHeader("content-type", "text/plain")'
    '{"version": "2018-05-29", "payload": "b"}'
)

DEFINITION = f"""
schema: schema.graphql
authenticationType: API_KEY
apiKeys: [{{id: {API_KEY}}}]
additionalAuthenticationProviders:
  - authenticationType: AWS_IAM
dataSources: [{{name: Local, type: NONE}}]
resolvers:
  - {{typeName: Query, fieldName: getPost, dataSourceName: Local, code: post.py}}
  - {{typeName: Mutation, fieldName: addPost, dataSourceName: Local, code: post.py}}
  - {{typeName: Query, fieldName: a, dataSourceName: Local, code: name.py}}
  - typeName: Query
    fieldName: b
    dataSourceName: Local
    requestMappingTemplate: b.req.vtl
    responseMappingTemplate: result.res.vtl
"""


def write_api(folder: Path, extra: str = "") -> Path:
    """The definition and its files in `folder`; `extra` is appended to the definition."""
    files = {
        "schema.graphql": SCHEMA,
        "post.py": POST_CODE,
        "name.py": NAME_CODE,
        "b.req.vtl": HEADER_TEMPLATE,
        "result.res.vtl": "$util.toJson($ctx.result)",
        "appsync.yaml": DEFINITION + extra,
    }
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder / "appsync.yaml"


def load_test_api(folder: Path, extra: str = "") -> LoadedApi:
    return load_api(read_appsync_yaml(write_api(folder, extra)))


async def api_key_caller(api: LoadedApi) -> Principal:
    """The principal the API's own authorizer makes of a request with its API key."""
    return await api.authorizer.authenticate(
        AuthRequest("POST", "/graphql", {"x-api-key": API_KEY}, b"{}")
    )
