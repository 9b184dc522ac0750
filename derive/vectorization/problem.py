"""The checked input of `derive vectorize`: an index expression as a `Poly`, its free indices,
the symbols' shapes and every index's range.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from derive.engine.terms import IndexSpace, Poly
from derive.expr.shapes import Shape


@dataclass(frozen=True, slots=True)
class IndexProblem:
    """An index expression ready to vectorize.

    `shapes` holds every symbol (undeclared bare names are scalars); `space` the range of every
    index, summed ones under their internal (unique) names; `summed` lists those in order.
    """

    text: str
    poly: Poly
    free: tuple[str, ...]
    shapes: Mapping[str, Shape]
    space: IndexSpace
    summed: tuple[str, ...]
