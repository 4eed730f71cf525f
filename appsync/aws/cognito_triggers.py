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
  ADMIN_USER_PASSWORD_AUTH, ADMIN_NO_SRP_AUTH, CUSTOM_AUTH) of a user that exists, or with
  `userNotFound: true` of one that does not when the app client has
  `PreventUserExistenceErrors: ENABLED` (whose password sign-ins of an unknown user are then
  NotAuthorizedException "Incorrect username or password."); its error refuses it.
- `PostAuthentication` (`PostAuthentication_Authentication`) once a sign-in issues tokens (not
  a refresh); its error withholds them.
- `PreTokenGeneration` (`TokenGeneration_Authentication`, `_RefreshTokens`,
  `_NewPasswordChallenge`) once tokens are issued by InitiateAuth, AdminInitiateAuth,
  RespondToAuthChallenge or AdminRespondToAuthChallenge, with the user's attributes and
  `groupConfiguration`; `PreTokenGenerationConfig`'s function and `LambdaVersion` win over the
  plain trigger. What its answer changes is `appsync.aws.cognito_tokens`'; the tokens whose
  claims changed are signed again with the installation's key.

How a trigger's function is called, and its failures answered, is `appsync.aws.cognito_pools`'.
Triggers run outside the embedded services' lock, so a function may call Cognito or DynamoDB
through the endpoint. The custom authentication flow's triggers are
`appsync.aws.cognito_challenges`', UserMigration (before a password sign-in or ForgotPassword
of a user not in the pool) `appsync.aws.cognito_migration`', CustomMessage (where Cognito sends
a message) `appsync.aws.cognito_messages`'. The custom senders are not called; the template
reader names them in a notice.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from appsync.aws.cognito import signed_again
from appsync.aws.cognito_challenges import CustomAuth
from appsync.aws.cognito_messages import (
    MESSAGE_OPERATIONS,
    CustomMessages,
    resend_confirmation_code,
)
from appsync.aws.cognito_migration import PASSWORD_FLOWS, UserMigration
from appsync.aws.cognito_pools import (
    INCORRECT_PASSWORD,
    NO_CLIENT,
    Pool,
    TriggerCaller,
    TriggerFailedError,
    answer,
    attribute_map,
    error_response,
    moto_pool,
    pool_of,
    prevents_existence_errors,
    rewritten,
    token_user,
    trigger_event,
    user_of,
)
from appsync.aws.cognito_tokens import claims_of, overridden, response_key, token_source
from appsync.aws.endpoint import ServiceRoute
from appsync.aws.lambda_ import LocalFunctions
from appsync.aws.requests import AwsRequest, AwsResponse, ServiceCall
from auth.clock import Clock
from definition.cognito_resources import CALLED_TRIGGERS
from resolvers.datasources.dynamodb_wire import BACKEND_LOCK

_TOKEN_OPERATIONS = frozenset(
    {"InitiateAuth", "AdminInitiateAuth", "RespondToAuthChallenge", "AdminRespondToAuthChallenge"}
)
_CONFIRMATIONS = {
    "ConfirmSignUp": "PostConfirmation_ConfirmSignUp",
    "AdminConfirmSignUp": "PostConfirmation_ConfirmSignUp",
    "ConfirmForgotPassword": "PostConfirmation_ConfirmForgotPassword",
}
_HANDLED = MESSAGE_OPERATIONS | _TOKEN_OPERATIONS | frozenset(_CONFIRMATIONS)
_INITIATIONS = frozenset({"InitiateAuth", "AdminInitiateAuth"})
# The flows that sign a user in with a password (PreAuthentication runs before them; the
# refresh flows and a challenge's answer are not a new sign-in).
_SIGN_IN_FLOWS = frozenset(
    {"USER_PASSWORD_AUTH", "ADMIN_USER_PASSWORD_AUTH", "ADMIN_NO_SRP_AUTH", "USER_SRP_AUTH"}
)


