"""Mutation.bumpPriority: the PYTHON runtime's twin of an APPSYNC_JS resolver that writes
`ddb.update({key, update: {priority: ddb.operations.increment(by)}, condition})` with
`@aws-appsync/utils/dynamodb`."""

from typing import Any

from resolvers.runtimes.python import Context, util
from resolvers.util import dynamodb_requests as ddb


def request(ctx: Context) -> dict[str, Any]:
    return ddb.update(
        {
            "key": {"id": ctx.args["id"]},
            "update": {
                "priority": ddb.operations.increment(ctx.args["by"]),
                "updatedAt": util.time.nowISO8601(),
            },
            # Only an existing to-do: a missing id fails the condition instead of creating one.
            "condition": {"id": {"attributeExists": True}},
        }
    )


def response(ctx: Context) -> Any:
    if ctx.error:
        util.error(ctx.error.message, ctx.error.type)
    return ctx.result
