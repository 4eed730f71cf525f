"""The map in docs/architecture.md and the README's layout section match the tree on disk.

Issue 11: "The README's layout section and docs/architecture.md match the tree (a test lists the
packages and compares)". The map's package tree must list exactly the packages there are; every
module the map names must exist; the README names exactly the top-level packages and links the
map.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
ARCHITECTURE = REPO / "docs" / "architecture.md"
README = REPO / "README.md"

_TREE_LINE = re.compile(r"^(?P<indent> *)(?P<name>[A-Za-z_][\w]*)/ ")
_NAMED_FILE = re.compile(r"`([\w/.]+\.(?:py|mjs|js))`")


def root_packages() -> list[str]:
    config = tomllib.loads((REPO / "pyproject.toml").read_text())
    packages: list[str] = config["tool"]["importlinter"]["root_packages"]
    return packages


def packages_on_disk() -> set[str]:
    found = set()
    for root in root_packages():
        found.add(root)
        for init in (REPO / root).rglob("__init__.py"):
            found.add(init.parent.relative_to(REPO).as_posix())
    return found


def section(text: str, heading: str) -> str:
    start = text.index(heading + "\n")
    rest = text[start + len(heading) + 1 :]
    end = re.search(rf"^#{{1,{heading.count('#')}}} ", rest, flags=re.M)
    return rest if end is None else rest[: end.start()]


def packages_in_map(text: str) -> set[str]:
    block = section(text, "## Packages").split("```")[1]
    listed: set[str] = set()
    stack: list[str] = []
    for line in block.splitlines():
        found = _TREE_LINE.match(line)
        if found is None:
            continue
        depth = len(found["indent"]) // 2
        stack[depth:] = [found["name"]]
        listed.add("/".join(stack))
    return listed


def test_the_maps_package_tree_is_the_tree_on_disk() -> None:
    assert packages_in_map(ARCHITECTURE.read_text()) == packages_on_disk()


def test_every_module_the_map_names_exists() -> None:
    text = ARCHITECTURE.read_text()
    missing = []
    for part in re.split(r"^### ", text, flags=re.M)[1:]:
        heading, _, body = part.partition("\n")
        body = body.split("\n## ")[0]
        package = heading.strip().rstrip("/")
        for name in _NAMED_FILE.findall(body):
            if "/" in name:
                if not (REPO / name).exists() and not any((REPO / package).rglob(name)):
                    missing.append(f"{package}: {name}")
            elif not any((REPO / package).rglob(name)):
                missing.append(f"{package}: {name}")
    for name in _NAMED_FILE.findall(section(text, "## Flows") + section(text, "## Import rules")):
        if "/" in name and not (REPO / name).exists():
            missing.append(name)
    assert missing == []


def test_the_readme_layout_names_the_top_level_packages_and_links_the_map() -> None:
    layout = section(README.read_text(), "## Layout")
    named = set(re.findall(r"^- `(\w+)/`", layout, flags=re.M))
    assert named == set(root_packages())
    assert "(docs/architecture.md)" in layout


def test_a_package_missing_from_the_map_is_noticed() -> None:
    # The comparison above would pass vacuously if the tree parser read nothing.
    listed = packages_in_map(ARCHITECTURE.read_text())
    assert {"stepfunctions/language", "resolvers/runtimes/js", "appsync/realtime"} <= listed
    assert packages_in_map("## Packages\n\n```\nappsync/  x\n  realtime/  y\n```\n") == {
        "appsync",
        "appsync/realtime",
    }
