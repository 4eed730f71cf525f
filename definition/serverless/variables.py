"""The Serverless Framework's variables, `${source:address, fallback}`, parsed and resolved
offline as the framework resolves them.

The syntax is `variable_syntax`'s (Serverless Framework v3, "Variables").

A value that is one variable takes the type of what it resolves to (a mapping, a number); a
variable inside a longer string must resolve to a string, number or boolean. A source that
resolves to nothing hands over to the next one; the last one's nothing is an error ("Value not
found at ... source").

Sources, offline: `self:` (the configuration, `provider.stage` defaulting to `dev` and
`provider.region` to `us-east-1` as the framework's `Service` sets them), `opt:` (`--stage`,
`--region`, and `--parameter Name=Value` for any other CLI option), `env:` (the environment),
`param:` (`--parameter`, then `params.<stage>`, then `params.default`), `sls:stage`,
`sls:instanceId`, `aws:region`, `aws:accountId` (the local account), `file(path):address` (a
YAML or JSON file beside the service file), `strToBool(value)`, and serverless-appsync-plugin's
`appsync:` (`id`, `arn`, `url`, `apiKey.<name>`: the API's `Fn::GetAtt`s, its README's
"Variables"). Sources that read AWS (`ssm:`, `cf:`, `s3:`) or run code (`file()` of a `.js` or
`.ts` file) have no value offline: with a fallback, the fallback is taken (and a notice says
so); without, it is a problem naming the key and the variable.

A variable whose sources all give nothing is an error in Serverless Framework v3. Framework v2
(and v1) leaves it undefined with a warning, unless `unresolvedVariablesNotificationMode: error`
or `variablesResolutionMode: 20210326` opts into v3's rule (v2's variables.md: "If
unresolvedVariablesNotificationMode is set to error, references to variables that cannot be
resolved will result in an error being thrown. This will become the default behaviour in the
next major version."): a service whose `frameworkVersion` is below 3 gets a notice and the key
left out.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from definition.cloudformation.template import parse_template_text, read_text
from definition.errors import InvalidDefinitionError
from definition.model import DEFAULT_REGION, LOCAL_ACCOUNT_ID
from definition.problems import Notice, Problem
from definition.serverless.variable_syntax import (
    Pieces,
    Source,
    Variable,
    VariableSyntaxError,
    parse,
)

# Sources whose values live in AWS, or come from running code.
_REMOTE = {
    "ssm": "AWS Systems Manager Parameter Store",
    "cf": "another CloudFormation stack's outputs",
    "s3": "an S3 object",
}
_CODE_SUFFIXES = (".js", ".cjs", ".mjs", ".ts")


class _UnavailableError(Exception):
    """A source that has no value offline; `reason` says why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class _UnresolvedError(Exception):
    """A value that cannot be resolved: the problem to record."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class _ReportedError(_UnresolvedError):
    """A value that depends on one whose problem is recorded already."""


@dataclass(frozen=True, slots=True)
class Options:
    """What the command line and the process give: `stage` and `region` (`--stage`,
    `--region`), other CLI options and `${param:}` values (`--parameter`), the environment."""

    stage: str | None = None
    region: str | None = None
    parameters: Mapping[str, str] = field(default_factory=dict)
    environment: Mapping[str, str] = field(default_factory=dict)


class Resolver:
    """Resolves every variable of one service file's configuration, collecting problems."""

    def __init__(self, file: Path, config: dict[str, Any], options: Options) -> None:
        self.file = file
        self.config = config
        self.options = options
        self.problems: list[Problem] = []
        self.notices: list[Notice] = []
        self._resolved: dict[tuple[str, ...], Any] = {}
        self._resolving: list[tuple[str, ...]] = []
        self._failed: set[tuple[str, ...]] = set()
        self._files: dict[Path, Any] = {}
        self._lenient = _leaves_unresolved_undefined(config)

    def resolve(self) -> dict[str, Any]:
        """The whole configuration with every variable resolved (None where one cannot be)."""
        resolved = self.at(())
        return resolved if isinstance(resolved, dict) else {}

    # -- the configuration, by path

    def at(self, path: tuple[str, ...]) -> Any:
        """The fully resolved value at `path` (None when absent or not resolvable)."""
        if path in self._resolved:
            return self._resolved[path]
        if path in self._resolving:
            chain = self._resolving[self._resolving.index(path) :]
            cycle = " -> ".join(".".join(item) for item in [*chain, path])
            raise _UnresolvedError(f"circular reference: {cycle}")
        node = self._raw(path)
        self._resolving.append(path)
        try:
            value = self._deep(node, path)
        finally:
            self._resolving.pop()
        self._resolved[path] = value
        return value

    def _raw(self, path: tuple[str, ...]) -> Any:
        """The value at `path` as written, resolving the strings it passes through (a
        `custom: ${file(custom.yml)}` whose keys are asked for)."""
        node: Any = self.config
        for depth, key in enumerate(path):
            if isinstance(node, str) and depth:
                node = self.at(path[:depth])
            if isinstance(node, dict):
                node = node.get(key)
            elif isinstance(node, list) and key.isdigit() and int(key) < len(node):
                node = node[int(key)]
            else:
                return _defaults(path)
            if node is None:
                return _defaults(path)
        return node

    def _deep(self, node: Any, path: tuple[str, ...]) -> Any:
        if isinstance(node, dict):
            return {str(key): self.at((*path, str(key))) for key in node}
        if isinstance(node, list):
            return [self.at((*path, str(index))) for index in range(len(node))]
        if isinstance(node, str):
            try:
                return self.string(node, path)
            except _UnresolvedError as error:
                if not isinstance(error, _ReportedError):
                    self._problem(path, error.message)
                self._failed.add(path)
                return None
        return node

    def _problem(self, path: tuple[str, ...], message: str) -> None:
        found = Problem(str(self.file), ".".join(path), message)
        if found not in self.problems:
            self.problems.append(found)

    # -- strings and variables

    def string(self, text: str, path: tuple[str, ...]) -> Any:
        try:
            pieces = parse(text)
        except VariableSyntaxError as error:
            raise _UnresolvedError(f"invalid variable: {error}") from None
        if len(pieces) == 1 and isinstance(pieces[0], Variable):
            return self.variable(pieces[0], path, whole=True)
        return self._joined(pieces, path)

    def _joined(self, pieces: Pieces, path: tuple[str, ...]) -> str:
        parts = []
        for piece in pieces:
            if isinstance(piece, str):
                parts.append(piece)
                continue
            value = self.variable(piece, path)
            if isinstance(value, bool):
                value = "true" if value else "false"
            if isinstance(value, dict | list) or value is None:
                raise _UnresolvedError(
                    f"{piece.text} is part of a string and resolves to a "
                    f"{'mapping' if isinstance(value, dict) else 'list'}, not a string"
                )
            parts.append(str(value))
        return "".join(parts)

    def variable(self, variable: Variable, path: tuple[str, ...], *, whole: bool = False) -> Any:
        """The variable's value; `whole` when it is the whole of its string (a value that may
        then be left undefined)."""
        unavailable: list[str] = []
        for index, source in enumerate(variable.sources):
            last = index == len(variable.sources) - 1
            if source.type is None:
                value = source.literal
            else:
                try:
                    value = self._source(source, path)
                except _UnavailableError as error:
                    if last:
                        raise _UnresolvedError(
                            f"{variable.text}: {error.reason}: give a fallback "
                            "(`${source, 'value'}`) or write the value"
                        ) from None
                    unavailable.append(error.reason)
                    continue
            if value is not None:
                for reason in unavailable:
                    self.notices.append(
                        Notice(
                            str(self.file),
                            ".".join(path),
                            f"{variable.text}: {reason}; its fallback is used",
                        )
                    )
                return value
        kind = variable.sources[-1].type or "literal"
        message = f"{variable.text}: value not found at the {kind!r} source"
        if whole and self._lenient:
            self._undefined(path, message)
            return None
        raise _UnresolvedError(message)

    def _undefined(self, path: tuple[str, ...], message: str) -> None:
        """The notice for a variable left undefined, at its key (in an included file, that
        file's key)."""
        file, key_path = str(self.file), ".".join(path)
        if path[:1] == ("file",) and len(path) > 1:
            file, key_path = path[1], ".".join(part for part in path[2:] if part)
        self.notices.append(
            Notice(
                file,
                key_path,
                f"{message}; left undefined, as Serverless Framework before v3 leaves it "
                "(with a warning)",
            )
        )

    def _source(self, source: Source, path: tuple[str, ...]) -> Any:
        assert source.type is not None
        address = None if source.address is None else self._joined(source.address, path)
        params = [self._joined(param, path) for param in source.params]
        handler = _SOURCES.get(source.type)
        if handler is None:
            if source.type in _REMOTE:
                raise _UnavailableError(
                    f"reads {_REMOTE[source.type]}, which appsync-local does not reach (offline)"
                )
            raise _UnavailableError(f"unknown variable source {source.type!r}")
        return handler(self, address, params)

    # -- the sources

    def self_source(self, address: str | None, params: list[str]) -> Any:
        keys = tuple(key for key in (address or "").split(".") if key)
        value = self.at(keys)
        if any(keys[:depth] in self._failed for depth in range(1, len(keys) + 1)):
            raise _ReportedError(f"self:{address} cannot be resolved")
        return value

    def opt_source(self, address: str | None, params: list[str]) -> Any:
        options = {
            **self.options.parameters,
            **({"stage": self.options.stage} if self.options.stage else {}),
            **({"region": self.options.region} if self.options.region else {}),
        }
        return options if not address else options.get(address)

    def env_source(self, address: str | None, params: list[str]) -> Any:
        return self.options.environment.get(address or "")

    def param_source(self, address: str | None, params: list[str]) -> Any:
        name = address or ""
        if name in self.options.parameters:
            return self.options.parameters[name]
        for group in (self.stage(), "default"):
            value = self.at(("params", group, name))
            if value is not None:
                return value
        return None

    def sls_source(self, address: str | None, params: list[str]) -> Any:
        if address == "stage":
            return self.stage()
        if address == "instanceId":
            # The framework's is random per run; a fixed one keeps names stable across starts.
            return "local"
        raise _UnavailableError(f"sls:{address} is not a Serverless core variable")

    def aws_source(self, address: str | None, params: list[str]) -> Any:
        if address == "region":
            return self.region()
        if address == "accountId":
            return LOCAL_ACCOUNT_ID
        raise _UnavailableError(f"aws:{address} is not an AWS variable the framework defines")

    def file_source(self, address: str | None, params: list[str]) -> Any:
        if not params:
            raise _UnavailableError("file() needs the path of a file")
        file = (self.file.parent / params[0]).resolve()
        if file.suffix in _CODE_SUFFIXES:
            raise _UnavailableError(
                f"{params[0]} is code that the framework runs to get the value; appsync-local "
                "does not run it"
            )
        content = self._file(file)
        if content is None:
            return None
        key = ("file", str(file))
        value: Any = content
        for part in [item for item in (address or "").split(".") if item]:
            value = value.get(part) if isinstance(value, dict) else None
        if value is None:
            return None
        return self._deep_detached(value, (*key, address or ""))

    def appsync_source(self, address: str | None, params: list[str]) -> Any:
        # serverless-appsync-plugin's resolveVariable (src/index.ts): intrinsic functions on
        # the API it declares (logical id GraphQlApi, keys GraphQlApi<name>).
        attributes = {"id": "ApiId", "arn": "Arn", "url": "GraphQLUrl"}
        if address in attributes:
            return {"Fn::GetAtt": ["GraphQlApi", attributes[address]]}
        if address is not None and address.startswith("apiKey."):
            name = re.sub(r"[^a-zA-Z0-9]", "", f"GraphQlApi{address.split('.', 1)[1]}")
            return {"Fn::GetAtt": [name, "ApiKey"]}
        raise _UnavailableError(f"appsync:{address} is not one of id, arn, url, apiKey.<name>")

    def str_to_bool_source(self, address: str | None, params: list[str]) -> Any:
        text = (params[0] if params else "").strip().lower()
        if text in ("true", "1"):
            return True
        if text in ("false", "0"):
            return False
        raise _UnavailableError(f"strToBool({text}): expected true, false, 1 or 0")

    def _file(self, file: Path) -> Any:
        if file not in self._files:
            if not file.is_file():
                self._files[file] = None
            else:
                try:
                    self._files[file] = parse_template_text(read_text(file), file)
                except InvalidDefinitionError as error:
                    self.problems.extend(error.problems)
                    self._files[file] = None
        return self._files[file]

    def _deep_detached(self, node: Any, path: tuple[str, ...]) -> Any:
        """A value from another file, its variables resolved against this configuration."""
        if isinstance(node, dict):
            return {str(k): self._deep_detached(v, (*path, str(k))) for k, v in node.items()}
        if isinstance(node, list):
            return [self._deep_detached(v, (*path, str(i))) for i, v in enumerate(node)]
        if isinstance(node, str):
            return self.string(node, path)
        return node

    # -- the service's stage and region

    def stage(self) -> str:
        """`sls:stage`: `--stage`, else `provider.stage`, else `dev`."""
        return self.options.stage or str(self.at(("provider", "stage")) or "dev")

    def region(self) -> str:
        """`aws:region`: `--region`, else `provider.region`, else `us-east-1`."""
        return self.options.region or str(self.at(("provider", "region")) or DEFAULT_REGION)


def _leaves_unresolved_undefined(config: dict[str, Any]) -> bool:
    """Whether the service's framework leaves a variable that resolves to nothing undefined:
    `frameworkVersion` below 3, without v3's rule opted into."""
    version = re.search(r"\d+", str(config.get("frameworkVersion") or ""))
    if version is None or int(version.group()) >= 3:
        return False
    if str(config.get("unresolvedVariablesNotificationMode")) == "error":
        return False
    return str(config.get("variablesResolutionMode")) != "20210326"


def _defaults(path: tuple[str, ...]) -> Any:
    """The values the framework's `Service` fills in when the file leaves them out."""
    if path == ("provider", "stage"):
        return "dev"
    if path == ("provider", "region"):
        return DEFAULT_REGION
    return None


_SOURCES: dict[str, Callable[[Resolver, str | None, list[str]], Any]] = {
    "self": Resolver.self_source,
    "opt": Resolver.opt_source,
    "env": Resolver.env_source,
    "param": Resolver.param_source,
    "sls": Resolver.sls_source,
    "aws": Resolver.aws_source,
    "file": Resolver.file_source,
    "strToBool": Resolver.str_to_bool_source,
    "appsync": Resolver.appsync_source,
}
