"""The real server on a loopback port, for tests that talk to it with real clients.

`serve(config_path, clock=None)` builds the app from an API definition (with the server's clock
injected when given) and runs uvicorn in a background
thread on a free port of 127.0.0.1; leaving the block stops it. Test APIs live in `apis/`.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
import uvicorn
from starlette.applications import Starlette

from appsync.app import build_app
from appsync.config import load_config
from appsync.realtime.endpoint import UVICORN_OPTIONS
from auth.clock import Clock
from tests.conftest import REPO_ROOT

APIS = Path(__file__).parent / "apis"
BLOG_CONFIG = REPO_ROOT / "examples" / "blog" / "appsync.yaml"
BLOG_KEY = "da2-localblogexamplekey00000"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test here starts a server: mark it, and bound it in time."""
    for item in items:
        if Path(item.path).is_relative_to(Path(__file__).parent):
            item.add_marker(pytest.mark.integration)
            item.add_marker(pytest.mark.timeout(60))


@dataclass(frozen=True, slots=True)
class Server:
    host: str
    port: int
    app: Starlette

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}/graphql"


@contextmanager
def running(app: Starlette, name: str) -> Iterator[tuple[str, int]]:
    """Run `app` under uvicorn, with `appsync-local serve`'s protocols, on a free loopback port
    in a daemon thread; yields (host, port) once it listens and stops it afterwards."""
    server = uvicorn.Server(
        uvicorn.Config(
            app,
            host="127.0.0.1",
            port=0,
            log_level="warning",
            lifespan="on",
            **UVICORN_OPTIONS,
        )
    )
    thread = threading.Thread(target=server.run, name=name, daemon=True)
    thread.start()
    try:
        while not server.started:
            if not thread.is_alive():
                raise RuntimeError("the test server did not start")
            thread.join(0.01)
        host, port = server.servers[0].sockets[0].getsockname()[:2]
        yield host, port
    finally:
        server.should_exit = True
        thread.join(10)


@contextmanager
def serve(config_path: Path, clock: Clock | None = None) -> Iterator[Server]:
    app = build_app(load_config(config_path), clock=clock)
    with running(app, "appsync-local-test-server") as (host, port):
        yield Server(host, port, app)


@pytest.fixture(scope="module")
def blog() -> Iterator[Server]:
    with serve(BLOG_CONFIG) as server:
        yield server
