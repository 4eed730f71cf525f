"""The uvicorn settings `serve` runs the realtime websocket with: this project's HTTP and
websocket protocols, no permessage-deflate, no protocol pings (AppSync's `ka` frames keep the
socket alive), and client frames bounded by AppSync's 240 KB payload quota."""

from __future__ import annotations

import uvicorn

from appsync.realtime.http_protocol import HttpProtocol
from appsync.realtime.uvicorn_options import UVICORN_OPTIONS
from appsync.realtime.wsproto_protocol import WSProtocol


def test_uvicorn_loads_this_projects_protocols_from_them() -> None:
    config = uvicorn.Config(lambda scope, receive, send: None, **UVICORN_OPTIONS)
    config.load()
    assert config.http_protocol_class is HttpProtocol
    assert config.ws_protocol_class is WSProtocol
    assert config.ws_per_message_deflate is False
    assert config.ws_ping_interval is None
    assert config.ws_max_size == 240 * 1024
