"""The `appsync-local` command (`[project.scripts]`): `appsync.__main__` imported with the
garbage collector off, then run.

What `__main__` imports at its top (argparse, uvicorn and click, the definition's model and
readers, Starlette) lives as long as the process: the collector's passes over it while it
grows are wasted, about 8 ms of the 140 ms of CPU those imports take (issue 19). `serve` keeps
the collector off for the rest of its start (`appsync.__main__.serve`); every command runs with
it on. `python -m appsync` runs `__main__` itself, without this.
"""

from __future__ import annotations

import gc


def main() -> int:
    gc.disable()
    try:
        from appsync.__main__ import main as command
    finally:
        gc.enable()
    return command()
