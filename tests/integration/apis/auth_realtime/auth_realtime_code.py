"""The realtime auth API's resolvers: `addItem` returns its arguments as the new item."""

from typing import Any

from resolvers.runtimes.python import Context


def request(ctx: Context) -> dict[str, Any]:
    return {"payload": ctx.args}


def response(ctx: Context) -> Any:
    return ctx.result
