"""uvicorn's package without its command line (issue 19): its modules import without click and
`uvicorn.main`, and the package gives what its `__init__` defines once asked."""

from __future__ import annotations

import json
import subprocess
import sys
import types

import uvicorn

# Each in a fresh interpreter (this one has imported uvicorn whole): prints a JSON object.
SCRIPT = """
import json, sys
from appsync import uvicorn_package
uvicorn_package.without_command_line()
{body}
"""

SERVED = """
import types
from uvicorn.config import Config
from uvicorn.server import Server
import uvicorn.lifespan.on  # imports `Config` from the package
import uvicorn
before = sorted(m for m in ("uvicorn.main", "click", "uvicorn.supervisors") if m in sys.modules)
same = [uvicorn.Config is Config, uvicorn.Server is Server]
still = sorted(m for m in ("uvicorn.main", "click") if m in sys.modules)
from uvicorn import importer  # a submodule not imported yet
try:
    uvicorn.no_such_name
    missing = "found"
except AttributeError as error:
    missing = str(error)
run = uvicorn.run
print(json.dumps({
    "before": before,
    "same": same,
    "still": still,
    "importer": importer.__name__,
    "missing": missing,
    "run": run is sys.modules["uvicorn.main"].run,
    "version": uvicorn.__version__,
    "all": sorted(uvicorn.__all__),
    "public": sorted(
        n for n, v in vars(uvicorn).items()
        if not n.startswith("_") and not isinstance(v, types.ModuleType)
    ),
    "after": "click" in sys.modules,
}))
"""


def _run(script: str) -> dict[str, object]:
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        check=True,
    )
    answer = json.loads(result.stdout.splitlines()[-1])
    assert isinstance(answer, dict)
    return answer


def test_uvicorn_serves_without_its_command_line_and_completes_on_first_use() -> None:
    answer = _run(SCRIPT.format(body=SERVED))
    # Config, Server and the lifespan: no command line.
    assert answer["before"] == []
    assert answer["same"] == [True, True]
    assert answer["still"] == []
    assert answer["importer"] == "uvicorn.importer"
    assert answer["missing"] == "module 'uvicorn' has no attribute 'no_such_name'"
    # `uvicorn.run` ran `__init__`: the package as uvicorn makes it.
    assert answer["run"] is True
    assert answer["version"] == uvicorn.__version__
    assert answer["all"] == sorted(uvicorn.__all__)
    assert answer["after"] is True
    # The names uvicorn's package has, as this process imported it (its submodules aside:
    # which are imported depends on what the process ran).
    public = sorted(
        name
        for name, value in vars(uvicorn).items()
        if not name.startswith("_") and not isinstance(value, types.ModuleType)
    )
    assert public == ["Config", "Server", "main", "run"]
    assert answer["public"] == public


def test_uvicorn_imported_already_is_left_as_it_is() -> None:
    script = (
        "import json, sys, uvicorn\n"
        "from appsync import uvicorn_package\n"
        "uvicorn_package.without_command_line()\n"
        "same = sys.modules['uvicorn'] is uvicorn\n"
        "print(json.dumps({'same': same, 'run': hasattr(uvicorn, 'run')}))"
    )
    assert _run(script) == {"same": True, "run": True}
