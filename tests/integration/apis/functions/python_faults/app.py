"""Fails on demand: raises, outlives its 1-second Timeout, exits, or prints megabytes."""

import os
import sys
import time
from typing import Any


class NoteMissingError(Exception):
    pass


def handler(event: Any, context: Any) -> Any:
    kind = event["arguments"]["kind"]
    if kind == "throw":
        raise NoteMissingError("note 7 is missing")
    if kind == "timeout":
        time.sleep(30)
    if kind == "exit":
        sys.exit(3)
    if kind == "chatty":
        line = "x" * 1023
        for _ in range(5 * 1024):
            print(line)
        return "printed 5 MB"
    return f"ok from {os.getpid()}"
