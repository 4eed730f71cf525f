"""JavaScript parsed with tree-sitter: positions in characters, syntax errors found."""

from __future__ import annotations

from resolvers.runtimes.js.syntax import first_syntax_error, has_token, parse, walk


def test_positions_count_characters_not_bytes() -> None:
    source = parse("code.js", "const s = 'héllo'; const t = 1;\n")
    declarations = [n for n in walk(source.root) if n.type == "lexical_declaration"]
    assert [source.position(n) for n in declarations] == [(1, 1), (1, 20)]
    assert source.text_of(declarations[0]) == "const s = 'héllo';"


def test_a_syntax_error_is_found_with_where_it_starts() -> None:
    good = parse("code.js", "export function request(ctx) { return 1; }\n")
    assert not good.has_syntax_error
    assert first_syntax_error(good) is None
    bad = parse("code.js", "export function request(ctx) {\n  return { a: ; };\n}\n")
    assert bad.has_syntax_error
    node = first_syntax_error(bad)
    assert node is not None
    assert bad.position(node)[0] == 2


def test_walk_is_in_source_order_and_tokens_are_seen() -> None:
    source = parse("code.js", "x++; y--;\n")
    updates = [n for n in walk(source.root) if n.type == "update_expression"]
    assert [source.text_of(n) for n in updates] == ["x++", "y--"]
    assert has_token(updates[0], "++")
    assert not has_token(updates[0], "--")
