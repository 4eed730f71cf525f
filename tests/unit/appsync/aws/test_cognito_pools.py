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
from appsync.functions_embedded import EmbeddedFunctions, build_functions, running
from appsync.stepfunctions_embedded import SelfRoutes
from definition.appsync_yaml.api import read_appsync_yaml
from definition.model import AccessKey

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
ARN = "arn:aws:lambda:eu-west-1:123456789012:function:trigger"


def _functions(tmp_path: Path) -> EmbeddedFunctions:
    (tmp_path / "code").mkdir()
    (tmp_path / "code" / "app.py").write_text(CODE)
    (tmp_path / "schema.graphql").write_text("type Query { a: String }\n")
    (tmp_path / "appsync.yaml").write_text(
        "schema: schema.graphql\nauthenticationType: API_KEY\nserver:\n  lambda:\n"
        "    functions:\n"
        "      - {FunctionName: trigger, Runtime: python3.12, Handler: app.handler,"
        " CodeUri: code}\n"
    )
    problems: list[str] = []
    functions = build_functions(
        read_appsync_yaml(tmp_path / "appsync.yaml"),
        "eu-west-1",
        AccessKey("AKIDLOCAL", "local-secret"),
        SelfRoutes(None),
        lambda *where: problems.append(":".join(where)),
    )
    assert problems == []
    return functions


def _pool(function: str = ARN) -> Pool:
    return Pool("eu-west-1_abc", "eu-west-1", {"PreSignUp": function})


async def test_the_functions_answer_and_its_failures(tmp_path: Path) -> None:
    functions = _functions(tmp_path)
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
        missing = _pool("arn:aws:lambda:eu-west-1:123456789012:function:gone")
        with pytest.raises(TriggerFailedError) as undeclared:
            await call(missing, "PreSignUp", {"request": {"kind": "ok"}})
        assert undeclared.value.code == "UnexpectedLambdaException"


def test_attributes_become_the_events_map() -> None:
    raw = [{"Name": "email", "Value": "a@example.test"}, {"Name": "nickname"}, "junk"]
    assert attribute_map(raw) == {"email": "a@example.test", "nickname": ""}
    assert attribute_map(None) == {}
