"""Two APIs served by one process whose folders each hold a `handlers.py` for their Lambda
data source: each answers with its own handler (the pytest plugin's in-process fixtures serve
several APIs in one test session). Real servers on loopback, gql clients."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from appsync.app import build_app
from definition.appsync_yaml.api import read_appsync_yaml
from tests.integration.conftest import Server, execute, running

KEY = "da2-handlermodulestest00000"
NAME = "appsync_local_it_handlers"

pytestmark = pytest.mark.anyio


def _api(folder: Path, who: str) -> Path:
    folder.mkdir()
    (folder / "schema.graphql").write_text("type Query { who: String }\n")
    (folder / f"{NAME}.py").write_text(f"def handle(event):\n    return {who!r}\n")
    (folder / "appsync.yaml").write_text(
        f"""
schema: schema.graphql
authenticationType: API_KEY
apiKeys: [{{id: {KEY}}}]
dataSources:
  - {{name: Fn, type: AWS_LAMBDA, lambdaConfig: {{handler: "{NAME}:handle"}}}}
resolvers:
  - {{typeName: Query, fieldName: who, dataSourceName: Fn}}
"""
    )
    return folder / "appsync.yaml"


@pytest.fixture
def two_apis(tmp_path: Path) -> Iterator[tuple[Server, Server]]:
    saved = list(sys.path)
    first = build_app(read_appsync_yaml(_api(tmp_path / "first", "first")))
    second = build_app(read_appsync_yaml(_api(tmp_path / "second", "second")))
    try:
        with running(first, "first") as (host, port), running(second, "second") as (h2, p2):
            yield Server(host, port, first), Server(h2, p2, second)
    finally:
        sys.path[:] = saved
        sys.modules.pop(NAME, None)


async def test_each_api_runs_its_own_handler_module(two_apis: tuple[Server, Server]) -> None:
    first, second = two_apis
    assert await execute(first, KEY, "{ who }") == {"who": "first"}
    assert await execute(second, KEY, "{ who }") == {"who": "second"}
