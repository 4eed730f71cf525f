"""The uvicorn settings `serve` runs the realtime websocket with: this project's HTTP and
websocket protocols, no permessage-deflate, no protocol pings (AppSync's `ka` frames keep the
socket alive), and client frames bounded by AppSync's 240 KB payload quota; the websocket
protocol imported by the first upgrade, not by loading the settings (issue 19)."""

from __future__ import annotations

import asyncio
import subprocess
import sys

from uvicorn.config import Config
from uvicorn.server import ServerState

from appsync.realtime.http_protocol import HttpProtocol
from appsync.realtime.uvicorn_options import UVICORN_OPTIONS, websocket_protocol
from appsync.realtime.wsproto_protocol import WSProtocol


def test_uvicorn_loads_this_projects_protocols_from_them() -> None:
    config = Config(lambda scope, receive, send: None, **UVICORN_OPTIONS)
    config.load()
    assert config.http_protocol_class is HttpProtocol
    assert config.ws_protocol_class is websocket_protocol
    assert config.ws_per_message_deflate is False
    assert config.ws_ping_interval is None
    assert config.ws_max_size == 240 * 1024

    async def upgraded() -> object:
        return websocket_protocol(config=config, server_state=ServerState(), app_state={})

    # What uvicorn makes of an upgraded connection with it: this project's wsproto protocol.
    assert type(asyncio.run(upgraded())) is WSProtocol


# In a fresh interpreter: the settings loaded as `serve` loads them before it listens.
LOADED = """
import sys
from uvicorn.config import Config
from appsync.realtime.uvicorn_options import UVICORN_OPTIONS
from appsync.realtime.http_protocol import HttpProtocol
config = Config(lambda scope, receive, send: None, **UVICORN_OPTIONS)
config.load()
print(sorted(m for m in ("wsproto", "h11", "appsync.realtime.wsproto_protocol",
    "appsync.realtime.native") if m in sys.modules))
"""


def test_loading_the_settings_imports_no_websocket_protocol() -> None:
    printed = subprocess.run(
        [sys.executable, "-c", LOADED], capture_output=True, text=True, check=True
    ).stdout
    assert printed.strip() == "[]"
