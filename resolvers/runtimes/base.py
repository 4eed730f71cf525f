"""What every runtime (VTL, PYTHON) gives a resolver: a request and a response handler."""

from __future__ import annotations

from typing import Any, Protocol

from resolvers.context import ResolverContext


class ResolverCode(Protocol):
    """Compiled resolver or function code, loaded once at start.

    `request` returns the request document for the data source; when the code returns early
    (`#return` in VTL, `runtime.earlyReturn` in PYTHON) it sets `ctx.early_return` and returns
    the value that becomes the result. `response` turns `ctx.result` into the field's value.
    Both raise `resolvers.errors.UtilError` for `util.error`.
    """

    def request(self, ctx: ResolverContext) -> Any: ...

    def response(self, ctx: ResolverContext) -> Any: ...
