"""NONE resolvers for the limits API, one behaviour per field."""

from typing import Any

from resolvers.runtimes.python import Context, util

NODE = {"id": "1", "value": "one", "child": {"id": "2", "value": "two", "child": {"id": "3"}}}


def request(ctx: Context) -> dict[str, Any]:
    field = ctx.info.fieldName
    if field == "node":
        return {"payload": NODE}
    if field == "broken":
        return {"payload": {"value": "no id"}}
    if field == "item":
        return {"payload": f"item {ctx.args['id']}"}
    if field == "warn":
        util.appendError("half done", "Partial", {"done": 1}, {"left": 1})
        return {"payload": "kept"}
    if field in ("fail", "required"):
        util.error("it failed", "Custom", {"id": 7}, {"why": "test"})
    return {"payload": f"{field} value"}


def response(ctx: Context) -> Any:
    return ctx.result
