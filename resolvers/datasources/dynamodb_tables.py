"""Tables of the embedded DynamoDB: created at start, seeded, and reachable over loopback.

A declaration is CreateTable's input (`definition.model.TableDeclaration`). A seed file is
JSON in one of two shapes: a list of plain JSON items (`[{"id": "1", "title": "x"}]`, stored as
`$util.dynamodb.toMapValues` would type them), or the AWS CLI's `batch-write-item
--request-items` shape (`{"Posts": [{"PutRequest": {"Item": {"id": {"S": "1"}}}}]}`), typed
already.

`start_loopback_endpoint` serves the same in-process moto backend over HTTP with moto's own
`ThreadedMotoServer` (moto_server, unauthenticated): the peer the tests and benchmarks compare
the server's AWS endpoint with, and the boto3 path of the DynamoDB tests. The server itself
serves DynamoDB on its AWS endpoint (`appsync.aws`). A port it cannot bind is a
`LoopbackEndpointError` at once (moto's own server would wait forever for a thread whose bind
failed).
"""

from __future__ import annotations

import dataclasses
import functools
import json
import logging
import os
import socket
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from definition.model import (
    DEFAULT_REGION,
    DeltaSyncConfig,
    DynamoDBConfig,
    EmbeddedDynamoDBSettings,
    TableDeclaration,
)
from resolvers.datasources.dynamodb_wire import BACKEND_LOCK, DynamoDBOperations, marshall_item
from resolvers.errors import (
    DynamoDBServiceError,
    LoopbackEndpointError,
    SeedError,
    TableSetupError,
)

# moto, boto3 and werkzeug are imported where tables are made, reached or served (issue 19).
if TYPE_CHECKING:
    from moto.moto_server.threaded_moto_server import ThreadedMotoServer

logger = logging.getLogger(__name__)


def delta_sync_table(config: DeltaSyncConfig) -> TableDeclaration:
    """The delta table a versioned data source writes to (versioned-data-sources: `ds_pk`
    partition key, `ds_sk` sort key, both strings, `_ttl` as the TTL attribute)."""
    create = {
        "TableName": config.delta_sync_table_name,
        "KeySchema": [
            {"AttributeName": "ds_pk", "KeyType": "HASH"},
            {"AttributeName": "ds_sk", "KeyType": "RANGE"},
        ],
        "AttributeDefinitions": [
            {"AttributeName": "ds_pk", "AttributeType": "S"},
            {"AttributeName": "ds_sk", "AttributeType": "S"},
        ],
        "BillingMode": "PAY_PER_REQUEST",
    }
    return TableDeclaration(config.delta_sync_table_name, create, "_ttl")


