"""The plugin's factory: what it accepts, where a relative definition is found, and that the
servers it starts stop with it. (Its fixtures run through pytest itself in
tests/integration/test_pytest_plugin.py.)"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import httpx
import pytest

from appsync.testing.errors import ControlApiError
from appsync.testing.plugin import MODE_OPTION, AppSyncLocalFactory


@pytest.fixture
def factory(
    pytestconfig: pytest.Config, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[AppSyncLocalFactory]:
    made = AppSyncLocalFactory(pytestconfig, tmp_path_factory)
    yield made
    made.close()  # a failed test's servers stop too


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"clock": "fake"}, "clock must be 'wall' or 'manual'"),
        ({"start": datetime(2030, 1, 1, tzinfo=UTC)}, "start goes with clock='manual'"),
        ({"clock": "manual", "start": datetime(2030, 1, 1)}, "must be timezone-aware"),
        ({"mode": "remote"}, "mode must be one of in-process, subprocess"),
        ({"format": "terraform"}, "format must be one of appsync, cloudformation"),
    ],
)
def test_bad_options_are_refused_before_anything_starts(
    factory: AppSyncLocalFactory, options: dict[str, object], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        factory("examples/blog/appsync.yaml", **options)  # type: ignore[arg-type]


def test_a_relative_definition_is_found_from_the_rootdir_and_stops_with_the_factory(
    factory: AppSyncLocalFactory, pytestconfig: pytest.Config
) -> None:
    assert pytestconfig.getini(MODE_OPTION) == "in-process"
    api = factory("examples/blog/appsync.yaml")
    assert api.definition.file == pytestconfig.rootpath / "examples" / "blog" / "appsync.yaml"
    assert api.query('{ echo(message: "hi") }') == {"data": {"echo": "hi"}}
    # A wall clock: the control API answers, and refuses to move it.
    assert not api.clock.manual
    with pytest.raises(ControlApiError, match="--clock manual"):
        api.clock.advance(1)
    factory.close()
    with pytest.raises(httpx.ConnectError):
        httpx.post(api.graphql_url, json={"query": '{ echo(message: "hi") }'})


@pytest.mark.parametrize("mode", ["in-process", "subprocess"])
def test_a_templates_parameters_are_given_as_serve_takes_them(
    factory: AppSyncLocalFactory, mode: str
) -> None:
    # The template's Stage parameter (default dev, allowed dev and prod) names the status a
    # new post gets: `serve --parameter Stage=prod`, from the fixture.
    template = "tests/integration/apis/iac/cloudformation.yaml"
    create = 'mutation { createPost(id: "p1", title: "Hi") { status } }'
    api = factory(template, parameters={"Stage": "prod"}, stack="blog", mode=mode)  # type: ignore[arg-type]
    # Generated names carry the stack name, as CloudFormation's do.
    names = [table.table_name for table in api.definition.server.dynamodb.tables]
    assert any(name.startswith("blog-PostsTable-") for name in names), names
    assert api.query(create) == {"data": {"createPost": {"status": "draft-prod"}}}
