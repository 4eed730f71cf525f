"""Pipeline function: store the post."""

from typing import Any

from resolvers.runtimes.python import Context, util


def request(ctx: Context) -> dict[str, Any]:
    return {"operation": "Invoke", "payload": {"action": "createPost", "input": ctx.stash["input"]}}


def response(ctx: Context) -> Any:
    if ctx.error:
        util.error(ctx.error.message, ctx.error.type)
    return ctx.result
