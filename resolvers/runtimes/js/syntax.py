"""JavaScript source parsed once, with positions as AppSync reports them (1-based line, column).

The parser is tree-sitter's JavaScript grammar (the `tree-sitter` and `tree-sitter-javascript`
wheels): a maintained, error-tolerant parser with Linux and macOS wheels and no Node.js, fast
enough to run at every load (a 32 KB bundle parses in a few milliseconds). The subset checker
(`subset.py`) and the module rewriter (`module.py`) both walk the one tree. Precise syntax error
messages come from the engine's own compiler instead (`engine.py`), since an error-tolerant parser
only knows that something is wrong, not what.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

import tree_sitter
import tree_sitter_javascript

Node = tree_sitter.Node


@cache
def _parser() -> tree_sitter.Parser:
    return tree_sitter.Parser(tree_sitter.Language(tree_sitter_javascript.language()))


@dataclass(frozen=True, slots=True)
class JsSource:
    """A file's text, its UTF-8 bytes and syntax tree."""

    file: str
    text: str
    data: bytes
    tree: tree_sitter.Tree

    @property
    def root(self) -> Node:
        return self.tree.root_node

    @property
    def has_syntax_error(self) -> bool:
        return self.tree.root_node.has_error

    def position(self, node: Node) -> tuple[int, int]:
        """1-based line and column (in characters, not bytes) where `node` starts."""
        row, byte_column = node.start_point
        line_start = node.start_byte - byte_column
        column = len(self.data[line_start : node.start_byte].decode("utf-8", errors="replace"))
        return row + 1, column + 1

    def text_of(self, node: Node) -> str:
        return self.data[node.start_byte : node.end_byte].decode("utf-8", errors="replace")


def parse(file: str, text: str) -> JsSource:
    data = text.encode("utf-8")
    return JsSource(file, text, data, _parser().parse(data))


def walk(node: Node, named_only: bool = True) -> Iterator[Node]:
    """Every (named) node under `node`, itself included, in source order."""
    stack = [node]
    while stack:
        current = stack.pop()
        if current.is_named or not named_only:
            yield current
        stack.extend(reversed(current.children))


def has_token(node: Node, token: str) -> bool:
    """Whether one of `node`'s own anonymous children is `token` (a keyword or an operator)."""
    return any(not child.is_named and child.type == token for child in node.children)


def first_syntax_error(source: JsSource) -> Node | None:
    """The first ERROR or MISSING node, for a position when the engine gives none."""
    for node in walk(source.root, named_only=False):
        if node.is_error or node.is_missing:
            return node
    return None
