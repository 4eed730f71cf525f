"""Hot reload without sockets: what is watched, which changes count, and `ApiReloader.reload`
swapping a whole API in, keeping the running one when the new one has problems, and naming
the settings only a restart changes. The watcher and real clients: tests/integration/
test_reload.py."""

from __future__ import annotations

import asyncio
import dataclasses
import importlib
import os
import py_compile
import sys
from pathlib import Path

import pytest
from moto.sqs.models import sqs_backends
from starlette.routing import WebSocketRoute
from watchfiles import Change

from appsync.api_cache import MISS
from appsync.app import AppSyncApp, build_app
from appsync.reload import (
    ApiReloader,
    ReloadOutcome,
    _forget_modules,
    _project_modules,
    _Relevant,
    _restart_only,
    _watched,
    changed_since,
)
from definition.appsync_yaml.api import read_appsync_yaml
from definition.formats import read_definition
from definition.model import ServerSpec, StateMachineSpec, StepFunctionsSettings
from definition.service_resources import QueueMappingSpec, QueueSpec, ServiceResources
from tests.unit.appsync.api_support import write_api


def _app(folder: Path) -> AppSyncApp:
    return build_app(read_appsync_yaml(write_api(folder)))


@pytest.mark.anyio
async def test_a_sound_change_is_swapped_in_and_a_broken_one_is_not(tmp_path: Path) -> None:
    app = _app(tmp_path)
    reports: list[ReloadOutcome] = []
    reloader = ApiReloader(
        app, lambda: read_appsync_yaml(tmp_path / "appsync.yaml"), reports.append
    )
    first = app.state.api
    (tmp_path / "name.py").write_text("def request(ctx):\n    return {\n")
    refused = await reloader.reload([tmp_path / "name.py"])
    assert not refused.applied
    [problem] = refused.problems
    assert problem.key_path == "resolvers[2].code"
    assert problem.message.startswith(f"{tmp_path / 'name.py'}:2:12: ")
    assert app.state.api is first
    write_api(tmp_path)
    applied = await reloader.reload([tmp_path / "name.py"])
    assert applied.applied
    assert (applied.number, applied.changed) == (2, (tmp_path / "name.py",))
    assert app.state.api is not first
    # Websockets the router answers (under a root_path) still reach the app's own runtime,
    # the one whose sockets a later reload moves.
    realtime_paths = first.realtime.paths()
    sockets = [
        route.endpoint
        for route in app.router.routes
        if isinstance(route, WebSocketRoute) and route.path in realtime_paths
    ]
    assert sockets
    assert all(endpoint is first.realtime for endpoint in sockets)
    assert reports == [refused, applied]
    assert await reloader.next_outcome(1) == applied
    assert reloader.count == 2


@pytest.mark.anyio
async def test_a_setting_only_a_restart_changes_is_named(tmp_path: Path) -> None:
    app = _app(tmp_path)
    reloader = ApiReloader(app, lambda: read_appsync_yaml(tmp_path / "appsync.yaml"))
    write_api(tmp_path, "server: {realtime: {keepAliveIntervalSeconds: 5}}\n")
    outcome = await reloader.reload()
    assert outcome.applied
    assert outcome.restart_only == ("server.realtime",)


def test_restart_only_settings_are_told_apart_from_declarations(tmp_path: Path) -> None:
    machine = StateMachineSpec("orders", tmp_path / "orders.asl.json")
    declared = ServerSpec(step_functions=StepFunctionsSettings(state_machines=(machine,)))
    assert _restart_only(ServerSpec(), declared) == []
    moved = ServerSpec(step_functions=StepFunctionsSettings(region="eu-west-1"))
    assert _restart_only(ServerSpec(), moved) == ["server.stepFunctions"]
    hosts = dataclasses.replace(ServerSpec(), allowed_hosts=("app.test",))
    assert _restart_only(ServerSpec(), hosts) == ["server.allowedHosts"]
    # A queue is created by the reload; a mapping from it is followed from the next start.
    queue = QueueSpec("q", "us-east-1", "123456789012")
    mapping = QueueMappingSpec("f", queue.arn)
    queued = ServerSpec(resources=ServiceResources(queues=(queue,)))
    assert _restart_only(ServerSpec(), queued) == []
    mapped = ServerSpec(resources=ServiceResources(queues=(queue,), queue_mappings=(mapping,)))
    assert _restart_only(queued, mapped) == ["event source mappings from queues"]


