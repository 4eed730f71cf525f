"""Where Cognito sends a message, to whom and by what (Amazon Cognito Developer Guide, "Custom
message Lambda trigger"; AdminCreateUser's `DesiredDeliveryMediums` defaults to SMS, as its API
reference says), and the line logged for it: the function's message, or the pool's own when the
function leaves it null, never a code. The whole trigger through the endpoint runs in
tests/integration/test_cognito_custom_auth.py."""

from __future__ import annotations

import logging

import pytest

from appsync.aws.cognito_messages import _log, _recipient, resend_confirmation_code
from appsync.aws.cognito_pools import PoolUser, TriggerFailedError
from tests.fixtures.trigger_functions import pool_with


def test_who_gets_a_message_and_by_what() -> None:
    details = {"CodeDeliveryDetails": {"DeliveryMedium": "SMS"}}
    assert _recipient("SignUp", {"Username": "ada"}, details) == ("ada", "sms")
    assert _recipient("SignUp", {"Username": "ada"}, {**details, "UserConfirmed": True}) is None
    # No attribute to verify: moto's answer has no CodeDeliveryDetails, Cognito sends nothing.
    assert _recipient("SignUp", {"Username": "ada"}, {"UserConfirmed": False}) is None
    assert _recipient("ForgotPassword", {"Username": "bo"}, {}) == ("bo", "email")
    invited = {"User": {"Username": "cy"}}
    assert _recipient("AdminCreateUser", {"Username": "cy"}, invited) == ("cy", "sms")
    by_email = {"Username": "cy", "DesiredDeliveryMediums": ["EMAIL", "SMS"]}
    assert _recipient("AdminCreateUser", by_email, invited) == ("cy", "email")
    suppressed = {"Username": "cy", "MessageAction": "SUPPRESS"}
    assert _recipient("AdminCreateUser", suppressed, invited) is None
    phone = {"Username": "di", "UserAttributes": [{"Name": "phone_number", "Value": "+1555"}]}
    assert _recipient("UpdateUserAttributes", phone, {}) == ("di", "sms")
    nickname = {"Username": "di", "UserAttributes": [{"Name": "nickname", "Value": "D"}]}
    assert _recipient("UpdateUserAttributes", nickname, {}) is None


def test_the_logged_message(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="appsync.aws.cognito_messages")
    user = PoolUser("ada", {"sub": "1", "phone_number": "+15550100"}, [], "CONFIRMED", True)
    _log(user, "CustomMessage_AdminCreateUser", "sms", {"smsMessage": "{username}: {####}"})
    _log(user, "CustomMessage_ResendCode", "email", {})
    assert [record.getMessage() for record in caplog.records] == [
        "Cognito would send +15550100 an SMS (CustomMessage_AdminCreateUser): 'ada: {####}'",
        "Cognito would send (no email) an email (CustomMessage_ResendCode): subject "
        '"(the user pool\'s own message)", message "(the user pool\'s own message)"',
    ]


def test_resend_needs_a_client_and_an_attribute_to_verify() -> None:
    # ResendConfirmationCode's errors (Amazon Cognito API Reference): moto has no such
    # operation, so its refusals are ours to answer.
    with pool_with() as (_, client_id):
        with pytest.raises(TriggerFailedError) as unverified:
            resend_confirmation_code({"ClientId": client_id, "Username": "ada"})
        assert (unverified.value.code, unverified.value.message) == (
            "InvalidParameterException",
            "Auto verification not turned on.",
        )
        with pytest.raises(TriggerFailedError) as unknown:
            resend_confirmation_code({"ClientId": "no-such-client", "Username": "ada"})
        assert unknown.value.code == "ResourceNotFoundException"
