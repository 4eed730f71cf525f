"""The UserMigration trigger: a user that is not in the pool, signing in with a password or in the
forgot-password flow, is asked of the pool's function, which answers the user's attributes and
the pool creates the user (Amazon Cognito Developer Guide, "Migrate user Lambda trigger").

- At sign-in (InitiateAuth with USER_PASSWORD_AUTH, AdminInitiateAuth with
  ADMIN_USER_PASSWORD_AUTH or ADMIN_NO_SRP_AUTH; not SRP, whose password Cognito never sees):
  `UserMigration_Authentication` with the `password` the user typed and `validationData`
  from the call's `ClientMetadata`. The user is created with that password, then the sign-in
  goes on as for any user. `finalUserStatus` CONFIRMED (or none) lets the user in;
  RESET_REQUIRED makes the sign-in `PasswordResetRequiredException` ("your client app needs to
  handle the PasswordResetRequiredException", as the guide says).
- In ForgotPassword: `UserMigration_ForgotPassword`, without a password; the user is created
  RESET_REQUIRED and the flow sends its code as for any user.

The answer's `userAttributes` are required; an answer without them, or with a
`finalUserStatus` or `messageAction` Cognito does not take, is `UserNotFoundException`
"Exception migrating user in app client <client id>" (re:Post, "How do I troubleshoot
errors with the user migration Lambda trigger in Amazon Cognito?"). A function that fails is
`UserLambdaValidationException` "UserMigration failed with error <message>." as every trigger's.
"""

from __future__ import annotations

import asyncio
from typing import Any

from appsync.aws.cognito_challenges import CallTrigger
from appsync.aws.cognito_pools import (
    Pool,
    TriggerFailedError,
    backends,
    trigger_event,
    user_of,
)
from resolvers.datasources.dynamodb_wire import BACKEND_LOCK

# The sign-in flows that carry the password the function checks.
PASSWORD_FLOWS = frozenset({"USER_PASSWORD_AUTH", "ADMIN_USER_PASSWORD_AUTH", "ADMIN_NO_SRP_AUTH"})
_STATUSES = frozenset({"CONFIRMED", "RESET_REQUIRED"})
_MESSAGE_ACTIONS = frozenset({"SUPPRESS", "RESEND"})


class UserMigration:
    """Calls a pool's UserMigration trigger for a user it does not have, and creates the user."""

    def __init__(self, call: CallTrigger) -> None:
        self._call = call

    async def sign_in(self, pool: Pool, body: dict[str, Any], client_id: str) -> None:
        """Before a password sign-in: the user migrated when not in the pool."""
        parameters = body.get("AuthParameters") or {}
        username = str(parameters.get("USERNAME") or "")
        password = parameters.get("PASSWORD")
        if not username or not isinstance(password, str):
            return
        metadata = body.get("ClientMetadata") or {}
        # AWS differs (our reading of the guide, which names ClientMetadata as the source of
        # both): the call's ClientMetadata is the event's validationData and clientMetadata.
        request = {"password": password, "validationData": metadata, "clientMetadata": metadata}
        status = await self._migrated(pool, username, client_id, "Authentication", request)
        if status == "RESET_REQUIRED":
            raise TriggerFailedError(
                "PasswordResetRequiredException", "Password reset required for the user"
            )

    async def forgot_password(self, pool: Pool, body: dict[str, Any], client_id: str) -> None:
        """Before ForgotPassword: the user migrated (to reset the password) when not in the
        pool."""
        username = str(body.get("Username") or "")
        if not username:
            return
        request = {"validationData": None, "clientMetadata": body.get("ClientMetadata") or {}}
        await self._migrated(pool, username, client_id, "ForgotPassword", request)

    async def _migrated(
        self, pool: Pool, username: str, client_id: str, flow: str, request: dict[str, Any]
    ) -> str | None:
        """The status of the user created, or None when the user was in the pool already."""
        if await asyncio.to_thread(user_of, pool, username) is not None:
            return None
        event = trigger_event(pool, f"UserMigration_{flow}", username, client_id)
        event["request"] = request
        event["response"] = {
            "userAttributes": None,
            "finalUserStatus": None,
            "messageAction": None,
            "desiredDeliveryMediums": None,
            "forceAliasCreation": None,
            "enableSMSMFA": None,
        }
        response = (await self._call(pool, "UserMigration", event)).get("response") or {}
        attributes = response.get("userAttributes")
        status = response.get("finalUserStatus") or "CONFIRMED"
        action = response.get("messageAction")
        valid = isinstance(attributes, dict) and attributes and status in _STATUSES
        if not valid or (action is not None and action not in _MESSAGE_ACTIONS):
            raise TriggerFailedError(
                "UserNotFoundException", f"Exception migrating user in app client {client_id}"
            )
        assert isinstance(attributes, dict)
        if flow == "ForgotPassword":
            status = "RESET_REQUIRED"
        password = request.get("password")
        await asyncio.to_thread(_create, pool, username, password, attributes, status)
        return str(status)


def _create(
    pool: Pool, username: str, password: Any, attributes: dict[str, Any], status: str
) -> None:
    """The migrated user in moto's pool, with the password the user signed in with."""
    from moto.cognitoidp.models import UserStatus
    from moto.core.exceptions import JsonRESTError

    listed = [{"Name": str(name), "Value": str(value)} for name, value in attributes.items()]
    with BACKEND_LOCK:
        for backend in backends():
            if pool.pool_id in backend.user_pools:
                try:
                    user = backend.admin_create_user(
                        pool.pool_id, username, "SUPPRESS", None, listed
                    )
                except JsonRESTError as error:
                    # A name the pool does not take (an alias pool's), as AdminCreateUser says.
                    raise TriggerFailedError(error.error_type, error.message) from error
                user.password = password if isinstance(password, str) else None
                user.status = UserStatus(status)
                return
