"""Fixtures for the resolver tests: VTL templates loaded from text, and DynamoDB reached by
both of the data source's paths (see datasources/dynamodb_paths.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.unit.resolvers.datasources.dynamodb_paths import loopback, operations
from tests.unit.resolvers.runtimes.vtl_templates import LoadTemplates, template_loader

# The DynamoDB fixtures, for every test under tests/unit/resolvers.
__all__ = ["loopback", "operations"]


@pytest.fixture
def templates(tmp_path: Path) -> LoadTemplates:
    """`templates(request, response)`: write both templates and load them with the fixed clock."""
    return template_loader(tmp_path)
