"""The error objects Lambda itself answers with: a timeout (`Sandbox.Timedout`, "RequestId: <id>
Error: Task timed out after 1.00 seconds", recorded in seek-oss/aws-codedeploy-hooks'
changelog), a runtime exit (`Runtime.ExitError`, "RequestId: <id> Error: Runtime exited with
error: exit status 101", recorded in public bug reports), a response over 6291556 bytes
(`Function.ResponseSizeTooLarge`, moto's Lambda tests)."""

from __future__ import annotations

import json
import signal

from functions.failures import exit_error, exit_status, response_too_large_error, timeout_error


def test_a_timeout_names_the_request_and_the_configured_timeout() -> None:
    assert json.loads(timeout_error("00000000-0000-0000-0000-000000000000", 1)) == {
        "errorMessage": "RequestId: 00000000-0000-0000-0000-000000000000 Error: Task timed out "
        "after 1.00 seconds",
        "errorType": "Sandbox.Timedout",
    }


def test_an_exit_names_the_status_as_go_prints_it() -> None:
    assert json.loads(exit_error("r-1", 101)) == {
        "errorMessage": "RequestId: r-1 Error: Runtime exited with error: exit status 101",
        "errorType": "Runtime.ExitError",
    }
    assert exit_status(-signal.SIGKILL) == "signal: killed"
    assert exit_status(-signal.SIGSEGV) == "signal: segmentation fault"
    assert exit_status(-signal.SIGUSR1) == "signal: SIGUSR1"
    assert exit_status(-200) == "signal: 200"
    assert json.loads(exit_error("", 1))["errorMessage"] == (
        "Error: Runtime exited with error: exit status 1"
    )


def test_a_response_over_the_quota() -> None:
    assert json.loads(response_too_large_error()) == {
        "errorMessage": "Response payload size exceeded maximum allowed payload size "
        "(6291556 bytes).",
        "errorType": "Function.ResponseSizeTooLarge",
    }
