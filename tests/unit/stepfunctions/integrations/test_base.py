"""What the service integrations share: parameters, the Java SDK's response metadata and dates.

`sdk_metadata` is the shape AWS-recorded histories show on every optimized integration's answer
(localstack's `test_dynamodb_task_service` and `test_callback` snapshots); `epoch_millis` is how
the Java SDK's Jackson writes a date (epoch milliseconds), as floci's `.sync` tests measured.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from typing import Any

import pytest

from stepfunctions.errors import StatesError
from stepfunctions.integrations.base import (
    epoch_millis,
    json_headers,
    new_request_id,
    parameters_of,
    required_text,
    sdk_metadata,
)
from stepfunctions.runtime.clock import FakeClock
from stepfunctions.runtime.service_integration import Pattern, TaskCall

MOMENT = datetime(2024, 5, 1, 12, 30, 15, 250_000, tzinfo=UTC)


def _call(parameters: Any) -> TaskCall:
    return TaskCall(
        service="sqs",
        action="sendMessage",
        pattern=Pattern.REQUEST_RESPONSE,
        sdk=False,
        parameters=parameters,
        clock=FakeClock(MOMENT),
        region="us-east-1",
        account_id="123456789012",
        execution_arn="arn:aws:states:us-east-1:123456789012:execution:sm:e",
        submitted=lambda answer: None,
    )


def test_a_required_text_parameter_is_returned() -> None:
    assert required_text(_call({"QueueUrl": "https://q"}), "QueueUrl") == "https://q"


@pytest.mark.parametrize("parameters", [None, {}, {"QueueUrl": 7}, ["QueueUrl"]])
def test_a_missing_required_parameter_fails_the_task_as_aws_words_it(parameters: Any) -> None:
    with pytest.raises(StatesError) as caught:
        required_text(_call(parameters), "QueueUrl")
    assert caught.value.error == "States.Runtime"
    assert caught.value.cause == (
        "The field 'QueueUrl' is required for the resource 'arn:aws:states:::sqs:sendMessage'"
    )


def test_parameters_are_a_deep_copy_the_integration_may_change() -> None:
    parameters = {"MessageBody": {"items": [1, 2]}}
    copied = parameters_of(_call(parameters))
    copied["MessageBody"]["items"].append(3)
    assert copied == {"MessageBody": {"items": [1, 2, 3]}}
    assert parameters == {"MessageBody": {"items": [1, 2]}}


def test_no_parameters_are_an_empty_object() -> None:
    assert parameters_of(_call(None)) == {}


def test_parameters_that_are_not_an_object_fail_the_task() -> None:
    with pytest.raises(StatesError) as caught:
        parameters_of(_call([1, "a"]))
    assert caught.value.error == "States.Runtime"
    assert caught.value.cause == (
        "The parameters of the resource 'arn:aws:states:::sqs:sendMessage' must be a JSON "
        'object, not [1, "a"]'
    )


def test_sdk_metadata_lists_each_header_as_the_java_sdk_does() -> None:
    headers = {"Content-Type": "application/x-amz-json-1.0", "x-amzn-RequestId": "r-1"}
    assert sdk_metadata(headers, 200, "r-1") == {
        "SdkHttpMetadata": {
            "AllHttpHeaders": {
                "Content-Type": ["application/x-amz-json-1.0"],
                "x-amzn-RequestId": ["r-1"],
            },
            "HttpHeaders": headers,
            "HttpStatusCode": 200,
        },
        "SdkResponseMetadata": {"RequestId": "r-1"},
    }


def test_json_headers_describe_the_compact_body_and_its_date() -> None:
    body = {"executionArn": "arn:x", "startDate": 1.5}
    headers = json_headers(MOMENT, body, "r-2")
    assert headers["Content-Length"] == str(len('{"executionArn":"arn:x","startDate":1.5}'))
    assert headers["Content-Type"] == "application/x-amz-json-1.0"
    assert headers["Date"] == "Wed, 01 May 2024 12:30:15 GMT"
    assert parsedate_to_datetime(headers["Date"]) == MOMENT.replace(microsecond=0)
    assert headers["x-amzn-RequestId"] == "r-2"
    assert headers["connection"] == "keep-alive"


def test_request_ids_are_fresh_uuids() -> None:
    first, second = new_request_id(), new_request_id()
    assert first != second
    assert [len(part) for part in first.split("-")] == [8, 4, 4, 4, 12]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1714566615, 1714566615000),
        (1714566615.25, 1714566615250),
        (MOMENT, 1714566615250),
        (MOMENT.astimezone(timezone(timedelta(hours=2))), 1714566615250),
        ("2024-05-01", "2024-05-01"),
        (True, True),
        (None, None),
    ],
)
def test_dates_become_epoch_millis_and_other_values_stay(value: Any, expected: Any) -> None:
    assert epoch_millis(value) == expected
