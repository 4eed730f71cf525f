"""The error objects Lambda itself answers with when a function could not answer: the
invocation timed out, the runtime exited, or the response was too large. Lambda's Invoke API
returns them as the payload, with `FunctionError: Unhandled`:

    {"errorMessage": "RequestId: <id> Error: Task timed out after 3.00 seconds",
     "errorType": "Sandbox.Timedout"}
    {"errorMessage": "RequestId: <id> Error: Runtime exited with error: exit status 1",
     "errorType": "Runtime.ExitError"}
    {"errorMessage": "Response payload size exceeded maximum allowed payload size
     (6291556 bytes).", "errorType": "Function.ResponseSizeTooLarge"}

Sources: the Runtime Interface Emulator (aws-lambda-runtime-interface-emulator: the timeout
response, `BuildInvokeAppError`'s "Task timed out after %.2f seconds", `Sandbox.Timedout`);
payloads recorded from AWS in seek-oss/aws-codedeploy-hooks' changelog (a timeout) and in public
bug reports of `Runtime.ExitError` (rust-htslib-lambda, cfn-guard-lambda's FAQ); moto's Lambda
tests (the response size). The exit status is Go's `ExitError` text: "exit status N", or
"signal: killed" for a killed process.
"""

from __future__ import annotations

import json
import signal

from functions.logs import timed_out_message
from functions.protocol import MAX_RESPONSE_BYTES

# Go's names for the signals that end a process ("signal: killed").
_SIGNAL_NAMES = {
    signal.SIGKILL: "killed",
    signal.SIGTERM: "terminated",
    signal.SIGSEGV: "segmentation fault",
    signal.SIGABRT: "aborted",
    signal.SIGINT: "interrupt",
    signal.SIGBUS: "bus error",
}


def timeout_error(request_id: str, timeout: float) -> bytes:
    prefix = f"RequestId: {request_id} " if request_id else ""
    message = f"{prefix}Error: {timed_out_message(timeout)}"
    return json.dumps({"errorMessage": message, "errorType": "Sandbox.Timedout"}).encode()


def exit_error(request_id: str, returncode: int | None) -> bytes:
    prefix = f"RequestId: {request_id} " if request_id else ""
    message = f"{prefix}Error: Runtime exited with error: {exit_status(returncode)}"
    return json.dumps({"errorMessage": message, "errorType": "Runtime.ExitError"}).encode()


def response_too_large_error() -> bytes:
    return json.dumps(
        {
            "errorMessage": "Response payload size exceeded maximum allowed payload size "
            f"({MAX_RESPONSE_BYTES} bytes).",
            "errorType": "Function.ResponseSizeTooLarge",
        }
    ).encode()


def exit_status(returncode: int | None) -> str:
    if returncode is None or returncode >= 0:
        return f"exit status {returncode}"
    try:
        number = signal.Signals(-returncode)
    except ValueError:
        return f"signal: {-returncode}"
    return f"signal: {_SIGNAL_NAMES.get(number, number.name)}"
