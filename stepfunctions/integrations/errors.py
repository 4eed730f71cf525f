"""The integrations' error: a call a service refused, before it is named as AWS names it."""

from __future__ import annotations

from stepfunctions.errors import StepFunctionsError


class IntegrationCallError(StepFunctionsError):
    """A service refused a call: its error code, message and HTTP status, before naming."""

    def __init__(
        self,
        code: str,
        message: str,
        status: int,
        request_id: str,
        shape: str | None = None,
        host_id: str | None = None,
    ) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.status = status
        self.request_id = request_id
        # The service model's exception for the error, when the client recognised one.
        self.shape = shape
        # S3's extended request id (x-amz-id-2), which AWS adds to an SDK integration's cause.
        self.host_id = host_id
