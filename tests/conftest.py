"""Shared fixtures, kept tiny: a click test runner; and the hypothesis profiles.

The default profile is derandomized, so CI and every local run see the same examples and a
threshold test ("most cases are solved") cannot flake. `pytest --hypothesis-profile=explore`
draws new, more numerous examples when hunting for bugs.
"""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from hypothesis import settings

settings.register_profile("derive", derandomize=True, deadline=None)
settings.register_profile("explore", max_examples=1000, deadline=None)
settings.load_profile("derive")


@pytest.fixture
def runner() -> CliRunner:
    """A click runner; stdout and stderr are captured separately."""
    return CliRunner()
