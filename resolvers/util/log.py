"""`$util.log`: template logging, written to this module's logger.

`$util.log.info(Object)` logs the object; `$util.log.info(String, Object...)` fills each `{}`
in the message with the next argument, as SLF4J does.
"""

from __future__ import annotations

import logging
from typing import Any

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
    """The `log` member of `$util`."""

    __slots__ = ()

    def info(self, message: Any, *args: Any) -> None:
        if LOGGER.isEnabledFor(logging.INFO):
            LOGGER.info("%s", format_message(message, args))

    def error(self, message: Any, *args: Any) -> None:
        LOGGER.error("%s", format_message(message, args))
