"""Front-end IR: the immutable tree of an expression as the user wrote it.

Nodes are frozen dataclasses; every node carries a `span` that equality ignores, so two trees
parsed from differently spaced text compare equal. The engine also builds answers from these nodes,
so every answer can be printed back into the expression language.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from fractions import Fraction

from derive.errors import Span

Dim = int | str
"""A dimension: a positive integer or a name such as 'n'."""

NO_SPAN = Span(0, 0)



@dataclass(frozen=True, slots=True)
class Symbol:
    """A named scalar, vector or matrix; its shape comes from the environment."""

    name: str
    span: Span = field(default=NO_SPAN, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Number:
    """An exact rational constant (decimals are read exactly: 0.1 is 1/10)."""

    value: Fraction
    span: Span = field(default=NO_SPAN, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Neg:
    """Unary minus."""

    operand: Expr
    span: Span = field(default=NO_SPAN, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Add:
    """`left + right`, equal shapes."""

    left: Expr
    right: Expr
    span: Span = field(default=NO_SPAN, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Sub:
    """`left - right`, equal shapes."""

    left: Expr
    right: Expr
    span: Span = field(default=NO_SPAN, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Mul:
    """`left * right`: scaling when one side is a scalar, the Hadamard product otherwise."""

    left: Expr
    right: Expr
    span: Span = field(default=NO_SPAN, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class MatMul:
    """`left @ right`, the matrix product."""

    left: Expr
    right: Expr
    span: Span = field(default=NO_SPAN, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Div:
    """`left / right` with a scalar `right`."""

    left: Expr
    right: Expr
    span: Span = field(default=NO_SPAN, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Pow:
    """`base ** exponent` with a constant exponent; entrywise for arrays."""

    base: Expr
    exponent: Expr
    span: Span = field(default=NO_SPAN, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Transpose:
    """`operand.T`."""

    operand: Expr
    span: Span = field(default=NO_SPAN, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Call:
    """A function applied to one argument: a built-in (`functions.BUILTINS`), or a declared
    generic function when `kind` is set (see `GENERIC_KINDS`); `size` is a vector function's
    output size.
    """

    func: str
    args: tuple[Expr, ...]
    span: Span = field(default=NO_SPAN, compare=False, repr=False)
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


@dataclass(frozen=True, slots=True)
class Identity:
    """`eye(dim)`, the dim x dim identity matrix."""

    dim: Dim
    span: Span = field(default=NO_SPAN, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Ones:
    """`ones(dim)`, the column vector of dim ones."""

    dim: Dim
    span: Span = field(default=NO_SPAN, compare=False, repr=False)


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
