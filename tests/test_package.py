"""appsync-local as a package: its dependency ranges hold the locked versions the suite runs
with, and the wheel `python -m build` makes (what `pipx install .` installs) carries every
file of the packages, the SDL prelude and the console's assets included, and runs once
installed.

The wheel is built and installed offline: the build backend is the dev environment's
setuptools (`--no-isolation`), and the wheel goes into a fresh venv with `--no-index
--no-deps`, the dev environment's packages lent to it as its dependencies.
"""

from __future__ import annotations

import importlib.metadata
import subprocess
import sys
import sysconfig
import tomllib
import zipfile
from pathlib import Path
from typing import Any

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.conftest import REPO_ROOT

pytestmark = pytest.mark.timeout(180)

PYPROJECT = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
PACKAGES: list[str] = PYPROJECT["tool"]["importlinter"]["root_packages"]
LOCK = REPO_ROOT / "requirements.lock"


def _requirements() -> list[Requirement]:
    project = PYPROJECT["project"]
    return [Requirement(line) for line in (*project["dependencies"], *_dev(project))]


def _dev(project: dict[str, Any]) -> list[str]:
    dev: list[str] = project["optional-dependencies"]["dev"]
    return dev


def _locked() -> dict[str, str]:
    """requirements.lock as {canonical name: version}."""
    pins: dict[str, str] = {}
    for line in LOCK.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            name, _, pinned = line.partition("==")
            assert pinned, f"requirements.lock: {line!r} is not an exact pin"
            pins[canonicalize_name(name)] = pinned
    return pins


def test_the_lock_pins_every_requirement_within_its_range() -> None:
    locked = _locked()
    outside = []
    for requirement in _requirements():
        pinned = locked.get(canonicalize_name(requirement.name))
        if pinned is None or not requirement.specifier.contains(pinned, prereleases=True):
            outside.append(f"{requirement} (locked: {pinned})")
    assert outside == [], (
        "requirements outside requirements.lock (run scripts/lock, then ./scripts/test):\n"
        + "\n".join(outside)
    )


def test_the_environment_runs_the_locked_versions() -> None:
    """What this suite runs with is what the lock says (scripts/bootstrap installs it)."""
    differing = {}
    for name, pinned in _locked().items():
        try:
            installed = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            installed = "missing"
        if installed != pinned:
            differing[name] = (pinned, installed)
    assert differing == {}, "locked vs installed (run scripts/bootstrap dev)"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel of the project's committed files, built from a copy so that the build writes
    nothing into the work tree."""
    folder = tmp_path_factory.mktemp("wheel")
    source = folder / "source"
    for relative in _tracked("pyproject.toml", "README.md", *PACKAGES):
        target = source / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes((REPO_ROOT / relative).read_bytes())
    command = [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir"]
    built = subprocess.run(
        [*command, str(folder), str(source)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert built.returncode == 0, built.stdout + built.stderr
    [path] = folder.glob("appsync_local-*.whl")
    return path


def _tracked(*paths: str) -> list[str]:
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--", *paths],
        cwd=REPO_ROOT,
        capture_output=True,
        check=True,
        timeout=30,
    )
    return [name for name in listed.stdout.decode().split("\0") if name]


def test_the_wheel_carries_every_file_of_the_packages(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    missing = sorted(set(_tracked(*PACKAGES)) - names)
    assert missing == []
    # The ones `serve` cannot run without, named: the SDL prelude, APPSYNC_JS's prelude, the
    # Node.js worker, and the console's page with its built assets.
    assert {
        "schema/prelude/scalars.graphql",
        "schema/prelude/directives.graphql",
        "resolvers/runtimes/js/prelude.js",
        "functions/bootstrap/node_runtime.mjs",
        "appsync/console/static/index.html",
    } <= names
    assert any(name.startswith("appsync/console/static/assets/") for name in names)
    entry_points = next(name for name in names if name.endswith(".dist-info/entry_points.txt"))
    with zipfile.ZipFile(wheel) as archive:
        assert "appsync-local = appsync.entry_point:main" in archive.read(entry_points).decode()


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv with the wheel installed offline; its dependencies are this environment's
    (a path entry, so this environment's own editable appsync-local stays out of it)."""
    venv = tmp_path_factory.mktemp("installed") / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    install = [sys.executable, "-m", "pip", "--python", str(python), "install"]
    subprocess.run(
        [*install, "--no-deps", "--no-index", "--quiet", str(wheel)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    site_packages = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    lent = sysconfig.get_paths()["purelib"]
    (Path(site_packages) / "dev-environment.pth").write_text(lent + "\n", encoding="utf-8")
    return venv


def test_the_installed_wheel_runs_from_its_own_files(installed: Path, tmp_path: Path) -> None:
    # Run outside the work tree, so that nothing resolves to the source checkout.
    version = subprocess.run(
        [str(installed / "bin" / "appsync-local"), "--version"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert version.returncode == 0, version.stderr
    assert version.stdout == f"appsync-local {PYPROJECT['project']['version']}\n"
    where = subprocess.run(
        [
            str(installed / "bin" / "python"),
            "-c",
            "import appsync, importlib.resources as r; print(appsync.__file__); "
            "print(r.files('appsync.console').joinpath('static/index.html').is_file())",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    module, console = where.stdout.split()
    assert Path(module).is_relative_to(installed)
    assert console == "True"


def test_the_installed_wheel_validates_the_example_with_its_prelude(
    installed: Path, tmp_path: Path
) -> None:
    # validate loads the SDL with the AppSync prelude (AWSDateTime, @aws_subscribe ...) from
    # the installed package's data.
    validated = subprocess.run(
        [
            str(installed / "bin" / "appsync-local"),
            "validate",
            "--config",
            str(REPO_ROOT / "examples" / "blog" / "appsync.yaml"),
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert validated.returncode == 0, validated.stderr
    assert "OK (blog:" in validated.stdout
