"""The control API's client against a served API: signed calls answered, refusals raised as
ControlApiError with AWS's type."""

from __future__ import annotations

import pytest

from appsync.testing.api import LocalApi
from appsync.testing.control_client import ControlClient
from appsync.testing.errors import ControlApiError


def test_a_signed_call_gets_its_answer(blog: LocalApi) -> None:
    client = ControlClient(blog.aws_endpoint, "testing", "testing", "us-east-1")
    try:
        assert client.call("DescribeClock")["mode"] == "MANUAL"
    finally:
        client.close()


def test_a_refusal_is_raised_with_its_type_and_status(blog: LocalApi) -> None:
    client = ControlClient(blog.aws_endpoint, "testing", "testing", "us-east-1")
    try:
        with pytest.raises(ControlApiError) as refused:
            client.call("AdvanceClock", {"seconds": -5})
    finally:
        client.close()
    assert (refused.value.status, refused.value.error_type) == (400, "ValidationException")


def test_a_wrong_secret_is_refused_by_the_signature_check(blog: LocalApi) -> None:
    client = ControlClient(blog.aws_endpoint, "testing", "not-the-secret", "us-east-1")
    try:
        with pytest.raises(ControlApiError) as refused:
            client.call("ResetState")
    finally:
        client.close()
    assert refused.value.error_type == "InvalidSignatureException"
