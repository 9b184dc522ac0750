"""Front-end IR: the immutable tree of an expression as the user wrote it.

Nodes are immutable records (`derive.records.AnnotatedRecord`); every node carries a `span` that
equality ignores, so two trees parsed from differently spaced text compare equal. The engine also
builds answers from these nodes, so every answer can be printed back into the expression language.
"""

from __future__ import annotations

from fractions import Fraction

from msgspec.structs import replace

from derive.errors import Span
from derive.records import AnnotatedRecord

Dim = int | str
"""A dimension: a positive integer or a name such as 'n'."""

NO_SPAN = Span(0, 0)



class Symbol(AnnotatedRecord, frozen=True):
    """A named scalar, vector or matrix; its shape comes from the environment."""

    not_compared = ("span",)

    name: str
    span: Span = NO_SPAN


class Number(AnnotatedRecord, frozen=True):
    """An exact rational constant (decimals are read exactly: 0.1 is 1/10)."""

    not_compared = ("span",)

    value: Fraction
    span: Span = NO_SPAN


class Neg(AnnotatedRecord, frozen=True):
    """Unary minus."""

    not_compared = ("span",)

    operand: Expr
    span: Span = NO_SPAN


class Add(AnnotatedRecord, frozen=True):
    """`left + right`, equal shapes."""

    not_compared = ("span",)

    left: Expr
    right: Expr
    span: Span = NO_SPAN


class Sub(AnnotatedRecord, frozen=True):
    """`left - right`, equal shapes."""

    not_compared = ("span",)

    left: Expr
    right: Expr
    span: Span = NO_SPAN


class Mul(AnnotatedRecord, frozen=True):
    """`left * right`: scaling when one side is a scalar, the Hadamard product otherwise."""

    not_compared = ("span",)

    left: Expr
    right: Expr
    span: Span = NO_SPAN


class MatMul(AnnotatedRecord, frozen=True):
    """`left @ right`, the matrix product."""

    not_compared = ("span",)

    left: Expr
    right: Expr
    span: Span = NO_SPAN


class Div(AnnotatedRecord, frozen=True):
    """`left / right` with a scalar `right`."""

    not_compared = ("span",)

    left: Expr
    right: Expr
    span: Span = NO_SPAN


class Pow(AnnotatedRecord, frozen=True):
    """`base ** exponent` with a constant exponent; entrywise for arrays."""

    not_compared = ("span",)

    base: Expr
    exponent: Expr
    span: Span = NO_SPAN


class Transpose(AnnotatedRecord, frozen=True):
    """`operand.T`."""

    not_compared = ("span",)

    operand: Expr
    span: Span = NO_SPAN


class Call(AnnotatedRecord, frozen=True):
    """A function applied to one argument: a built-in (`functions.BUILTINS`), or a declared
    generic function when `kind` is set (see `GENERIC_KINDS`); `size` is a vector function's
    output size.
    """

    not_compared = ("span",)

    func: str
    args: tuple[Expr, ...]
    span: Span = NO_SPAN
    kind: str | None = None
    size: Dim | None = None


GENERIC_KINDS = ("elementwise", "scalar", "vector")
"""Kinds of declared, unspecified functions: f applied entrywise, h: array -> scalar, g: vector
-> vector. Each brings its derivative: f_prime (entrywise), grad_h (h's gradient, the shape of its
argument) and jac_g (g's Jacobian, output size × input size)."""

DERIVED_KINDS = {"elementwise": "derivative", "scalar": "gradient", "vector": "jacobian"}


def derivative_name(name: str, kind: str) -> str:
    """The name of a generic function's derivative in the expression language."""
    return {"elementwise": f"{name}_prime", "scalar": f"grad_{name}", "vector": f"jac_{name}"}[
        kind
    ]


class Identity(AnnotatedRecord, frozen=True):
    """`eye(dim)`, the dim x dim identity matrix."""

    not_compared = ("span",)

    dim: Dim
    span: Span = NO_SPAN


