"""AWS_LAMBDA: AppSync's authorizer event and response contract, run on local handlers.

Event and response shapes: AppSync Developer Guide, "AWS_LAMBDA authorization"
(security-authz.html); `LambdaAuthorizerConfig` for the TTL and identityValidationExpression.
The handlers below are the authorizers under test, referenced as `module:function`.
"""

from __future__ import annotations

from typing import Any

import pytest

from auth.clock import ManualClock
from auth.errors import AuthConfigError, UnauthorizedError
from auth.lambda_authorizer import LambdaAuthorizerConfig
from auth.modes import AuthMode
from auth.request import AuthRequest, GraphQLRequestInfo
from auth.rules import Authorizer

HERE = __name__
EVENTS: list[dict[str, Any]] = []


def allow_custom(event: dict[str, Any], context: Any) -> dict[str, Any]:
    EVENTS.append(event)
    return {
        "isAuthorized": event["authorizationToken"] == "custom-token",
        "resolverContext": {"userid": "u-1", "tier": "gold"},
        "deniedFields": [
            "Mutation.deletePost",
            "arn:aws:appsync:us-east-1:111122223333:apis/abc123/types/Query/fields/secrets",
        ],
        "ttlOverride": 10,
    }


async def allow_async(event: dict[str, Any]) -> dict[str, Any]:
    EVENTS.append(event)
    return {"isAuthorized": True, "resolverContext": {"async": True}}


def deny_all(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return {"isAuthorized": False}


def broken(event: dict[str, Any], context: Any) -> dict[str, Any]:
    raise RuntimeError("authorizer crashed")


@pytest.fixture(autouse=True)
def _clear_events() -> None:
    EVENTS.clear()


def _authorizer(handler: str, clock: ManualClock | None = None, **config: Any) -> Authorizer:
    lambda_config = LambdaAuthorizerConfig(handler=f"{HERE}:{handler}", **config)
    return Authorizer(lambda_config, (), clock or ManualClock(1_800_000_000))


def _request(token: str) -> AuthRequest:
    graphql = GraphQLRequestInfo("query MyQuery { listPosts { id } }", "MyQuery", {"limit": 5})
    headers = {"authorization": token, "content-type": "application/json"}
    return AuthRequest("POST", "/graphql", headers, b"{}", graphql=graphql)


@pytest.mark.anyio
async def test_authorized_token_gives_resolver_context_and_denied_fields() -> None:
    principal = await _authorizer("allow_custom").authenticate(_request("custom-token"))
    assert principal.mode is AuthMode.AWS_LAMBDA
    assert principal.auth_type == "Lambda Authorization"
    assert principal.identity == {"resolverContext": {"userid": "u-1", "tier": "gold"}}
    # Field ARNs in deniedFields name the same fields as "Type.field".
    assert principal.denied_fields == frozenset({"Mutation.deletePost", "Query.secrets"})


@pytest.mark.anyio
async def test_event_carries_token_request_context_and_headers() -> None:
    await _authorizer("allow_custom", api_id="abc123", account_id="111122223333").authenticate(
        _request("custom-token")
    )
    (event,) = EVENTS
    assert event["authorizationToken"] == "custom-token"
    context = event["requestContext"]
    assert context["apiId"] == "abc123"
    assert context["accountId"] == "111122223333"
    assert context["queryString"] == "query MyQuery { listPosts { id } }"
    assert context["operationName"] == "MyQuery"
    assert context["variables"] == {"limit": 5}
    assert isinstance(context["requestId"], str)
    assert event["requestHeaders"]["content-type"] == "application/json"


@pytest.mark.anyio
async def test_is_authorized_false_is_not_authorized_to_make_this_call() -> None:
    with pytest.raises(UnauthorizedError) as caught:
        await _authorizer("deny_all").authenticate(_request("anything"))
    # amplify-js#9513: AppSync's answer when the authorizer says no.
    assert caught.value.message == "You are not authorized to make this call."
    assert caught.value.status_code == 401


@pytest.mark.anyio
async def test_failing_authorizer_refuses_the_call() -> None:
    with pytest.raises(UnauthorizedError) as caught:
        await _authorizer("broken").authenticate(_request("anything"))
    assert caught.value.message == "You are not authorized to make this call."


@pytest.mark.anyio
async def test_async_one_argument_handler_is_awaited() -> None:
    principal = await _authorizer("allow_async").authenticate(_request("t"))
    assert principal.identity == {"resolverContext": {"async": True}}


@pytest.mark.anyio
async def test_identity_validation_expression_is_applied_before_invoking() -> None:
    authorizer = _authorizer("allow_custom", identity_validation_expression="custom-.*")
    with pytest.raises(UnauthorizedError):
        await authorizer.authenticate(_request("bad-token"))
    assert EVENTS == []
    assert (await authorizer.authenticate(_request("custom-token"))).mode is AuthMode.AWS_LAMBDA
    assert len(EVENTS) == 1


@pytest.mark.anyio
async def test_ttl_override_caches_the_answer_for_that_long() -> None:
    clock = ManualClock(1_800_000_000)
    authorizer = _authorizer("allow_custom", clock)
    for _ in range(3):
        await authorizer.authenticate(_request("custom-token"))
    assert len(EVENTS) == 1
    clock.advance(10)
    await authorizer.authenticate(_request("custom-token"))
    assert len(EVENTS) == 2


@pytest.mark.anyio
async def test_result_ttl_zero_invokes_every_time() -> None:
    authorizer = _authorizer("allow_async")
    await authorizer.authenticate(_request("t"))
    await authorizer.authenticate(_request("t"))
    assert len(EVENTS) == 2


@pytest.mark.anyio
async def test_authorizer_result_ttl_caches_per_token() -> None:
    clock = ManualClock(1_800_000_000)
    authorizer = _authorizer("allow_async", clock, authorizer_result_ttl_in_seconds=300)
    await authorizer.authenticate(_request("a"))
    await authorizer.authenticate(_request("a"))
    await authorizer.authenticate(_request("b"))
    assert [event["authorizationToken"] for event in EVENTS] == ["a", "b"]
    clock.advance(300)
    await authorizer.authenticate(_request("a"))
    assert len(EVENTS) == 3


def test_unknown_handler_is_a_config_error() -> None:
    with pytest.raises(AuthConfigError):
        _authorizer("no_such_function")
    with pytest.raises(AuthConfigError):
        Authorizer(LambdaAuthorizerConfig(handler="not-a-reference"), (), ManualClock(0))


def test_ttl_above_an_hour_is_a_config_error() -> None:
    with pytest.raises(AuthConfigError):
        _authorizer("allow_async", authorizer_result_ttl_in_seconds=3601)
