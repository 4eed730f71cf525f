"""The CustomMessage trigger: where Cognito sends a user an email or an SMS, the pool's function
writes it, and the server logs the message it would send (nothing is delivered locally, so the
log is where a developer reads it).

Called as the Amazon Cognito Developer Guide's "Custom message Lambda trigger" describes, after
the call that sends the message succeeded in moto:

- `CustomMessage_SignUp`: SignUp of a user left unconfirmed whose pool verifies an attribute
  (moto's answer carries `CodeDeliveryDetails`);
- `CustomMessage_ResendCode`: ResendConfirmationCode (which moto does not have:
  `resend_confirmation_code` answers it);
- `CustomMessage_ForgotPassword`: ForgotPassword;
- `CustomMessage_AdminCreateUser`: AdminCreateUser without `MessageAction: SUPPRESS`, with
  `usernameParameter` (the invitation carries the user name and a temporary password);
- `CustomMessage_UpdateUserAttribute`: UpdateUserAttributes that changes `email` or
  `phone_number` (Cognito sends the new address a code).

The event's request has the user's `userAttributes`, `codeParameter` `{####}`, `linkParameter`
`{##Click Here##}`, `usernameParameter` (`{username}` for AdminCreateUser, else null) and
`clientMetadata`; its response `smsMessage`, `emailMessage`, `emailSubject`. The logged message is
the function's, `{username}` replaced by the user's name and `{####}` left as it is: no log line
carries a credential (the code, or AdminCreateUser's temporary password). A message the function
leaves null is the pool's own, logged as such. A function that fails answers the call
`UserLambdaValidationException` "CustomMessage failed with error <message>." (the call's own
change, a user created or a code issued, stays made).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from appsync.aws.cognito_challenges import CallTrigger
from appsync.aws.cognito_pools import (
    NO_CLIENT,
    Pool,
    PoolUser,
    TriggerFailedError,
    backends,
    trigger_event,
    user_of,
)
from resolvers.datasources.dynamodb_wire import BACKEND_LOCK

logger = logging.getLogger(__name__)

CODE_PARAMETER = "{####}"
_USERNAME_PARAMETER = "{username}"
_LINK_PARAMETER = "{##Click Here##}"
_SOURCES = {
    "SignUp": "CustomMessage_SignUp",
    "ResendConfirmationCode": "CustomMessage_ResendCode",
    "ForgotPassword": "CustomMessage_ForgotPassword",
    "AdminCreateUser": "CustomMessage_AdminCreateUser",
    "UpdateUserAttributes": "CustomMessage_UpdateUserAttribute",
}
MESSAGE_OPERATIONS = frozenset(_SOURCES)


class CustomMessages:
    """Runs a pool's CustomMessage trigger where Cognito would send a message, and logs it."""

    def __init__(self, call: CallTrigger) -> None:
        self._call = call

    async def sent(
        self, pool: Pool, operation: str, body: dict[str, Any], answer: dict[str, Any]
    ) -> None:
        """After `operation` succeeded with `answer`: the message it sends, if it sends one."""
        found = _recipient(operation, body, answer)
        if found is None:
            return
        username, medium = found
        user = await asyncio.to_thread(user_of, pool, username)
        if user is None:
            return
        source = _SOURCES[operation]
        client_id = str(body.get("ClientId") or NO_CLIENT)
        event = trigger_event(pool, source, user.name, client_id)
        admin = operation == "AdminCreateUser"
        event["request"] = {
            "userAttributes": {**user.attributes, "cognito:user_status": user.status},
            "codeParameter": CODE_PARAMETER,
            "linkParameter": _LINK_PARAMETER,
            "usernameParameter": _USERNAME_PARAMETER if admin else None,
            "clientMetadata": body.get("ClientMetadata") or {},
        }
        event["response"] = {"smsMessage": None, "emailMessage": None, "emailSubject": None}
        written = (await self._call(pool, "CustomMessage", event)).get("response") or {}
        _log(user, source, medium, written)


