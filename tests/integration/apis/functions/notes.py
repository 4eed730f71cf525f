"""Query.notes: one NoteRef per id, on a NONE data source."""

from typing import Any


def request(ctx: Any) -> Any:
    return {"payload": [{"id": note_id} for note_id in ctx.arguments["ids"]]}


def response(ctx: Any) -> Any:
    return ctx.result
