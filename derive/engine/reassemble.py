"""Reassembly: an index-form element -> a matrix expression with that element.

Each term is read as a graph whose edges are indices and whose nodes are factors (each factor
becomes a matrix, vector or scalar with at most two indices). Rules, applied until one factor
remains: a summed index shared by exactly two factors is a matrix product (a factor met
"backwards" is transposed); a summed index in one factor is a trace or a sum; factors with the
same indices form a Hadamard product; a vector meeting a matrix at a free index is `diag`;
two vectors with different free indices form an outer product. SymPy's
`convert_indexed_to_array` does not handle deltas and single-axis sums, hence this module.
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction

from msgspec import Struct

from derive.engine.matrixterms import MatrixTerm, build_sum
from derive.engine.points import AS_WRITTEN
from derive.engine.textbook import textbook_form
from derive.errors import UnsupportedError
from derive.expr.nodes import (
    Call,
    Dim,
    Expr,
    Identity,
    MatMul,
    Mul,
    Number,
    Ones,
    Pow,
    Symbol,
    Transpose,
)
from derive.expr.shapes import Shape, ShapeMemo, infer_shape
from derive.expr.terms import (
    Apply,
    Delta,
    Entry,
    Factor,
    Group,
    IndexSpace,
    Poly,
    Power,
    Size,
    Term,
    Written,
    free_indices,
)


class Tensor(Struct, frozen=True):
    """A factor in matrix form: `expr[indices]`; one index means a column vector."""

    expr: Expr
    indices: tuple[str, ...]


class _Context:
    def __init__(self, shapes: Mapping[str, Shape], space: IndexSpace) -> None:
        self.shapes = shapes
        self.space = space
        self.memo: ShapeMemo = {}

    def dim(self, index: str) -> Dim:
        return self.space.dim(index)

    def shape(self, expr: Expr) -> Shape:
        return infer_shape(expr, self.shapes, memo=self.memo)


def reassemble(
    poly: Poly, row: str | None, col: str | None, shapes: Mapping[str, Shape], space: IndexSpace
) -> list[MatrixTerm]:
    """Find matrix terms whose (row, col) entries sum to `poly`; None marks a size-1 axis.

    Raises:
        UnsupportedError: a term has no matrix form that these rules can find.

    Example:
        >>> from derive.expr.terms import entry, multiply, sum_over
        >>> from derive.expr.unparse import unparse
        >>> p = sum_over(multiply(entry("A", "k", "i"), entry("B", "j", "k")), ["k"])
        >>> [unparse(t.matrix) for t in reassemble(p, "i", "j", {"A": ("n", "m"),
        ...  "B": ("p", "n")}, IndexSpace({"i": "m", "j": "p", "k": "n"}))]
        ['A.T @ B.T']
    """
    ctx = _Context(shapes, space)
    return [_term(term, row, col, ctx) for term in poly.terms]


def reassemble_factor(poly: Poly, ctx: _Context) -> Tensor:
    """A sub-polynomial (group, function argument) as one tensor over its free indices."""
    free = free_indices(poly)
    if len(free) > 2:
        raise UnsupportedError("a sub-expression has more than two free indices")
    row = free[0] if free else None
    col = free[1] if len(free) == 2 else None
    return Tensor(_group_expr(_terms_of(poly, row, col, ctx), ctx), free)


def _terms_of(poly: Poly, row: str | None, col: str | None, ctx: _Context) -> list[MatrixTerm]:
    return [_term(term, row, col, ctx) for term in poly.terms]


def to_expr(terms: list[MatrixTerm]) -> Expr:
    """Add matrix terms into one expression (no simplification)."""
    return build_sum(terms)


def _group_expr(terms: list[MatrixTerm], ctx: _Context) -> Expr:
    """A group inside a product, in textbook form."""
    return textbook_form(terms, ctx.shapes, frozenset())


def _tensor(factor: Factor, ctx: _Context) -> Tensor:
    match factor:
        case Entry(base=base, indices=indices):
            rows, cols = ctx.shape(base)
            if len(indices) == 1 and rows == 1 and cols != 1:
                return Tensor(Transpose(base), indices)
            return Tensor(base, indices)
        case Delta(a=a, b=b):
            return Tensor(Identity(ctx.dim(a)), (a, b))
        case Size(dim=dim):
            return Tensor(size_expr(dim), ())
        case Group(poly=poly):
            return reassemble_factor(poly, ctx)
        case Apply(func=func, arg=arg, source=Written(expr=expr, axes=(rows, cols)), kind=kind) if (
            set(free_indices(arg)) == {i for i in (rows, cols) if i is not None}
        ):
            # The user's own sub-expression: f(W @ x + b) rather than a rebuilt argument (not
            # when its entry no longer depends on the axes, as tanh(ones(m)) whose entry is 1).
            applied = Call(func, (expr,), kind=kind)
            if rows is None and cols is not None:
                return Tensor(Transpose(applied), (cols,))
            return Tensor(applied, tuple(i for i in (rows, cols) if i is not None))
        case Apply(func=func, arg=arg, kind=kind):
            inner = reassemble_factor(arg, ctx)
            return Tensor(Call(func, (inner.expr,), kind=kind), inner.indices)
        case Power(base=base, exponent=exponent):
            inner = reassemble_factor(base, ctx)
            return Tensor(Pow(inner.expr, Number(exponent)), inner.indices)
    raise UnsupportedError(f"no matrix form for {type(factor).__name__} yet")


def size_expr(dim: Dim) -> Expr:
    """A dimension's size as an expression: n, 3, or sum(ones(100)) for a numeric dimension
    that the check replaces by a small stand-in (a literal 100 would not follow it)."""
    if isinstance(dim, str):
        return Symbol(dim)
    return Number(Fraction(dim)) if dim <= AS_WRITTEN else Call("sum", (Ones(dim),))


def _term(term: Term, row: str | None, col: str | None, ctx: _Context) -> MatrixTerm:
    tensors = [_tensor(f, ctx) for f in term.factors]
    summed = list(term.summed)
    while _step(tensors, summed, ctx):
        pass
    scalars = tuple(t.expr for t in tensors if not t.indices)
    rest = [t for t in tensors if t.indices]
    if summed or len(rest) > 1:
        raise UnsupportedError("no matrix form found for an index term")
    target = tuple(i for i in (row, col) if i is not None)
    main = rest[0] if rest else None
    if main is not None and not set(main.indices) <= set(target):
        raise UnsupportedError("an index term has indices the result does not have")
    return MatrixTerm(term.coeff, scalars, _place(main, row, col, ctx))


def _place(main: Tensor | None, row: str | None, col: str | None, ctx: _Context) -> Expr | None:
    """Arrange the final tensor as the (row, col) matrix, padding missing axes with ones."""
    if row is None and col is None:
        return None
    expr: Expr | None = None if main is None else main.expr
    indices = () if main is None else main.indices
    if len(indices) == 2:
        assert expr is not None
        return expr if indices == (row, col) else Transpose(expr)
    if row is not None and col is not None:
        if not indices:
            ones_row, ones_col = Ones(ctx.dim(row)), Ones(ctx.dim(col))
            return MatMul(ones_row, Transpose(ones_col))
        assert expr is not None
        if indices == (row,):
            return MatMul(expr, Transpose(Ones(ctx.dim(col))))
        return MatMul(Ones(ctx.dim(row)), Transpose(expr))
    index = row if row is not None else col
    assert index is not None
    column = expr if expr is not None else Ones(ctx.dim(index))
    return column if row is not None else Transpose(column)


def _step(tensors: list[Tensor], summed: list[str], ctx: _Context) -> bool:
    """Apply the first reduction rule that fits; False when none does."""
    for rule in (_diagonal, _contract, _trace_pair, _sum_out, _hadamard, _absorb, _outer):
        if rule(tensors, summed, ctx):
            return True
    return False


def _diagonal(tensors: list[Tensor], summed: list[str], ctx: _Context) -> bool:
    """M[k,k]: a trace when k is summed and nothing else has k; else the diagonal vector."""
    for position, tensor in enumerate(tensors):
        if len(tensor.indices) == 2 and tensor.indices[0] == tensor.indices[1]:
            k = tensor.indices[0]
            alone = sum(k in t.indices for t in tensors) == 1
            if k in summed and alone:
                tensors[position] = Tensor(Call("tr", (tensor.expr,)), ())
                summed.remove(k)
            else:
                diagonal = MatMul(Mul(tensor.expr, Identity(ctx.dim(k))), Ones(ctx.dim(k)))
                tensors[position] = Tensor(diagonal, (k,))
            return True
    return False


def _holders(tensors: list[Tensor], index: str) -> list[int]:
    return [p for p, t in enumerate(tensors) if index in t.indices]


def _oriented(tensor: Tensor, index: str, last: bool) -> tuple[Expr, str | None]:
    """The tensor as a matrix with `index` on its last (or first) axis, plus its other index."""
    if len(tensor.indices) == 1:
        return (Transpose(tensor.expr) if last else tensor.expr), None
    first, second = tensor.indices
    if last:
        return (tensor.expr, first) if second == index else (Transpose(tensor.expr), second)
    return (tensor.expr, second) if first == index else (Transpose(tensor.expr), first)


def _contract(tensors: list[Tensor], summed: list[str], ctx: _Context) -> bool:
    """Σ_k L[u,k] R[k,v] = (L R)[u,v] for two factors that share only k."""
    for k in list(summed):
        holders = _holders(tensors, k)
        if len(holders) != 2:
            continue
        left, right = tensors[holders[0]], tensors[holders[1]]
        if set(left.indices) & set(right.indices) != {k}:
            continue
        left_expr, u = _oriented(left, k, last=True)
        right_expr, v = _oriented(right, k, last=False)
        product: Expr = MatMul(left_expr, right_expr)
        indices = tuple(i for i in (u, v) if i is not None)
        if u is None and v is not None:
            product = Transpose(product)
        _replace(tensors, holders, Tensor(product, indices))
        summed.remove(k)
        return True
    return False


def _trace_pair(tensors: list[Tensor], summed: list[str], ctx: _Context) -> bool:
    """Σ_ij A_ij B_ji = tr(A B) and Σ_ij A_ij B_ij = sum(A ⊙ B), when nothing else has i or j."""
    for first in range(len(tensors)):
        for second in range(first + 1, len(tensors)):
            a, b = tensors[first], tensors[second]
            if len(a.indices) != 2 or len(b.indices) != 2 or set(a.indices) != set(b.indices):
                continue
            if not set(a.indices) <= set(summed) or a.indices[0] == a.indices[1]:
                continue
            if any(i in t.indices for i in a.indices for t in tensors if t not in (a, b)):
                continue
            if a.indices == b.indices:
                merged: Expr = Call("sum", (Mul(a.expr, b.expr),))
            else:
                merged = Call("tr", (MatMul(a.expr, b.expr),))
            for index in a.indices:
                summed.remove(index)
            _replace(tensors, [first, second], Tensor(merged, ()))
            return True
    return False


def _sum_out(tensors: list[Tensor], summed: list[str], ctx: _Context) -> bool:
    """Σ_k v[k] = sum(v); Σ_kl M[k,l] = sum(M); Σ_k M[u,k] = (M 1)[u] for a free u."""
    for k in list(summed):
        holders = _holders(tensors, k)
        if len(holders) != 1:
            continue
        tensor = tensors[holders[0]]
        others = [i for i in tensor.indices if i != k]
        if others and others[0] in summed:
            if len(_holders(tensors, others[0])) > 1:
                continue  # the other index is shared: contract it first
            summed.remove(others[0])
            replacement = Tensor(Call("sum", (tensor.expr,)), ())
        elif not others:
            replacement = Tensor(Call("sum", (tensor.expr,)), ())
        else:
            expr, other = _oriented(tensor, k, last=True)
            assert other is not None
            replacement = Tensor(MatMul(expr, Ones(ctx.dim(k))), (other,))
        tensors[holders[0]] = replacement
        summed.remove(k)
        return True
    return False


def _hadamard(tensors: list[Tensor], summed: list[str], ctx: _Context) -> bool:
    """Factors over the same indices multiply entrywise."""
    for first in range(len(tensors)):
        for second in range(first + 1, len(tensors)):
            a, b = tensors[first], tensors[second]
            if not a.indices or set(a.indices) != set(b.indices):
                continue
            other = b.expr if a.indices == b.indices else Transpose(b.expr)
            _replace(tensors, [first, second], Tensor(Mul(a.expr, other), a.indices))
            return True
    return False


def _absorb(tensors: list[Tensor], summed: list[str], ctx: _Context) -> bool:
    """v[k] next to M[u,k] becomes (M diag(v))[u,k], removing one holder of k."""
    for position, vector in enumerate(tensors):
        if len(vector.indices) != 1:
            continue
        (k,) = vector.indices
        for other_position, matrix in enumerate(tensors):
            if other_position == position or len(matrix.indices) != 2 or k not in matrix.indices:
                continue
            diagonal = Call("diag", (vector.expr,))
            if isinstance(matrix.expr, Identity):
                merged: Expr = diagonal
            elif matrix.indices[1] == k:
                merged = MatMul(matrix.expr, diagonal)
            else:
                merged = MatMul(diagonal, matrix.expr)
            _replace(tensors, [position, other_position], Tensor(merged, matrix.indices))
            return True
    return False


def _outer(tensors: list[Tensor], summed: list[str], ctx: _Context) -> bool:
    """u[a] w[b] with free a != b is (u w^T)[a,b]."""
    vectors = [p for p, t in enumerate(tensors) if len(t.indices) == 1]
    for first in vectors:
        for second in vectors:
            a, b = tensors[first], tensors[second]
            if first == second or a.indices == b.indices:
                continue
            if a.indices[0] in summed or b.indices[0] in summed:
                continue
            outer = Tensor(MatMul(a.expr, Transpose(b.expr)), a.indices + b.indices)
            _replace(tensors, [first, second], outer)
            return True
    return False


def _replace(tensors: list[Tensor], positions: list[int], replacement: Tensor) -> None:
    # The merged factor takes the place of the first one, so products keep their reading order.
    first = min(positions)
    for position in sorted(positions, reverse=True):
        del tensors[position]
    tensors.insert(first, replacement)
