"""SQL statements for the RDS Data API: `@aws-appsync/utils/rds`'s builders.

`select`, `insert`, `update` and `remove` describe a statement (`{"type": ..., "properties":
...}`), the `sql` tagged template gives `{"strings": [...], "keys": [...]}`, and
`createPgStatement` / `createMySQLStatement` render up to two of them into the request AppSync
sends to the Data API: `{"statements": [...], "variableMap": {":P0": ...},
"variableTypeHintMap": {":P0": "UUID"}}` ("AWS AppSync JavaScript resolver function reference for
Amazon RDS", resolver-reference-rds-js). Identifiers are quoted with `"` for PostgreSQL and
backticks for MySQL; every value becomes a `:Pn` variable in order; a `typeHint.*` value
(`{"type", "value"}`) also records its hint. The clause layout follows the statements AppSync's
EvaluateCode produced in localstack/appsync-utils' recorded snapshots
(`__tests__/__snapshots__/resolvers.test.js.snap`): a lone condition bare, `and`/`or` members
parenthesised, `LIMIT`/`OFFSET` bound as variables.
"""

from __future__ import annotations

from typing import Any

from resolvers.errors import ResolverError

# AppSync reports a malformed statement as a runtime error of the resolver code.
CODE = "Code"
_COMPARISONS = {"eq": "=", "ne": "!=", "gt": ">", "lt": "<", "ge": ">=", "le": "<="}


def _error(message: str) -> ResolverError:
    return ResolverError(message, CODE)


def statement(kind: str, properties: Any, verb: str) -> dict[str, Any]:
    """What `select(...)`, `insert(...)`, `update(...)`, `remove(...)` return."""
    if properties is None:
        raise _error(f"An argument is expected to be passed to {verb}")
    if not isinstance(properties, dict):
        raise _error("Expected payload to be an Object.")
    return {"type": kind, "properties": properties}


def _is_template(value: Any) -> bool:
    return isinstance(value, dict) and "strings" in value and "keys" in value


