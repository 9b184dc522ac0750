"""derive: worked matrix-calculus derivations from exercise specs, every answer checked numerically.

The public API is re-exported here; import from `derive`, not from submodules.
"""

from __future__ import annotations

__version__ = "0.1.0"

from derive.errors import DeriveError, format_diagnostic  # noqa: E402
from derive.expr.parse import parse  # noqa: E402
from derive.problem import Problem, make_problem  # noqa: E402
from derive.solution import Solution, solve  # noqa: E402
from derive.vectorize import Vectorization, vectorize  # noqa: E402

__all__ = [
    "DeriveError",
    "Problem",
    "Solution",
    "__version__",
    "format_diagnostic",
    "make_problem",
    "parse",
    "solve",
    "Vectorization",
    "vectorize",
]
