"""Rewrite rules that turn one matrix form into other natural forms of the same matrix.

`x y^T ⊙ A <-> diag(x) A diag(y)`, `diag(u) v <-> u ⊙ v`, `x^T A y <-> y^T A^T x` (a scalar is
its own transpose), `A^T x <-> (x^T A)^T`, `A^T B^T <-> (B A)^T`, `sum(v) <-> 1^T v`,
`tr(A B) <-> tr(B A)`, `(A + B) x <-> A x + B x`. Each rule fires at one node at a time; the
caller keeps only candidates that verify numerically, so a rule here never has to be exact.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping

from derive.engine.normalize import Rewriter
from derive.errors import DeriveError
from derive.expr.nodes import (
    Add,
    Call,
    Div,
    Expr,
    MatMul,
    Mul,
    Neg,
    Ones,
    Pow,
    Sub,
    Transpose,
)
from derive.expr.shapes import Shape, infer_shape

Rule = Callable[[Expr, Rewriter], Iterator[Expr]]


def rewrites(expr: Expr, shapes: Mapping[str, Shape]) -> list[Expr]:
    """Every expression one rule application away from `expr` (anywhere in the tree).

    Example:
        >>> from derive.expr.parse import parse
        >>> from derive.expr.unparse import unparse
        >>> [unparse(e) for e in rewrites(parse("x.T @ A @ y"),
        ...  {"x": ("m", 1), "A": ("m", "n"), "y": ("n", 1)})]
        ['y.T @ A.T @ x']
    """
    rewriter = Rewriter(shapes, frozenset())
    found = list(_anywhere(expr, rewriter)) + list(_root(expr, rewriter))
    return [_left_associated(e) for e in found]


def _left_associated(expr: Expr) -> Expr:
    """Products chained to the left, so a chain prints without inner parentheses."""
    parts = tuple(_left_associated(c) for c in _children(expr))
    rebuilt = _rebuild(expr, parts) if parts else expr
    if isinstance(rebuilt, MatMul) and isinstance(rebuilt.right, MatMul):
        inner = rebuilt.right
        return _left_associated(MatMul(MatMul(rebuilt.left, inner.left), inner.right))
    return rebuilt


def _shape(expr: Expr, rewriter: Rewriter) -> Shape | None:
    try:
        return infer_shape(expr, rewriter.shapes)
    except DeriveError:
        return None


def _is_column(expr: Expr, rewriter: Rewriter) -> bool:
    shape = _shape(expr, rewriter)
    return shape is not None and shape[1] == 1 and shape[0] != 1


def _is_matrix(expr: Expr, rewriter: Rewriter) -> bool:
    shape = _shape(expr, rewriter)
    return shape is not None and 1 not in shape


def _outer(expr: Expr, rewriter: Rewriter) -> tuple[Expr, Expr] | None:
    """(u, v) when expr is u @ v.T with column vectors u and v."""
    match expr:
        case MatMul(left=u, right=Transpose(operand=v)) if _is_column(u, rewriter) and (
            _is_column(v, rewriter)
        ):
            return u, v
    return None


def _hadamard_to_diag(expr: Expr, rewriter: Rewriter) -> Iterator[Expr]:
    """(u v^T) ⊙ M = diag(u) M diag(v); u ⊙ v = diag(u) v."""
    if not isinstance(expr, Mul):
        return
    for outer, other in ((expr.left, expr.right), (expr.right, expr.left)):
        pair = _outer(outer, rewriter)
        if pair is not None and _is_matrix(other, rewriter):
            u, v = pair
            yield MatMul(MatMul(Call("diag", (u,)), other), Call("diag", (v,)))
    if _is_column(expr.left, rewriter) and _is_column(expr.right, rewriter):
        yield MatMul(Call("diag", (expr.left,)), expr.right)


def _diag_to_hadamard(expr: Expr, rewriter: Rewriter) -> Iterator[Expr]:
    """diag(u) M diag(v) = (u v^T) ⊙ M; diag(u) v = u ⊙ v."""
    match expr:
        case MatMul(left=MatMul(left=Call(func="diag", args=(u,)), right=m),
                    right=Call(func="diag", args=(v,))):
            yield Mul(MatMul(u, Transpose(v)), m)
        case MatMul(left=Call(func="diag", args=(u,)), right=v) if _is_column(v, rewriter):
            yield Mul(u, v)


def _scalar_transpose(expr: Expr, rewriter: Rewriter) -> Iterator[Expr]:
    """A scalar product equals its transpose: x^T A y = y^T A^T x."""
    if isinstance(expr, MatMul) and rewriter.scalar(expr):
        yield rewriter.matmul(rewriter.transpose(expr.right), rewriter.transpose(expr.left))


def _transposed_product(expr: Expr, rewriter: Rewriter) -> Iterator[Expr]:
    """A^T B^T = (B A)^T."""
    match expr:
        case MatMul(left=Transpose(operand=a), right=Transpose(operand=b)):
            yield Transpose(MatMul(b, a))


def _sum_ones(expr: Expr, rewriter: Rewriter) -> Iterator[Expr]:
    """sum(v) = 1^T v for a column vector v."""
    match expr:
        case Call(func="sum", args=(v,)):
            shape = _shape(v, rewriter)
            if shape is not None and shape[1] == 1:
                yield MatMul(Transpose(Ones(shape[0])), v)


def _trace_cycle(expr: Expr, rewriter: Rewriter) -> Iterator[Expr]:
    """tr(A B) = tr(B A); tr(A^T B) = sum(A ⊙ B)."""
    match expr:
        case Call(func="tr", args=(MatMul(left=a, right=b),)):
            yield Call("tr", (rewriter.matmul(b, a),))
            if isinstance(a, Transpose):
                yield Call("sum", (Mul(a.operand, b),))


def _distribute(expr: Expr, rewriter: Rewriter) -> Iterator[Expr]:
    """(A + B) x = A x + B x, and the mirror image."""
    match expr:
        case MatMul(left=Add(left=a, right=b), right=c):
            yield Add(MatMul(a, c), MatMul(b, c))
        case MatMul(left=c, right=Add(left=a, right=b)):
            yield Add(MatMul(c, a), MatMul(c, b))


_RULES: tuple[Rule, ...] = (
    _hadamard_to_diag, _diag_to_hadamard, _scalar_transpose, _transposed_product, _sum_ones,
    _trace_cycle, _distribute,
)


def _anywhere(expr: Expr, rewriter: Rewriter) -> Iterator[Expr]:
    for rule in _RULES:
        yield from rule(expr, rewriter)
    parts = _children(expr)
    for position, child in enumerate(parts):
        for replacement in _anywhere(child, rewriter):
            changed = parts[:position] + (replacement,) + parts[position + 1 :]
            yield _rebuild(expr, changed)


def _root(expr: Expr, rewriter: Rewriter) -> Iterator[Expr]:
    """A non-scalar answer is the transpose of its transpose: A^T x = (x^T A)^T."""
    if rewriter.scalar(expr) or isinstance(expr, Transpose) or not _transposes(expr):
        return
    normal = rewriter.normalize(expr)
    flipped = rewriter.transpose(normal)
    if flipped != normal and _transposes(flipped) <= _transposes(expr):
        yield Transpose(flipped)


def _transposes(expr: Expr) -> int:
    own = 1 if isinstance(expr, Transpose) else 0
    return own + sum(_transposes(child) for child in _children(expr))


def _children(expr: Expr) -> tuple[Expr, ...]:
    match expr:
        case Add() | Sub() | Mul() | MatMul() | Div():
            return (expr.left, expr.right)
        case Pow():
            return (expr.base,)
        case Neg() | Transpose():
            return (expr.operand,)
        case Call():
            return expr.args
    return ()


def _rebuild(expr: Expr, parts: tuple[Expr, ...]) -> Expr:
    match expr:
        case Add():
            return Add(parts[0], parts[1])
        case Sub():
            return Sub(parts[0], parts[1])
        case Mul():
            return Mul(parts[0], parts[1])
        case MatMul():
            return MatMul(parts[0], parts[1])
        case Div():
            return Div(parts[0], parts[1])
        case Pow():
            return Pow(parts[0], expr.exponent)
        case Neg():
            return Neg(parts[0])
        case Transpose():
            return Transpose(parts[0])
        case Call():
            return Call(expr.func, parts)
    raise TypeError(f"{type(expr).__name__} has no children to rebuild")