def _recipient(
    operation: str, body: dict[str, Any], answer: dict[str, Any]
) -> tuple[str, str] | None:
    """Whom the call sends a message (the user's name) and by what (`email` or `sms`)."""
    if operation == "SignUp":
        if answer.get("UserConfirmed") is True or "CodeDeliveryDetails" not in answer:
            return None
        return str(body.get("Username") or ""), _medium(answer["CodeDeliveryDetails"])
    if operation in ("ForgotPassword", "ResendConfirmationCode"):
        details = answer.get("CodeDeliveryDetails")
        return str(body.get("Username") or ""), _medium(details)
    if operation == "AdminCreateUser":
        if body.get("MessageAction") == "SUPPRESS":
            return None
        # Cognito's default DesiredDeliveryMediums is SMS.
        mediums = body.get("DesiredDeliveryMediums") or ["SMS"]
        username = str((answer.get("User") or {}).get("Username") or body.get("Username") or "")
        return username, "email" if "EMAIL" in mediums else "sms"
    changed = {str(item.get("Name")) for item in body.get("UserAttributes") or ()}
    if "email" in changed:
        return str(body.get("Username") or ""), "email"
    if "phone_number" in changed:
        return str(body.get("Username") or ""), "sms"
    return None


def _medium(details: Any) -> str:
    medium = details.get("DeliveryMedium") if isinstance(details, dict) else None
    return "sms" if medium == "SMS" else "email"


def _log(user: PoolUser, source: str, medium: str, written: dict[str, Any]) -> None:
    # AWS differs: the message is logged, not delivered, with `{####}` where Cognito puts the
    # code (no log line carries a credential; moto's ConfirmSignUp takes any code).
    def filled(text: Any) -> str:
        if not isinstance(text, str):
            return "(the user pool's own message)"
        return text.replace(_USERNAME_PARAMETER, user.name)

    if medium == "email":
        destination = user.attributes.get("email", "(no email)")
        logger.info(
            "Cognito would send %s an email (%s): subject %r, message %r",
            destination,
            source,
            filled(written.get("emailSubject")),
            filled(written.get("emailMessage")),
        )
    else:
        destination = user.attributes.get("phone_number", "(no phone number)")
        logger.info(
            "Cognito would send %s an SMS (%s): %r",
            destination,
            source,
            filled(written.get("smsMessage")),
        )


def resend_confirmation_code(body: dict[str, Any]) -> dict[str, Any]:
    """ResendConfirmationCode, which moto 5.2.5 does not implement: the CodeDeliveryDetails of
    the sign-up code sent again to the attribute the pool verifies (its AutoVerifiedAttributes),
    masked as moto masks a ForgotPassword destination. Refused as Cognito refuses it (its API
    reference's errors): an unknown client is ResourceNotFoundException, an unknown user
    UserNotFoundException "Username/client id combination not found.", a confirmed one
    InvalidParameterException "User is already confirmed.", a pool that verifies no attribute
    of the user InvalidParameterException "Auto verification not turned on."."""
    client_id, username = body.get("ClientId"), str(body.get("Username") or "")
    with BACKEND_LOCK:
        for backend in backends():
            for pool in backend.user_pools.values():
                if client_id not in pool.clients:
                    continue
                user = pool._get_user(username) if username else None
                if user is None:
                    raise TriggerFailedError(
                        "UserNotFoundException", "Username/client id combination not found."
                    )
                if str(getattr(user.status, "value", user.status)) == "CONFIRMED":
                    raise TriggerFailedError(
                        "InvalidParameterException", "User is already confirmed."
                    )
                verified = pool.extended_config.get("AutoVerifiedAttributes") or []
                for name in ("email", "phone_number"):
                    if name in verified and name in user.attribute_lookup:
                        settings = {"RecoveryMechanisms": [_MECHANISMS[name]]}
                        details = backend._get_code_delivery_details(settings, user, username)
                        return {"CodeDeliveryDetails": details}
                raise TriggerFailedError(
                    "InvalidParameterException", "Auto verification not turned on."
                )
    raise TriggerFailedError(
        "ResourceNotFoundException", f"User pool client {client_id} does not exist."
    )


# The recovery mechanism that makes moto's delivery details name an attribute.
_MECHANISMS = {
    "email": {"Name": "verified_email", "Priority": 1},
    "phone_number": {"Name": "verified_phone_number", "Priority": 1},
}
