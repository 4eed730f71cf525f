"""The SSM parameters users write through the AWS endpoint (an Amplify Gen 2 `secret()` set
with `appsync-local secret set`, `aws ssm put-parameter`, boto3), kept in the data directory so
that a restart has them, as Parameter Store in the cloud has them.

`KeepingParameters` is the endpoint's `ssm` route: moto's SSM answers, and after a PutParameter,
DeleteParameter or DeleteParameters it answered with 200, the parameters of the embedded SSM
that the template does not declare (its own are put again at each start,
`appsync.aws.service_resources`) are written to `ssm-parameters.json` (a new file moved into
place whole, readable by its owner only: SecureString values are in it as they were given)
before the answer goes out; a write that fails is answered with a 500, as the resource journal's
are (README, "Durability"). `KeptParameters.load` puts them back at the start, before the
template's, each with its type, value and description (a parameter's history and labels are
not kept); the stop takes them out of moto's SSM, which outlives a server in one process.

AWS differs: a SecureString is kept in the data directory unencrypted (no KMS locally).
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from appsync.aws.requests import AwsRequest, AwsResponse, ServiceCall
from appsync.aws.service_resources import CreatedResources, put_parameter
from appsync.errors import ConfigError, ResourceJournalError
from definition.problems import Problem
from definition.service_resources import ParameterSpec
from resolvers.datasources.dynamodb_wire import BACKEND_LOCK, DEFAULT_ACCOUNT_ID

logger = logging.getLogger(__name__)

# The operations that change which parameters exist or what they hold.
_WRITES = frozenset({"PutParameter", "DeleteParameter", "DeleteParameters"})
# AWS's public parameters (`/aws/service/...`), which moto serves and nobody writes.
_PUBLIC = "/aws/"


class KeptParameters:
    """The users' parameters in `file` (None, until `running` sets it: memory only, nothing
    kept); those `created` declares (a reload's too) are the template's."""

    def __init__(self, created: CreatedResources, file: Path | None = None) -> None:
        self.file = file
        self._created = created
        self._writing = threading.Lock()

    def load(self) -> int:
        """The kept parameters put into the embedded SSM; how many. Raises
        ResourceJournalError when the file cannot be read."""
        if self.file is None or not self.file.exists():
            return 0
        try:
            entries = json.loads(self.file.read_text(encoding="utf-8"))
            with BACKEND_LOCK:
                for entry in entries:
                    kept = ParameterSpec(
                        entry["Name"],
                        entry["Region"],
                        entry["Value"],
                        entry["Type"],
                        entry.get("Description"),
                    )
                    put_parameter(kept, entry.get("DataType", "text"))
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise ResourceJournalError(f"cannot read {self.file}: {error}") from error
        return len(entries)

    def save(self) -> None:
        """The users' parameters, as the embedded SSM holds them now, written to the file;
        raises ResourceJournalError when it cannot be written."""
        if self.file is None:
            return
        with self._writing:
            with BACKEND_LOCK:
                entries = self._entries()
            partial = self.file.with_suffix(".tmp")
            try:
                descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
                with os.fdopen(descriptor, "w", encoding="utf-8") as out:
                    json.dump(entries, out, indent=1)
                partial.replace(self.file)
            except OSError as error:
                raise ResourceJournalError(f"cannot write {self.file}: {error}") from error

    def forget(self) -> None:
        """The users' parameters taken out of the embedded SSM (they are in the file)."""
        with BACKEND_LOCK:
            for region, name, _ in self._users():
                _ssm(region).delete_parameter(name)

    def _users(self) -> list[tuple[str, str, Any]]:
        """(region, name, latest version) of each parameter the template does not declare."""
        from moto.ssm.models import ssm_backends

        declared = {(p.region, p.name) for p in self._created.declared.parameters}
        found = []
        for region, backend in list(ssm_backends[DEFAULT_ACCOUNT_ID].items()):
            for name, versions in list(backend._parameters.items()):
                if name.startswith(_PUBLIC) or (region, name) in declared or not versions:
                    continue
                found.append((region, name, versions[-1]))
        return found

    def _entries(self) -> list[dict[str, Any]]:
        entries = []
        for region, name, latest in self._users():
            entry: dict[str, Any] = {
                "Region": region,
                "Name": name,
                "Type": latest.parameter_type,
                "Value": latest.decrypt(latest.value),
                "DataType": latest.data_type,
            }
            if latest.description:
                entry["Description"] = latest.description
            entries.append(entry)
        return entries


class KeepingParameters:
    """The `ssm` route: `moto` answers; what a write changed is kept (`KeptParameters`)."""

    def __init__(self, moto: Any, kept: KeptParameters) -> None:
        self._moto = moto
        self._kept = kept

    async def handle(self, request: AwsRequest, call: ServiceCall) -> AwsResponse:
        response: AwsResponse = await self._moto.handle(request, call)
        if call.operation in _WRITES and response.status == 200:
            try:
                await asyncio.to_thread(self._kept.save)
            except ResourceJournalError as error:
                # Applied in memory, not kept: not answered as done.
                logger.error("%s", error)
                return AwsResponse(500, b"", [("content-type", "text/plain")])
        return response


def _ssm(region: str) -> Any:
    from moto.ssm.models import ssm_backends

    return ssm_backends[DEFAULT_ACCOUNT_ID][region]


@contextmanager
def parameters_kept(parameters: KeptParameters, file: Path | None) -> Iterator[None]:
    """While inside, the parameters users put before (in `file`; None: nothing kept) are in
    the embedded SSM and each write is kept there; leaving takes them out. Reads and writes
    files: callers on an event loop enter and leave in a worker thread."""
    if file is None:
        yield
        return
    parameters.file = file
    try:
        parameters.load()
    except ResourceJournalError as error:
        raise ConfigError([Problem("appsync-local serve", "--data-dir", str(error))]) from error
    try:
        yield
    finally:
        parameters.forget()
