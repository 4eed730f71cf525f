"""A user pool's Lambda triggers (`LambdaConfig`), called around moto's Cognito as Amazon Cognito
calls them, by the declared Lambda functions the template's `!GetAtt Fn.Arn` names.

What is called, and when (Amazon Cognito Developer Guide, "Customizing user pool workflows with
Lambda triggers" and each trigger's page; the event is the common parameters `version`,
`triggerSource`, `region`, `userPoolId`, `userName`, `callerContext: {awsSdkVersion, clientId}`,
with the trigger's `request` and `response`):

- `PreSignUp` (`PreSignUp_SignUp`) before SignUp creates the user, with the user's attributes,
  `validationData` and `clientMetadata`; its `response.autoConfirmUser` confirms the user,
  `autoVerifyEmail` / `autoVerifyPhone` set `email_verified` / `phone_number_verified` (when the
  user has that attribute), and SignUp answers `UserConfirmed: true`.
- `PostConfirmation` after ConfirmSignUp and AdminConfirmSignUp (`..._ConfirmSignUp`),
  ConfirmForgotPassword (`..._ConfirmForgotPassword`), and after a SignUp its PreSignUp
  confirmed (as jagregory/cognito-local does), with the user's attributes and
  `cognito:user_status`. The user stays confirmed when the function fails; the call answers
  its error.
- `PreAuthentication` (`PreAuthentication_Authentication`) before a password sign-in
  (InitiateAuth / AdminInitiateAuth with USER_PASSWORD_AUTH, USER_SRP_AUTH,
  ADMIN_USER_PASSWORD_AUTH, ADMIN_NO_SRP_AUTH) of a user that exists; its error refuses it.
- `PostAuthentication` (`PostAuthentication_Authentication`) once a sign-in issues tokens (not
  a refresh); its error withholds them.
- `PreTokenGeneration` (`TokenGeneration_Authentication`, `_RefreshTokens`,
  `_NewPasswordChallenge`) once tokens are issued by InitiateAuth, AdminInitiateAuth,
  RespondToAuthChallenge or AdminRespondToAuthChallenge, with the user's attributes and
  `groupConfiguration`; `PreTokenGenerationConfig`'s function and `LambdaVersion` win over the
  plain trigger. What its answer changes is `appsync.aws.cognito_tokens`'; the tokens whose
  claims changed are signed again with the installation's key.

A function that fails is `UserLambdaValidationException` "<Trigger> failed with error
<errorMessage>." (the shape Amplify's clients show); an answer that is not the event object is
`InvalidLambdaResponseException` "Unrecognizable lambda output"; a trigger naming a function that
is not declared is `UnexpectedLambdaException`. Triggers run outside the embedded services' lock,
so a function may call Cognito or DynamoDB through the endpoint. Other triggers (CustomMessage,
the custom auth challenges, UserMigration, the custom senders) are not called; the template
reader names them in a notice.
"""

from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import dataclass
from typing import Any

from appsync.aws.cognito import signed_again
from appsync.aws.cognito_tokens import (
    VERSIONS,
    claims_of,
    overridden,
    response_key,
    token_source,
)
from appsync.aws.endpoint import ServiceRoute
from appsync.aws.lambda_ import LocalFunctions
from appsync.aws.requests import AwsRequest, AwsResponse, ServiceCall
from definition.model import CALLED_TRIGGERS
from functions.errors import FunctionsError
from resolvers.datasources.dynamodb_wire import BACKEND_LOCK

logger = logging.getLogger(__name__)

_SDK_VERSION = "aws-sdk-unknown-unknown"
# What Cognito names as the client of an administrator's call.
_NO_CLIENT = "CLIENT_ID_NOT_APPLICABLE"
_TOKEN_OPERATIONS = frozenset(
    {"InitiateAuth", "AdminInitiateAuth", "RespondToAuthChallenge", "AdminRespondToAuthChallenge"}
)
_CONFIRMATIONS = {
    "ConfirmSignUp": "PostConfirmation_ConfirmSignUp",
    "AdminConfirmSignUp": "PostConfirmation_ConfirmSignUp",
    "ConfirmForgotPassword": "PostConfirmation_ConfirmForgotPassword",
}
_HANDLED = frozenset({"SignUp", *_CONFIRMATIONS}) | _TOKEN_OPERATIONS
# The flows that sign a user in with a password (PreAuthentication runs before them; the
# refresh flows and a challenge's answer are not a new sign-in).
_SIGN_IN_FLOWS = frozenset(
    {"USER_PASSWORD_AUTH", "ADMIN_USER_PASSWORD_AUTH", "ADMIN_NO_SRP_AUTH", "USER_SRP_AUTH"}
)


