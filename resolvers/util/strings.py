"""`$util.str`: "String helpers in $util.str" (AppSync developer guide)."""

from __future__ import annotations

import unicodedata
from typing import Any

from resolvers.errors import ResolverError
from resolvers.util.core import MAPPING_TEMPLATE, Helper

_FORMS = {"nfc": "NFC", "nfd": "NFD", "nfkc": "NFKC", "nfkd": "NFKD"}


class StrHelpers(Helper):
    """The `str` member of `$util`."""

    __slots__ = ()

    def toUpper(self, value: str) -> str:
        return value.upper()

    def toLower(self, value: str) -> str:
        return value.lower()

    def toReplace(self, value: str, target: str, replacement: str) -> str:
        """Every occurrence of `target` replaced, literally (Java's `String.replace`)."""
        return value.replace(target, replacement)

    def normalize(self, value: str, form: Any) -> str:
        """Unicode normalization: "nfc", "nfd", "nfkc" or "nfkd"."""
        chosen = _FORMS.get(str(form).lower())
        if chosen is None:
            raise ResolverError(
                f"Unsupported normalization form {form!r}: use nfc, nfd, nfkc or nfkd",
                MAPPING_TEMPLATE,
            )
        return unicodedata.normalize(chosen, value)  # type: ignore[arg-type]
