"""Echo the `value` argument (NONE data source); `jsonKind` reports what the resolver received."""

from typing import Any

from resolvers.runtimes.python import Context


def request(ctx: Context) -> dict[str, Any]:
    value = ctx.args["value"]
    if ctx.info.fieldName == "jsonKind":
        return {"payload": type(value).__name__}
    return {"payload": value}


def response(ctx: Context) -> Any:
    return ctx.result
