"""Post.author through BatchInvoke: the authors of every post in a list arrive in one call."""

from typing import Any

from resolvers.runtimes.python import Context, util


def request(ctx: Context) -> dict[str, Any]:
    author_id = ctx.source["authorId"]
    return {"operation": "BatchInvoke", "payload": {"action": "getAuthor", "id": author_id}}


def response(ctx: Context) -> Any:
    if ctx.error:
        util.error(ctx.error.message, ctx.error.type)
    return ctx.result
