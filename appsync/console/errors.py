"""The console API's errors: each is a GraphQL error whose `extensions.errorType` is AWS's own
error code (`ExecutionDoesNotExist`, `ResourceNotFoundException`), as the contract in
console/src/api/operations.graphql promises the front end.

graphql-core copies an original error's `extensions` onto the GraphQL error it wraps it in
(`GraphQLError.__init__`, graphql-core 3.3), so a resolver only raises; Strawberry renders it.
"""

from __future__ import annotations

from typing import Any


class ConsoleError(Exception):
    """Root of the console's errors: a message and the AWS error code it carries."""

    def __init__(self, error_type: str, message: str) -> None:
        super().__init__(message)
        self.error_type = error_type
        self.message = message

    @property
    def extensions(self) -> dict[str, Any]:
        return {"errorType": self.error_type}


class AwsServiceError(ConsoleError):
    """An embedded service (Step Functions, DynamoDB) refused the operation with this code."""


class NotServedError(ConsoleError):
    """What this server does not serve: DynamoDB behind `appsync-local stepfunctions`, a live
    table without a stream."""

    def __init__(self, message: str) -> None:
        super().__init__("ConsoleApiUnavailable", message)
