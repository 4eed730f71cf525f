"""IntegrationCallError: a call a service refused, with what naming it as AWS does needs."""

from __future__ import annotations

from stepfunctions.errors import StepFunctionsError
from stepfunctions.integrations.errors import IntegrationCallError


def test_a_refused_call_keeps_code_message_status_and_request_id() -> None:
    error = IntegrationCallError("ResourceNotFoundException", "no table", 400, "REQ1")
    assert isinstance(error, StepFunctionsError)
    assert str(error) == "ResourceNotFoundException: no table"
    assert (error.code, error.message, error.status, error.request_id) == (
        "ResourceNotFoundException",
        "no table",
        400,
        "REQ1",
    )
    assert (error.shape, error.host_id) == (None, None)


def test_the_modeled_shape_and_s3_host_id_are_kept_when_known() -> None:
    error = IntegrationCallError("NoSuchKey", "gone", 404, "REQ2", "NoSuchKey", "host/id=")
    assert (error.shape, error.host_id) == ("NoSuchKey", "host/id=")
