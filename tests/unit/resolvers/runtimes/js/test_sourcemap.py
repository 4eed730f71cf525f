"""Inline source maps (Source Map revision 3, base64 VLQ `mappings`), as esbuild writes them
with `--sourcemap=inline` for AWS's bundling guide (resolver-reference-overview-js)."""

from __future__ import annotations

import base64
import json
from pathlib import Path

from resolvers.runtimes.js.sourcemap import (
    OriginalPosition,
    decode_mappings,
    inline_source_map,
)

BUNDLE = Path(__file__).parent / "bundles" / "getPost.js"


def inline(document: object) -> str:
    data = base64.b64encode(json.dumps(document).encode()).decode()
    return f"code();\n//# sourceMappingURL=data:application/json;base64,{data}\n"


def test_segments_decode_as_deltas_across_lines() -> None:
    # Line 1: column 0 -> source 0 line 0 column 0; column 4 -> line 0 column 2.
    # Line 2 (after ";"): column 2 -> source 1, line 3 (0+3), column 2 (2+0).
    decoded = decode_mappings(("a.ts", "b.ts"), "AAAA,IAAE;ECGF")
    assert decoded.original(1, 1) == OriginalPosition("a.ts", 1, 1)
    assert decoded.original(1, 6) == OriginalPosition("a.ts", 1, 3)
    assert decoded.original(2, 3) == OriginalPosition("b.ts", 4, 1)
    assert decoded.original(3, 1) is None


def test_the_esbuild_bundle_maps_back_to_its_typescript_files() -> None:
    source_map = inline_source_map(BUNDLE.read_text(encoding="utf-8"))
    assert source_map is not None
    assert source_map.sources == ("../src/resolvers/getPost.ts", "../src/lib/keys.ts")
    # Bundle line 6 `function keyOf(id) {` is keys.ts line 1 after its `export `; line 11
    # `function request(ctx)` is getPost.ts line 7.
    assert source_map.original(6, 1) == OriginalPosition("../src/lib/keys.ts", 1, 8)
    assert source_map.original(11, 1) == OriginalPosition("../src/resolvers/getPost.ts", 7, 8)


def test_no_map_or_a_broken_one_is_none() -> None:
    assert inline_source_map("export const a = 1;\n") is None
    assert inline_source_map("x\n//# sourceMappingURL=data:application/json;base64,e30=\n") is None
    assert inline_source_map(inline({"version": 3, "sources": ["a"], "mappings": ";;"})) is not None


def test_the_last_inline_map_is_the_files() -> None:
    first = inline({"version": 3, "sources": ["old.ts"], "mappings": "AAAA"})
    last = inline({"version": 3, "sources": ["new.ts"], "mappings": "AAAA"})
    source_map = inline_source_map(first + last)
    assert source_map is not None
    assert source_map.sources == ("new.ts",)
