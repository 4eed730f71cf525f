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
- `PostConfirmation` (`PostConfirmation_ConfirmSignUp`) after ConfirmSignUp and
  AdminConfirmSignUp, and after a SignUp its PreSignUp confirmed (as jagregory/cognito-local
  does), with the user's attributes and `cognito:user_status`. The user stays confirmed when
  the function fails; the call answers its error.
- `PreTokenGeneration` (V1_0: `TokenGeneration_Authentication`, `TokenGeneration_RefreshTokens`,
  `TokenGeneration_NewPasswordChallenge`) once tokens are issued by InitiateAuth,
  AdminInitiateAuth, RespondToAuthChallenge or AdminRespondToAuthChallenge, with the user's
  attributes and `groupConfiguration`; its `claimsOverrideDetails` changes the ID token
  (`claimsToAddOrOverride`, `claimsToSuppress`) and both tokens' `cognito:groups`
  (`groupOverrideDetails.groupsToOverride`), which are signed again with the installation's key.
  The claims that say what the token is (`iss`, `sub`, `aud`, `token_use`, times, ids,
  `cognito:username`) are left as they are.

A function that fails is `UserLambdaValidationException` "<Trigger> failed with error
<errorMessage>." (the shape Amplify's clients show); an answer that is not the event object is
`InvalidLambdaResponseException` "Unrecognizable lambda output"; a trigger naming a function that
is not declared is `UnexpectedLambdaException`. Triggers run outside the embedded services' lock,
so a function may call Cognito or DynamoDB through the endpoint. Other triggers (PreAuthentication,
PostAuthentication, CustomMessage, the custom auth challenges, UserMigration, the custom senders)
are not called; the template reader names them in a notice.
"""

from __future__ import annotations

import asyncio
import base64
import json
import logging
from dataclasses import dataclass
from typing import Any

from appsync.aws.cognito import signed_again
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
_HANDLED = frozenset({"SignUp", "ConfirmSignUp", "AdminConfirmSignUp"}) | _TOKEN_OPERATIONS
# Claims a PreTokenGeneration response does not change: what the token is, for whom, when.
_FIXED_CLAIMS = frozenset(
    {
        *("acr", "amr", "aud", "at_hash", "auth_time", "azp", "cognito:username", "exp"),
        *("iat", "identities", "iss", "jti", "nbf", "nonce", "origin_jti", "sub", "token_use"),
    }
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
            if operation in ("ConfirmSignUp", "AdminConfirmSignUp"):
                return await self._confirmed(request, call, body, pool)
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
        await self._post_confirmation(pool, username, client_id, metadata)
        return result

    async def _confirmed(
        self, request: AwsRequest, call: ServiceCall, body: dict[str, Any], pool: _Pool
    ) -> AwsResponse:
        confirmed = await self._moto.handle(request, call)
        if confirmed.status == 200:
            client_id = str(body.get("ClientId") or _NO_CLIENT)
            metadata = body.get("ClientMetadata") or {}
            await self._post_confirmation(
                pool, str(body.get("Username") or ""), client_id, metadata
            )
        return confirmed

    async def _post_confirmation(
        self, pool: _Pool, username: str, client_id: str, metadata: Any
    ) -> None:
        if "PostConfirmation" not in pool.triggers:
            return
        user = await asyncio.to_thread(_user, pool, username)
        if user is None:
            return
        name, attributes, _ = user
        event = _event(pool, "PostConfirmation_ConfirmSignUp", name, client_id)
        event["request"] = {
            "userAttributes": {**attributes, "cognito:user_status": "CONFIRMED"},
            "clientMetadata": metadata,
        }
        event["response"] = {}
        await self._call(pool, "PostConfirmation", event)

    async def _tokens(
        self, request: AwsRequest, call: ServiceCall, body: dict[str, Any], pool: _Pool
    ) -> AwsResponse:
        issued = await self._moto.handle(request, call)
        if issued.status != 200 or "PreTokenGeneration" not in pool.triggers:
            return issued
        answer = json.loads(issued.body)
        result = answer.get("AuthenticationResult")
        if not isinstance(result, dict) or "IdToken" not in result:
            return issued
        id_claims = _claims(str(result["IdToken"]))
        user = await asyncio.to_thread(_user, pool, str(id_claims.get("cognito:username") or ""))
        if user is None:
            return issued
        name, attributes, groups = user
        event = _event(pool, _token_source(body), name, str(id_claims.get("aud") or ""))
        event["request"] = {
            "userAttributes": attributes,
            "groupConfiguration": {
                "groupsToOverride": [group for group, _ in groups],
                "iamRolesToOverride": [role for _, role in groups if role],
                "preferredRole": None,
            },
            "clientMetadata": body.get("ClientMetadata") or {},
        }
        event["response"] = {"claimsOverrideDetails": None}
        returned = await self._call(pool, "PreTokenGeneration", event)
        details = (returned.get("response") or {}).get("claimsOverrideDetails")
        if not isinstance(details, dict):
            return issued
        access_claims = _claims(str(result["AccessToken"]))
        tokens = await asyncio.to_thread(
            _overridden, pool, result, id_claims, access_claims, details
        )
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


def _token_source(body: dict[str, Any]) -> str:
    flow = body.get("AuthFlow")
    if flow in ("REFRESH_TOKEN_AUTH", "REFRESH_TOKEN"):
        return "TokenGeneration_RefreshTokens"
    if body.get("ChallengeName") == "NEW_PASSWORD_REQUIRED":
        return "TokenGeneration_NewPasswordChallenge"
    return "TokenGeneration_Authentication"


def _attribute_map(raw: Any) -> dict[str, str]:
    """`[{Name, Value}]` as Cognito's events carry attributes: a map of strings."""
    if not isinstance(raw, list):
        return {}
    return {
        str(item["Name"]): str(item.get("Value", ""))
        for item in raw
        if isinstance(item, dict) and "Name" in item
    }


