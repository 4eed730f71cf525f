"""Mutation.createPost, before and after the pipeline's functions."""

from typing import Any

from resolvers.runtimes.python import Context, util


def request(ctx: Context) -> dict[str, Any]:
    title = ctx.args["input"]["title"].strip()
    if not title:
        util.error("A post needs a title", "ValidationError", None, {"field": "title"})
    ctx.stash["input"] = {**ctx.args["input"], "title": title}
    return {}


def response(ctx: Context) -> Any:
    return ctx.prev.result
