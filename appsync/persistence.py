"""What the server keeps in its data directory while it runs (`appsync.data_directory`).

`kept(data)` is entered first in the server's lifespan: it holds the folder for this process
alone, loads the embedded DynamoDB from `dynamodb.sqlite` (before the declared tables are
created, so a table kept from an earlier run is neither created nor seeded again), and writes
every DynamoDB write through to it until the server stops. The Step Functions engine keeps its
own file there (`load_api` points `server.stepFunctions.database` at it). With `--ephemeral`
nothing is held, read or written.

A folder another server holds, or a file that cannot be opened or read, fails the start with a
problem on `--data-dir`, listed as `validate` lists problems.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from typing import TYPE_CHECKING

from appsync.data_directory import (
    DYNAMODB_FILE,
    STEPFUNCTIONS_FILE,
    DataDirectory,
    DataDirectoryError,
)
from appsync.errors import ConfigError
from definition.model import StepFunctionsSettings
from definition.problems import Problem
from resolvers.errors import TableStoreError

if TYPE_CHECKING:
    from resolvers.datasources.dynamodb_store import TableStore

logger = logging.getLogger(__name__)

# Where a problem of the data directory is, in a report: the command line's option.
DATA_DIR_OPTION = ("appsync-local serve", "--data-dir")


def data_dir_problem(message: str) -> ConfigError:
    return ConfigError([Problem(*DATA_DIR_OPTION, message)])


@asynccontextmanager
async def kept(data: DataDirectory) -> AsyncIterator[None]:
    """The data directory held, the embedded DynamoDB restored and journaled (see above)."""
    async with held(data), restored(data):
        yield


@asynccontextmanager
async def held(data: DataDirectory) -> AsyncIterator[None]:
    """The data directory held for this process alone (see above)."""
    try:
        with data.held():
            yield
    except DataDirectoryError as error:
        raise data_dir_problem(str(error)) from error


@asynccontextmanager
async def restored(data: DataDirectory, *, in_thread: bool = False) -> AsyncIterator[None]:
    """The embedded DynamoDB restored from the held data directory, and journaled to it.
    `in_thread`: moto imported and the data restored in a worker thread, for a server that
    answers requests meanwhile (`appsync.deferred_start`; moto's backend is behind its lock)."""
    if data.path is None:
        yield
        return
    try:
        store = await asyncio.to_thread(_restore, data) if in_thread else _restore(data)
    except (DataDirectoryError, TableStoreError) as error:
        raise data_dir_problem(str(error)) from error
    from resolvers.datasources.dynamodb_moto import journal_writes

    journal_writes(store)
    try:
        yield
    finally:
        journal_writes(None)
        store.close()


def _restore(data: DataDirectory) -> TableStore:
    """The data directory's DynamoDB file opened and read into moto's backend (importing it)."""
    from resolvers.datasources.dynamodb_store import TableStore

    file = data.file(DYNAMODB_FILE)
    assert file is not None  # a folder, not memory only
    store = TableStore(file, fsync=data.fsync)
    try:
        store.restore()
    except TableStoreError:
        store.close()
        raise
    return store


def engine_settings(settings: StepFunctionsSettings, data: DataDirectory) -> StepFunctionsSettings:
    """The engine's settings with its database in the data directory, unless the definition
    names one (or the server keeps everything in memory)."""
    if settings.database is not None or data.path is None:
        return settings
    try:
        return replace(settings, database=data.file(STEPFUNCTIONS_FILE))
    except DataDirectoryError as error:
        raise data_dir_problem(str(error)) from error
