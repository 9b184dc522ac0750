"""The built-in functions of the expression language: one record per function, read by every pass.

Each record says what the function takes and gives, how numpy computes it, how one entry is
written in index form and differentiated, how LaTeX shows it, and where it is defined and well
conditioned (the numeric check draws its random points from that). Every pass reads this table,
so a new function is one record here and its tests.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum

import numpy as np
from msgspec import Struct
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


class Expansion(Enum):
    """How one entry of the function's value is written in index form (`engine.index`)."""

    ELEMENTWISE = "elementwise"  # f(x)_i = f(x_i)
    OPAQUE = "opaque"  # an entry of the value itself, f(X)_ij, differentiated by `differential`
    TRACE = "trace"  # tr(X) = Σ_k X_kk
    SUM = "sum"  # sum(X) = Σ_kl X_kl
    NORM = "norm"  # norm(X) = (Σ_kl X_kl²)^½
    DIAG = "diag"  # diag(v)_ij = δ_ij v_i


class Style(Enum):
    """How LaTeX shows a call."""

    CALL = "call"  # \\exp\\left(x\\right)
    ROOT = "root"  # \\sqrt{x}
    NORM = "norm"  # \\lVert x \\rVert
    INVERSE = "inverse"  # X^{-1}


class Builtin(Struct, frozen=True):
    """One built-in function: what it takes and gives, how it is computed, differentiated and
    written, and where finite differences can check it.

    `derivative` (elementwise functions) is f'(t) in the expression language, over the argument
    `t` and the function's own value `f`. `differential` (opaque functions) is d f(X) in matrix
    form, over the argument `X` and its differential `dX`, as in Magnus and Neudecker's tables.
    `limit` bounds |argument| where finite differences still mean something: beyond it exp
    overflows the scale of everything else, sin and cos oscillate faster than any step, and
    tanh and sigmoid saturate so that a zero derivative would pass for a right one.
    """

    name: str
    argument: Argument
    result: Result
    numpy: Callable[[Array], Array]
    expansion: Expansion
    latex: str
    style: Style = Style.CALL
    derivative: str = ""
    differential: str = ""
    rule: str = ""
    """The name of the differentiation rule, for the worked steps ("Jacobi's formula")."""
    on_scalar: str = ""
    """The function of a 1×1 argument `t` as an ordinary scalar function (inv(t) = t ** -1)."""
    definition: str = ""
    """An elementwise function in terms of exp and log, over `t`, where SymPy has no name for
    it (sigmoid: 1 / (1 + exp(-t)))."""
    domain: Domain = Domain.EVERYWHERE
    limit: float | None = None
    undefined: str = ""
    """How the check explains a point outside the domain, as a clause naming the function."""

    @property
    def elementwise(self) -> bool:
        """Whether the function is applied entry by entry."""
        return self.expansion is Expansion.ELEMENTWISE


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


def _softplus(value: Array) -> Array:
    result: Array = np.log1p(np.exp(value))
    return result


def _logsumexp(value: Array) -> Array:
    shift = np.max(value.real)  # .real: the complex step passes complex values
    return _scalar(shift + np.log(np.sum(np.exp(value - shift))))


def _softmax(value: Array) -> Array:
    exps = np.exp(value - np.max(value.real))
    result: Array = exps / np.sum(exps)
    return result


_ELEMENT, _OPAQUE = Expansion.ELEMENTWISE, Expansion.OPAQUE

