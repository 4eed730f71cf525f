"""The data source seam: what a resolver's request document is sent to."""

from __future__ import annotations

from typing import Any, Protocol

from resolvers.context import ResolverContext


class DataSource(Protocol):
    """A configured AppSync data source.

    `invoke` runs one request document and returns the raw result that becomes `ctx.result`,
    or raises `resolvers.errors.DataSourceError`, which AppSync exposes as `ctx.error`.
    """

    @property
    def name(self) -> str: ...

    async def invoke(self, request: Any, ctx: ResolverContext) -> Any: ...
