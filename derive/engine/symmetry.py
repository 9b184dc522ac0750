"""Symmetry by construction: which expressions equal their own transpose.

A textbook writes (XᵀX)⁻¹ where an unsimplified answer has ((XᵀX)⁻¹)ᵀ, and collects
X (XᵀX)⁻¹ + X ((XᵀX)⁻¹)ᵀ into 2 X (XᵀX)⁻¹. That needs to know, from the form alone (or from a
`symmetric`/`spd` assumption), that a square expression is symmetric:

- assumed symmetric symbols, I, diag(v), scalars;
- Gram-like products that read the same backwards with every factor transposed: XᵀX, XXᵀ,
  B S Bᵀ with S symmetric;
- A + Aᵀ, and sums, scalar multiples, Hadamard products and entrywise functions or powers of
  symmetric matrices, and their inverses.
"""

from __future__ import annotations

from collections.abc import Callable

from derive.expr.functions import BUILTINS, Expansion
from derive.expr.nodes import (
    Add,
    Call,
    Div,
    Expr,
    Identity,
    MatMul,
    Mul,
    Neg,
    Pow,
    Sub,
    Symbol,
    Transpose,
    matmul_factors,
)
from derive.expr.shapes import Shape


def is_symmetric(
    expr: Expr,
    shape_of: Callable[[Expr], Shape],
    transpose: Callable[[Expr], Expr],
    assumed: frozenset[str],
) -> bool:
    """Whether `expr` equals its transpose by construction or by assumption.

    `shape_of` infers shapes and `transpose` transposes a normalized expression (both from the
    caller's rewriter); `assumed` names the symbols assumed symmetric.
    """
    rows, cols = shape_of(expr)
    if rows != cols:
        return False
    if rows == 1:
        return True

    def check(node: Expr) -> bool:
        return is_symmetric(node, shape_of, transpose, assumed)

    match expr:
        case Symbol(name=name):
            return name in assumed
        case Identity() | Call(func="diag"):
            return True
        case Add(left=left, right=right):
            return (check(left) and check(right)) or transpose(left) == right
        case MatMul():
            return _palindrome(matmul_factors(expr), check, transpose)
    parts = _parts(expr)
    return parts is not None and all(
        shape_of(part) == (1, 1) or check(part) for part in parts
    )


def _parts(expr: Expr) -> tuple[Expr, ...] | None:
    """The parts whose symmetry makes `expr` symmetric; None when that does not follow."""
    match expr:
        case Transpose(operand=inner) | Neg(operand=inner) | Pow(base=inner) | Div(left=inner):
            return (inner,)
        case Call(func="inv", args=(inner,)):
            return (inner,)
        case Call(func=func, args=(inner,), kind=None) if (
            BUILTINS[func].expansion is Expansion.ELEMENTWISE
        ):
            return (inner,)
        case Sub(left=left, right=right) | Mul(left=left, right=right):
            return (left, right)
    return None


def _palindrome(
    chain: list[Expr], check: Callable[[Expr], bool], transpose: Callable[[Expr], Expr]
) -> bool:
    """Whether a product reads the same backwards with every factor transposed."""
    count = len(chain)
    for position in range(count // 2):
        if transpose(chain[position]) != chain[count - 1 - position]:
            return False
    return count % 2 == 0 or check(chain[count // 2])

