"""The blog's Lambda function, served locally: `lambdaConfig.handler: blog_handler:handle`.

It answers two kinds of events, as a real function behind AppSync would:
- direct Lambda resolvers (no resolver code) send AppSync's context object, routed here by
  `info.parentTypeName` and `info.fieldName`;
- resolvers and pipeline functions with code send their own payload, `{"action": ...}`, or a list
  of them for BatchInvoke.
The data live in this module's memory and start from a small seed on every server start.
"""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime
from typing import Any

AUTHORS: dict[str, dict[str, Any]] = {
    "a1": {
        "id": "a1",
        "name": "Ada Lovelace",
        "email": "ada@example.com",
        "website": "https://example.com/ada",
    },
    "a2": {"id": "a2", "name": "Alan Turing", "email": "alan@example.com", "website": None},
}
POSTS: dict[str, dict[str, Any]] = {
    "p1": {
        "id": "p1",
        "title": "Notes on the Analytical Engine",
        "content": "The engine weaves algebraic patterns.",
        "authorId": "a1",
        "tags": ["history", "computing"],
        "metadata": {"readingMinutes": 4},
        "publishedAt": "2026-01-05T09:30:00.000Z",
    },
    "p2": {
        "id": "p2",
        "title": "Computable numbers",
        "content": "On computable numbers, with an application.",
        "authorId": "a2",
        "tags": ["math"],
        "metadata": None,
        "publishedAt": "2026-02-11T14:00:00.000Z",
    },
}
COMMENTS: dict[str, list[dict[str, Any]]] = {
    "p1": [
        {
            "id": "c1",
            "postId": "p1",
            "author": "Charles",
            "content": "Splendid.",
            "createdAt": 1767605400,
        }
    ]
}


def handle(event: Any, context: Any) -> Any:
    if isinstance(event, list):  # BatchInvoke: one result per event, in order
        return [_action(item) for item in event]
    if "action" in event:
        return _action(event)
    return _direct(event)


def _direct(event: dict[str, Any]) -> Any:
    field = f"{event['info']['parentTypeName']}.{event['info']['fieldName']}"
    arguments = event["arguments"]
    source = event.get("source") or {}
    if field == "Query.getPost":
        return POSTS.get(arguments["id"])
    if field == "Query.listPosts":
        return sorted(POSTS.values(), key=lambda post: post["publishedAt"])
    if field == "Query.getAuthor":
        return AUTHORS.get(arguments["id"])
    if field == "Post.comments":
        return COMMENTS.get(source["id"], [])
    if field == "Author.posts":
        return [post for post in POSTS.values() if post["authorId"] == source["id"]]
    raise ValueError(f"no handler for {field}")


def _action(event: dict[str, Any]) -> Any:
    action = event["action"]
    if action == "getAuthor":
        return AUTHORS.get(event["id"])
    if action == "createPost":
        post = {
            "id": str(uuid.uuid4()),
            "tags": [],
            "metadata": None,
            **event["input"],
            "publishedAt": datetime.now(UTC)
            .isoformat(timespec="milliseconds")
            .replace("+00:00", "Z"),
        }
        POSTS[post["id"]] = post
        return post
    if action == "addComment":
        if event["postId"] not in POSTS:
            raise LookupError(f"Post {event['postId']} does not exist")
        comment = {
            "id": str(uuid.uuid4()),
            "postId": event["postId"],
            "author": event["author"],
            "content": event["content"],
            "createdAt": int(time.time()),
        }
        COMMENTS.setdefault(event["postId"], []).append(comment)
        return comment
    raise ValueError(f"unknown action {action!r}")
