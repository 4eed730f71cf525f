"""`ctx.env` in the PYTHON runtime (a module name of its own: handler modules share one
namespace per process)."""

from __future__ import annotations

from typing import Any

from resolvers.runtimes.python import Context


def request(ctx: Context) -> dict[str, Any]:
    return {
        "payload": {
            "stage": ctx.env["STAGE"],
            "max": ctx.env.get("MAX_ITEMS"),
            "missing": ctx.env.get("NOT_SET"),
        }
    }


def response(ctx: Context) -> Any:
    return ctx.result