class _Renderer:
    __slots__ = ("function", "hints", "quote", "returning", "statements", "variables")

    def __init__(self, quote: str, function: str, returning: bool) -> None:
        self.quote = quote
        self.function = function
        self.returning = returning
        self.statements: list[str] = []
        self.variables: dict[str, Any] = {}
        self.hints: dict[str, str] = {}

    def variable(self, value: Any) -> str:
        name = f":P{len(self.variables)}"
        if isinstance(value, dict) and value.get("type") and "value" in value:
            self.variables[name] = value["value"]
            self.hints[name] = value["type"]
        else:
            self.variables[name] = value
        return name

    def value(self, value: Any) -> str:
        return "NULL" if value is None else self.variable(value)

    def identifier(self, name: str) -> str:
        return f"{self.quote}{name}{self.quote}"

    def table(self, properties: dict[str, Any]) -> str:
        table = properties.get("table", properties.get("from"))
        if table is None:
            raise _error("'table' or 'from' key is required.")
        if isinstance(table, dict) and len(table) == 1:
            ((alias, name),) = table.items()
            return f"{self.identifier(str(name))} as {self.identifier(str(alias))}"
        return self.identifier(str(table))

    def columns(self, columns: Any) -> str:
        if columns == "*":
            return "*"
        if not isinstance(columns, list):
            raise _error("Expected column to be * or an array.")
        return ", ".join(self.identifier(str(name)) for name in columns)

    def template(self, value: dict[str, Any]) -> str:
        strings, keys = list(value["strings"]), list(value["keys"])
        if len(strings) != len(keys) + 1:
            raise _error("Unexpected argument passed to sql tagged template")
        text = strings[0]
        for key, string in zip(keys, strings[1:], strict=True):
            text += self.variable(key) + string
        return str(text)

    def where(self, where: Any) -> list[str]:
        if where is None:
            return []
        if _is_template(where):
            text = self.template(where)
            return ["WHERE", text] if text else []
        if not isinstance(where, dict):
            raise _error("WHERE values are expected to be SQL templates or a condition object.")
        clause = self.conditions(where, "", "", "AND")
        return ["WHERE", clause] if clause else []

    def conditions(self, where: dict[str, Any], start: str, end: str, joiner: str) -> str:
        blocks = []
        for key, value in where.items():
            if key in ("and", "or"):
                if not isinstance(value, list):
                    raise _error(f"{key} expects conditions to be an array")
                group = f" {key.upper()} ".join(
                    self.conditions(part, "(", ")", key.upper()) for part in value
                )
                if group:
                    blocks.append(f"{start}{group}{end}")
            else:
                blocks.append(self.column_conditions(key, value, start, end))
        return f" {joiner} ".join(block for block in blocks if block)

    def column_conditions(self, name: str, condition: Any, start: str, end: str) -> str:
        if not isinstance(condition, dict):
            raise _error("Expected condition to be an Object.")
        column = self.identifier(name)
        parts = [self.condition(column, f"{name}.{op}", op, v) for op, v in condition.items()]
        joined = " AND ".join(parts)
        return f"{start}{joined}{end}" if joined else ""

    def condition(self, column: str, path: str, operator: str, value: Any) -> str:
        if operator == "between":
            if not isinstance(value, list) or len(value) != 2:
                raise _error(f"{path} condition expects an array with length of 2.")
            return f"{column} BETWEEN {self.value(value[0])} AND {self.value(value[1])}"
        if operator == "attributeExists":
            return f"{column} IS {'NOT ' if value else ''}NULL"
        if operator in ("contains", "beginsWith", "notContains"):
            if not isinstance(value, str):
                raise _error(f"{path} expects a string value to be passed.")
            if operator == "contains":
                return f"{column} LIKE {self.variable(f'%{value}%')}"
            if operator == "beginsWith":
                return f"{column} LIKE {self.variable(f'{value}%')}"
            return f"{column} NOT LIKE {self.variable(value)}"
        if operator == "size" and isinstance(value, dict):
            target = f"LENGTH ({column})"
            return " AND ".join(self.condition(target, path, op, v) for op, v in value.items())
        comparison = _COMPARISONS.get(operator)
        if comparison is None:
            raise _error(f"Unsupported condition {path}.")
        if value is None:
            raise _error(f"Value for {path} can't be null.")
        return f"{column} {comparison} {self.variable(value)}"

    def returning_clause(self, properties: dict[str, Any]) -> list[str]:
        returning = properties.get("returning")
        if not returning:
            return []
        if not self.returning:
            raise _error("returning is not supported in MySQL.")
        return ["RETURNING", self.columns(returning)]

    def values(self, properties: dict[str, Any], verb: str) -> dict[str, Any]:
        values = properties.get("values")
        if not isinstance(values, dict):
            raise _error(f"values are expected to be passed to {verb}")
        return values

    def structured(self, kind: str, properties: dict[str, Any]) -> str:
        parts: list[str]
        if kind == "SELECT":
            columns = properties.get("columns")
            parts = ["SELECT", "*" if columns is None else self.columns(columns)]
            parts += [f"FROM {self.table(properties)}", *self.where(properties.get("where"))]
            order = properties.get("orderBy") or []
            if order:
                parts += ["ORDER BY", ", ".join(self.order(item) for item in order)]
            for keyword in ("limit", "offset"):
                if properties.get(keyword) is not None:
                    parts.append(f"{keyword.upper()} {self.variable(properties[keyword])}")
        elif kind == "INSERT":
            values = self.values(properties, "insert")
            names = ", ".join(self.identifier(name) for name in values)
            bound = ", ".join(self.value(value) for value in values.values())
            parts = [f"INSERT INTO {self.table(properties)}", f"({names}) VALUES ({bound})"]
            parts += self.returning_clause(properties)
        elif kind == "UPDATE":
            values = self.values(properties, "update")
            changes = ", ".join(
                f"{self.identifier(n)} = {self.value(v)}" for n, v in values.items()
            )
            parts = [f"UPDATE {self.table(properties)}", "SET", changes]
            parts += [*self.where(properties.get("where")), *self.returning_clause(properties)]
        elif kind == "REMOVE":
            parts = [f"DELETE FROM {self.table(properties)}", *self.where(properties.get("where"))]
            parts += self.returning_clause(properties)
        else:
            raise _error(f"Unsupported type is passed as argument to {self.function}")
        return " ".join(part for part in parts if part).rstrip()

    def order(self, item: Any) -> str:
        if not isinstance(item, dict) or not isinstance(item.get("column"), str):
            raise _error("orderBy item expected to have property column.")
        direction = str(item.get("dir") or "ASC").upper()
        if direction not in ("ASC", "DESC"):
            raise _error(f"orderBy dir can have either ASC or DESC found {item.get('dir')}.")
        return f"{self.identifier(item['column'])} {direction}"

    def render(self, statements: list[Any]) -> dict[str, Any]:
        if not statements:
            raise _error(f"An argument is expected to be passed to {self.function}")
        for each in statements:
            if isinstance(each, str):
                self.statements.append(each)
            elif _is_template(each):
                self.statements.append(self.template(each))
            elif isinstance(each, dict) and "type" in each and "properties" in each:
                self.statements.append(self.structured(each["type"], each["properties"]))
            else:
                raise _error(f"Unsupported type is passed as argument to {self.function}")
        return {
            "statements": self.statements,
            "variableMap": self.variables,
            "variableTypeHintMap": self.hints,
        }


def create_pg_statement(*statements: Any) -> dict[str, Any]:
    """`createPgStatement(statement1, statement2?)`."""
    present = [s for s in statements if s is not None]
    return _Renderer('"', "createPgStatement", True).render(present)


def create_mysql_statement(*statements: Any) -> dict[str, Any]:
    """`createMySQLStatement(statement1, statement2?)`: backticks, no RETURNING."""
    present = [s for s in statements if s is not None]
    return _Renderer("`", "createMySQLStatement", False).render(present)
