"""The AppSync server: composition root, HTTP and websocket edges, CLI."""
