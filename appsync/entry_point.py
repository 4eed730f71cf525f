"""The `appsync-local` command (`[project.scripts]`): `appsync.__main__` imported with the
garbage collector off, then run.

What `__main__` imports at its top (argparse, uvicorn, the definition's model and
readers, Starlette) lives as long as the process: the collector's passes over it while it
grows are wasted, about 8 ms of the 140 ms of CPU those imports take (issue 19). `serve` keeps
the collector off for the rest of its start (`appsync.__main__.serve`); every command runs with
it on.

Before it, `appsync.dataclass_code` has `@dataclass` take the methods' code compiled at an
earlier start, and what the command compiled anew is kept as it ends, and once a server listens
(`uvicorn_server.ListeningServer`: `serve`, its workers): compiling them was about a fifth of
`serve`'s CPU time before it listens.

And uvicorn's package is imported without its command line (click and its supervisors, about
30 modules that `serve` never uses: `appsync.uvicorn_package`).

`python -m appsync` runs `__main__` itself, without any of these.
"""

from __future__ import annotations

import gc

from appsync import dataclass_code, uvicorn_package


def main() -> int:
    dataclass_code.install()
    uvicorn_package.without_command_line()
    gc.disable()
    try:
        from appsync.__main__ import main as command
    finally:
        gc.enable()
    try:
        return command()
    finally:
        dataclass_code.save()
