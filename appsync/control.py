"""The local control API: move a manual clock, reset the embedded services. Tests only.

It is a route of the one AWS endpoint (`appsync.aws.endpoint`) under the signing name
`appsync-local`, speaking AWS JSON 1.0 (`X-Amz-Target: AppSyncLocal.<Operation>`), so every call
is verified as any AWS call is: SigV4 against the endpoint's declared keys, the Host check
against DNS rebinding, no call from a page of another origin. On top of that it answers only

* when the server was started with it (`serve --control-api`, implied by `--clock manual`; the
  pytest plugin's servers): otherwise 403 `AccessDeniedException`;
* to a client on a loopback address: a request from anywhere else (a server bound beyond
  loopback), or from inside the server (a workflow's Task, which has no address), is refused
  with the same 403.

Operations (request and answer bodies are JSON objects):

| operation       | request                                 | answer                     |
|-----------------|-----------------------------------------|----------------------------|
| `DescribeClock` | `{}`                                    | the clock (below)          |
| `AdvanceClock`  | `{"seconds": 86400}` (not negative)     | the clock, once settled    |
| `SetClock`      | `{"time": "2024-03-01T00:00:00Z"}` or epoch seconds | the clock, once settled |
| `ResetState`    | `{"seed": true, "clock": true}` (both optional)      | what was reset   |

The clock: `{"mode": "MANUAL" | "WALL", "now": ISO 8601, "epochSeconds": float, "start": ISO
8601 | null}`. Moving a wall clock is a 400 `ValidationException`. "Settled": work already
under way (an execution just started) first runs until it waits, then time moves, and the
answer comes once the work the move woke (a Wait state ending, a retry, a timeout) has run
until it waits again, at most 5 seconds each (`ManualClock.settle`).
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any, TypedDict

from appsync.aws.errors import json_error, request_id
from appsync.aws.requests import AwsRequest, AwsResponse, ServiceCall
from appsync.clock import ManualClock
from appsync.hosts import is_loopback
from appsync.reset import StateReset
from auth.clock import Clock

logger = logging.getLogger(__name__)

SIGNING_NAME = "appsync-local"
TARGET_PREFIX = "AppSyncLocal"
_JSON_TYPE = "application/x-amz-json-1.0"
ACCESS_DENIED = "AccessDeniedException"
VALIDATION = "ValidationException"
NOT_ENABLED_MESSAGE = (
    "The control API is not enabled: start the server with --control-api (or --clock manual)"
)
NOT_LOOPBACK_MESSAGE = "The control API answers clients on a loopback address only"


class ClockJson(TypedDict):
    mode: str
    now: str
    epochSeconds: float
    start: str | None


class ResetJson(TypedDict):
    tables: list[str]
    connectionsClosed: int
    clockReset: bool
    milliseconds: float


class _ControlError(Exception):
    def __init__(self, status: int, error_type: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.error_type = error_type
        self.message = message


class ControlRoute:
    """`ServiceRoute` for `appsync-local`: `enabled` decides whether it answers at all."""

    def __init__(self, clock: Clock, state: StateReset, *, enabled: bool) -> None:
        self._clock = clock
        self._manual = state.clock
        self._state = state
        self._enabled = enabled

    async def handle(self, request: AwsRequest, call: ServiceCall) -> AwsResponse:
        try:
            if not self._enabled:
                raise _ControlError(403, ACCESS_DENIED, NOT_ENABLED_MESSAGE)
            if request.source_ip is None or not is_loopback(request.source_ip):
                raise _ControlError(403, ACCESS_DENIED, NOT_LOOPBACK_MESSAGE)
            body = _body(request.body)
            match call.operation:
                case "DescribeClock":
                    answer: Any = self._describe()
                case "AdvanceClock":
                    answer = await self._advance(body)
                case "SetClock":
                    answer = await self._set(body)
                case "ResetState":
                    answer = await self._reset(body)
                case _:
                    raise _ControlError(
                        400, "UnknownOperationException", f"Unknown operation {call.operation}"
                    )
        except _ControlError as error:
            return json_error(error.status, error.error_type, error.message)
        return AwsResponse(
            200,
            json.dumps(answer).encode(),
            [("content-type", _JSON_TYPE), ("x-amzn-requestid", request_id())],
        )

    def _describe(self) -> ClockJson:
        now = self._clock.time()
        return {
            "mode": "WALL" if self._manual is None else "MANUAL",
            "now": _iso(datetime.fromtimestamp(now, UTC)),
            "epochSeconds": now,
            "start": None if self._manual is None else _iso(self._manual.start),
        }

    def _manual_clock(self) -> ManualClock:
        if self._manual is None:
            raise _ControlError(
                400,
                VALIDATION,
                "The server runs on the wall clock: start it with --clock manual to move time",
            )
        return self._manual

    async def _advance(self, body: dict[str, Any]) -> ClockJson:
        clock = self._manual_clock()
        seconds = body.get("seconds")
        if isinstance(seconds, bool) or not isinstance(seconds, int | float) or seconds < 0:
            raise _ControlError(
                400,
                VALIDATION,
                "seconds must be a number of seconds, 0 or more (SetClock goes back)",
            )
        # Work already under way (an execution just started) reaches its wait first, so that
        # its deadline is counted from before the move, as the caller expects.
        await clock.settle()
        clock.advance(seconds)
        logger.info("clock advanced %ss to %s", seconds, _iso(clock.now()))
        await clock.settle()
        return self._describe()

    async def _set(self, body: dict[str, Any]) -> ClockJson:
        clock = self._manual_clock()
        moment = _moment(body.get("time"))
        await clock.settle()
        clock.set(moment)
        logger.info("clock set to %s", _iso(clock.now()))
        await clock.settle()
        return self._describe()

    async def _reset(self, body: dict[str, Any]) -> ResetJson:
        outcome = await self._state.reset(seed=_flag(body, "seed"), clock=_flag(body, "clock"))
        return {
            "tables": list(outcome.tables),
            "connectionsClosed": outcome.connections_closed,
            "clockReset": outcome.clock_reset,
            "milliseconds": round(outcome.seconds * 1000, 3),
        }


def _body(raw: bytes) -> dict[str, Any]:
    try:
        decoded = json.loads(raw) if raw.strip() else {}
    except ValueError:
        decoded = None
    if not isinstance(decoded, dict):
        # Step Functions' and DynamoDB's answer to a body that is not a JSON object.
        raise _ControlError(
            400, "SerializationException", "Start of structure or map found where not expected."
        )
    return decoded


def _flag(body: dict[str, Any], name: str) -> bool:
    value = body.get(name, True)
    if not isinstance(value, bool):
        raise _ControlError(400, VALIDATION, f"{name} must be true or false")
    return value


def _moment(value: Any) -> datetime:
    """An ISO 8601 time with its offset (or Z), or epoch seconds."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return datetime.fromtimestamp(value, UTC)
    if isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            moment = None
        if moment is not None and moment.tzinfo is not None:
            return moment.astimezone(UTC)
    raise _ControlError(
        400, VALIDATION, "time must be an ISO 8601 time with its offset (or Z), or epoch seconds"
    )


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")
