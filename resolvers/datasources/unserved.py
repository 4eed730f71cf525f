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
    """A data source of `type` that no local backend serves."""

    __slots__ = ("_name", "_type")

    def __init__(self, name: str, type: str) -> None:
        self._name = name
        self._type = type

    @property
    def name(self) -> str:
        return self._name

    async def invoke(self, request: Any, ctx: ResolverContext) -> Any:
        raise DataSourceError(
            f"Data source {self._name} is of type {self._type}, which appsync-local does not "
            "serve yet.",
            NOT_SERVED,
        )
