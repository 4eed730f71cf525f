"""The `appsync-local` command imports `appsync.__main__` with the garbage collector off, and
runs it with the collector on (issue 19)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

# Run in a fresh interpreter (this one has imported `appsync.__main__` already): counts the
# collections that start before `appsync.__main__` has defined `main`, its last definition,
# that is while it is being imported, then runs `--version` through `ENTRY` and says whether the
# collector was on when the command ran.
SCRIPT = """
import gc, sys

during_import = []

def count(phase, info):
    module = sys.modules.get("appsync.__main__")
    if phase == "start" and module is not None and not hasattr(module, "main"):
        during_import.append(info["generation"])

gc.callbacks.append(count)
sys.argv = ["appsync-local", "--version"]
{entry}
try:
    main()
except SystemExit:
    pass
print(len(during_import), gc.isenabled())
"""


def _collections(entry: str) -> tuple[int, bool]:
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT.format(entry=entry)],
        capture_output=True,
        text=True,
        check=True,
    )
    count, enabled = result.stdout.split()[-2:]
    return int(count), enabled == "True"


def test_main_is_imported_without_collections_and_runs_with_the_collector_on() -> None:
    assert _collections("from appsync.entry_point import main") == (0, True)


def test_imported_directly_the_collector_runs_while_main_imports() -> None:
    # What the entry point saves: the same import with the collector on collects many times.
    count, enabled = _collections("from appsync.__main__ import main")
    assert count > 10
    assert enabled


# In a fresh interpreter, as the command starts: the dataclass code kept in the file named by
# argv[1] (installed first, so the command's own `install()` keeps it), then `--version`; prints
# how many texts it compiled.
KEPT = """
import os, sys
from pathlib import Path
from appsync import dataclass_code
code = dataclass_code.install(Path(sys.argv[1]))
sys.argv = ["appsync-local", "--version"]
from appsync.entry_point import main
try:
    main()
except SystemExit:
    pass
print(code.new_texts)
"""


def test_the_command_keeps_its_dataclass_code_for_the_next_start(tmp_path: Path) -> None:
    kept = tmp_path / "dataclass-code.marshal"
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}

    def compiled() -> int:
        command = [sys.executable, "-c", KEPT, str(kept)]
        result = subprocess.run(command, capture_output=True, text=True, check=True, env=env)
        return int(result.stdout.split()[-1])

    # `__main__` and what it imports define dozens of dataclasses (the command line's, the
    # definition's model).
    assert compiled() > 50
    assert kept.exists()
    assert compiled() == 0