class TriggerFailedError(Exception):
    """A trigger's failure, answered as Cognito answers it."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True, slots=True)
class _Pool:
    """What a call needs of its user pool: its id, region and triggers."""

    pool_id: str
    region: str
    triggers: dict[str, str]
    # PreTokenGeneration's event version (PreTokenGenerationConfig.LambdaVersion).
    token_version: str = "V1_0"


class CognitoTriggers:
    """`ServiceRoute` for `cognito-idp`: moto's Cognito (`moto`), with the pools' triggers run by
    the declared `functions`."""

    def __init__(self, moto: ServiceRoute, functions: LocalFunctions | None) -> None:
        self._moto = moto
        self._functions = functions

    async def handle(self, request: AwsRequest, call: ServiceCall) -> AwsResponse:
        operation = call.operation or ""
        if self._functions is None or operation not in _HANDLED:
            return await self._moto.handle(request, call)
        try:
            body = json.loads(request.body or b"{}")
        except ValueError:
            return await self._moto.handle(request, call)
        if not isinstance(body, dict):
            return await self._moto.handle(request, call)
        pool = await asyncio.to_thread(_pool_of, body)
        if pool is None or not any(name in pool.triggers for name in CALLED_TRIGGERS):
            return await self._moto.handle(request, call)
        try:
            if operation == "SignUp":
                return await self._sign_up(request, call, body, pool)
            if operation in _CONFIRMATIONS:
                return await self._confirmed(request, call, body, pool, operation)
            return await self._tokens(request, call, body, pool)
        except TriggerFailedError as error:
            return _error(error.code, error.message)

    async def _sign_up(
        self, request: AwsRequest, call: ServiceCall, body: dict[str, Any], pool: _Pool
    ) -> AwsResponse:
        username = str(body.get("Username") or "")
        client_id = str(body.get("ClientId") or "")
        metadata = body.get("ClientMetadata") or {}
        confirm = verify_email = verify_phone = False
        attributes = _attribute_map(body.get("UserAttributes"))
        if "PreSignUp" in pool.triggers:
            event = _event(pool, "PreSignUp_SignUp", username, client_id)
            event["request"] = {
                "userAttributes": attributes,
                "validationData": _attribute_map(body.get("ValidationData")) or None,
                "clientMetadata": metadata,
            }
            event["response"] = {
                "autoConfirmUser": False,
                "autoVerifyEmail": False,
                "autoVerifyPhone": False,
            }
            answer = await self._call(pool, "PreSignUp", event)
            response = answer.get("response") or {}
            confirm = response.get("autoConfirmUser") is True
            verify_email = response.get("autoVerifyEmail") is True and "email" in attributes
            verify_phone = response.get("autoVerifyPhone") is True and "phone_number" in attributes
        signed_up = await self._moto.handle(request, call)
        if signed_up.status != 200 or not (confirm or verify_email or verify_phone):
            return signed_up
        verified = [("email_verified", verify_email), ("phone_number_verified", verify_phone)]
        await asyncio.to_thread(
            _confirm, pool, username, confirm, [name for name, on in verified if on]
        )
        if not confirm:
            return signed_up
        answer_body = json.loads(signed_up.body)
        answer_body["UserConfirmed"] = True
        result = _rewritten(signed_up, answer_body)
        source = "PostConfirmation_ConfirmSignUp"
        await self._post_confirmation(pool, username, client_id, metadata, source)
        return result

    async def _confirmed(
        self,
        request: AwsRequest,
        call: ServiceCall,
        body: dict[str, Any],
        pool: _Pool,
        operation: str,
    ) -> AwsResponse:
        confirmed = await self._moto.handle(request, call)
        if confirmed.status == 200:
            client_id = str(body.get("ClientId") or _NO_CLIENT)
            metadata = body.get("ClientMetadata") or {}
            username = str(body.get("Username") or "")
            source = _CONFIRMATIONS[operation]
            await self._post_confirmation(pool, username, client_id, metadata, source)
        return confirmed

    async def _post_confirmation(
        self, pool: _Pool, username: str, client_id: str, metadata: Any, source: str
    ) -> None:
        if "PostConfirmation" not in pool.triggers:
            return
        user = await asyncio.to_thread(_user, pool, username)
        if user is None:
            return
        name, attributes, _ = user
        event = _event(pool, source, name, client_id)
        event["request"] = {
            "userAttributes": {**attributes, "cognito:user_status": "CONFIRMED"},
            "clientMetadata": metadata,
        }
        event["response"] = {}
        await self._call(pool, "PostConfirmation", event)

    async def _tokens(
        self, request: AwsRequest, call: ServiceCall, body: dict[str, Any], pool: _Pool
    ) -> AwsResponse:
        """PreAuthentication before a sign-in, then PostAuthentication and PreTokenGeneration
        once the tokens are issued."""
        client_id = str(body.get("ClientId") or _NO_CLIENT)
        metadata = body.get("ClientMetadata") or {}
        signs_in = body.get("AuthFlow") in _SIGN_IN_FLOWS
        username = str((body.get("AuthParameters") or {}).get("USERNAME") or "")
        if signs_in and "PreAuthentication" in pool.triggers:
            user = await asyncio.to_thread(_user, pool, username)
            if user is not None:
                event = _event(pool, "PreAuthentication_Authentication", user[0], client_id)
                event["request"] = {
                    "userAttributes": user[1],
                    "validationData": metadata,
                    "userNotFound": False,
                }
                event["response"] = {}
                await self._call(pool, "PreAuthentication", event)
        issued = await self._moto.handle(request, call)
        if issued.status != 200:
            return issued
        answer = json.loads(issued.body)
        result = answer.get("AuthenticationResult")
        if not isinstance(result, dict) or "IdToken" not in result:
            return issued
        id_claims = claims_of(str(result["IdToken"]))
        user = await asyncio.to_thread(_user, pool, str(id_claims.get("cognito:username") or ""))
        if user is None:
            return issued
        name, attributes, groups = user
        source = token_source(body)
        if source != "TokenGeneration_RefreshTokens" and "PostAuthentication" in pool.triggers:
            event = _event(pool, "PostAuthentication_Authentication", name, client_id)
            event["request"] = {
                "userAttributes": attributes,
                "newDeviceUsed": False,
                "clientMetadata": metadata,
            }
            event["response"] = {}
            await self._call(pool, "PostAuthentication", event)
        if "PreTokenGeneration" not in pool.triggers:
            return issued
        access_claims = claims_of(str(result["AccessToken"]))
        event = _event(pool, source, name, str(id_claims.get("aud") or client_id))
        event["request"] = {
            "userAttributes": attributes,
            "groupConfiguration": {
                "groupsToOverride": [group for group, _ in groups],
                "iamRolesToOverride": [role for _, role in groups if role],
                "preferredRole": None,
            },
            "clientMetadata": metadata,
        }
        key = response_key(pool.token_version)
        if pool.token_version != "V1_0":
            # The guide's V2_0 example: the event's version is the trigger's, and the request
            # carries the scopes the access token would have.
            event["version"] = pool.token_version[1]
            event["request"]["scopes"] = str(access_claims.get("scope") or "").split()
        event["response"] = {key: None}
        returned = await self._call(pool, "PreTokenGeneration", event)
        details = (returned.get("response") or {}).get(key)
        if not isinstance(details, dict):
            return issued
        claims, access = overridden(id_claims, access_claims, details, pool.token_version)
        changed = (claims, claims != id_claims), (access, access != access_claims)
        tokens = await asyncio.to_thread(_signed, pool, result, *changed)
        answer["AuthenticationResult"] = {**result, **tokens}
        return _rewritten(issued, answer)

    async def _call(self, pool: _Pool, trigger: str, event: dict[str, Any]) -> dict[str, Any]:
        """The trigger's function run with `event`: its answer, the event object it returns."""
        assert self._functions is not None
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
            answer = json.loads(result.payload or b"null")
        except ValueError:
            answer = None
        if not isinstance(answer, dict):
            raise TriggerFailedError(
                "InvalidLambdaResponseException", "Unrecognizable lambda output"
            )
        return answer


