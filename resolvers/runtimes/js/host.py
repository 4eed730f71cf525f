"""The Python side of `@aws-appsync/utils`: one host function the JavaScript modules call.

Every `util.*` helper, every `extensions.*` call and every `@aws-appsync/utils/dynamodb` and
`/rds` function is a JavaScript stub (prelude.js) that calls `__appsync_host(name, argsJson)`;
this module runs the one Python implementation VTL and PYTHON resolvers use (`resolvers.util`,
`resolvers.util.dynamodb_requests`, the VTL runtime's `$extensions`) on the field being resolved and
answers in JSON. Arguments and results cross as JSON text: one string each way, which the engine
copies faster than it converts objects.

The names are the APPSYNC_JS ones (`@aws-appsync/utils` 2.1.1's type declarations, `lib/*.d.ts`):
JavaScript's `util` has no `toJson`, `parseJson`, `isNull...`, `list` or `map` (JSON, `??` and
the language cover them), so neither does this table.

A `ResolverError` raised by a helper (a value DynamoDB cannot type, a bad time pattern ...) is
kept aside and the stub throws; the engine re-raises it once the handler has unwound. A Python
`TypeError`/`ValueError` from a call with the wrong arguments becomes a JavaScript `TypeError`
at the caller's line, as a mistyped call fails in the APPSYNC_JS runtime.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from operator import attrgetter
from typing import Any

from resolvers.context import ResolverContext
from resolvers.errors import ResolverError
from resolvers.runtimes.js.interchange import dumps, loads
from resolvers.runtimes.vtl import Extensions
from resolvers.util import dynamodb_requests as ddb
from resolvers.util import rds_statements
from resolvers.util.namespace import Util
from resolvers.util.time import Clock

# What the host answers instead of JSON: a stored ResolverError, or a TypeError to throw.
PENDING_ERROR = "\x00E"
TYPE_ERROR = "\x00T"

UTIL_FUNCTIONS = (
    "escapeJavaScript",
    "urlEncode",
    "urlDecode",
    "base64Encode",
    "base64Decode",
    "autoId",
    "autoUlid",
    "autoKsuid",
    "appendError",
    "matches",
    "authType",
    "time.nowISO8601",
    "time.nowEpochSeconds",
    "time.nowEpochMilliSeconds",
    "time.nowFormatted",
    "time.parseFormattedToEpochMilliSeconds",
    "time.parseISO8601ToEpochMilliSeconds",
    "time.epochMilliSecondsToSeconds",
    "time.epochMilliSecondsToISO8601",
    "time.epochMilliSecondsToFormatted",
    "dynamodb.toDynamoDB",
    "dynamodb.toString",
    "dynamodb.toStringSet",
    "dynamodb.toNumber",
    "dynamodb.toNumberSet",
    "dynamodb.toBinary",
    "dynamodb.toBinarySet",
    "dynamodb.toBoolean",
    "dynamodb.toNull",
    "dynamodb.toList",
    "dynamodb.toMap",
    "dynamodb.toMapValues",
    "dynamodb.toS3Object",
    "dynamodb.fromS3ObjectJson",
    "rds.toJsonObject",
    "http.copyHeaders",
    "http.addResponseHeader",
    "http.addResponseHeaders",
    "xml.toMap",
    "xml.toJsonString",
    "transform.toDynamoDBFilterExpression",
    "transform.toDynamoDBConditionExpression",
    "transform.toElasticsearchQueryDSL",
    "transform.toSubscriptionFilter",
    "math.roundNum",
    "math.minVal",
    "math.maxVal",
    "math.randomDouble",
    "math.randomWithinRange",
    "str.normalize",
)
EXTENSIONS_FUNCTIONS = (
    "setSubscriptionFilter",
    "setSubscriptionInvalidationFilter",
    "invalidateSubscriptions",
    "evictFromApiCache",
)
RDS_FUNCTIONS = (
    "select",
    "insert",
    "update",
    "remove",
    "createPgStatement",
    "createMySQLStatement",
)
DYNAMODB_FUNCTIONS = (
    "get",
    "put",
    "remove",
    "update",
    "query",
    "scan",
    "sync",
    "batchGet",
    "batchPut",
    "batchDelete",
    "transactGet",
    "transactWrite",
    "toStringSet",
    "toNumberSet",
    "toBinarySet",
)

# transactWrite's item kinds in @aws-appsync/utils/dynamodb (TransactWriteItem) and the
# operation each one is in the request document.
_TRANSACT_WRITE_KINDS = {
    "putItem": "PutItem",
    "updateItem": "UpdateItem",
    "deleteItem": "DeleteItem",
    "conditionCheck": "ConditionCheck",
}


def _operation(value: Any) -> Any:
    """`operations.*` arrive as `{"_type": kind, ...}` (the `_type` of AWS's
    DynamoDBOperation* types); the shared builder takes `UpdateOperation`s."""
    if isinstance(value, dict) and isinstance(value.get("_type"), str):
        index = value.get("index")
        return ddb.UpdateOperation(value["_type"], value.get("value"), index)
    return value


def _update_payload(payload: Any) -> Any:
    if isinstance(payload, dict) and isinstance(payload.get("update"), dict):
        changes = {name: _operation(v) for name, v in payload["update"].items()}
        return {**payload, "update": changes}
    return payload


def _transact_write(payload: Any) -> dict[str, Any]:
    """AWS's `{items: [{putItem: {...}}, {updateItem: {...}}, ...]}` as the shared builder's
    `{items: [{operation: "PutItem", ...}]}`."""
    if not isinstance(payload, dict) or not isinstance(payload.get("items"), list):
        return ddb.transactWrite(payload)
    items = []
    for item in payload["items"]:
        kind = next(
            (k for k in _TRANSACT_WRITE_KINDS if isinstance(item, dict) and k in item), None
        )
        if kind is None:
            items.append(item)
        else:
            items.append({**_update_payload(item[kind]), "operation": _TRANSACT_WRITE_KINDS[kind]})
    return ddb.transactWrite({"items": items})


_UTIL_SET = {
    "toStringSet": "dynamodb.toStringSet",
    "toNumberSet": "dynamodb.toNumberSet",
    "toBinarySet": "dynamodb.toBinarySet",
}

_Function = Callable[["HostCall", list[Any]], Any]
# "TimeHelpers.nowFormatted() missing 1 required ..." -> "missing 1 required ...".
_PYTHON_CALLABLE = re.compile(r"^[\w.]+\(\) ")


def _javascript_name(name: str) -> str:
    """`util:time.nowFormatted` -> `util.time.nowFormatted`, `ddb:get` -> `get`."""
    scope, _, member = name.partition(":")
    return member if scope == "ddb" else f"{scope}.{member}"


def _util_function(name: str) -> _Function:
    get = attrgetter(name)
    return lambda call, args: get(call.util)(*args)


def _extension(name: str) -> _Function:
    return lambda call, args: getattr(call.extensions, name)(*args)


def _module_function(function: Callable[..., Any]) -> _Function:
    return lambda call, args: function(*args)


def _statement(kind: str, verb: str) -> _Function:
    return lambda call, args: rds_statements.statement(kind, (*args, None)[0], verb)


def _table() -> dict[str, _Function]:
    """Host names: `util:` + the member's path under `util`, `extensions:` + the extension,
    `ddb:` + the @aws-appsync/utils/dynamodb function, `rds:` + the @aws-appsync/utils/rds
    statement function (the prelude builds its objects from these names)."""
    table = {f"util:{name}": _util_function(name) for name in UTIL_FUNCTIONS}
    table.update({f"extensions:{n}": _extension(n) for n in EXTENSIONS_FUNCTIONS})
    for name in DYNAMODB_FUNCTIONS:
        if name in _UTIL_SET:
            table[f"ddb:{name}"] = _util_function(_UTIL_SET[name])
        elif name == "update":
            table["ddb:update"] = _module_function(lambda p: ddb.update(_update_payload(p)))
        elif name == "transactWrite":
            table["ddb:transactWrite"] = _module_function(_transact_write)
        else:
            table[f"ddb:{name}"] = _module_function(getattr(ddb, name))
    renderers = {
        "createPgStatement": rds_statements.create_pg_statement,
        "createMySQLStatement": rds_statements.create_mysql_statement,
    }
    for name in RDS_FUNCTIONS:
        if name in renderers:
            table[f"rds:{name}"] = _module_function(renderers[name])
        else:
            kind = "REMOVE" if name == "remove" else name.upper()
            table[f"rds:{name}"] = _statement(kind, name)
    return table


_FUNCTIONS = _table()


class HostCall:
    """One handler call's view of the field: its `Util` and `$extensions`, made on first use,
    the ResolverError a helper raised, if any, and what the handler reported as it ended.

    Helpers are the only way a handler changes the field's context before it returns (errors
    appended, extensions set, response headers added), so the first helper call notes those
    parts as they were, and `undo` puts them back for a handler run again from the start."""

    __slots__ = (
        "_before",
        "_extensions",
        "_util",
        "clock",
        "ctx",
        "logs_text",
        "pending",
        "stash_text",
    )

    def __init__(self, ctx: ResolverContext, clock: Clock) -> None:
        self.ctx = ctx
        self.clock = clock
        self.pending: ResolverError | None = None
        # What the handler reported beside its answer: its changed stash, its console output.
        self.stash_text: str | None = None
        self.logs_text: str | None = None
        self._util: Util | None = None
        self._extensions: Extensions | None = None
        self._before: tuple[int, dict[str, Any]] | None = None

    def undo(self) -> None:
        """The field's context as it was before this call's first helper."""
        if self._before is None:
            return
        errors, extensions = self._before
        del self.ctx.appended_errors[errors:]
        self.ctx.extensions.clear()
        self.ctx.extensions.update(extensions)

    @property
    def util(self) -> Util:
        if self._util is None:
            self._util = Util(self.ctx, self.clock)
        return self._util

    @property
    def extensions(self) -> Extensions:
        if self._extensions is None:
            self._extensions = Extensions(self.ctx)
        return self._extensions

    def invoke(self, name: str, arguments: str) -> str:
        """Run `name` with the JSON array `arguments`; the JSON of its result."""
        function = _FUNCTIONS.get(name)
        if function is None:
            return f"{TYPE_ERROR}{_javascript_name(name)} is not a function"
        if self._before is None:
            ctx = self.ctx
            kept = {key: copy.copy(value) for key, value in ctx.extensions.items()}
            self._before = (len(ctx.appended_errors), kept)
        try:
            args = loads(arguments)
            return dumps(function(self, args if isinstance(args, list) else []))
        except ResolverError as error:
            self.pending = error
            return PENDING_ERROR
        except (TypeError, ValueError, KeyError, IndexError, AttributeError) as error:
            return f"{TYPE_ERROR}{_javascript_name(name)}: {_PYTHON_CALLABLE.sub('', str(error))}"


def host_names() -> list[str]:
    """Every name the prelude makes a stub for."""
    return sorted(_FUNCTIONS)
