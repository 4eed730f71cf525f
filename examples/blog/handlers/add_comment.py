"""Mutation.addComment: a Lambda call whose failure becomes the field's error."""

from typing import Any

from resolvers.runtimes.python import Context, util


def request(ctx: Context) -> dict[str, Any]:
    return {"operation": "Invoke", "payload": {"action": "addComment", **ctx.args}}


def response(ctx: Context) -> Any:
    if ctx.error:
        util.error(ctx.error.message, ctx.error.type)
    return ctx.result
