"""The service's error: what an operation refuses, as the AWS JSON 1.0 wire names it."""

from __future__ import annotations

from stepfunctions.errors import StepFunctionsError


class ApiError(StepFunctionsError):
    """An AWS JSON 1.0 error: `__type` code, message and HTTP status (400 for client errors)."""

    def __init__(self, code: str, message: str, status: int = 400) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.status = status
