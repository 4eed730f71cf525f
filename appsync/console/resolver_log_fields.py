"""The console API's resolver log fields: the latest requests (`resolverLog`) and each new one
as it ends (`onResolverLog`), in the words of AppSync's CloudWatch log events
(`appsync.console.resolver_log` groups them by request)."""

from __future__ import annotations

from collections.abc import AsyncGenerator

import strawberry

from appsync.console.context import ConsoleInfo
from appsync.console.resolver_log import ResolverLogRequest
from appsync.console.schema import SchemaPart


@strawberry.type
class ResolverLogQuery:
    @strawberry.field
    def resolverLog(self, info: ConsoleInfo, limit: int | None = None) -> list[ResolverLogRequest]:
        """The latest requests, newest first."""
        return info.context.services.log().latest(limit)


@strawberry.type
class ResolverLogSubscription:
    @strawberry.subscription
    async def onResolverLog(
        self, info: ConsoleInfo, latest: int | None = None
    ) -> AsyncGenerator[ResolverLogRequest, None]:
        """The `latest` requests already logged (oldest first), then each request the API
        serves from now on, as it ends: none is missed between the two."""
        async for request in info.context.services.log().follow(latest or 0):
            yield request


RESOLVER_LOG = SchemaPart(ResolverLogQuery, subscription=ResolverLogSubscription)
