"""A SAM project's TypeScript Lambda function (`Metadata: BuildMethod: esbuild`) serves from its
source: bundled as `sam build` bundles it (definition.sam_build), run by the local Node.js
runtime behind an AppSync Lambda data source, asked through the real server with gql; an edit
of the TypeScript is served after a hot reload."""

from __future__ import annotations

import asyncio
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from appsync.app import build_app
from appsync.reload import ApiReloader
from definition.formats import read_definition
from tests.integration.conftest import APIS, Server, execute, running

NODE_MODULES = Path(sys.prefix) / "esbuild" / "node_modules"

pytestmark = [
    pytest.mark.anyio,
    pytest.mark.skipif(shutil.which("node") is None, reason="the Node.js runtime needs node"),
]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    folder = tmp_path / "project"
    shutil.copytree(APIS / "sam-esbuild", folder)
    (folder / "node_modules").symlink_to(NODE_MODULES, target_is_directory=True)
    return folder


@pytest.fixture
def served(project: Path) -> Iterator[tuple[Server, ApiReloader]]:
    template = project / "template.yaml"
    app = build_app(read_definition(template))
    # The reload watcher, as `serve` runs it: it watches the function's source folder.
    reloader = ApiReloader(app, lambda: read_definition(template))
    with running(app, "sam-esbuild") as (host, port):
        yield Server(host, port, app), reloader


async def test_the_typescript_function_answers(served: tuple[Server, ApiReloader]) -> None:
    server, _ = served
    key = server.app.state.api.definition.api_keys[0].id
    assert await execute(server, key, '{ greet(name: "Ann") }') == {
        "greet": "Hello from TypeScript, Ann!"
    }


async def test_an_edit_of_the_typescript_is_served_after_the_reload_it_causes(
    served: tuple[Server, ApiReloader], project: Path
) -> None:
    server, reloader = served
    key = server.app.state.api.definition.api_keys[0].id
    assert await execute(server, key, '{ greet(name: "Ann") }') == {
        "greet": "Hello from TypeScript, Ann!"
    }
    count = reloader.count
    (project / "greeter" / "greeting.ts").write_text(
        "export const greeting = (name: string): string => `Hi again, ${name}!`;\n"
    )
    assert reloader.loop is not None
    waiting = asyncio.run_coroutine_threadsafe(reloader.next_outcome(count), reloader.loop)
    outcome = await asyncio.wait_for(asyncio.wrap_future(waiting), 60)
    assert outcome.applied
    assert await execute(server, key, '{ greet(name: "Ann") }') == {"greet": "Hi again, Ann!"}
