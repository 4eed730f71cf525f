"""NONE resolvers for the fuzz API: each field's result comes from its arguments."""

from typing import Any

from resolvers.runtimes.python import Context


def request(ctx: Context) -> dict[str, Any]:
    field = ctx.info.fieldName
    if field == "echo":
        return {"payload": ctx.args.get("text")}
    if field == "json":
        return {"payload": ctx.args.get("value")}
    if field == "node":
        return {"payload": str(ctx.args.get("input"))[:100]}
    if field == "item":
        return {"payload": {"id": ctx.args["id"], "text": "item", "child": {"id": "child"}}}
    return {"payload": dict(ctx.args)}


def response(ctx: Context) -> Any:
    return ctx.result
