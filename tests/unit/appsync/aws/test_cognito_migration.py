"""The UserMigration trigger's answer read as Cognito reads it, with a real declared Python
function and moto's Cognito in process: the user it describes is created (with the password
typed at sign-in, or RESET_REQUIRED in the forgot-password flow), a user already in the pool is
not asked for, and an answer Cognito does not take is `UserNotFoundException` "Exception
migrating user in app client <id>" (re:Post, "How do I troubleshoot errors with the user
migration Lambda trigger in Amazon Cognito?"). The flows through the endpoint run in
tests/integration/test_cognito_custom_auth.py."""

from __future__ import annotations

from pathlib import Path

import pytest

from appsync.aws.cognito_migration import UserMigration
from appsync.aws.cognito_pools import TriggerCaller, TriggerFailedError, user_of
from appsync.functions_embedded import running
from tests.fixtures.trigger_functions import pool_with, trigger_function

pytestmark = pytest.mark.anyio

CODE = """
def handler(event, context):
    name = event["userName"]
    if name == "ada":
        raise AssertionError("ada is in the pool already")
    response = event["response"]
    if name != "no-attributes":
        response["userAttributes"] = {"email": name + "@example.test"}
    if name == "odd-status":
        response["finalUserStatus"] = "FORCE_CHANGE_PASSWORD"
    if name == "odd-action":
        response["messageAction"] = "SHOUT"
    return event
"""


async def test_the_answer_creates_the_user_or_is_refused(tmp_path: Path) -> None:
    functions = trigger_function(tmp_path, CODE)
    migration = UserMigration(TriggerCaller(functions))
    with pool_with("UserMigration") as (pool, client_id):
        async with running(functions):

            def sign_in(name: str) -> dict[str, object]:
                return {"AuthParameters": {"USERNAME": name, "PASSWORD": "Typed-Pass-1"}}

            await migration.sign_in(pool, sign_in("ada"), client_id)
            await migration.sign_in(pool, sign_in("bo"), client_id)
            bo = user_of(pool, "bo")
            assert bo is not None
            assert (bo.status, bo.attributes["email"]) == ("CONFIRMED", "bo@example.test")
            await migration.forgot_password(pool, {"Username": "cy"}, client_id)
            cy = user_of(pool, "cy")
            assert cy is not None
            assert cy.status == "RESET_REQUIRED"
            for name in ("no-attributes", "odd-status", "odd-action"):
                with pytest.raises(TriggerFailedError) as refused:
                    await migration.sign_in(pool, sign_in(name), client_id)
                assert (refused.value.code, refused.value.message) == (
                    "UserNotFoundException",
                    f"Exception migrating user in app client {client_id}",
                )
                assert user_of(pool, name) is None
