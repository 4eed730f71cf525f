"""`appsync-local secret set|get|list|remove NAME --config cdk.out`: an Amplify Gen 2 backend's
secrets (`secret("NAME")` in a function's environment) on the running server, as `npx ampx
sandbox secret ...` keeps them in the cloud.

Amplify's secret client (aws-amplify/amplify-backend, packages/backend-secret, `SSMSecretClient`)
keeps a backend's secret `NAME` in Parameter Store at `/amplify/<backend id>/<disambiguator>/NAME`
(the sandbox's or branch's), a SecureString with the description `Amplify Secret`, overwritten by
each `set`; `list` reads the parameters under that path (their names), `get` one with its
version and last change, `remove` deletes it. A function reads it at cold start from there, else
from the app's shared path `/amplify/shared/<backend id>/NAME` (its `AMPLIFY_SSM_ENV_CONFIG`).
The backend id and disambiguator are the ones the assembly's data and function stacks name in
their `/amplify/resource_reference/<backend id>/<disambiguator>/...` parameters.

The command calls the running server's SSM (PutParameter, GetParameter, GetParametersByPath,
DeleteParameter on `--endpoint`), which keeps what users put in its data directory
(`appsync.aws.parameter_store`): a secret set once is there after a restart, and a function
started after `set` reads it. Like `ampx sandbox secret set`, `set` asks for the value (hidden
when the input is a terminal, else the first line of standard input) and prints nothing, nor
does `remove`; `get` prints the secret's name, version, value and last change, `list` its
names.
"""

from __future__ import annotations

import argparse
import getpass
import json
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from definition.cloudformation.stack import Stack
from definition.model import LOCAL_ENDPOINT_URL

_REFERENCE = re.compile(r"^/amplify/resource_reference/([^/]+)/([^/]+)/")
# The endpoint's default key (`server.aws.credentials`, `appsync.aws.keys`).
_KEY = ("testing", "testing")


@dataclass(frozen=True, slots=True)
class BackendSecrets:
    """Where a backend's secrets are: its own path and the app's shared one."""

    backend_id: str
    disambiguator: str
    region: str

    @property
    def prefix(self) -> str:
        return f"/amplify/{self.backend_id}/{self.disambiguator}"

    @property
    def shared_prefix(self) -> str:
        return f"/amplify/shared/{self.backend_id}"

    def path(self, name: str, *, shared: bool = False) -> str:
        return f"{self.shared_prefix if shared else self.prefix}/{name}"


class NotAGen2BackendError(Exception):
    """The assembly names no Amplify Gen 2 resource reference parameter."""


def backend_secrets(root: Stack) -> BackendSecrets:
    """Where the secrets of the backend `root` (a Gen 2 assembly's stack) are."""
    for name in _reference_names(root):
        found = _REFERENCE.match(name)
        if found is not None:
            return BackendSecrets(found[1], found[2], root.region)
    raise NotAGen2BackendError(
        f"{root.file} is not an Amplify Gen 2 backend: no stack names an "
        "/amplify/resource_reference/... parameter"
    )


def _reference_names(root: Stack) -> Iterator[str]:
    """The parameter names the stacks declare and their functions read."""
    for stack in root.tree():
        for resource in stack.of_type("AWS::SSM::Parameter"):
            yield str(stack.names.ref(resource.logical_id, ""))
        for resource in stack.of_type("AWS::Lambda::Function"):
            properties = stack.properties(resource.logical_id) or {}
            variables = (properties.get("Environment") or {}).get("Variables") or {}
            config = variables.get("AMPLIFY_SSM_ENV_CONFIG")
            if isinstance(config, str):
                for entry in json.loads(config).values():
                    yield str(entry.get("path", ""))


def secret_main(arguments: argparse.Namespace) -> int:
    """`appsync-local secret`'s parsed command line run: 0, 1 with why, 2 without a NAME."""
    if arguments.action != "list" and not arguments.name:
        print(f"appsync-local: secret {arguments.action} needs a NAME", file=sys.stderr)
        return 2
    return secret_command(
        arguments.action,
        arguments.name,
        arguments.config,
        arguments.endpoint,
        arguments.stack,
        arguments.region,
    )


def secret_command(
    action: str,
    name: str | None,
    config: Path,
    endpoint: str = LOCAL_ENDPOINT_URL,
    stack: str | None = None,
    region: str | None = None,
) -> int:
    """Run `action` (set, get, list, remove) for `name` on the server at `endpoint`: 0, or 1
    with why on standard error."""
    from botocore.exceptions import ClientError, EndpointConnectionError

    from definition.cdk import cdk_stack
    from definition.errors import InvalidDefinitionError

    try:
        secrets = backend_secrets(cdk_stack(config, stack, region))
    except InvalidDefinitionError as error:
        for problem in error.problems:
            print(f"appsync-local: {problem}", file=sys.stderr)
        return 1
    except NotAGen2BackendError as error:
        print(f"appsync-local: {error}", file=sys.stderr)
        return 1
    ssm = _client(endpoint, secrets.region)
    try:
        return _run(ssm, secrets, action, name)
    except EndpointConnectionError:
        print(
            f"appsync-local: no server answers at {endpoint}: start it first "
            f"(appsync-local serve --config {config}), or name it with --endpoint",
            file=sys.stderr,
        )
    except ClientError as error:
        if error.response["Error"]["Code"] != "ParameterNotFound":
            raise
        where = secrets.path(str(name))
        print(f"appsync-local: the secret {name} is not set ({where})", file=sys.stderr)
    return 1


def _run(ssm: Any, secrets: BackendSecrets, action: str, name: str | None) -> int:
    if action == "list":
        found = ssm.get_parameters_by_path(Path=secrets.prefix, WithDecryption=True)
        for parameter in found["Parameters"]:
            print(f"- {parameter['Name'].rsplit('/', 1)[-1]}")
        return 0
    assert name is not None
    path = secrets.path(name)
    if action == "set":
        value = _ask(name)
        ssm.put_parameter(
            Name=path,
            Type="SecureString",
            Value=value,
            Description="Amplify Secret",
            Overwrite=True,
        )
        return 0
    if action == "get":
        parameter = ssm.get_parameter(Name=path, WithDecryption=True)["Parameter"]
        print(f"name: {name}")
        print(f"version: {parameter['Version']}")
        print(f"value: {parameter['Value']}")
        print(f"lastUpdated: {parameter['LastModifiedDate'].isoformat()}")
        return 0
    ssm.delete_parameter(Name=path)
    return 0


def _ask(name: str) -> str:
    if sys.stdin.isatty():
        return getpass.getpass(f"{name} ? ")
    return sys.stdin.readline().rstrip("\n")


def _client(endpoint: str, region: str) -> Any:
    import boto3
    from botocore.config import Config

    return boto3.client(
        "ssm",
        endpoint_url=endpoint,
        region_name=region,
        aws_access_key_id=_KEY[0],
        aws_secret_access_key=_KEY[1],
        config=Config(retries={"max_attempts": 1}),
    )
