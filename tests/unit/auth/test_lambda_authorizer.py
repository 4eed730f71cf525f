"""AWS_LAMBDA: AppSync's authorizer event and response contract, run on local handlers.

Event and response shapes: AppSync Developer Guide, "AWS_LAMBDA authorization"
(security-authz.html); `LambdaAuthorizerConfig` for the TTL and identityValidationExpression.
The handlers below are the authorizers under test, referenced as `module:function`.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from auth.clock import ManualClock
from auth.errors import AuthConfigError, UnauthorizedError
from auth.lambda_authorizer import (
    TIMEOUT_SECONDS,
    LambdaAuthorizerConfig,
    LambdaAuthorizerProvider,
)
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


# Set at the end of each test: a synchronous authorizer blocked on it then returns.
RELEASE = threading.Event()


def remaining_time(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return {"isAuthorized": True, "resolverContext": {"ms": context.get_remaining_time_in_millis()}}


async def slow_unless_fast(event: dict[str, Any]) -> dict[str, Any]:
    if event["authorizationToken"] != "fast":
        await asyncio.sleep(60)
    return {"isAuthorized": True}


def hangs_unless_fast(event: dict[str, Any], context: Any) -> dict[str, Any]:
    if event["authorizationToken"] != "fast":
        RELEASE.wait(30)
    return {"isAuthorized": True}


@pytest.fixture(autouse=True)
def _clear_events() -> Iterator[None]:
    EVENTS.clear()
    RELEASE.clear()
    yield
    RELEASE.set()


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
async def test_identity_validation_expression_is_applied_before_invoking(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    authorizer = _authorizer("allow_custom", identity_validation_expression="custom-.*")
    with pytest.raises(UnauthorizedError):
        await authorizer.authenticate(_request("bad-token"))
    assert EVENTS == []
    # Why, at the server's default level, without the token.
    assert [r.getMessage() for r in caplog.records] == [
        "token refused: identityValidationExpression 'custom-.*' does not match it (the whole "
        "value)"
    ]
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
    # Neither a function (`authorizerUri`) nor a local handler: nothing could authorize.
    with pytest.raises(AuthConfigError, match="name the authorizer's function"):
        Authorizer(LambdaAuthorizerConfig(), (), ManualClock(0))


def test_ttl_above_an_hour_is_a_config_error() -> None:
    with pytest.raises(AuthConfigError):
        _authorizer("allow_async", authorizer_result_ttl_in_seconds=3601)


def _provider(handler: str, timeout: float) -> LambdaAuthorizerProvider:
    config = LambdaAuthorizerConfig(handler=f"{HERE}:{handler}")
    return LambdaAuthorizerProvider(config, ManualClock(1_800_000_000), timeout=timeout)


@pytest.mark.anyio
async def test_appsync_waits_ten_seconds_for_the_authorizer() -> None:
    # AppSync's limit for a Lambda authorizer (module docstring of auth.lambda_authorizer).
    assert TIMEOUT_SECONDS == 10.0
    principal = await _authorizer("remaining_time").authenticate(_request("t"))
    assert principal.identity is not None
    assert 5_000 < principal.identity["resolverContext"]["ms"] <= 10_000


@pytest.mark.anyio
@pytest.mark.timeout(10)
@pytest.mark.parametrize("handler", ["slow_unless_fast", "hangs_unless_fast"])
async def test_an_authorizer_past_the_limit_refuses_the_call(handler: str) -> None:
    with pytest.raises(UnauthorizedError) as caught:
        await _provider(handler, 0.2).authenticate("slow", _request("slow"))
    assert caught.value.status_code == 401
    assert caught.value.error_type == "UnauthorizedException"
    assert caught.value.message == "You are not authorized to make this call."


@pytest.mark.anyio
@pytest.mark.timeout(10)
@pytest.mark.parametrize("handler", ["slow_unless_fast", "hangs_unless_fast"])
async def test_others_are_answered_while_authorizers_hang(handler: str) -> None:
    provider = _provider(handler, 1.0)
    hanging = [
        asyncio.create_task(provider.authenticate(f"slow-{n}", _request(f"slow-{n}")))
        for n in range(12)
    ]
    await asyncio.sleep(0)
    # Another token is answered, and the default thread pool (boto3, file reads) is not
    # taken by the hanging synchronous authorizers, before any of them times out.
    assert (await provider.authenticate("fast", _request("fast"))).mode is AuthMode.AWS_LAMBDA
    assert await asyncio.to_thread(lambda: "free") == "free"
    assert not any(task.done() for task in hanging)
    for outcome in await asyncio.gather(*hanging, return_exceptions=True):
        assert isinstance(outcome, UnauthorizedError)
