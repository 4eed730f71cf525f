"""AWS_LAMBDA through the real server, with an authorizer written as AppSync's Lambda is: a
declared Python function and a declared Node.js function named by `authorizerUri` (run by the
local Lambda runtime in warm workers), and a local Python `handler` called in the server.

Behaviour from "AWS_LAMBDA authorization" (AppSync developer guide, security-authz.html) and
`LambdaAuthorizerConfig` (AppSync API reference): the `Authorization` header is the
`authorizationToken`; the event's `requestContext` carries the query, operation name and
variables; `isAuthorized: false` refuses the request (401, "You are not authorized to make this
call.", amplify-js#9513); `resolverContext` is `$ctx.identity.resolverContext`; `deniedFields`
(`Type.field` or a field ARN) are `Unauthorized` field errors; answers are cached for
`authorizerResultTtlInSeconds` unless `ttlOverride` says otherwise; a token that does not match
`identityValidationExpression` is refused without calling the function.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.integration.conftest import APIS, Server, serve

FOLDER = APIS / "auth_lambda"
REFUSED = {
    "errors": [
        {
            "errorType": "UnauthorizedException",
            "message": "You are not authorized to make this call.",
        }
    ]
}


# The authorizer's forms, and the function name its context reports.
FORMS = {
    "handler": "auth_lambda_authorizer:authorize",
    "python": "authorizer-python",
    "node": "authorizer-node",
}


@pytest.fixture(scope="module", params=list(FORMS))
def form(request: pytest.FixtureRequest) -> str:
    chosen: str = request.param
    return chosen


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, form: str) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp("auth_lambda")
    shutil.copyfile(FOLDER / "auth_lambda_authorizer.py", folder / "auth_lambda_authorizer.py")
    (folder / "node").mkdir()
    shutil.copyfile(FOLDER / "auth_lambda_authorizer.mjs", folder / "node" / "index.mjs")
    authorizer: dict[str, Any] = {
        "authorizerResultTtlInSeconds": 300,
        "identityValidationExpression": "^[a-z]+-[a-z]+$",
    }
    if form == "handler":
        authorizer["handler"] = FORMS[form]
    else:
        # AppSync's authorizerUri: the function's ARN.
        authorizer["authorizerUri"] = (
            f"arn:aws:lambda:us-east-1:123456789012:function:{FORMS[form]}"
        )
    functions = [
        {
            "FunctionName": "authorizer-python",
            "Runtime": "python3.12",
            "Handler": "auth_lambda_authorizer.authorize",
            "CodeUri": ".",
        },
        {
            "FunctionName": "authorizer-node",
            "Runtime": "nodejs20.x",
            "Handler": "index.handler",
            "CodeUri": "node",
        },
    ]
    config = {
        "name": "auth-lambda",
        "schema": str(FOLDER / "schema.graphql"),
        "authenticationType": "AWS_LAMBDA",
        "lambdaAuthorizerConfig": authorizer,
        "server": {"lambda": {"functions": functions}},
        "dataSources": [{"name": "Local", "type": "NONE"}],
        "resolvers": [
            {
                "typeName": "Query",
                "fieldName": field,
                "dataSourceName": "Local",
                "code": str(FOLDER / "auth_lambda_code.py"),
            }
            for field in ("me", "secret", "profile")
        ],
    }
    path = folder / "appsync.json"
    path.write_text(json.dumps(config), encoding="utf-8")
    with serve(path) as running:
        yield running


def post(server: Server, token: str, query: str, **extra: Any) -> httpx.Response:
    return httpx.post(
        server.url,
        json={"query": query, **extra},
        headers={"authorization": token, "user-agent": "auth-lambda-test"},
        timeout=10,
    )


def context_of(response: httpx.Response) -> dict[str, str]:
    identity = json.loads(response.json()["data"]["me"]["identity"])
    context: dict[str, str] = identity["resolverContext"]
    assert set(identity) == {"resolverContext"}
    return context


def test_resolver_context_is_the_identity_and_the_event_carries_the_operation(
    server: Server, form: str
) -> None:
    query = "query Me($tag: String) { me(tag: $tag) { authType identity } }"
    response = post(server, "allow-ada", query, operationName="Me", variables={"tag": "x"})
    assert response.status_code == 200
    assert response.json()["data"]["me"]["authType"] == "Lambda Authorization"
    context = context_of(response)
    assert (context["user"], context["operationName"], context["queryString"]) == (
        "ada",
        "Me",
        query,
    )
    assert json.loads(context["variables"]) == {"tag": "x"}
    assert context["userAgent"] == "auth-lambda-test"
    assert context["functionName"] == FORMS[form]


def test_is_authorized_false_refuses_the_request(server: Server) -> None:
    response = post(server, "deny-bob", "{ secret }")
    assert response.status_code == 401
    assert response.headers["x-amzn-errortype"] == "UnauthorizedException"
    assert response.json() == REFUSED


def test_denied_fields_are_unauthorized_field_errors(server: Server) -> None:
    response = post(server, "limited-cy", "{ secret profile { name email } }")
    assert response.status_code == 200
    body = response.json()
    assert body["data"] == {"secret": None, "profile": {"name": "Ada", "email": None}}
    got = sorted((error["path"], error["errorType"], error["message"]) for error in body["errors"])
    assert got == [
        (["profile", "email"], "Unauthorized", "Not Authorized to access email on type Profile"),
        (["secret"], "Unauthorized", "Not Authorized to access secret on type Query"),
    ]
    assert post(server, "allow-cy", "{ secret }").json() == {"data": {"secret": "s3cret"}}


def test_answers_are_cached_for_the_configured_ttl(server: Server) -> None:
    query = "{ me { identity } }"
    first = context_of(post(server, "allow-dee", query))["call"]
    assert context_of(post(server, "allow-dee", query))["call"] == first


def test_ttl_override_zero_turns_the_cache_off(server: Server) -> None:
    query = "{ me { identity } }"
    first = int(context_of(post(server, "fresh-eve", query))["call"])
    assert int(context_of(post(server, "fresh-eve", query))["call"]) == first + 1


def test_a_token_outside_the_validation_expression_never_reaches_the_function(
    server: Server,
) -> None:
    query = "{ me { identity } }"
    before = int(context_of(post(server, "fresh-fay", query))["call"])
    refused = post(server, "Not A Token!", query)
    assert refused.status_code == 401
    assert refused.json() == REFUSED
    assert int(context_of(post(server, "fresh-fay", query))["call"]) == before + 1
