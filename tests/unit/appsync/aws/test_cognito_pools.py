"""How a trigger's function is called and its answer read: a real declared Python function run
by the local Lambda runtime. A function error is Cognito's `UserLambdaValidationException`
"<Trigger> failed with error <message>." (aws-amplify/amplify-ui-android#314 shows AWS's);
an answer that is not the event object is `InvalidLambdaResponseException` "Unrecognizable
lambda output" (Cognito's wording). The whole flows run in
tests/integration/test_cognito_triggers.py."""

from __future__ import annotations

from pathlib import Path

import pytest

from appsync.aws.cognito_pools import Pool, TriggerCaller, TriggerFailedError, attribute_map
from appsync.functions_embedded import running
from tests.fixtures.trigger_functions import ARN, trigger_function

pytestmark = pytest.mark.anyio

CODE = """
def handler(event, context):
    kind = event["request"]["kind"]
    if kind == "raise":
        raise ValueError("not this one")
    if kind == "text":
        return "yes"
    event["response"]["seen"] = True
    return event
"""


def _pool(function: str = ARN) -> Pool:
    return Pool("us-east-1_abc", "us-east-1", {"PreSignUp": function})


async def test_the_functions_answer_and_its_failures(tmp_path: Path) -> None:
    functions = trigger_function(tmp_path, CODE)
    call = TriggerCaller(functions)
    async with running(functions):
        answer = await call(_pool(), "PreSignUp", {"request": {"kind": "ok"}, "response": {}})
        assert answer == {"request": {"kind": "ok"}, "response": {"seen": True}}
        with pytest.raises(TriggerFailedError) as failed:
            await call(_pool(), "PreSignUp", {"request": {"kind": "raise"}})
        assert (failed.value.code, failed.value.message) == (
            "UserLambdaValidationException",
            "PreSignUp failed with error not this one.",
        )
        with pytest.raises(TriggerFailedError) as text:
            await call(_pool(), "PreSignUp", {"request": {"kind": "text"}})
        assert (text.value.code, text.value.message) == (
            "InvalidLambdaResponseException",
            "Unrecognizable lambda output",
        )
        missing = _pool("arn:aws:lambda:us-east-1:123456789012:function:gone")
        with pytest.raises(TriggerFailedError) as undeclared:
            await call(missing, "PreSignUp", {"request": {"kind": "ok"}})
        assert undeclared.value.code == "UnexpectedLambdaException"


def test_attributes_become_the_events_map() -> None:
    raw = [{"Name": "email", "Value": "a@example.test"}, {"Name": "nickname"}, "junk"]
    assert attribute_map(raw) == {"email": "a@example.test", "nickname": ""}
    assert attribute_map(None) == {}