def read_seed(path: Path) -> dict[str, list[dict[str, Any]]]:
    """Typed items per table from a seed file; a plain list belongs to `path`'s own table."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise SeedError(path, f"cannot read the seed file: {error}") from error
    if isinstance(raw, list):
        if not all(isinstance(item, dict) for item in raw):
            raise SeedError(path, "expected a list of JSON objects")
        return {"": [marshall_item(item) for item in raw]}
    if not isinstance(raw, dict):
        raise SeedError(path, "expected a list of items or batch-write-item request items")
    tables: dict[str, list[dict[str, Any]]] = {}
    for table, requests in raw.items():
        if not isinstance(requests, list):
            raise SeedError(path, f"{table}: expected a list of PutRequest entries")
        items = []
        for request in requests:
            item = request.get("PutRequest", {}).get("Item") if isinstance(request, dict) else None
            if not isinstance(item, dict):
                raise SeedError(path, f"{table}: expected {{'PutRequest': {{'Item': ...}}}}")
            items.append(item)
        tables[table] = items
    return tables


async def create_tables(
    operations: DynamoDBOperations,
    tables: Iterable[TableDeclaration],
    endpoint: str | None = None,
) -> list[str]:
    """Create each declared table that does not exist yet, set its TTL, load its seed.

    Returns the names of the tables created. A table that already exists (a configured endpoint
    that outlives the server, or the embedded DynamoDB's data directory) is left as it is and
    not seeded again; a warning says so when its keys or indexes are not the declared ones. A
    step DynamoDB refuses is a `TableSetupError` naming the table, `endpoint` (where the tables
    are) and the step.
    """
    created = []
    for table in tables:
        name = table.table_name
        try:
            await operations.call("CreateTable", dict(table.create_table_input))
        except DynamoDBServiceError as error:
            if error.code not in ("ResourceInUseException", "TableAlreadyExistsException"):
                raise TableSetupError(name, endpoint, "CreateTable", error) from error
            logger.info("table %s already exists; leaving it as it is", name)
            await _compare(operations, table)
            continue
        created.append(name)
        if table.time_to_live_attribute is not None:
            specification = {"AttributeName": table.time_to_live_attribute, "Enabled": True}
            params = {"TableName": name, "TimeToLiveSpecification": specification}
            try:
                await operations.call("UpdateTimeToLive", params)
            except DynamoDBServiceError as error:
                raise TableSetupError(name, endpoint, "UpdateTimeToLive", error) from error
        if table.seed is not None:
            await _load_seed(operations, table, table.seed, endpoint)
    return created


async def _compare(operations: DynamoDBOperations, table: TableDeclaration) -> None:
    """Warn when an existing table's keys or indexes are not its declaration's."""
    try:
        described = (await operations.call("DescribeTable", {"TableName": table.table_name}))[
            "Table"
        ]
    except (DynamoDBServiceError, KeyError):
        return  # not ours to judge: the start goes on with the table as it is
    if _shape(described) != _shape(table.create_table_input):
        logger.warning(
            "table %s exists with other keys or indexes than its declaration; it is left as it "
            "is (for the embedded DynamoDB, `appsync-local reset` empties the data directory "
            "so the next start creates it as declared)",
            table.table_name,
        )


def _shape(table: Mapping[str, Any]) -> tuple[Any, ...]:
    """A table's key schema and its indexes' names and key schemas, comparable."""

    def indexes(kind: str) -> list[tuple[str, Any]]:
        found = table.get(kind) or []
        return sorted((index["IndexName"], index["KeySchema"]) for index in found)

    return (
        table.get("KeySchema"),
        indexes("GlobalSecondaryIndexes"),
        indexes("LocalSecondaryIndexes"),
    )


async def _load_seed(
    operations: DynamoDBOperations, table: TableDeclaration, seed: Path, endpoint: str | None
) -> None:
    for name, items in read_seed(seed).items():
        target = name or table.table_name
        for position, item in enumerate(items):
            try:
                await operations.call("PutItem", {"TableName": target, "Item": item})
            except DynamoDBServiceError as error:
                raise TableSetupError(
                    table.table_name, endpoint, "seed", error, (position, target)
                ) from error
    logger.info("seeded %s from %s", table.table_name, seed)


def operations_for(config: DynamoDBConfig) -> DynamoDBOperations:
    """The embedded backend for the data source's region, or boto3 when it names an endpoint."""
    from resolvers.datasources.dynamodb_boto import BotoDynamoDB
    from resolvers.datasources.dynamodb_moto import MotoDynamoDB

    if config.endpoint is not None:
        return BotoDynamoDB(config.aws_region, config.endpoint)
    return MotoDynamoDB(config.aws_region)


Target = tuple[str | None, str]
"""Where tables are created: (a data source's endpoint, None for the embedded DynamoDB; region)."""


def table_targets(
    tables: Iterable[TableDeclaration], configs: Iterable[DynamoDBConfig]
) -> dict[Target, list[TableDeclaration]]:
    """The tables to create wherever a data source looks for them.

    Each distinct (endpoint, region) of the data sources gets every declared table (the
    embedded backend when there is no endpoint; us-east-1 when no data source names a region),
    plus the delta table of each versioned data source there when it is not declared.
    """
    declared = list(tables)
    targets: dict[Target, list[TableDeclaration]] = {}
    for config in configs:
        target = targets.setdefault((config.endpoint, config.aws_region), list(declared))
        delta = config.delta_sync_config
        if config.versioned and delta is not None:
            names = {table.table_name for table in target}
            if delta.delta_sync_table_name not in names:
                target.append(delta_sync_table(delta))
    if not targets:
        targets[(None, DEFAULT_REGION)] = declared
    return targets


async def create_declared_tables(
    tables: Iterable[TableDeclaration], configs: Iterable[DynamoDBConfig]
) -> dict[Target, list[str]]:
    """Create the declared tables wherever a data source looks for them (`table_targets`), at
    start. Returns the tables created per (endpoint, region)."""
    created: dict[Target, list[str]] = {}
    for (endpoint, region), wanted in table_targets(tables, configs).items():
        operations = operations_for(DynamoDBConfig("", region, endpoint=endpoint))
        created[(endpoint, region)] = await create_tables(operations, wanted, endpoint)
    return created


def _locked(app: Callable[..., Any]) -> Callable[..., Any]:
    """The WSGI app with each request (body included) run under `BACKEND_LOCK`."""

    def locked_app(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        with BACKEND_LOCK:
            return list(app(environ, start_response))

    return locked_app


# How long `start` waits for the server thread once the port is bound.
_READY_SECONDS = 10.0


@functools.cache
def _locked_server_class() -> type[ThreadedMotoServer]:
    """The loopback endpoint's server class, made when it is first started: moto's server (and
    werkzeug) are imported then, not by every module that creates tables (issue 19)."""
    from moto.moto_server.threaded_moto_server import ThreadedMotoServer
    from moto.moto_server.werkzeug_app import (
        DomainDispatcherApplication,
        MotoRequestHandler,
        create_backend_app,
    )
    from werkzeug.serving import make_server

    class _LockedMotoServer(ThreadedMotoServer):
        """moto's ThreadedMotoServer (moto 5.2.5) whose app shares the embedded calls' lock.

        The port is bound in `start`, before the server thread runs: moto's own thread binds it,
        and when that fails werkzeug exits the thread while `start` waits for it forever.
        """

        _listener: socket.socket | None = None

        def _server_entry(self) -> None:
            listener = self._listener
            assert listener is not None, "start() binds the port first"
            app = _locked(DomainDispatcherApplication(create_backend_app))
            # werkzeug serves a duplicate of the bound socket's descriptor; the original can go.
            self._server = make_server(
                self._ip_address,
                self._port,
                app,
                True,
                request_handler=MotoRequestHandler,
                fd=listener.fileno(),
            )
            listener.close()
            self._server_ready_event.set()
            self._server.serve_forever()

        def start(self) -> None:
            host, port = self._ip_address, self._port
            family = socket.AF_INET6 if ":" in host else socket.AF_INET
            try:
                self._listener = socket.create_server((host, port), family=family)
            except OSError as error:
                # create_server's own wording adds the address, which the message already names.
                reason = os.strerror(error.errno) if error.errno else str(error)
                raise LoopbackEndpointError(host, port, reason) from error
            self._thread = threading.Thread(target=self._server_entry, daemon=True)
            self._thread.start()
            if not self._server_ready_event.wait(_READY_SECONDS):
                self._listener.close()
                raise LoopbackEndpointError(host, port, f"not serving after {_READY_SECONDS:g} s")

    return _LockedMotoServer


@dataclass(slots=True)
class LoopbackEndpoint:
    """The embedded DynamoDB over HTTP: `url` for `--endpoint-url`; `stop()` ends it."""

    host: str
    port: int
    server: ThreadedMotoServer

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def stop(self) -> None:
        self.server.stop()


def start_loopback_endpoint(host: str = "127.0.0.1", port: int = 0) -> LoopbackEndpoint:
    """Serve the in-process moto backend on `host:port` (0 picks a free port); a port that
    cannot be bound raises `LoopbackEndpointError`.

    Clients reach the data of the embedded data sources when they use the same region and any
    access key (moto's default account); the AWS CLI needs `--endpoint-url` and a region.
    """
    server = _locked_server_class()(ip_address=host, port=port, verbose=False)
    server.start()
    bound_host, bound_port = server.get_host_and_port()
    logger.info("embedded DynamoDB at http://%s:%s", bound_host, bound_port)
    return LoopbackEndpoint(bound_host, bound_port, server)


class EmbeddedDynamoDB:
    """What the server starts for its DynamoDB data sources: `start()` creates the declared
    tables (and delta tables) where the data sources look for them. The server's AWS endpoint
    serves the same backend to boto3 and the AWS CLI (`appsync.aws.dynamodb`). `reset()` puts
    the embedded tables back as `start()` made them."""

    __slots__ = ("_configs", "_created", "_settings")

    def __init__(
        self, settings: EmbeddedDynamoDBSettings, configs: Sequence[DynamoDBConfig]
    ) -> None:
        self._settings = settings
        self._configs = tuple(configs)
        self._created: dict[Target, list[str]] = {}

    @property
    def settings(self) -> EmbeddedDynamoDBSettings:
        return self._settings

    @property
    def tables(self) -> tuple[TableDeclaration, ...]:
        """The tables `start` creates where the data sources look (besides delta tables)."""
        return self._settings.tables

    def targets(self) -> dict[Target, list[TableDeclaration]]:
        """The tables `start` creates, where (`table_targets`)."""
        return table_targets(self._settings.tables, self._configs)

    async def start(self) -> None:
        self._created = await create_declared_tables(self._settings.tables, self._configs)

    async def reset(self, *, seed: bool = True, also: Iterable[tuple[str, str]] = ()) -> list[str]:
        """Delete the embedded tables `start` created and create them again, seeded unless
        `seed` is False; delete the embedded tables named in `also` (region, name: tables made
        at run time) for good. Tables at a data source's own `endpoint`, and embedded tables
        that existed before `start`, are left alone. Returns the tables created again.

        moto's backend is process-wide: only tables this server made are touched.
        """
        for region, name in also:
            _delete_table(region, name)
        targets = table_targets(self._settings.tables, self._configs)
        made: list[str] = []
        for (endpoint, region), names in self._created.items():
            if endpoint is not None:
                continue
            for name in names:
                _delete_table(region, name)
            wanted = [
                table if seed else dataclasses.replace(table, seed=None)
                for table in targets.get((endpoint, region), [])
                if table.table_name in names
            ]
            made += await create_tables(operations_for(DynamoDBConfig("", region)), wanted)
        return made

    def drop(self, also: Iterable[tuple[str, str]] = ()) -> None:
        """Delete the embedded tables `start` created, and those in `also` (region, name): a
        server that shares moto's process-wide backend with others (a test's) leaves nothing
        behind when it stops, as a server process of its own would."""
        for region, name in also:
            _delete_table(region, name)
        for (endpoint, region), names in self._created.items():
            for name in names if endpoint is None else ():
                _delete_table(region, name)
        self._created = {}


def _delete_table(region: str, name: str) -> None:
    from resolvers.datasources.dynamodb_moto import MotoDynamoDB

    try:
        MotoDynamoDB(region).call_now("DeleteTable", {"TableName": name})
    except DynamoDBServiceError as error:
        if error.code != "ResourceNotFoundException":
            raise TableSetupError(name, None, "DeleteTable", error) from error
