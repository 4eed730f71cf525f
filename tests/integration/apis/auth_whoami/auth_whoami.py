"""`$util.authType()` and `$ctx.identity` of the caller, for the auth integration tests."""

import json
from typing import Any

from resolvers.runtimes.python import Context, util


def request(ctx: Context) -> dict[str, Any]:
    return {"payload": {"authType": util.authType(), "identity": json.dumps(ctx.identity)}}


def response(ctx: Context) -> Any:
    return ctx.result
