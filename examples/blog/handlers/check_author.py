"""Pipeline function: the author must exist before a post is saved."""

from typing import Any

from resolvers.runtimes.python import Context, util


def request(ctx: Context) -> dict[str, Any]:
    author_id = ctx.stash["input"]["authorId"]
    return {"operation": "Invoke", "payload": {"action": "getAuthor", "id": author_id}}


def response(ctx: Context) -> Any:
    if ctx.error:
        util.error(ctx.error.message, ctx.error.type)
    if ctx.result is None:
        util.error(f"Author {ctx.stash['input']['authorId']} not found", "NotFound")
    return ctx.result