def _claims(token: str) -> dict[str, Any]:
    """The payload of a token moto has just issued (signed by this installation)."""
    payload = token.split(".")[1]
    decoded: dict[str, Any] = json.loads(
        base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    )
    return decoded


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
                    return _Pool(pool.id, pool.region, called)
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


def _overridden(
    pool: _Pool,
    result: dict[str, Any],
    id_claims: dict[str, Any],
    access_claims: dict[str, Any],
    details: dict[str, Any],
) -> dict[str, str]:
    """The tokens with a PreTokenGeneration V1_0 answer applied, signed again (moto learns the
    new ones in place of those it issued)."""
    add = details.get("claimsToAddOrOverride") or {}
    suppress = details.get("claimsToSuppress") or []
    groups = (details.get("groupOverrideDetails") or {}).get("groupsToOverride")
    claims = dict(id_claims)
    if isinstance(add, dict):
        claims.update({k: v for k, v in add.items() if k not in _FIXED_CLAIMS})
    if isinstance(suppress, list):
        for name in suppress:
            if name not in _FIXED_CLAIMS:
                claims.pop(str(name), None)
    access = dict(access_claims)
    if isinstance(groups, list):
        for each in (claims, access):
            if groups:
                each["cognito:groups"] = [str(group) for group in groups]
            else:
                each.pop("cognito:groups", None)
    tokens = {"IdToken": signed_again(claims)}
    if access != access_claims:
        tokens["AccessToken"] = signed_again(access)
    with BACKEND_LOCK:
        moto_pool = _moto_pool(pool)
        if moto_pool is not None:
            for kind, issued in (
                ("IdToken", moto_pool.id_tokens),
                ("AccessToken", moto_pool.access_tokens),
            ):
                if kind in tokens and result[kind] in issued:
                    issued[tokens[kind]] = issued.pop(result[kind])
    return tokens


def _rewritten(response: AwsResponse, body: dict[str, Any]) -> AwsResponse:
    """moto's answer with a changed body (its length is the server's to set again)."""
    headers = [(k, v) for k, v in response.headers if k.lower() != "content-length"]
    return AwsResponse(response.status, json.dumps(body).encode(), headers)


def _error(code: str, message: str) -> AwsResponse:
    body = json.dumps({"__type": code, "message": message}).encode()
    headers = [("content-type", "application/x-amz-json-1.1"), ("x-amzn-errortype", code)]
    return AwsResponse(400, body, headers)
