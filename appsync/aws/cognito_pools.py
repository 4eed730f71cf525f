"""What a user pool's Lambda triggers share (`appsync.aws.cognito_triggers`,
`appsync.aws.cognito_challenges`, `appsync.aws.cognito_migration`): the pool a call names and its
`LambdaConfig`, its users as moto keeps them, the common parameters of a trigger's event, and the
call of a trigger's function with Cognito's errors for its failures.

The common parameters (Amazon Cognito Developer Guide, "Customizing user pool workflows with
Lambda triggers"): `version`, `triggerSource`, `region`, `userPoolId`, `userName`,
`callerContext: {awsSdkVersion, clientId}`, beside the trigger's `request` and `response`.

A function that fails is `UserLambdaValidationException` "<Trigger> failed with error
<errorMessage>." (the shape Amplify's clients show); an answer that is not the event object is
`InvalidLambdaResponseException` "Unrecognizable lambda output"; a trigger naming a function that
is not declared is `UnexpectedLambdaException`.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any

from appsync.aws.cognito_tokens import VERSIONS
from appsync.aws.lambda_ import LocalFunctions
from appsync.aws.requests import AwsResponse
from functions.errors import FunctionsError
from resolvers.datasources.dynamodb_wire import BACKEND_LOCK

logger = logging.getLogger(__name__)

_SDK_VERSION = "aws-sdk-unknown-unknown"
# What Cognito names as the client of an administrator's call.
NO_CLIENT = "CLIENT_ID_NOT_APPLICABLE"
# NotAuthorizedException's message for a sign-in Cognito refuses without saying why.
INCORRECT_PASSWORD = "Incorrect username or password."


class TriggerFailedError(Exception):
    """A trigger's failure (or a flow's refusal), answered as Cognito answers it."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True, slots=True)
class Pool:
    """What a call needs of its user pool: its id, region and triggers."""

    pool_id: str
    region: str
    triggers: dict[str, str]
    # PreTokenGeneration's event version (PreTokenGenerationConfig.LambdaVersion).
    token_version: str = "V1_0"


@dataclass(frozen=True, slots=True)
class PoolUser:
    """A user as the triggers' events show it."""

    name: str
    # With `sub`; the events' map of strings.
    attributes: dict[str, str]
    # (group name, role ARN or "")
    groups: list[tuple[str, str]]
    status: str
    enabled: bool


def trigger_event(pool: Pool, source: str, username: str, client_id: str) -> dict[str, Any]:
    """The common parameters of a trigger's event."""
    return {
        "version": "1",
        "triggerSource": source,
        "region": pool.region,
        "userPoolId": pool.pool_id,
        "userName": username,
        "callerContext": {"awsSdkVersion": _SDK_VERSION, "clientId": client_id},
    }


def attribute_map(raw: Any) -> dict[str, str]:
    """`[{Name, Value}]` as Cognito's events carry attributes: a map of strings."""
    if not isinstance(raw, list):
        return {}
    return {
        str(item["Name"]): str(item.get("Value", ""))
        for item in raw
        if isinstance(item, dict) and "Name" in item
    }


def backends() -> list[Any]:
    """moto's Cognito backends, one a region (to be read under `BACKEND_LOCK`)."""
    from moto.cognitoidp.models import cognitoidp_backends
    from moto.core.models import DEFAULT_ACCOUNT_ID

    return list(cognitoidp_backends[DEFAULT_ACCOUNT_ID].values())


def pool_of(body: dict[str, Any]) -> Pool | None:
    """The pool a call names, by `UserPoolId`, by its app client's `ClientId`, or by the
    `AccessToken` it issued."""
    pool_id, client_id = body.get("UserPoolId"), body.get("ClientId")
    token = body.get("AccessToken")
    with BACKEND_LOCK:
        for backend in backends():
            for pool in backend.user_pools.values():
                named = pool.id == pool_id or (client_id is not None and client_id in pool.clients)
                if named or (isinstance(token, str) and token in pool.access_tokens):
                    triggers = pool.extended_config.get("LambdaConfig") or {}
                    called = {k: str(v) for k, v in triggers.items() if isinstance(v, str)}
                    config = triggers.get("PreTokenGenerationConfig")
                    version = "V1_0"
                    if isinstance(config, dict) and isinstance(config.get("LambdaArn"), str):
                        # It wins over `PreTokenGeneration` (the same function, or the V1 one).
                        called["PreTokenGeneration"] = config["LambdaArn"]
                        if config.get("LambdaVersion") in VERSIONS:
                            version = str(config["LambdaVersion"])
                    return Pool(pool.id, pool.region, called, version)
    return None


