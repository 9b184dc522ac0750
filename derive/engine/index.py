"""Single-element expansion: a matrix expression -> one element of it in index form.

`(AB)_ij = Σ_k A_ik B_kj`, `(A^T)_ij = A_ji`, `(x ⊙ y)_i = x_i y_i`, `tr A = Σ_k A_kk`,
`f(x)_i = f(x_i)`. `inv`, `det` and `logdet` of matrices stay opaque entries with their own
derivative rules. Index names come from an `IndexAllocator`, so every index is unique.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from fractions import Fraction
from functools import singledispatch

from derive.engine.templates import power, scalar_template
from derive.errors import UnsupportedError
from derive.expr.functions import BUILTINS, Expansion
from derive.expr.nodes import (
    Add,
    Call,
    Dim,
    Div,
    Expr,
    Identity,
    MatMul,
    Mul,
    Neg,
    Number,
    Ones,
    Pow,
    Sub,
    Symbol,
    Transpose,
)
from derive.expr.shapes import Shape, ShapeMemo, constant_value, infer_shape, is_scalar
from derive.expr.terms import (
    ONE,
    Apply,
    Delta,
    Entry,
    Poly,
    Written,
    add,
    as_factor,
    constant,
    multiply,
    scale,
    single,
    sum_over,
)

INDEX_NAMES = tuple("ijklmpqrstuvwabcdegh")


class IndexAllocator:
    """Hands out fresh index names and remembers each one's range.

    Names that are symbols or dimensions of the problem are never used, so `x_n` cannot mean
    two things.
    """

    def __init__(self, reserved: Iterable[str] = ()) -> None:
        self.reserved = set(reserved)
        self.ranges: dict[str, Dim] = {}
        self._next = 0

    def fresh(self, dim: Dim) -> str:
        """A new index name running over `dim`."""
        while True:
            position = self._next
            self._next += 1
            base = INDEX_NAMES[position % len(INDEX_NAMES)]
            name = base if position < len(INDEX_NAMES) else f"{base}{position // len(INDEX_NAMES)}"
            if name not in self.reserved:
                self.ranges[name] = dim
                return name


class ExpansionContext:
    """What expansion needs: the symbols' shapes and the index allocator."""

    def __init__(self, shapes: Mapping[str, Shape], allocator: IndexAllocator) -> None:
        self.shapes = shapes
        self.allocator = allocator
        self.memo: ShapeMemo = {}

    def shape(self, expr: Expr) -> Shape:
        return infer_shape(expr, self.shapes, memo=self.memo)

    def index(self, dim: Dim) -> str | None:
        """A fresh index for `dim`, or None for a dimension of size 1."""
        return None if dim == 1 else self.allocator.fresh(dim)


def expand_indices(expr: Expr, row: str | None, col: str | None, ctx: ExpansionContext) -> Poly:
    """Write element (row, col) of `expr` in index form; None stands for a size-1 axis.

    Example:
        >>> from derive.expr.parse import parse
        >>> ctx = ExpansionContext({"W": ("m", "n"), "x": ("n", 1)}, IndexAllocator())
        >>> i = ctx.allocator.fresh("m")
        >>> from derive.expr.termtext import poly_to_text
        >>> poly_to_text(expand_indices(parse("W @ x"), i, None, ctx))
        'sum(W[i,j] * x[j], j)'
    """
    return _expand(expr, row, col, ctx)


def _entry(base: Expr, shape: Shape, row: str | None, col: str | None) -> Poly:
    rows, cols = shape
    indices = tuple(i for i, d in ((row, rows), (col, cols)) if d != 1 and i is not None)
    return single(Entry(base, indices))


# Each rule below names its node class: a bare `register` would read the class from the
# annotations, evaluating every annotation while the module is imported (about 2 ms).
@singledispatch
def _expand(expr: Expr, row: str | None, col: str | None, ctx: ExpansionContext) -> Poly:
    raise UnsupportedError(f"no index rule for {type(expr).__name__} yet")


@_expand.register(Symbol)
def _(expr: Symbol, row: str | None, col: str | None, ctx: ExpansionContext) -> Poly:
    return _entry(expr, ctx.shape(expr), row, col)


@_expand.register(Number)
def _(expr: Number, row: str | None, col: str | None, ctx: ExpansionContext) -> Poly:
    return constant(expr.value)


@_expand.register(Identity)
def _(expr: Identity, row: str | None, col: str | None, ctx: ExpansionContext) -> Poly:
    if row is None or col is None:
        return ONE
    return single(Delta(row, col))


@_expand.register(Ones)
def _(expr: Ones, row: str | None, col: str | None, ctx: ExpansionContext) -> Poly:
    return ONE


@_expand.register(Neg)
def _(expr: Neg, row: str | None, col: str | None, ctx: ExpansionContext) -> Poly:
    return scale(_expand(expr.operand, row, col, ctx), -1)


def _operand(expr: Expr, row: str | None, col: str | None, ctx: ExpansionContext) -> Poly:
    """An operand of + or -; a scalar one is broadcast to every entry."""
    if is_scalar(ctx.shape(expr)):
        return _expand(expr, None, None, ctx)
    return _expand(expr, row, col, ctx)


