"""A template's `lambda` subscription delivers each message of its topic (moto's SNS) to the
declared function (the local Lambda runtime) as "Invoking Lambda functions with Amazon SNS
notifications" (with-sns.html) shows the event: one record per message, `EventSource`
aws:sns, `EventSubscriptionArn`, and `Sns` with the message, its id, the topic, a null
`Subject` when none was given, `MessageAttributes`; the subscription's FilterPolicy first."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest
from moto.sns.models import sns_backends

from appsync.aws.service_resources import CreatedResources, resources_created
from appsync.aws.sns_lambda import function_name
from appsync.functions_embedded import EmbeddedFunctions, running
from definition.problems import Problem
from definition.service_resources import ServiceResources, SubscriptionSpec, TopicSpec
from tests.fixtures.declared_functions import REGION, declared_functions

pytestmark = pytest.mark.anyio

ACCOUNT = "123456789012"
TOPIC = f"arn:aws:sns:{REGION}:{ACCOUNT}:unit-lambda-news"
FUNCTION = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:listener"
CODE = """
import json, os

def handler(event, context):
    with open(os.environ["OUT"], "a") as out:
        out.write(json.dumps(event) + "\\n")
"""


def _resources(attributes: dict[str, str] | None = None) -> ServiceResources:
    subscription = SubscriptionSpec(
        TOPIC, "lambda", FUNCTION, attributes or {}, "Listen.Properties", f"{TOPIC}:0-0-0-0-1"
    )
    return ServiceResources(topics=(TopicSpec(TOPIC),), subscriptions=(subscription,))


def _locate(key_path: str, message: str) -> Problem:
    return Problem("template.yaml", key_path, message)


@pytest.fixture
def out(tmp_path: Path) -> Path:
    return tmp_path / "out.txt"


def _listener(tmp_path: Path, out: Path) -> EmbeddedFunctions:
    """The declared function `listener`, which appends each event it gets to `out`."""
    return declared_functions(
        tmp_path,
        CODE,
        [
            "{FunctionName: listener, Runtime: python3.12, Handler: app.handler, CodeUri: code, "
            f"Environment: {{Variables: {{OUT: {out}}}}}}}"
        ],
    )


def _lines(out: Path) -> list[str]:
    return out.read_text().splitlines() if out.exists() else []


async def _events(out: Path, count: int) -> list[Any]:
    for _ in range(600):
        if len(lines := _lines(out)) >= count:
            return [json.loads(line) for line in lines]
        await asyncio.sleep(0.05)
    raise AssertionError("not delivered in 30 s")


def _backend() -> Any:
    return sns_backends[ACCOUNT][REGION]


async def test_a_published_message_reaches_the_function_as_sns_invokes_it(
    tmp_path: Path, out: Path
) -> None:
    functions = _listener(tmp_path, out)
    created = CreatedResources()
    async with (
        running(functions),
        created.lambda_subscriptions.delivering(functions),
    ):
        with resources_created(created, _resources(), _locate):
            attributes = {"colour": {"Type": "String", "Value": "blue"}}
            message_id = _backend().publish("hello", arn=TOPIC, message_attributes=attributes)
            _backend().publish("plain", arn=TOPIC, subject="Greeting")
            # Event invocations: in any order.
            first, second = sorted(
                await _events(out, 2), key=lambda event: event["Records"][0]["Sns"]["Message"]
            )
    [record] = first["Records"]
    assert (record["EventVersion"], record["EventSource"]) == ("1.0", "aws:sns")
    assert record["EventSubscriptionArn"] == f"{TOPIC}:0-0-0-0-1"
    sns = record["Sns"]
    assert (sns["Type"], sns["MessageId"], sns["TopicArn"]) == ("Notification", message_id, TOPIC)
    assert (sns["Message"], sns["Subject"]) == ("hello", None)
    assert sns["MessageAttributes"] == attributes
    assert set(sns) >= {"Timestamp", "SignatureVersion", "Signature", "SigningCertUrl"}
    assert sns["UnsubscribeUrl"].endswith(f"SubscriptionArn={TOPIC}:0-0-0-0-1")
    assert (second["Records"][0]["Sns"]["Subject"], second["Records"][0]["Sns"]["Message"]) == (
        "Greeting",
        "plain",
    )


async def test_the_filter_policy_applies_first(tmp_path: Path, out: Path) -> None:
    functions = _listener(tmp_path, out)
    created = CreatedResources()
    policy = {"FilterPolicy": json.dumps({"colour": ["red"]})}
    async with running(functions), created.lambda_subscriptions.delivering(functions):
        with resources_created(created, _resources(policy), _locate):
            blue = {"colour": {"Type": "String", "Value": "blue"}}
            red = {"colour": {"Type": "String", "Value": "red"}}
            _backend().publish("skipped", arn=TOPIC, message_attributes=blue)
            _backend().publish("kept", arn=TOPIC, message_attributes=red)
            [event] = await _events(out, 1)
            await asyncio.sleep(0.2)
    assert event["Records"][0]["Sns"]["Message"] == "kept"
    assert len(_lines(out)) == 1


async def test_a_message_for_an_undeclared_function_is_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    created = CreatedResources()
    async with created.lambda_subscriptions.delivering(None):
        with resources_created(created, _resources(), _locate):
            _backend().publish("lost", arn=TOPIC)
            for _ in range(100):
                if "not declared" in caplog.text:
                    break
                await asyncio.sleep(0.01)
    assert "SNS could not deliver to listener: the function is not declared" in caplog.text


def test_a_subscription_s_function_is_named_by_its_arn() -> None:
    assert function_name(FUNCTION) == "listener"
    assert function_name(FUNCTION + ":live") == "listener"
