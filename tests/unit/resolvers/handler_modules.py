"""A Lambda handler module written by a test and imported under a name no other test uses."""

from __future__ import annotations

import importlib
import textwrap
import uuid
from pathlib import Path
from types import ModuleType

import pytest


def import_handlers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, source: str) -> ModuleType:
    """Write `source` as a fresh module on sys.path and import it."""
    name = f"handlers_{uuid.uuid4().hex}"
    (tmp_path / f"{name}.py").write_text(textwrap.dedent(source), encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    return importlib.import_module(name)
