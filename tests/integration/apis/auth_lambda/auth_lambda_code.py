"""Query fields of the Lambda-authorized API: the caller, a secret, a profile."""

import json
from typing import Any

from resolvers.runtimes.python import Context, util


def request(ctx: Context) -> dict[str, Any]:
    field = ctx.info.fieldName
    if field == "me":
        return {"payload": {"authType": util.authType(), "identity": json.dumps(ctx.identity)}}
    if field == "profile":
        return {"payload": {"name": "Ada", "email": "ada@example.com"}}
    return {"payload": "s3cret"}


def response(ctx: Context) -> Any:
    return ctx.result