def test_the_watched_folders_hold_every_file_the_definition_names(tmp_path: Path) -> None:
    (tmp_path / "seed.json").write_text("[]")
    extra = """
server:
  dynamodb:
    tables:
      - TableName: Post
        KeySchema: [{AttributeName: id, KeyType: HASH}]
        AttributeDefinitions: [{AttributeName: id, AttributeType: S}]
        BillingMode: PAY_PER_REQUEST
        seed: seed.json
"""
    config = write_api(tmp_path, extra)
    (tmp_path / "templates").mkdir()
    (tmp_path / "b.req.vtl").rename(tmp_path / "templates" / "b.req.vtl")
    config.write_text(config.read_text().replace("b.req.vtl", "templates/b.req.vtl"))
    folders, files = _watched(read_appsync_yaml(config))
    root = tmp_path.resolve()
    assert folders == {root, root / "templates"}
    names = {file.relative_to(root).as_posix() for file in files}
    assert names == {
        "appsync.yaml",
        "schema.graphql",
        "post.py",
        "name.py",
        "templates/b.req.vtl",
        "result.res.vtl",
        "seed.json",
    }


def test_every_template_read_with_the_api_is_watched() -> None:
    # A CDK app's stacks (apis/iac/cdk-stacks): the API's stack is read with the data stack it
    # imports from, so a change to either template reloads; so for nested stacks' templates
    # (Amplify Gen 2's data stack in apis/iac/amplify-gen2).
    iac = Path(__file__).parents[2] / "integration" / "apis" / "iac"
    _, files = _watched(read_definition(iac / "cdk-stacks" / "cdk.out"))
    templates = {file.name for file in files if file.name.endswith(".template.json")}
    assert templates == {"NotesApi.template.json", "NotesData.template.json"}
    _, gen2 = _watched(read_definition(iac / "amplify-gen2" / "cdk.out"))
    nested = {file.name for file in gen2 if file.name.endswith(".nested.template.json")}
    assert len(nested) == 6


def test_a_change_counts_when_it_is_a_named_file_or_code(tmp_path: Path) -> None:
    relevant = _Relevant(frozenset({tmp_path / "schema.graphql"}))
    assert relevant(Change.modified, str(tmp_path / "schema.graphql"))
    assert relevant(Change.added, str(tmp_path / "helpers.py"))
    assert relevant(Change.modified, str(tmp_path / "handler.mjs"))
    assert not relevant(Change.modified, str(tmp_path / "other.graphql"))
    assert not relevant(Change.modified, str(tmp_path / "state.sqlite-wal"))
    assert not relevant(Change.added, str(tmp_path / ".helpers.py.swp"))  # an editor's swap file


def test_the_apis_own_modules_are_found_and_forgotten_with_their_bytecode(
    tmp_path: Path,
) -> None:
    (tmp_path / "reload_probe_module.py").write_text("VALUE = 1\n")
    sys.path.insert(0, str(tmp_path))
    try:
        module = importlib.import_module("reload_probe_module")
        found = _project_modules([tmp_path])
        assert found == ["reload_probe_module"]
        # Compiled here: the test run may not write bytecode itself.
        cached = Path(module.__cached__)
        py_compile.compile(module.__file__ or "", cfile=str(cached))
        assert cached.is_file()
        _forget_modules(found, bytecode=True)
        assert "reload_probe_module" not in sys.modules
        assert not cached.exists()
    finally:
        sys.path.remove(str(tmp_path))
    # This server's own packages and installed ones are never the API's.
    assert _project_modules([Path(importlib.import_module("appsync").__file__ or "").parent]) == []
    assert _project_modules([Path(importlib.import_module("yaml").__file__ or "").parent]) == []


@pytest.mark.anyio
async def test_a_reload_keeps_the_metrics_and_empties_the_api_cache(tmp_path: Path) -> None:
    """The metrics count across reloads (one registry, as for the server's life); the cache
    keeps its store but loses its entries: the replaced code computed them."""
    extra = "apiCache: {ttl: 300, apiCachingBehavior: FULL_REQUEST_CACHING}\n"
    app = build_app(read_appsync_yaml(write_api(tmp_path, extra)))
    reloader = ApiReloader(app, lambda: read_appsync_yaml(tmp_path / "appsync.yaml"))
    first = app.state.api
    cache = first.executor.cache
    assert cache is not None
    await cache.put("an entry", {"a": 1}, 300)
    outcome = await reloader.reload()
    assert outcome.applied, outcome.problems
    reloaded = app.state.api
    assert reloaded.executor.metrics is first.executor.metrics
    assert reloaded.executor.cache is not None
    assert reloaded.executor.cache.store is cache.store
    assert await reloaded.executor.cache.get("an entry") is MISS


