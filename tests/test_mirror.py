"""tests/unit mirrors the source tree one to one (STYLE.md, "Tests").

Each source module `pkg/sub/mod.py` has its test module `tests/unit/pkg/sub/test_mod.py`, and each
test module there has its source module, so the two trees cannot drift apart. The rule's cases:

* the packages are the import-linter root packages of pyproject.toml;
* a package's `__main__.py` is tested in `test_main.py` (`test___main__.py` reads badly), so a
  `main.py` beside a `__main__.py` would have no test module of its own and is refused;
* `__init__.py` holds a docstring at most and has no test module;
* the local Lambda runtime's worker scripts (`functions/bootstrap/*.py` and `*.mjs`) run as
  programs in worker processes; they are sources like any module (`node_runtime.mjs` ->
  `tests/unit/functions/bootstrap/test_node_runtime.py`);
* helper modules under tests/unit (fixtures, builders) are not named `test_*.py` and are free.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from tests.conftest import REPO_ROOT

UNIT = REPO_ROOT / "tests" / "unit"
SCRIPT_SUFFIXES = {".py", ".mjs"}


def _packages() -> list[str]:
    config = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())
    packages: list[str] = config["tool"]["importlinter"]["root_packages"]
    return packages


def _sources() -> set[Path]:
    """Every source module, relative to the repository root."""
    found: set[Path] = set()
    for package in _packages():
        for path in (REPO_ROOT / package).rglob("*"):
            relative = path.relative_to(REPO_ROOT)
            if "__pycache__" in relative.parts or path.name == "__init__.py":
                continue
            script = relative.parent.name == "bootstrap" and path.suffix in SCRIPT_SUFFIXES
            if path.suffix == ".py" or script:
                found.add(relative)
    return found


def _test_module(source: Path) -> Path:
    """Where the test module of `source` lives, relative to tests/unit."""
    stem = "main" if source.stem == "__main__" else source.stem
    return source.parent / f"test_{stem}.py"


def test_every_source_module_has_its_test_module() -> None:
    missing = sorted(
        f"{source} -> tests/unit/{_test_module(source)}"
        for source in _sources()
        if not (UNIT / _test_module(source)).is_file()
    )
    assert missing == [], "source modules without a test module:\n" + "\n".join(missing)


def test_every_test_module_has_its_source_module() -> None:
    expected = {_test_module(source) for source in _sources()}
    orphans = sorted(
        str(path.relative_to(REPO_ROOT))
        for path in UNIT.rglob("test_*.py")
        if path.relative_to(UNIT) not in expected
    )
    assert orphans == [], "test modules without a source module:\n" + "\n".join(orphans)


def test_a_package_main_and_a_main_module_do_not_share_a_test_module() -> None:
    clashes = sorted(
        str(source)
        for source in _sources()
        if source.name == "__main__.py" and (REPO_ROOT / source.parent / "main.py").exists()
    )
    assert clashes == [], "both __main__.py and main.py would be tested in test_main.py"


def test_the_rule_sees_the_packages_and_the_worker_scripts() -> None:
    # Guards the rule itself: an empty walk would pass the two tests above.
    sources = _sources()
    assert Path("appsync/__main__.py") in sources
    assert Path("functions/bootstrap/node_runtime.mjs") in sources
    assert Path("stepfunctions/language/model.py") in sources
    assert not any(source.name == "__init__.py" for source in sources)
    assert _test_module(Path("appsync/__main__.py")) == Path("appsync/test_main.py")
