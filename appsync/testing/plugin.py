"""The pytest plugin (entry point `pytest11`, so installing appsync-local makes it available).

Fixtures, one per scope, each a factory that serves an API definition and returns a
`LocalApi`, stopped when the scope ends:

    def test_echo(appsync_local):
        api = appsync_local("api/appsync.yaml", clock="manual")
        assert api.query('{ echo(message: "hi") }') == {"data": {"echo": "hi"}}

`appsync_local` (function scope), `appsync_local_class`, `appsync_local_module` and
`appsync_local_session`: a module-scoped server reset between tests (`api.reset()`) starts
once and keeps tests independent. A relative definition path is taken from pytest's rootdir.
`clock="manual"` starts the server on a clock only the test moves (from `start`, default now);
A template is read as `serve` reads it; `format`, `parameters`, `stack`, `region` and `stage`
are `serve`'s `--format`, `--parameter`, `--stack`, `--region` and `--stage`.
`mode="subprocess"` serves it from `appsync-local serve` in a process of its own instead of in
the test process (the ini option `appsync_local_mode` sets the default). Each pytest-xdist worker
is a process of its own, with its own servers on their own ports.

Every pytest run of an environment with appsync-local loads this module, so it imports only
pytest and the standard library: the server's modules load when a fixture first serves.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import pytest

if TYPE_CHECKING:
    from appsync.testing.api import LocalApi

MODE_OPTION = "appsync_local_mode"
_MODES = ("in-process", "subprocess")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini(
        MODE_OPTION,
        help="where the appsync_local fixtures serve an API: in-process (default: a thread of "
        "the test process) or subprocess (appsync-local serve)",
        default="in-process",
    )


class AppSyncLocalFactory:
    """`factory(definition, clock=..., start=..., mode=..., parameters=..., ...)` -> a served
    `LocalApi`."""

    def __init__(self, config: pytest.Config, tmp_path_factory: pytest.TempPathFactory) -> None:
        self._config = config
        self._tmp = tmp_path_factory
        self._apis: list[LocalApi] = []

    def __call__(
        self,
        definition: str | Path,
        *,
        clock: Literal["wall", "manual"] = "wall",
        start: datetime | None = None,
        mode: Literal["in-process", "subprocess"] | None = None,
        format: str | None = None,
        parameters: Mapping[str, str] | None = None,
        stack: str | None = None,
        region: str | None = None,
        stage: str | None = None,
    ) -> LocalApi:
        # Imported here: the server's modules cost seconds to import (see the docstring).
        from appsync.data_directory import DataDirectory
        from appsync.hosts import listening_socket, own_url
        from appsync.testing.api import LocalApi
        from appsync.testing.servers import (
            LOOPBACK,
            ServeMode,
            ServeOptions,
            load_definition,
            serve,
        )
        from definition.formats import Format, ReadOptions

        if clock not in ("wall", "manual"):
            raise ValueError(f"clock must be 'wall' or 'manual', not {clock!r}")
        if start is not None and (clock != "manual" or start.tzinfo is None):
            raise ValueError("start goes with clock='manual' and must be timezone-aware")
        chosen = mode or str(self._config.getini(MODE_OPTION))
        if chosen not in _MODES:
            raise ValueError(f"mode must be one of {', '.join(_MODES)}, not {chosen!r}")
        path = Path(definition)
        if not path.is_absolute():
            path = self._config.rootpath / path
        formats = [kind.value for kind in Format]
        if format is not None and format not in formats:
            raise ValueError(f"format must be one of {', '.join(formats)}, not {format!r}")
        read = ReadOptions(
            Format(format) if format is not None else None,
            dict(parameters or {}),
            stack,
            region,
            stage,
        )
        listener = None
        if chosen == ServeMode.IN_PROCESS:
            # Its port, known before the definition is read: a template's queue URLs name it
            # (a subprocess's `serve --port 0` does the same).
            listener = listening_socket(LOOPBACK, 0)
            port = int(listener.getsockname()[1])
            read = dataclasses.replace(read, endpoint_url=own_url(LOOPBACK, port))
        try:
            loaded = load_definition(path, read)
        except BaseException:
            if listener is not None:
                listener.close()
            raise
        clock_start = None
        if clock == "manual":
            clock_start = start if start is not None else datetime.now(UTC)
        # Each server's own folder: its Cognito signing key, a subprocess's log.
        data = DataDirectory(self._tmp.mktemp("appsync-local"))
        options = ServeOptions(ServeMode(chosen), clock_start, data, read, listener)
        api = LocalApi(loaded, serve(loaded, options), data)
        self._apis.append(api)
        # It listens; one control call shows that it answers, signatures and all.
        api.clock.now()
        return api

    def close(self) -> None:
        while self._apis:
            self._apis.pop().close()


def _factory(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[AppSyncLocalFactory]:
    factory = AppSyncLocalFactory(request.config, tmp_path_factory)
    try:
        yield factory
    finally:
        factory.close()


@pytest.fixture
def appsync_local(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[AppSyncLocalFactory]:
    """Serve an API for one test: `api = appsync_local("path/to/appsync.yaml")`."""
    yield from _factory(request, tmp_path_factory)


@pytest.fixture(scope="class")
def appsync_local_class(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[AppSyncLocalFactory]:
    """Serve an API for a test class."""
    yield from _factory(request, tmp_path_factory)


@pytest.fixture(scope="module")
def appsync_local_module(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[AppSyncLocalFactory]:
    """Serve an API for a test module (reset it between tests with `api.reset()`)."""
    yield from _factory(request, tmp_path_factory)


@pytest.fixture(scope="session")
def appsync_local_session(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[AppSyncLocalFactory]:
    """Serve an API for the whole session (each xdist worker has its own)."""
    yield from _factory(request, tmp_path_factory)