def _event(pool: _Pool, source: str, username: str, client_id: str) -> dict[str, Any]:
    return {
        "version": "1",
        "triggerSource": source,
        "region": pool.region,
        "userPoolId": pool.pool_id,
        "userName": username,
        "callerContext": {"awsSdkVersion": _SDK_VERSION, "clientId": client_id},
    }


def _attribute_map(raw: Any) -> dict[str, str]:
    """`[{Name, Value}]` as Cognito's events carry attributes: a map of strings."""
    if not isinstance(raw, list):
        return {}
    return {
        str(item["Name"]): str(item.get("Value", ""))
        for item in raw
        if isinstance(item, dict) and "Name" in item
    }


def _backends() -> list[Any]:
    from moto.cognitoidp.models import cognitoidp_backends
    from moto.core.models import DEFAULT_ACCOUNT_ID

    return list(cognitoidp_backends[DEFAULT_ACCOUNT_ID].values())


def _pool_of(body: dict[str, Any]) -> _Pool | None:
    """The pool a call names, by `UserPoolId` or by its app client's `ClientId`."""
    pool_id, client_id = body.get("UserPoolId"), body.get("ClientId")
    with BACKEND_LOCK:
        for backend in _backends():
            for pool in backend.user_pools.values():
                if pool.id == pool_id or (client_id is not None and client_id in pool.clients):
                    triggers = pool.extended_config.get("LambdaConfig") or {}
                    called = {k: str(v) for k, v in triggers.items() if isinstance(v, str)}
                    config = triggers.get("PreTokenGenerationConfig")
                    version = "V1_0"
                    if isinstance(config, dict) and isinstance(config.get("LambdaArn"), str):
                        # It wins over `PreTokenGeneration` (the same function, or the V1 one).
                        called["PreTokenGeneration"] = config["LambdaArn"]
                        if config.get("LambdaVersion") in VERSIONS:
                            version = str(config["LambdaVersion"])
                    return _Pool(pool.id, pool.region, called, version)
    return None


