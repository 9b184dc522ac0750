"""Shared fixtures, kept tiny: a click test runner."""

from __future__ import annotations

import pytest
from click.testing import CliRunner


@pytest.fixture
def runner() -> CliRunner:
    """A click runner; stdout and stderr are captured separately."""
    return CliRunner()
