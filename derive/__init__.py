"""derive: worked matrix-calculus derivations from exercise specs, every answer checked numerically.

The public API is re-exported here; import from `derive`, not from submodules. The names are
resolved on first use (PEP 562), so that `import derive` and the command line's start-up do not
pay for the engine, numpy and the renderers until something needs them.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_EXPORTS = {
    "DeriveError": "derive.errors",
    "format_diagnostic": "derive.errors",
    "parse": "derive.expr.parse",
    "Problem": "derive.problem",
    "make_problem": "derive.problem",
    "Solution": "derive.results",
    "solve": "derive.results",
    "Vectorization": "derive.results",
    "vectorize": "derive.results",
}

if TYPE_CHECKING:
    from derive.errors import DeriveError, format_diagnostic
    from derive.expr.parse import parse
    from derive.problem import Problem, make_problem
    from derive.results import Solution, Vectorization, solve, vectorize


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        value = getattr(import_module(_EXPORTS[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'derive' has no attribute '{name}'")


def load_ipython_extension(ipython: Any) -> None:
    """`%load_ext derive`: the `%%derive` cell magic (needs IPython, `derive-matrix[jupyter]`)."""
    from derive.integrations.ipython import load_ipython_extension as load  # only when loaded

    load(ipython)


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])


__all__ = [
    "DeriveError",
    "Problem",
    "Solution",
    "__version__",
    "format_diagnostic",
    "load_ipython_extension",
    "make_problem",
    "parse",
    "solve",
    "Vectorization",
    "vectorize",
]
