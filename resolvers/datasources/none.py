"""The NONE data source: AppSync's local operations.

"Because there is no data source, the value of the payload field will be forwarded to the
function response handler and set on the context.result property" (resolver-reference-none-js;
the VTL reference, resolver-mapping-template-reference-none, says the same of
`$context.result`). The payload field is optional; without it the result is null.
"""

from __future__ import annotations

from typing import Any

from resolvers.context import ResolverContext


class NoneDataSource:
    """A `type: NONE` data source."""

    __slots__ = ("_name",)

    def __init__(self, name: str) -> None:
        self._name = name

    @property
    def name(self) -> str:
        return self._name

    async def invoke(self, request: Any, ctx: ResolverContext) -> Any:
        if isinstance(request, dict):
            return request.get("payload")
        return None
