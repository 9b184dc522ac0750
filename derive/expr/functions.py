"""The built-in functions of the expression language: one record per function, read by every pass.

Each record says what the function takes and gives, how numpy computes it, and where it is
defined and well conditioned (the numeric check draws its random points from that). A new
built-in function is one new record here plus the rules that need it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]


class Argument(Enum):
    """What a function accepts."""

    ANY = "any"
    SQUARE = "square"
    VECTOR = "vector"


class Result(Enum):
    """What a function returns, relative to its argument's shape."""

    SAME = "same"  # entrywise, or inv: the argument's shape
    SCALAR = "scalar"
    DIAGONAL = "diagonal"  # diag(v): n×n from a vector of n


class Domain(Enum):
    """Where a function (and its derivative) is defined."""

    EVERYWHERE = "everywhere"
    POSITIVE = "positive"  # every entry of the argument > 0
    INVERTIBLE = "invertible"
    POSITIVE_DETERMINANT = "positive determinant"
    NONZERO = "nonzero"  # the argument is not the zero array (norm's derivative)


@dataclass(frozen=True, slots=True)
class Builtin:
    """One built-in function.

    `limit` bounds |argument| where finite differences still mean something: beyond it exp
    overflows the scale of everything else, sin and cos oscillate faster than any step, and
    tanh and sigmoid saturate so that a zero derivative would pass for a right one.
    """

    name: str
    argument: Argument
    result: Result
    numpy: Callable[[Array], Array]
    domain: Domain = Domain.EVERYWHERE
    limit: float | None = None
    undefined: str = ""
    """How the check explains a point outside the domain, as a clause naming the function."""

    @property
    def elementwise(self) -> bool:
        """Whether the function is applied entry by entry."""
        return self.argument is Argument.ANY and self.result is Result.SAME


def _scalar(value: object) -> Array:
    # No float(): the complex-step check evaluates with complex entries.
    return np.array([[value]])


def _logdet(matrix: Array) -> Array:
    if np.iscomplexobj(matrix):  # the complex step needs the analytic log of det
        return _scalar(np.log(np.linalg.det(matrix)))
    sign, log_abs = np.linalg.slogdet(matrix)
    return _scalar(log_abs if sign > 0 else np.nan)


def _sigmoid(value: Array) -> Array:
    result: Array = 1.0 / (1.0 + np.exp(-value))
    return result


BUILTINS: dict[str, Builtin] = {
    entry.name: entry
    for entry in (
        Builtin("tr", Argument.SQUARE, Result.SCALAR, lambda a: _scalar(np.trace(a))),
        Builtin("det", Argument.SQUARE, Result.SCALAR, lambda a: _scalar(np.linalg.det(a)),
                Domain.INVERTIBLE,
                undefined="the derivative of det, det(M) M^-T, needs an invertible M"),
        Builtin("logdet", Argument.SQUARE, Result.SCALAR, _logdet, Domain.POSITIVE_DETERMINANT,
                undefined="logdet is defined only where the determinant is positive"),
        Builtin("inv", Argument.SQUARE, Result.SAME,
                lambda a: np.asarray(np.linalg.inv(a), dtype=np.float64), Domain.INVERTIBLE,
                undefined="inv is defined only for invertible matrices"),
        Builtin("norm", Argument.ANY, Result.SCALAR,
                lambda a: _scalar(np.sqrt(np.sum(a * a))), Domain.NONZERO,
                undefined="the derivative of norm is undefined where its argument is 0"),
        Builtin("sum", Argument.ANY, Result.SCALAR, lambda a: _scalar(np.sum(a))),
        Builtin("diag", Argument.VECTOR, Result.DIAGONAL, lambda a: np.diag(a.reshape(-1))),
        Builtin("exp", Argument.ANY, Result.SAME, np.exp, limit=10.0),
        Builtin("log", Argument.ANY, Result.SAME, np.log, Domain.POSITIVE,
                undefined="log is defined only for positive arguments"),
        Builtin("sin", Argument.ANY, Result.SAME, np.sin, limit=10.0),
        Builtin("cos", Argument.ANY, Result.SAME, np.cos, limit=10.0),
        Builtin("tanh", Argument.ANY, Result.SAME, np.tanh, limit=8.0),
        Builtin("sigmoid", Argument.ANY, Result.SAME, _sigmoid, limit=8.0),
        Builtin("sqrt", Argument.ANY, Result.SAME, np.sqrt, Domain.POSITIVE,
                undefined="the derivative of sqrt is defined only for positive arguments"),
    )
}
"""Every built-in function by name, in the order the README lists them."""

ELEMENTWISE_FUNCTIONS = tuple(name for name, b in BUILTINS.items() if b.elementwise)
"""Scalar functions applied entry by entry to arrays."""

MATRIX_FUNCTIONS = tuple(name for name, b in BUILTINS.items() if not b.elementwise)
"""Functions of a whole vector or matrix."""

FUNCTIONS = MATRIX_FUNCTIONS + ELEMENTWISE_FUNCTIONS
