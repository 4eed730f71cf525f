"""The AWS SDK for JavaScript v3 for local Node.js functions.

Lambda's Node.js runtimes include the SDK v3 (AWS Lambda developer guide, "Building Lambda
functions with Node.js", runtime-included SDK versions), so functions deployed without it in
their `node_modules` still `import { DynamoDBClient } from "@aws-sdk/client-dynamodb"`. The SDK
cannot ship inside this Python package, so it lives in an SDK directory that the user (or the
`appsync-local` command) fills once with `npm install --prefix DIR @aws-sdk/client-...`; its
`node_modules` goes on every Node.js worker's NODE_PATH after the layers, where Lambda puts
`/var/runtime/node_modules`. A function's own `node_modules` still wins, as in Lambda.

When a function fails to load an `@aws-sdk/*` package, `missing_package_hint` names the command
that installs it.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from pathlib import Path

_MISSING = re.compile(r"Cannot find (?:module|package) '(@aws-sdk/[A-Za-z0-9._-]+)")


@dataclass(frozen=True, slots=True)
class NodeSdk:
    """A directory whose `node_modules` holds `@aws-sdk/*` packages."""

    directory: Path

    @property
    def node_modules(self) -> Path:
        return self.directory / "node_modules"

    def has(self, package: str) -> bool:
        return (self.node_modules / package / "package.json").is_file()

    def install_command(self, *packages: str) -> str:
        names = " ".join(shlex.quote(package) for package in packages)
        return f"npm install --prefix {shlex.quote(str(self.directory))} {names}"


def missing_package(error_message: str) -> str | None:
    """The `@aws-sdk/...` package a Node.js error says could not be found, if any."""
    match = _MISSING.search(error_message)
    return match.group(1) if match else None


def missing_package_hint(function_name: str, package: str, sdk: NodeSdk | None) -> str:
    """What to run so that `package` resolves for `function_name`."""
    if sdk is None:
        return (
            f"Function {function_name} cannot load {package}, which Lambda's Node.js runtimes "
            "include: install it in the function's directory (npm install "
            f"{package}) or configure an SDK directory for local functions."
        )
    return (
        f"Function {function_name} cannot load {package}, which Lambda's Node.js runtimes "
        f"include: install it for local functions with: {sdk.install_command(package)}"
    )
