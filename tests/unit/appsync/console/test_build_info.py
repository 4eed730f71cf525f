"""The shipped console build matches the sources it claims to be built from.

`scripts/build-console` writes `static/build-info.json` with the digest of `console/` (sources,
lockfile, build config). Recomputing it here catches a change under `console/` committed
without a rebuild, and needs no Node.js. The built page must also name only files that ship,
and nothing it loads may come from another host.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from graphql import OperationDefinitionNode, parse

from appsync.console.build_info import (
    BUILD_INFO,
    CONSOLE_SOURCES,
    STATIC_DIR,
    build_info,
    source_digest,
    source_files,
)


def test_the_shipped_build_was_built_from_these_sources() -> None:
    shipped = json.loads(BUILD_INFO.read_text(encoding="utf-8"))
    assert shipped == build_info(CONSOLE_SOURCES), (
        "appsync/console/static was not built from console/ as it is: run scripts/build-console"
    )


def test_the_digest_covers_sources_lockfile_and_config_but_not_node_modules() -> None:
    names = {path.relative_to(CONSOLE_SOURCES).as_posix() for path in source_files(CONSOLE_SOURCES)}
    for required in ("package.json", "package-lock.json", "vite.config.ts", "tsconfig.json"):
        assert required in names
    assert "src/api/operations.graphql" in names
    assert not any(name.startswith("node_modules/") for name in names)


def test_a_changed_source_changes_the_digest(tmp_path: Path) -> None:
    root = tmp_path
    (root / "src").mkdir()
    (root / "src" / "a.ts").write_text("export const a = 1;\n")
    (root / "package-lock.json").write_text("{}")
    before = source_digest(root)
    (root / "src" / "a.ts").write_text("export const a = 2;\n")
    assert source_digest(root) != before
    (root / "node_modules").mkdir()
    (root / "node_modules" / "x.js").write_text("ignored")
    (root / "src" / "a.ts").write_text("export const a = 1;\n")
    assert source_digest(root) == before


def test_pages_name_only_shipped_files() -> None:
    for page in ("index.html", "harness.html"):
        text = (STATIC_DIR / page).read_text(encoding="utf-8")
        referenced = re.findall(r'(?:src|href)="([^"]+)"', text)
        assert referenced
        for reference in referenced:
            if reference.startswith("data:"):
                continue
            assert reference.startswith("./assets/"), reference
            assert (STATIC_DIR / reference).is_file(), reference


# Hosts named in the bundled libraries' text that the console never requests: XML and JSON
# Schema namespace identifiers, and documentation links in error messages and help text
# (React's error decoder, GraphiQL's and Monaco's keyboard help, Prettier's plugin notes).
_NOT_REQUESTED = {
    "www.w3.org",
    "json-schema.org",
    "github.com",
    "code.visualstudio.com",
    "react.dev",
    "prettier.io",
    "yarnpkg.com",
    "en.wikipedia.org",
    "commonmark.org",
    "microsoft.com",
}


def test_nothing_in_the_build_loads_from_another_host() -> None:
    hosts: set[str] = set()
    for path in STATIC_DIR.rglob("*"):
        if path.suffix not in (".js", ".css", ".html"):
            continue
        text = path.read_text(encoding="utf-8")
        # What a page would fetch: stylesheet url()s, imports and workers by absolute URL.
        assert not re.search(r"url\(\s*['\"]?(?:https?:)?//", text), path.name
        assert not re.search(r"""(?:import|importScripts|Worker)\(\s*['"`]https?://""", text)
        hosts.update(re.findall(r"https?://([A-Za-z0-9.-]+)", text))
    assert hosts <= _NOT_REQUESTED, hosts - _NOT_REQUESTED


# The sources' contract with the console's API: operations.graphql holds the only operations the
# front end sends (test_mount.py checks them against the console's Strawberry schema), and these
# are exactly the operation names api/*.ts send, so a mismatch shows here rather than in a browser.
API_SOURCES = CONSOLE_SOURCES / "src" / "api"


def test_the_front_end_sends_exactly_the_contracts_operations() -> None:
    document = parse((API_SOURCES / "operations.graphql").read_text(encoding="utf-8"))
    declared = {
        definition.name.value
        for definition in document.definitions
        if isinstance(definition, OperationDefinitionNode) and definition.name is not None
    }
    sent = set()
    for path in API_SOURCES.glob("*.ts"):
        text = path.read_text(encoding="utf-8")
        sent.update(re.findall(r"\.(?:request|subscribe)(?:<[^(]*>)?\(\s*\"(\w+)\"", text, re.S))
    assert sent == declared
