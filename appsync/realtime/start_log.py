"""A `start` in the API's log, written as a GraphQL request is.

AppSync's request-level logs "capture overall request information, including HTTP headers,
GraphQL queries, operation summaries, and subscription registrations" ("Using CloudWatch to
monitor and log GraphQL API data", https://docs.aws.amazon.com/appsync/latest/devguide/
monitoring.html, "CloudWatch Logs"), and a subscription field's resolver runs when the
subscription is registered ("Enhanced subscription filtering": the filter is set "in the
subscription resolver's response handler", https://docs.aws.amazon.com/appsync/latest/devguide/
aws-appsync-real-time-enhanced-filtering.html). So a `start` writes the request's lines (its
`authorization` object as its headers), the subscription field's RequestMapping /
ResponseMapping / Tracing events at the API's field log level, and the two summaries.

The log is the one the GraphQL endpoint holds (`LogSource`): an API's `logConfig` log, or the
one an open console turns on (`appsync.console.resolver_log`); a start reads it when it begins.

AWS differs: the summaries' `statusCode` of a registration is not recorded (200 here when the
start is acknowledged, 400 when it gets `start_error`), nor is its request id (a fresh UUID).
"""

from __future__ import annotations

import uuid
from typing import Protocol

from appsync.api_log import ApiLog, FieldLog, RequestLog
from appsync.realtime.protocol import Subscribe

STARTED = 200
REFUSED = 400


class LogSource(Protocol):
    """What holds the API's log (`GraphQLEndpoint.log`), None while nothing logs."""

    log: ApiLog | None


def start_log(source: LogSource | None, request: Subscribe) -> RequestLog | None:
    """The log of one `start`, its request lines written; None when the API does not log."""
    log = source.log if source is not None else None
    if log is None:
        return None
    request_log = log.request(str(uuid.uuid4()))
    request_log.begin(
        request.authorization or {}, request.query, request.operation_name, request.variables
    )
    return request_log


def subscription_field_log(
    log: RequestLog | None, type_name: str, field_name: str, return_type: str
) -> FieldLog | None:
    """The subscription field's events, for its resolver's context (`ctx.observer`)."""
    if log is None:
        return None
    return log.field([field_name], type_name, field_name, return_type)
