"""One thing wrong in an API definition, located the way its format locates things; and one
thing accepted that does nothing locally (yet), said once at start.

Every reader reports with `Problem`, so `appsync-local validate` lists problems alike whatever
the file: our `appsync.yaml` by key path (`resolvers[2].dataSourceName`), a text file (an SDL, a
template) by line and column, a CloudFormation template by the resource's logical id and the
property path inside it (`Properties.DataSourceName`).
"""

from __future__ import annotations

import re
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
class Origin:
    """Where a part of the model was stated in a CloudFormation template: the template `file`,
    the resource's `logical_id` and the `property_path` inside it (`Properties`,
    `Properties.RequestMappingTemplateS3Location`). Readers of templates record one for each key
    path of the model (`resolvers[0]`), so that problems found while the API is built from the
    model name the resource, not a key of `appsync.yaml`."""

    file: str
    logical_id: str
    property_path: str

    def problem(self, rest: str, message: str) -> Problem:
        """The problem at `rest`, the model's key path below this origin (`.typeName`), in
        CloudFormation's spelling: AppSync's API names in PascalCase (`.TypeName`)."""
        path = self.property_path + pascal_case(rest)
        return Problem(self.file, path, message, logical_id=self.logical_id)


def pascal_case(key_path: str) -> str:
    """`.dynamodbConfig.tableName` -> `.DynamodbConfig.TableName`: the AWS::AppSync::* resources
    spell AppSync's camelCase API names with a capital (CreateResolver's `typeName` is
    `TypeName`); list indexes stay as they are."""
    return re.sub(r"(^|\.)([a-z])", lambda found: found[1] + found[2].upper(), key_path)


@dataclass(frozen=True, slots=True)
class Notice:
    """A field AppSync accepts and the local server accepts too, without acting on it (yet):
    where it is and what it does not do. Logged once when the API loads, never refused."""

    file: str
    key_path: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.key_path}: {self.message}"
