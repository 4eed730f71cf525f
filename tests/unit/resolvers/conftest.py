"""Fixtures for the resolver tests: VTL templates loaded from text."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.unit.resolvers.runtimes.vtl_templates import LoadTemplates, template_loader


@pytest.fixture
def templates(tmp_path: Path) -> LoadTemplates:
    """`templates(request, response)`: write both templates and load them with the fixed clock."""
    return template_loader(tmp_path)