def _moto_pool(pool: _Pool) -> Any:
    for backend in _backends():
        found = backend.user_pools.get(pool.pool_id)
        if found is not None:
            return found
    return None


def _user(pool: _Pool, username: str) -> tuple[str, dict[str, str], list[tuple[str, str]]] | None:
    """The user's name, attributes (with `sub`) and groups (name, role ARN)."""
    with BACKEND_LOCK:
        moto_pool = _moto_pool(pool)
        user = None if moto_pool is None else moto_pool._get_user(username)
        if user is None:
            return None
        attributes = {"sub": user.id, **_attribute_map(user.attributes)}
        groups = [(group.group_name, group.role_arn or "") for group in user.groups]
        return user.username, attributes, groups


def _confirm(pool: _Pool, username: str, confirm: bool, verified: list[str]) -> None:
    """What a PreSignUp answer asks for: the user confirmed, attributes verified."""
    with BACKEND_LOCK:
        moto_pool = _moto_pool(pool)
        user = None if moto_pool is None else moto_pool._get_user(username)
        if user is None:
            return
        if confirm:
            user.status = "CONFIRMED"
        if verified:
            user.update_attributes([{"Name": name, "Value": "true"} for name in verified])


def _rewritten(response: AwsResponse, body: dict[str, Any]) -> AwsResponse:
    """moto's answer with a changed body (its length is the server's to set again)."""
    headers = [(k, v) for k, v in response.headers if k.lower() != "content-length"]
    return AwsResponse(response.status, json.dumps(body).encode(), headers)


def _error(code: str, message: str) -> AwsResponse:
    body = json.dumps({"__type": code, "message": message}).encode()
    headers = [("content-type", "application/x-amz-json-1.1"), ("x-amzn-errortype", code)]
    return AwsResponse(400, body, headers)


def _signed(
    pool: _Pool,
    result: dict[str, Any],
    id_token: tuple[dict[str, Any], bool],
    access_token: tuple[dict[str, Any], bool],
) -> dict[str, str]:
    """The tokens whose claims changed, signed again; moto learns them in place of those it
    issued (so GetUser and the like take the new access token)."""
    tokens = {
        kind: signed_again(claims)
        for kind, (claims, changed) in (("IdToken", id_token), ("AccessToken", access_token))
        if changed
    }
    with BACKEND_LOCK:
        moto_pool = _moto_pool(pool)
        if moto_pool is not None:
            issued_by_kind = {
                "IdToken": moto_pool.id_tokens,
                "AccessToken": moto_pool.access_tokens,
            }
            for kind, token in tokens.items():
                issued = issued_by_kind[kind]
                if result[kind] in issued:
                    issued[token] = issued.pop(result[kind])
    return tokens
