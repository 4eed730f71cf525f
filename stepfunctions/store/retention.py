"""How many finished executions a store keeps by default, apart from the stores themselves.

`appsync-local stepfunctions --retention` shows the default in its help: the command line reads
it here without importing the stores (and through them the engine's records and its language),
which `serve` would otherwise import before it listens (issue 19).
"""

from __future__ import annotations

# Finished executions kept (the oldest finished ones dropped first); running ones never are.
DEFAULT_RETENTION = 10_000