@_expand.register(Add)
def _(expr: Add, row: str | None, col: str | None, ctx: ExpansionContext) -> Poly:
    return add(_operand(expr.left, row, col, ctx), _operand(expr.right, row, col, ctx))


@_expand.register(Sub)
def _(expr: Sub, row: str | None, col: str | None, ctx: ExpansionContext) -> Poly:
    right = scale(_operand(expr.right, row, col, ctx), -1)
    return add(_operand(expr.left, row, col, ctx), right)


@_expand.register(Transpose)
def _(expr: Transpose, row: str | None, col: str | None, ctx: ExpansionContext) -> Poly:
    return _expand(expr.operand, col, row, ctx)


@_expand.register(MatMul)
def _(expr: MatMul, row: str | None, col: str | None, ctx: ExpansionContext) -> Poly:
    inner = ctx.index(ctx.shape(expr.left)[1])
    product = multiply(
        as_factor(_expand(expr.left, row, inner, ctx)),
        as_factor(_expand(expr.right, inner, col, ctx)),
    )
    return sum_over(product, [inner]) if inner is not None else product


@_expand.register(Mul)
def _(expr: Mul, row: str | None, col: str | None, ctx: ExpansionContext) -> Poly:
    left_scalar = is_scalar(ctx.shape(expr.left))
    right_scalar = is_scalar(ctx.shape(expr.right))
    left = _expand(expr.left, None if left_scalar else row, None if left_scalar else col, ctx)
    right = _expand(
        expr.right, None if right_scalar else row, None if right_scalar else col, ctx
    )
    return multiply(as_factor(left), as_factor(right))


@_expand.register(Div)
def _(expr: Div, row: str | None, col: str | None, ctx: ExpansionContext) -> Poly:
    left_scalar = is_scalar(ctx.shape(expr.left))
    right_scalar = is_scalar(ctx.shape(expr.right))
    numerator = _expand(expr.left, None if left_scalar else row, None if left_scalar else col, ctx)
    divisor = constant_value(expr.right)
    if divisor is not None:
        if divisor.value == 0:
            raise UnsupportedError("division by zero", span=expr.span,
                                   hint="divide by a non-zero number or a scalar expression")
        return scale(numerator, 1 / Fraction(divisor.value))
    denominator = _expand(
        expr.right, None if right_scalar else row, None if right_scalar else col, ctx
    )
    return multiply(as_factor(numerator), power(denominator, Fraction(-1)))


@_expand.register(Pow)
def _(expr: Pow, row: str | None, col: str | None, ctx: ExpansionContext) -> Poly:
    exponent = constant_value(expr.exponent)
    if exponent is None:
        raise UnsupportedError("the exponent must be a constant", span=expr.exponent.span)
    return power(_expand(expr.base, row, col, ctx), exponent.value)


def _generic(
    expr: Call, kind: str, arg: Expr, row: str | None, col: str | None, ctx: ExpansionContext
) -> Poly:
    """Declared functions: f entrywise like exp; h(A), g(v) and derivatives stay opaque entries."""
    if kind in ("elementwise", "derivative"):
        source = Written(arg, (row, col))
        return single(Apply(expr.func, _expand(arg, row, col, ctx), source, kind))
    if kind == "scalar":
        return single(Entry(expr, ()))
    return _entry(expr, ctx.shape(expr), row, col)


@_expand.register(Call)
def _(expr: Call, row: str | None, col: str | None, ctx: ExpansionContext) -> Poly:
    (arg,) = expr.args
    if expr.kind is not None:
        return _generic(expr, expr.kind, arg, row, col, ctx)
    builtin = BUILTINS[expr.func]
    shape = ctx.shape(arg)
    match builtin.expansion:
        case Expansion.ELEMENTWISE:
            source = Written(arg, (row, col))
            return single(Apply(expr.func, _expand(arg, row, col, ctx), source))
        case Expansion.TRACE if not is_scalar(shape):
            k = ctx.index(shape[0])
            return sum_over(_expand(arg, k, k, ctx), [k] if k else [])
        case Expansion.SUM:
            k, m = ctx.index(shape[0]), ctx.index(shape[1])
            return sum_over(_expand(arg, k, m, ctx), [i for i in (k, m) if i])
        case Expansion.NORM:
            k, m = ctx.index(shape[0]), ctx.index(shape[1])
            squares = sum_over(power(_expand(arg, k, m, ctx), Fraction(2)),
                               [i for i in (k, m) if i])
            return power(squares, Fraction(1, 2))
        case Expansion.DIAG:
            vector = (_expand(arg, row, None, ctx) if shape[1] == 1
                      else _expand(arg, None, row, ctx))
            if row is None or col is None:
                return vector
            return multiply(single(Delta(row, col)), as_factor(vector))
    if is_scalar(shape) and builtin.on_scalar:
        return scalar_template(builtin.on_scalar, _expand(arg, None, None, ctx), None)
    if builtin.expansion in (Expansion.OPAQUE, Expansion.TRACE):
        return _entry(expr, ctx.shape(expr), row, col)
    raise UnsupportedError(f"no index rule for '{expr.func}' yet", span=expr.span)
