"""Fixtures shared by every test suite."""

from pathlib import Path

import pytest

# pytester runs test files through pytest itself (the pytest plugin's own tests).
pytest_plugins = ["pytester"]

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED_DIR = REPO_ROOT.parent / "shared"


@pytest.fixture
def anyio_backend() -> str:
    """The project is asyncio only."""
    return "asyncio"