class Ones(AnnotatedRecord, frozen=True):
    """`ones(dim)`, the column vector of dim ones."""

    not_compared = ("span",)

    dim: Dim
    span: Span = NO_SPAN


Expr = (
    Symbol | Number | Neg | Add | Sub | Mul | MatMul | Div | Pow | Transpose | Call
    | Identity | Ones
)

BINARY = (Add, Sub, Mul, MatMul, Div)


def children(expr: Expr) -> tuple[Expr, ...]:
    """Return the direct sub-expressions of `expr`, left to right."""
    match expr:
        case Add() | Sub() | Mul() | MatMul() | Div():
            return (expr.left, expr.right)
        case Pow():
            return (expr.base, expr.exponent)
        case Neg() | Transpose():
            return (expr.operand,)
        case Call():
            return expr.args
        case _:
            return ()


def with_children(expr: Expr, parts: tuple[Expr, ...]) -> Expr:
    """`expr` with its sub-expressions replaced by `parts` (same order as `children`)."""
    match expr:
        case Neg() | Transpose():
            return replace(expr, operand=parts[0])
        case Pow():
            return replace(expr, base=parts[0], exponent=parts[1])
        case Call():
            return replace(expr, args=parts)
        case Add() | Sub() | Mul() | MatMul() | Div():
            return replace(expr, left=parts[0], right=parts[1])
    return expr


def matmul_factors(expr: Expr) -> list[Expr]:
    """The factors of a matrix product, left to right, however it is parenthesized."""
    factors: list[Expr] = []
    stack = [expr]
    while stack:
        node = stack.pop()
        if isinstance(node, MatMul):
            stack.extend((node.right, node.left))
        else:
            factors.append(node)
    return factors


def matmul_of(factors: list[Expr]) -> Expr:
    """The matrix product of `factors`, left-associated (the inverse of `matmul_factors`)."""
    result = factors[0]
    for factor in factors[1:]:
        result = MatMul(result, factor)
    return result


def ones_of_shape(rows: Dim, cols: Dim) -> Expr | None:
    """The all-ones array of a shape (1ₙ, 1ₙᵀ or 1ₘ 1ₙᵀ); None for a scalar."""
    if rows == 1 and cols == 1:
        return None
    if cols == 1:
        return Ones(rows)
    if rows == 1:
        return Transpose(Ones(cols))
    return MatMul(Ones(rows), Transpose(Ones(cols)))


def extent(expr: Expr) -> Span:
    """The span of the whole sub-expression (binary nodes' own spans mark only the operator)."""
    match expr:
        case Add() | Sub() | Mul() | MatMul() | Div() | Pow():
            first, last = extent(children(expr)[0]), extent(children(expr)[1])
            return Span(first.col, last.end_col)
        case Neg():
            inner = extent(expr.operand)
            return Span(min(expr.span.col, inner.col), max(expr.span.end_col, inner.end_col))
        case _:
            return expr.span


def replace_symbols(expr: Expr, mapping: dict[str, Expr]) -> Expr:
    """`expr` with each symbol named in `mapping` replaced, once (replacements are not searched
    again, so a replacement may itself contain a symbol of the same name)."""
    if isinstance(expr, Symbol):
        return mapping.get(expr.name, expr)
    parts = children(expr)
    return with_children(expr, tuple(replace_symbols(p, mapping) for p in parts)) if parts else expr


def node_count(expr: Expr) -> int:
    """How many nodes the tree of `expr` has (a shared sub-tree counts at each use)."""
    count, stack = 0, [expr]
    while stack:
        count += 1
        stack.extend(children(stack.pop()))
    return count


def symbols_in(expr: Expr) -> frozenset[str]:
    """Return the names of all symbols in `expr`."""
    if isinstance(expr, Symbol):
        return frozenset((expr.name,))
    names: frozenset[str] = frozenset()
    for child in children(expr):
        names |= symbols_in(child)
    return names


def number(value: int | Fraction) -> Number:
    """Build a Number from an int or Fraction."""
    return Number(Fraction(value))