def test_the_files_changed_since_a_read_are_the_ones_written_after_it(tmp_path: Path) -> None:
    # A worker of `serve --workers` reads the files seconds before it starts watching them.
    config = write_api(tmp_path)
    definition = read_appsync_yaml(config)
    read_at = max(path.stat().st_mtime for path in tmp_path.iterdir())
    assert changed_since(definition, read_at) == []
    template = tmp_path / "b.req.vtl"
    template.write_text(template.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    later = read_at + 10
    os.utime(template, (later, later))
    assert changed_since(definition, read_at) == [template.resolve()]


_TEMPLATE = """
Resources:
  Api:
    Type: AWS::AppSync::GraphQLApi
    Properties: {Name: reloaded, AuthenticationType: API_KEY}
  Schema:
    Type: AWS::AppSync::GraphQLSchema
    Properties: {ApiId: !GetAtt Api.ApiId, Definition: "type Query { a: String }"}
  First:
    Type: AWS::SQS::Queue
    Properties: {QueueName: reload-first, VisibilityTimeout: 30}
"""


@pytest.mark.anyio
async def test_a_reload_creates_the_queues_it_adds_and_sets_changed_attributes(
    tmp_path: Path,
) -> None:
    template = tmp_path / "template.yaml"
    template.write_text(_TEMPLATE)
    app = build_app(read_definition(template))
    reloader = ApiReloader(app, lambda: read_definition(template))
    queues = sqs_backends["123456789012"]["us-east-1"].queues
    async with app.router.lifespan_context(app):
        assert queues["reload-first"].attributes["VisibilityTimeout"] == 30
        template.write_text(
            _TEMPLATE.replace("VisibilityTimeout: 30", "VisibilityTimeout: 5")
            + "  Second:\n    Type: AWS::SQS::Queue\n    Properties: {QueueName: reload-second}\n"
        )
        outcome = await reloader.reload([template])
        assert outcome.applied
        assert queues["reload-first"].attributes["VisibilityTimeout"] == 5
        assert "reload-second" in queues
    # What the server created is gone with it (the one the reload added too).
    assert "reload-first" not in queues
    assert "reload-second" not in queues


@pytest.mark.anyio
async def test_after_listening_the_watches_are_registered_by_listened(tmp_path: Path) -> None:
    """`serve`'s reloader: entered by the lifespan, it watches once the server listens
    (`listened`, which returns once the watches are registered), not before."""
    app = _app(tmp_path)
    reloader = ApiReloader(
        app, lambda: read_appsync_yaml(tmp_path / "appsync.yaml"), after_listening=True
    )
    async with reloader.watching():
        # Before the server listens: not watched yet, so never reloaded for.
        (tmp_path / "post.py").write_text((tmp_path / "post.py").read_text() + "\n")
        await reloader.listened()
        (tmp_path / "name.py").write_text((tmp_path / "name.py").read_text() + "\n")
        outcome = await asyncio.wait_for(reloader.next_outcome(0), 30)
    assert outcome.applied, outcome.problems
    assert outcome.changed == ((tmp_path / "name.py").resolve(),)


@pytest.mark.anyio
async def test_a_server_stopped_before_it_listened_stops_watching_at_once(tmp_path: Path) -> None:
    reloader = ApiReloader(
        _app(tmp_path), lambda: read_appsync_yaml(tmp_path / "appsync.yaml"), after_listening=True
    )
    async with reloader.watching():
        pass
    assert reloader.count == 0


@pytest.mark.anyio
async def test_a_server_stopped_as_it_listened_is_not_kept_waiting_for_its_watches(
    tmp_path: Path,
) -> None:
    reloader = ApiReloader(
        _app(tmp_path), lambda: read_appsync_yaml(tmp_path / "appsync.yaml"), after_listening=True
    )
    async with reloader.watching():
        listened = asyncio.ensure_future(reloader.listened())
        # The watcher wakes and imports the watch backend off the loop; the server stops then.
        await asyncio.sleep(0)
    await asyncio.wait_for(listened, 10)
    assert reloader.count == 0
