"""The uvicorn settings of the realtime websocket, which `appsync-local serve` runs with, and
the websocket protocol they name.

The websocket protocol is named by `websocket_protocol`, which imports `wsproto_protocol`
(wsproto, h11 and uvicorn's wsproto protocol: about 20 modules, 15 ms of CPU) when the first
upgrade makes one, not when uvicorn loads its settings before it listens (issue 19: the first
answer, which is not an upgrade).
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

from appsync.realtime import messages


def websocket_protocol(**arguments: Any) -> asyncio.Protocol:
    """uvicorn's websocket protocol for an upgraded connection (`ws=`): a
    `wsproto_protocol.WSProtocol`, made with uvicorn's arguments (`config`, `server_state`,
    `app_state`)."""
    from appsync.realtime.wsproto_protocol import WSProtocol

    return WSProtocol(**arguments)


# The uvicorn settings `appsync-local serve` runs with, and bench/fanout.py measures: the
# lightest per idle socket there (KiB per subscribed / bare socket at N=1,000, deflate off):
# wsproto 30 / 24, websockets-sansio 34 / 26, the legacy websockets 40 / 33; the lighter
# subclass of wsproto's in `wsproto_protocol` (its queue and flag, fewer instance attributes, no
# handshake state after the upgrade) 6 to 7 KiB less again. No permessage-deflate: its zlib
# state was about 40 KiB per socket, for frames of small JSON. No protocol pings: AppSync's own
# `ka` frames keep clients' sockets alive, and uvicorn's ping timer is per-connection state.
# httptools rather than h11 (2 KiB less per socket with h11) because the same parser serves
# every /graphql request; `http_protocol.HttpProtocol` reads a connection's first bytes and
# serves a realtime upgrade without an HTTP parser, handing anything else to httptools' protocol,
# subclassed so that an upgraded connection's is freed at once rather than by the collector.
# A client frame larger than AppSync's one documented realtime message size, the 240 KB
# subscription payload quota, closes the socket with 1009 (Message Too Big) before it is
# buffered whole (uvicorn's default would take 16 MiB frames). AWS differs (unrecorded):
# AppSync's limit and answer for a large client frame are not documented.
UVICORN_OPTIONS: Mapping[str, Any] = {
    "ws": "appsync.realtime.uvicorn_options:websocket_protocol",
    "http": "appsync.realtime.http_protocol:HttpProtocol",
    "ws_per_message_deflate": False,
    "ws_ping_interval": None,
    "ws_max_size": messages.MAX_SUBSCRIPTION_PAYLOAD_BYTES,
}
