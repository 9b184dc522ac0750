"""Vectorization: an entry formula in index notation -> its matrix form, worked and checked.

`solve.vectorize_problem` finds and checks the matrix form of a parsed `IndexProblem`
(`derive.problem.index`), `explain.explain` adds the worked steps; `derive.vectorize` in the
public API (`derive.results`) wraps both.
"""

from __future__ import annotations

DEFAULT_SEED = 7
"""The seed of a vectorization's numeric check."""
