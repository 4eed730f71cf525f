"""A data source of a type AppSync has and the local server does not serve yet (OpenSearch,
RDS, EventBridge, Bedrock): the definition loads, with a notice, and each request to it fails
its field, saying why."""

from __future__ import annotations

from typing import Any

from resolvers.context import ResolverContext
from resolvers.errors import DataSourceError

# AWS differs: AppSync would call the service; this error type and text are ours.
NOT_SERVED = "DataSourceNotServed"


class UnservedDataSource:
    """A data source of `type` that no local backend serves (`reason`: why, when it is not
    the type itself)."""

    __slots__ = ("_name", "_reason", "_type")

    def __init__(self, name: str, type: str, reason: str | None = None) -> None:
        self._name = name
        self._type = type
        self._reason = reason

    @property
    def name(self) -> str:
        return self._name

    async def invoke(self, request: Any, ctx: ResolverContext) -> Any:
        if self._reason is not None:
            raise DataSourceError(
                f"Data source {self._name} is not served yet: {self._reason}.", NOT_SERVED
            )
        raise DataSourceError(
            f"Data source {self._name} is of type {self._type}, which appsync-local does not "
            "serve yet.",
            NOT_SERVED,
        )
