"""The console build's provenance: one SHA-256 over the front end's sources.

`scripts/build-console` builds `console/` (sources, `package-lock.json`, `vite.config.ts`) into
`appsync/console/static/` and then runs this module, which writes `static/build-info.json` with
`source_digest` of the sources it built from. A test recomputes the digest from the sources in
the tree, so a source change committed without a rebuild fails without Node.js being needed.

The digest covers every file under `console/` except `node_modules/` and dot-files, in sorted
POSIX path order: for each, `<path>\\0<sha256 of its bytes>\\n`, hashed together.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path
from typing import TypedDict

REPO_ROOT = Path(__file__).resolve().parents[2]
CONSOLE_SOURCES = REPO_ROOT / "console"
STATIC_DIR = Path(__file__).resolve().parent / "static"
BUILD_INFO = STATIC_DIR / "build-info.json"

_SKIPPED_DIRECTORIES = frozenset({"node_modules"})


class BuildInfo(TypedDict):
    sourceSha256: str
    files: int
    lockfileSha256: str


def source_files(root: Path) -> list[Path]:
    """The files the build reads, sorted by their POSIX path under `root`."""
    found = []
    for path in root.rglob("*"):
        relative = path.relative_to(root)
        if any(part in _SKIPPED_DIRECTORIES or part.startswith(".") for part in relative.parts):
            continue
        if path.is_file():
            found.append(path)
    return sorted(found, key=lambda path: path.relative_to(root).as_posix())


def source_digest(root: Path) -> str:
    digest = hashlib.sha256()
    for path in source_files(root):
        content = hashlib.sha256(path.read_bytes()).hexdigest()
        digest.update(f"{path.relative_to(root).as_posix()}\0{content}\n".encode())
    return digest.hexdigest()


def build_info(root: Path) -> BuildInfo:
    return {
        "sourceSha256": source_digest(root),
        "files": len(source_files(root)),
        "lockfileSha256": hashlib.sha256((root / "package-lock.json").read_bytes()).hexdigest(),
    }


def main() -> None:
    """Write `static/build-info.json` for the sources in `console/` (run by build-console)."""
    if not STATIC_DIR.is_dir():
        sys.exit(f"{STATIC_DIR} does not exist: build the console first")
    info = build_info(CONSOLE_SOURCES)
    BUILD_INFO.write_text(json.dumps(info, indent=2, sort_keys=True) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
