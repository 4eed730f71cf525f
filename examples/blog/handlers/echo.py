"""Query.echo on a NONE data source: the request's payload is the result."""

from typing import Any

from resolvers.runtimes.python import Context


def request(ctx: Context) -> dict[str, Any]:
    return {"payload": ctx.args["message"]}


def response(ctx: Context) -> Any:
    return ctx.result
