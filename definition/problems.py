"""One thing wrong in an API definition, located the way its format locates things; and one
thing accepted that does nothing locally (yet), said once at start.

Every reader reports with `Problem`, so `appsync-local validate` lists problems alike whatever
the file: our `appsync.yaml` by key path (`resolvers[2].dataSourceName`), a text file (an SDL, a
template) by line and column, a CloudFormation template by the resource's logical id and the
property path inside it (`Properties.DataSourceName`).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Problem:
    """Where (`file`, and a `key_path`, a `line` and `column`, or a `logical_id`) and what."""

    file: str
    key_path: str
    message: str
    line: int | None = None
    column: int | None = None
    logical_id: str | None = None

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}" if self.column is None else f":{self.line}:{self.column}"
        path = ".".join(part for part in (self.logical_id, self.key_path) if part)
        return f"{where}: {path}: {self.message}" if path else f"{where}: {self.message}"


@dataclass(frozen=True, slots=True)
class Notice:
    """A field AppSync accepts and the local server accepts too, without acting on it (yet):
    where it is and what it does not do. Logged once when the API loads, never refused."""

    file: str
    key_path: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.key_path}: {self.message}"
