"""A server of the blog example for the plugin's unit tests: in this process, on a manual clock
from 2030-01-01, stopped after the module."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from appsync.data_directory import DataDirectory
from appsync.testing.api import LocalApi
from appsync.testing.servers import ServeMode, ServeOptions, load_definition, serve
from tests.integration.conftest import BLOG_CONFIG

START = datetime(2030, 1, 1, tzinfo=UTC)


@pytest.fixture(scope="module")
def blog(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalApi]:
    data = DataDirectory(tmp_path_factory.mktemp("blog"))
    definition = load_definition(BLOG_CONFIG)
    api = LocalApi(
        definition, serve(definition, ServeOptions(ServeMode.IN_PROCESS, START, data)), data
    )
    try:
        yield api
    finally:
        api.close()