BUILTINS: dict[str, Builtin] = {
    entry.name: entry
    for entry in (
        Builtin("tr", Argument.SQUARE, Result.SCALAR, lambda a: _scalar(np.trace(a)),
                Expansion.TRACE, r"\operatorname{tr}", on_scalar="t"),
        Builtin("det", Argument.SQUARE, Result.SCALAR, lambda a: _scalar(np.linalg.det(a)),
                _OPAQUE, r"\det", differential="det(X) * tr(inv(X) @ dX)",
                rule="Jacobi's formula", on_scalar="t", domain=Domain.INVERTIBLE,
                undefined="the derivative of det, det(M) M^-T, needs an invertible M"),
        Builtin("logdet", Argument.SQUARE, Result.SCALAR, _logdet, _OPAQUE, r"\log\det",
                differential="tr(inv(X) @ dX)", rule="Jacobi's formula", on_scalar="log(t)",
                domain=Domain.POSITIVE_DETERMINANT,
                undefined="logdet is defined only where the determinant is positive"),
        Builtin("inv", Argument.SQUARE, Result.SAME,
                lambda a: np.asarray(np.linalg.inv(a), dtype=np.float64), _OPAQUE, "",
                Style.INVERSE, differential="-(inv(X) @ dX @ inv(X))", on_scalar="t ** -1",
                domain=Domain.INVERTIBLE, undefined="inv is defined only for invertible matrices"),
        Builtin("norm", Argument.ANY, Result.SCALAR,
                lambda a: _scalar(np.sqrt(np.sum(a * a))), Expansion.NORM, "", Style.NORM,
                domain=Domain.NONZERO,
                undefined="the derivative of norm is undefined where its argument is 0"),
        Builtin("sum", Argument.ANY, Result.SCALAR, lambda a: _scalar(np.sum(a)),
                Expansion.SUM, r"\operatorname{sum}"),
        Builtin("diag", Argument.VECTOR, Result.DIAGONAL, lambda a: np.diag(a.reshape(-1)),
                Expansion.DIAG, r"\operatorname{diag}"),
        Builtin("logsumexp", Argument.VECTOR, Result.SCALAR, _logsumexp, _OPAQUE,
                r"\operatorname{logsumexp}", differential="softmax(X).T @ dX", limit=10.0),
        Builtin("softmax", Argument.VECTOR, Result.SAME, _softmax, _OPAQUE,
                r"\operatorname{softmax}",
                differential="softmax(X) * dX - softmax(X) @ (softmax(X).T @ dX)", limit=10.0),
        Builtin("exp", Argument.ANY, Result.SAME, np.exp, _ELEMENT, r"\exp", derivative="f",
                limit=10.0),
        Builtin("log", Argument.ANY, Result.SAME, np.log, _ELEMENT, r"\log",
                derivative="t ** -1", domain=Domain.POSITIVE,
                undefined="log is defined only for positive arguments"),
        Builtin("sin", Argument.ANY, Result.SAME, np.sin, _ELEMENT, r"\sin",
                derivative="cos(t)", limit=10.0),
        Builtin("cos", Argument.ANY, Result.SAME, np.cos, _ELEMENT, r"\cos",
                derivative="-sin(t)", limit=10.0),
        Builtin("tanh", Argument.ANY, Result.SAME, np.tanh, _ELEMENT, r"\tanh",
                derivative="1 - f ** 2", limit=8.0),
        Builtin("sigmoid", Argument.ANY, Result.SAME, _sigmoid, _ELEMENT, r"\sigma",
                derivative="f * (1 - f)", definition="1 / (1 + exp(-t))", limit=8.0),
        Builtin("softplus", Argument.ANY, Result.SAME, _softplus, _ELEMENT,
                r"\operatorname{softplus}", derivative="sigmoid(t)",
                definition="log(1 + exp(t))", limit=10.0),
        Builtin("sqrt", Argument.ANY, Result.SAME, np.sqrt, _ELEMENT, "", Style.ROOT,
                derivative="1 / 2 * f ** -1", domain=Domain.POSITIVE,
                undefined="the derivative of sqrt is defined only for positive arguments"),
    )
}
"""Every built-in function by name, in the order the README lists them."""

ELEMENTWISE_FUNCTIONS = tuple(name for name, b in BUILTINS.items() if b.elementwise)
"""Scalar functions applied entry by entry to arrays."""

MATRIX_FUNCTIONS = tuple(name for name, b in BUILTINS.items() if not b.elementwise)
"""Functions of a whole vector or matrix."""

FUNCTIONS = MATRIX_FUNCTIONS + ELEMENTWISE_FUNCTIONS