def moto_pool(pool: Pool) -> Any:
    """moto's pool of `pool` (under `BACKEND_LOCK`)."""
    for backend in backends():
        found = backend.user_pools.get(pool.pool_id)
        if found is not None:
            return found
    return None


def user_of(pool: Pool, username: str) -> PoolUser | None:
    """The user `username` names (a username or an alias moto knows), or None."""
    with BACKEND_LOCK:
        found = moto_pool(pool)
        user = None if found is None or not username else found._get_user(username)
        if user is None:
            return None
        attributes = {"sub": user.id, **attribute_map(user.attributes)}
        groups = [(group.group_name, group.role_arn or "") for group in user.groups]
        status = str(getattr(user.status, "value", user.status))
        return PoolUser(user.username, attributes, groups, status, bool(user.enabled))


def password_of(pool: Pool, username: str) -> str | None:
    """The password moto keeps for the user (what an SRP proof is checked against)."""
    with BACKEND_LOCK:
        found = moto_pool(pool)
        user = None if found is None or not username else found._get_user(username)
        password = getattr(user, "password", None)
        return password if isinstance(password, str) else None


def token_user(pool: Pool, access_token: str) -> str:
    """The name of the user an access token of the pool was issued to ("" when none)."""
    with BACKEND_LOCK:
        found = moto_pool(pool)
        issued = None if found is None else found.access_tokens.get(access_token)
        return "" if issued is None else str(issued[1])


def prevents_existence_errors(pool: Pool, client_id: str) -> bool:
    """Whether the app client hides which users exist (`PreventUserExistenceErrors: ENABLED`)."""
    with BACKEND_LOCK:
        found = moto_pool(pool)
        client = None if found is None else found.clients.get(client_id)
        config = {} if client is None else client.extended_config
        return bool(config.get("PreventUserExistenceErrors") == "ENABLED")


def session_minutes(pool: Pool, client_id: str) -> int:
    """How long a session of the app client's sign-in lasts (`AuthSessionValidity`, minutes:
    3 unless the client says otherwise, 3 to 15)."""
    with BACKEND_LOCK:
        found = moto_pool(pool)
        client = None if found is None else found.clients.get(client_id)
        minutes = None if client is None else client.extended_config.get("AuthSessionValidity")
        return minutes if isinstance(minutes, int) and 3 <= minutes <= 15 else 3


def rewritten(response: AwsResponse, body: dict[str, Any]) -> AwsResponse:
    """moto's answer with a changed body (its length is the server's to set again)."""
    headers = [(k, v) for k, v in response.headers if k.lower() != "content-length"]
    return AwsResponse(response.status, json.dumps(body).encode(), headers)


def answer(body: dict[str, Any]) -> AwsResponse:
    """A 200 of Cognito's JSON protocol."""
    headers = [("content-type", "application/x-amz-json-1.1")]
    return AwsResponse(200, json.dumps(body).encode(), headers)


def error_response(code: str, message: str) -> AwsResponse:
    body = json.dumps({"__type": code, "message": message}).encode()
    headers = [("content-type", "application/x-amz-json-1.1"), ("x-amzn-errortype", code)]
    return AwsResponse(400, body, headers)


class TriggerCaller:
    """Runs a pool's trigger function with an event: its answer is the event object it returns."""

    __slots__ = ("_functions",)

    def __init__(self, functions: LocalFunctions) -> None:
        self._functions = functions

    async def __call__(self, pool: Pool, trigger: str, event: dict[str, Any]) -> dict[str, Any]:
        arn = pool.triggers[trigger]
        name = arn.rsplit(":function:", 1)[-1].split(":")[0]
        if not self._functions.declares(name):
            raise TriggerFailedError(
                "UnexpectedLambdaException",
                f"{trigger} invocation failed: the function {arn} is not declared locally",
            )
        try:
            result = await self._functions.invoke(name, json.dumps(event).encode())
        except FunctionsError as error:
            raise TriggerFailedError(
                "UnexpectedLambdaException", f"{trigger} invocation failed due to error {error}"
            ) from error
        if result.function_error is not None:
            message = result.error().get("errorMessage") or ""
            logger.info("the %s trigger of %s failed: %s", trigger, pool.pool_id, message)
            raise TriggerFailedError(
                "UserLambdaValidationException", f"{trigger} failed with error {message}."
            )
        try:
            returned = json.loads(result.payload or b"null")
        except ValueError:
            returned = None
        if not isinstance(returned, dict):
            raise TriggerFailedError(
                "InvalidLambdaResponseException", "Unrecognizable lambda output"
            )
        return returned