class CognitoTriggers:
    """`ServiceRoute` for `cognito-idp`: moto's Cognito (`moto`), with the pools' triggers run by
    the declared `functions`; `clock`: what the custom flow's sessions expire on (the API's)."""

    def __init__(
        self, moto: ServiceRoute, functions: LocalFunctions | None, clock: Clock | None = None
    ) -> None:
        self._moto = moto
        self._caller = None if functions is None else TriggerCaller(functions)
        self._custom = CustomAuth(self._call, self._issued, clock)
        self._migration = UserMigration(self._call)
        self._messages = CustomMessages(self._call)

    async def handle(self, request: AwsRequest, call: ServiceCall) -> AwsResponse:
        operation = call.operation or ""
        if operation == "ResendConfirmationCode":
            return await self._resend(request)
        if self._caller is None or operation not in _HANDLED:
            return await self._moto.handle(request, call)
        body = request.json_object()
        if body is None:
            return await self._moto.handle(request, call)
        pool = await asyncio.to_thread(pool_of, body)
        custom = body.get("AuthFlow") == "CUSTOM_AUTH" or self._custom.owns(body)
        if pool is None or not (custom or any(name in pool.triggers for name in CALLED_TRIGGERS)):
            return await self._moto.handle(request, call)
        try:
            if operation in _CONFIRMATIONS:
                return await self._confirmed(request, call, body, pool, operation)
            if operation in _TOKEN_OPERATIONS:
                return await self._tokens(request, call, body, pool)
            return await self._messaging(request, call, body, pool)
        except TriggerFailedError as error:
            return error_response(error.code, error.message)

    async def _resend(self, request: AwsRequest) -> AwsResponse:
        """ResendConfirmationCode (moto has none), then CustomMessage_ResendCode."""
        body = request.json_object()
        if body is None:
            return error_response(
                "SerializationException", "Start of structure or map found where not expected."
            )
        try:
            sent = await asyncio.to_thread(resend_confirmation_code, body)
            pool = await asyncio.to_thread(pool_of, body)
            if self._caller is not None and pool is not None and "CustomMessage" in pool.triggers:
                await self._messages.sent(pool, "ResendConfirmationCode", body, sent)
        except TriggerFailedError as error:
            return error_response(error.code, error.message)
        return answer(sent)

    async def _messaging(
        self, request: AwsRequest, call: ServiceCall, body: dict[str, Any], pool: Pool
    ) -> AwsResponse:
        """The calls after which Cognito sends the user a message (CustomMessage writes it);
        SignUp runs PreSignUp first, ForgotPassword migrates a user it does not know."""
        operation = call.operation or ""
        if operation == "SignUp":
            result = await self._sign_up(request, call, body, pool)
        else:
            if operation == "ForgotPassword" and "UserMigration" in pool.triggers:
                client_id = str(body.get("ClientId") or "")
                await self._migration.forgot_password(pool, body, client_id)
            result = await self._moto.handle(request, call)
        if result.status == 200 and "CustomMessage" in pool.triggers:
            if operation == "UpdateUserAttributes":
                token = str(body.get("AccessToken") or "")
                body = {**body, "Username": await asyncio.to_thread(token_user, pool, token)}
            await self._messages.sent(pool, operation, body, json.loads(result.body or b"{}"))
        return result

    async def _sign_up(
        self, request: AwsRequest, call: ServiceCall, body: dict[str, Any], pool: Pool
    ) -> AwsResponse:
        username = str(body.get("Username") or "")
        client_id = str(body.get("ClientId") or "")
        metadata = body.get("ClientMetadata") or {}
        confirm = verify_email = verify_phone = False
        attributes = attribute_map(body.get("UserAttributes"))
        if "PreSignUp" in pool.triggers:
            event = trigger_event(pool, "PreSignUp_SignUp", username, client_id)
            event["request"] = {
                "userAttributes": attributes,
                "validationData": attribute_map(body.get("ValidationData")) or None,
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
        result = rewritten(signed_up, answer_body)
        source = "PostConfirmation_ConfirmSignUp"
        await self._post_confirmation(pool, username, client_id, metadata, source)
        return result

    async def _confirmed(
        self,
        request: AwsRequest,
        call: ServiceCall,
        body: dict[str, Any],
        pool: Pool,
        operation: str,
    ) -> AwsResponse:
        confirmed = await self._moto.handle(request, call)
        if confirmed.status == 200:
            client_id = str(body.get("ClientId") or NO_CLIENT)
            metadata = body.get("ClientMetadata") or {}
            username = str(body.get("Username") or "")
            source = _CONFIRMATIONS[operation]
            await self._post_confirmation(pool, username, client_id, metadata, source)
        return confirmed

    async def _post_confirmation(
        self, pool: Pool, username: str, client_id: str, metadata: Any, source: str
    ) -> None:
        if "PostConfirmation" not in pool.triggers:
            return
        user = await asyncio.to_thread(user_of, pool, username)
        if user is None:
            return
        name, attributes = user.name, user.attributes
        event = trigger_event(pool, source, name, client_id)
        event["request"] = {
            "userAttributes": {**attributes, "cognito:user_status": "CONFIRMED"},
            "clientMetadata": metadata,
        }
        event["response"] = {}
        await self._call(pool, "PostConfirmation", event)

    async def _tokens(
        self, request: AwsRequest, call: ServiceCall, body: dict[str, Any], pool: Pool
    ) -> AwsResponse:
        """PreAuthentication before a sign-in, the custom authentication flow, then
        PostAuthentication and PreTokenGeneration once the tokens are issued."""
        client_id = str(body.get("ClientId") or NO_CLIENT)
        flow = body.get("AuthFlow")
        if flow in PASSWORD_FLOWS and "UserMigration" in pool.triggers:
            await self._migration.sign_in(pool, body, client_id)
        if flow in _SIGN_IN_FLOWS or flow == "CUSTOM_AUTH":
            await self._pre_authentication(pool, body, client_id)
        if flow == "CUSTOM_AUTH" and call.operation in _INITIATIONS:
            return await self._custom.initiate(pool, body, client_id)
        if call.operation not in _INITIATIONS and self._custom.owns(body):
            return await self._custom.respond(pool, body, client_id)
        issued = await self._moto.handle(request, call)
        hidden = flow in _SIGN_IN_FLOWS and _is_error(issued, "UserNotFoundException")
        if hidden and await asyncio.to_thread(prevents_existence_errors, pool, client_id):
            # The client hides which users exist (Cognito's "Managing user existence error
            # responses"): a user not found is a wrong password.
            raise TriggerFailedError("NotAuthorizedException", INCORRECT_PASSWORD)
        return await self._issued(pool, body, issued)

    async def _pre_authentication(self, pool: Pool, body: dict[str, Any], client_id: str) -> None:
        """PreAuthentication before a sign-in: of a user that exists, or with `userNotFound`
        when the app client hides which users exist (Amazon Cognito Developer Guide, "Pre
        authentication Lambda trigger": `userNotFound` is set when PreventUserExistenceErrors
        is ENABLED)."""
        if "PreAuthentication" not in pool.triggers:
            return
        username = str((body.get("AuthParameters") or {}).get("USERNAME") or "")
        user = await asyncio.to_thread(user_of, pool, username)
        if user is None and not await asyncio.to_thread(prevents_existence_errors, pool, client_id):
            return
        name = username if user is None else user.name
        event = trigger_event(pool, "PreAuthentication_Authentication", name, client_id)
        event["request"] = {
            "userAttributes": {} if user is None else user.attributes,
            "validationData": body.get("ClientMetadata") or {},
            "userNotFound": user is None,
        }
        event["response"] = {}
        await self._call(pool, "PreAuthentication", event)

    async def _issued(self, pool: Pool, body: dict[str, Any], issued: AwsResponse) -> AwsResponse:
        """An answer that issues tokens, after PostAuthentication and PreTokenGeneration."""
        client_id = str(body.get("ClientId") or NO_CLIENT)
        metadata = body.get("ClientMetadata") or {}
        if issued.status != 200:
            return issued
        answer = json.loads(issued.body)
        result = answer.get("AuthenticationResult")
        if not isinstance(result, dict) or "IdToken" not in result:
            return issued
        id_claims = claims_of(str(result["IdToken"]))
        user = await asyncio.to_thread(user_of, pool, str(id_claims.get("cognito:username") or ""))
        if user is None:
            return issued
        name, attributes, groups = user.name, user.attributes, user.groups
        source = token_source(body)
        if source != "TokenGeneration_RefreshTokens" and "PostAuthentication" in pool.triggers:
            event = trigger_event(pool, "PostAuthentication_Authentication", name, client_id)
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
        event = trigger_event(pool, source, name, str(id_claims.get("aud") or client_id))
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
        return rewritten(issued, answer)

    async def _call(self, pool: Pool, trigger: str, event: dict[str, Any]) -> dict[str, Any]:
        assert self._caller is not None
        return await self._caller(pool, trigger, event)


def _confirm(pool: Pool, username: str, confirm: bool, verified: list[str]) -> None:
    """What a PreSignUp answer asks for: the user confirmed, attributes verified."""
    with BACKEND_LOCK:
        found = moto_pool(pool)
        user = None if found is None else found._get_user(username)
        if user is None:
            return
        if confirm:
            user.status = "CONFIRMED"
        if verified:
            user.update_attributes([{"Name": name, "Value": "true"} for name in verified])


def _is_error(response: AwsResponse, code: str) -> bool:
    if response.status < 400:
        return False
    try:
        return bool(json.loads(response.body).get("__type") == code)
    except (ValueError, AttributeError):
        return False


def _signed(
    pool: Pool,
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
        found = moto_pool(pool)
        if found is not None:
            issued_by_kind = {"IdToken": found.id_tokens, "AccessToken": found.access_tokens}
            for kind, token in tokens.items():
                issued = issued_by_kind[kind]
                if result[kind] in issued:
                    issued[token] = issued.pop(result[kind])
    return tokens
