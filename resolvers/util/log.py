"""`$util.log`: template logging, to the API's log when it has one, else this module's logger.

`$util.log.info(Object)` logs the object; `$util.log.info(String, Object...)` fills each `{}`
in the message with the next argument, as SLF4J does. With a `logConfig`, the lines go to the
field's observer, which keeps them by `fieldLogLevel` ("Field-level logs": INFO shows
`$util.log.info`, DEBUG `$util.log.debug` too, AWS AppSync developer guide, monitoring).
"""

from __future__ import annotations

import logging
from typing import Any

from resolvers.context import ResolverContext
from resolvers.util.core import Helper, to_json

LOGGER = logging.getLogger(__name__)


def _text(value: Any) -> str:
    return value if isinstance(value, str) else to_json(value)


def format_message(message: Any, args: tuple[Any, ...]) -> str:
    text = _text(message)
    if not args:
        return text
    pieces = text.split("{}")
    out = [pieces[0]]
    for i, piece in enumerate(pieces[1:]):
        out.append(_text(args[i]) if i < len(args) else "{}")
        out.append(piece)
    return "".join(out)


class LogHelpers(Helper):
    """The `log` member of `$util`, bound to the field it logs for."""

    __slots__ = ("_ctx",)

    def __init__(self, ctx: ResolverContext) -> None:
        self._ctx = ctx

    def debug(self, message: Any, *args: Any) -> None:
        self._write(logging.DEBUG, "DEBUG", message, args)

    def info(self, message: Any, *args: Any) -> None:
        self._write(logging.INFO, "INFO", message, args)

    def error(self, message: Any, *args: Any) -> None:
        self._write(logging.ERROR, "ERROR", message, args)

    def _write(self, level: int, name: str, message: Any, args: tuple[Any, ...]) -> None:
        observer = self._ctx.observer
        if observer is not None:
            observer.user_log(name, format_message(message, args))
        elif LOGGER.isEnabledFor(level):
            LOGGER.log(level, "%s", format_message(message, args))
