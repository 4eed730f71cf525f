"""What the pytest plugin raises: a server that does not start, a control call refused, a token
that cannot be minted for the API."""

from __future__ import annotations

from collections.abc import Sequence


class LocalApiError(Exception):
    """The root of the plugin's errors."""


class ServerStartError(LocalApiError):
    """The API could not be served: its problems as `validate` lists them, or the server's log."""

    def __init__(self, definition: str, details: Sequence[str]) -> None:
        self.definition = definition
        self.details = tuple(details)
        listed = "\n".join(f"  {line}" for line in self.details)
        super().__init__(f"appsync-local could not serve {definition}:\n{listed}")


class ControlApiError(LocalApiError):
    """The control API answered with an error (`__type` and message, as AWS JSON 1.0 has it)."""

    def __init__(self, operation: str, status: int, error_type: str, message: str) -> None:
        self.operation = operation
        self.status = status
        self.error_type = error_type
        super().__init__(f"{operation}: {status} {error_type}: {message}")


class TokenError(LocalApiError):
    """A token the server would not trust cannot be made (no such provider, no key)."""
