"""Work budgets: the limits that keep every accepted input solvable in about two seconds.

They are set above what courses need (chains of 32 layers, functions nested 16 deep, products of
32 factors; see `benchmarks/chain.py` and `benchmarks/limits.py`) and below what would take
minutes. An input over a limit is refused at once with "too complex: ..." naming the limit. The
expression parser and the index parser share them.
"""

from __future__ import annotations

MAX_LENGTH = 2000
"""Longest expression, in characters; a handout formula is far shorter."""

MAX_DEPTH = 60
"""Deepest nesting of parentheses and operators in one expression (also bounds products: a
product of k factors nests k levels)."""

MAX_CALL_DEPTH = 24
"""Deepest nesting of function calls, as in tanh(sin(tanh(...))); the derivative of a nest of
depth d has d factors each holding a nest of up to d levels, so its size grows as d²."""

MAX_DIGITS = 30
"""Most significant digits, and the largest exponent, of a number."""

MAX_SIZE = 10_000
"""Largest numeric dimension, as in [100] or eye(100); the check uses small stand-ins."""

MAX_DEFINITIONS = 40
"""Most `let` definitions of a chain."""

MAX_WRITTEN_OUT = 20_000
"""Largest chain expression once every intermediate is written out, in tree nodes (an
intermediate used twice counts twice: a definition that doubles its predecessor at every link
would otherwise grow as 2^L)."""

MAX_WRITTEN_DEPTH = 250
"""Deepest chain expression once every intermediate is written out."""
