"""Every Query field of the matrix API: its own name, or the object its type needs."""

import json
from typing import Any

from resolvers.runtimes.python import Context, util


def request(ctx: Context) -> dict[str, Any]:
    field = ctx.info.fieldName
    if field == "typed":
        return {"payload": {"inherited": "inherited", "overridden": "overridden"}}
    if field == "bare":
        return {"payload": {"value": "value"}}
    if field == "whoami":
        return {"payload": {"authType": util.authType(), "identity": json.dumps(ctx.identity)}}
    return {"payload": field}


def response(ctx: Context) -> Any:
    return ctx.result
