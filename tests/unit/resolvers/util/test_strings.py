"""`$util.str`, checked against "String helpers in $util.str" (AppSync developer guide)."""

from __future__ import annotations

import pytest

from resolvers.errors import ResolverError
from resolvers.util.namespace import Util


def test_str_helpers(util: Util) -> None:
    assert util.str.toUpper("hello") == "HELLO"
    assert util.str.toLower("HeLLo") == "hello"
    assert util.str.toReplace("hello world", "hello", "mellow") == "mellow world"
    assert util.str.normalize("e\u0301", "nfc") == "\u00e9"
    assert util.str.normalize("\u00e9", "nfd") == "e\u0301"
    assert util.str.normalize("\ufb01", "nfkc") == "fi"


def test_str_normalize_rejects_unknown_forms(util: Util) -> None:
    with pytest.raises(ResolverError):
        util.str.normalize("x", "nfx")
