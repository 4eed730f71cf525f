"""The Lambda conflict handler of AppSync's "Conflict detection and resolution" page, in Python:
an admin's delete REMOVEs the item and an admin's create or update RESOLVEs the conflict with the
new item; anyone else's mutation is REJECTed."""

from __future__ import annotations

from typing import Any


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    identity = event.get("identity") or {}
    if identity.get("username") != "jeffTheAdmin":
        return {"action": "REJECT"}
    field = event["resolver"]["field"]
    if field == "deletePost":
        return {"action": "REMOVE"}
    if field in ("updatePost", "createPost"):
        return {"action": "RESOLVE", "item": event["newItem"]}
    return {"action": "REJECT"}
