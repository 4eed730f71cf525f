"""What the local Lambda runtime is given and what it returns: function specs, invocation
types, and the Invoke API's result.

`InvokeResult` carries what Lambda's Invoke API answers
(https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html, "Response Syntax"): the status
code (200 RequestResponse, 202 Event, 204 DryRun), the payload (the function's result, or its
error object), `FunctionError` (header `X-Amz-Function-Error`; "Unhandled" for every function
error today), `LogResult` (the last 4 KB of the execution log, base64, when `LogType: Tail`) and
`ExecutedVersion`.
"""

from __future__ import annotations

import base64
import enum
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from functions.errors import InvalidParameterValueError, RuntimeUnavailableError

# Lambda's Timeout: 1 to 900 seconds (CreateFunction). Fractions are accepted here so that tests
# can time out in well under a second.
MAX_TIMEOUT_SECONDS = 900.0
# MemorySize: 128 to 10,240 MB (CreateFunction).
MIN_MEMORY_MB = 128
MAX_MEMORY_MB = 10_240
LATEST = "$LATEST"
UNHANDLED = "Unhandled"

_PYTHON_RUNTIME = re.compile(r"^python3\.(\d+)$")
_NODEJS_RUNTIME = re.compile(r"^nodejs(\d+)\.x$")


class Language(enum.Enum):
    PYTHON = "python"
    NODEJS = "nodejs"


@dataclass(frozen=True, slots=True)
class Runtime:
    """A Lambda runtime identifier (`python3.12`, `nodejs20.x`) split into language and version."""

    identifier: str
    language: Language
    major: int
    minor: int = 0

    @property
    def execution_env(self) -> str:
        """`AWS_EXECUTION_ENV`: the runtime identifier prefixed by `AWS_Lambda_`."""
        return f"AWS_Lambda_{self.identifier}"


def parse_runtime(function_name: str, identifier: str) -> Runtime:
    """The runtime named by a function's `Runtime`, or RuntimeUnavailableError for the others."""
    if match := _PYTHON_RUNTIME.match(identifier):
        return Runtime(identifier, Language.PYTHON, 3, int(match.group(1)))
    if match := _NODEJS_RUNTIME.match(identifier):
        return Runtime(identifier, Language.NODEJS, int(match.group(1)))
    raise RuntimeUnavailableError(
        function_name,
        identifier,
        f"Function {function_name}: runtime {identifier!r} cannot run locally; local functions "
        "run on python3.x and nodejsNN.x runtimes.",
    )


@dataclass(frozen=True, slots=True)
class FunctionSpec:
    """One function as Lambda's CreateFunction describes it, with its code on the local disk.

    `handler` is written as Lambda writes it (`index.handler`, `app.lambda_handler`,
    `src/handlers/orders.main`). `layers` are the local directories of its layers' content, in
    the function's order. `reserved_concurrency` is Lambda's ReservedConcurrentExecutions (AWS
    throttles past it); `concurrency_limit` caps the local worker processes without AWS's
    throttling (callers wait for a worker instead). `python_executable` runs a Python function on
    another interpreter or virtual environment (a directory) instead of the server's.
    `requirements` is a Python function's `requirements.txt`, installed for it (None: the code
    directory's own, if it has one and the function runs on the server's interpreter).
    """

    name: str
    runtime: str
    handler: str
    code_dir: Path
    environment: Mapping[str, str] = field(default_factory=dict)
    timeout: float = 3.0
    memory_size: int = 128
    reserved_concurrency: int | None = None
    concurrency_limit: int | None = None
    layers: tuple[Path, ...] = ()
    python_executable: Path | None = None
    requirements: Path | None = None

    def parsed_runtime(self) -> Runtime:
        return parse_runtime(self.name, self.runtime)

    def check(self) -> None:
        """Raise InvalidParameterValueError where CreateFunction would refuse this function."""
        if not 0 < self.timeout <= MAX_TIMEOUT_SECONDS:
            raise InvalidParameterValueError(
                f"Function {self.name}: Timeout must be between 1 and 900 seconds, not "
                f"{self.timeout:g}."
            )
        if not MIN_MEMORY_MB <= self.memory_size <= MAX_MEMORY_MB:
            raise InvalidParameterValueError(
                f"Function {self.name}: MemorySize must be between 128 and 10240 MB, not "
                f"{self.memory_size}."
            )
        for limit in (self.reserved_concurrency, self.concurrency_limit):
            if limit is not None and limit < 0:
                raise InvalidParameterValueError(
                    f"Function {self.name}: a concurrency limit cannot be negative ({limit})."
                )
        if not self.code_dir.is_dir():
            raise InvalidParameterValueError(
                f"Function {self.name}: code directory {self.code_dir} does not exist."
            )


class InvocationType(enum.Enum):
    REQUEST_RESPONSE = "RequestResponse"
    EVENT = "Event"
    DRY_RUN = "DryRun"


class LogType(enum.Enum):
    NONE = "None"
    TAIL = "Tail"


@dataclass(frozen=True, slots=True)
class InvokeResult:
    """What Lambda's Invoke API answers for one invocation."""

    status_code: int
    payload: bytes
    request_id: str
    function_error: str | None = None
    log_result: str | None = None
    executed_version: str = LATEST

    @property
    def log_tail(self) -> str:
        """The decoded `LogResult` (empty without `LogType: Tail`)."""
        if self.log_result is None:
            return ""
        return base64.b64decode(self.log_result).decode("utf-8", errors="replace")

    def error(self) -> dict[str, Any]:
        """The function error's object (`errorType`, `errorMessage`, ...); {} without an error."""
        if self.function_error is None:
            return {}
        try:
            parsed = json.loads(self.payload)
        except ValueError:
            return {"errorMessage": self.payload.decode("utf-8", errors="replace")}
        return parsed if isinstance(parsed, dict) else {"errorMessage": str(parsed)}
