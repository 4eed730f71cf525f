"""The server's log: where lines go, and what never appears in them.

No credential reaches a log line at any level. Realtime URLs carry the handshake's header JSON
(base64 of the API key or token) in their `header` query parameter, and uvicorn logs every
websocket's path with its query string; a signed GET may carry SigV4's `X-Amz-*` parameters;
and a message or an exception may quote headers. `RedactCredentials`, on every handler, rewrites
a record before it is written: those query values, `Authorization` / `x-api-key` /
`x-amz-security-token` values, JWTs, AppSync API keys and passwords in URLs (a Redis URL's)
become `[redacted]`.

uvicorn's access log is off unless asked for (`serve --access-log`): a line per request cost
about a quarter of a one-field query's time in the server. uvicorn writes a websocket's line
(`"WebSocket /graphql/realtime" [accepted]`) on its error logger, not its access logger;
`WebSocketAccess` keeps those with the access log.
"""

from __future__ import annotations

import copy
import logging
import re
from typing import Any

from uvicorn.config import LOGGING_CONFIG

REDACTED = "[redacted]"
APP_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

_QUERY_CREDENTIALS = re.compile(
    r"(?i)(?<=[?&])(header|payload|x-amz-security-token|x-amz-signature|x-amz-credential)=[^&\s\"']*"
)
# A quoted value, or an unquoted one to the end of the line (a SigV4 Authorization value has
# spaces and commas in it).
_HEADER_CREDENTIALS = re.compile(
    r"(?i)(authorization|x-api-key|x-amz-security-token)(['\"]?\s*[:=]\s*)"
    r"(\"[^\"]*\"|'[^']*'|[^\r\n\"'}&]+)"
)
_JWT = re.compile(r"eyJ[\w-]+\.[\w-]+\.[\w-]*")
# A password in a URL (`redis://:secret@host`).
_URL_PASSWORD = re.compile(r"(?<=://)([^/\s:@]*):[^/\s@]*@")
_API_KEY = re.compile(r"da2-[a-z0-9]{26}")


def redact(text: str) -> str:
    """`text` with every credential it quotes replaced by REDACTED."""
    if not any(mark in text for mark in ("=", ":", "eyJ", "da2-")):
        return text
    text = _QUERY_CREDENTIALS.sub(lambda match: f"{match.group(1)}={REDACTED}", text)
    text = _HEADER_CREDENTIALS.sub(
        lambda match: f"{match.group(1)}{match.group(2)}{REDACTED}", text
    )
    text = _JWT.sub(REDACTED, text)
    text = _URL_PASSWORD.sub(lambda match: f"{match.group(1)}:{REDACTED}@", text)
    return _API_KEY.sub(REDACTED, text)


class RedactCredentials(logging.Filter):
    """A handler filter: the record's message, its arguments and its traceback redacted.
    Arguments are redacted one by one, not merged into the message, because uvicorn's access
    formatter reads them (client, method, path, version, status)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(redact(arg) if isinstance(arg, str) else arg for arg in record.args)
        elif isinstance(record.args, dict):
            record.args = {
                key: redact(value) if isinstance(value, str) else value
                for key, value in record.args.items()
            }
        if record.exc_info and not record.exc_text:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
        return True


class WebSocketAccess(logging.Filter):
    """Drops uvicorn's line per websocket handshake (`'%s - "WebSocket %s" ...'`), the
    websocket side of the access log, while the access log is off."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (isinstance(record.msg, str) and record.msg.startswith(_WEBSOCKET_ACCESS))


_WEBSOCKET_ACCESS = '%s - "WebSocket %s"'


def stderr_handler() -> logging.Handler:
    """The command line's handler until `serve` hands logging to uvicorn's configuration:
    stderr, the server's format, redacted."""
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter(APP_FORMAT))
    handler.addFilter(RedactCredentials())
    return handler


def logging_config(level: str, access_log: bool = False) -> dict[str, Any]:
    """uvicorn's logging configuration with the redaction on every handler, the server's own
    loggers (the root) on stderr at `level`, and websocket handshakes logged only with the
    access log."""
    config: dict[str, Any] = copy.deepcopy(LOGGING_CONFIG)
    config["filters"] = {
        "redact": {"()": RedactCredentials},
        "websocket_access": {"()": WebSocketAccess},
    }
    if not access_log:
        config["loggers"]["uvicorn.error"]["filters"] = ["websocket_access"]
    config["formatters"]["app"] = {"format": APP_FORMAT}
    config["handlers"]["app"] = {
        "class": "logging.StreamHandler",
        "stream": "ext://sys.stderr",
        "formatter": "app",
    }
    for handler in config["handlers"].values():
        handler["filters"] = ["redact"]
    config["root"] = {"handlers": ["app"], "level": level.upper()}
    return config
