"""Evaluate expressions and index-form polynomials with numpy on concrete values.

Direct tree walks over our own IR: faster than `lambdify` (which generates and compiles code on
every call) and usable on both the matrix form and the element form, so each is checked on its own.
Every value is a 2-D array; scalars are 1x1.
"""

from __future__ import annotations

import string
from collections.abc import Callable, Mapping

import numpy as np
from numpy.typing import NDArray

from derive.engine.generic import generic_value
from derive.expr.functions import BUILTINS
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
from derive.expr.terms import (
    Apply,
    Delta,
    Entry,
    Factor,
    Group,
    Poly,
    Power,
    Size,
    free_indices,
)

Array = NDArray[np.float64]

Sizes = Mapping[Dim, int]
"""The size of every dimension name at a point, and of large numeric dimensions checked at a
smaller size (10000 -> 4); small numeric dimensions stand for themselves."""

Observer = Callable[[Expr, tuple[Array, ...]], None]
"""Called with each function application, power and division and its operands' values."""


def evaluate(
    expr: Expr,
    values: Mapping[str, Array],
    sizes: Sizes,
    observe: Observer | None = None,
) -> Array:
    """Evaluate a matrix expression; every symbol's value is a 2-D array.

    A sub-expression shared by reference (a chain's substituted intermediates) is computed once.
    `observe` sees every Call, Pow and Div node with its operands' values before it is applied.

    Example:
        >>> from derive.expr.parse import parse
        >>> evaluate(parse("x.T @ x"), {"x": np.array([[1.0], [2.0]])}, {}).item()
        5.0
    """
    return _Evaluator(values, sizes, observe).value(expr)


class _Evaluator:
    def __init__(
        self, values: Mapping[str, Array], sizes: Sizes, observe: Observer | None
    ) -> None:
        self.values = values
        self.sizes = sizes
        self.observe = observe
        self.memo: dict[int, tuple[Expr, Array]] = {}

    def value(self, expr: Expr) -> Array:
        key = id(expr)
        if key in self.memo:
            return self.memo[key][1]
        result = self.compute(expr)
        self.memo[key] = (expr, result)  # keeps expr alive, so its id is not reused
        return result

    def compute(self, expr: Expr) -> Array:  # noqa: C901 - one case per IR node type; the flat match is the readable form
        match expr:
            case Symbol(name=name) if name in self.values:
                return self.values[name]
            case Symbol(name=name):
                # A scalar named like a dimension is that dimension's size (Σ_k δ_kk = n).
                return np.array([[float(self.sizes[name])]])
            case Number(value=value):
                return np.array([[float(value)]], dtype=np.float64)
            case Identity(dim=dim):
                return np.eye(size_of(dim, self.sizes))
            case Ones(dim=dim):
                return np.ones((size_of(dim, self.sizes), 1))
            case Neg(operand=operand):
                return -self.value(operand)
            case Transpose(operand=operand):
                return self.value(operand).T
            case Add(left=left, right=right):
                return self.value(left) + self.value(right)
            case Sub(left=left, right=right):
                return self.value(left) - self.value(right)
            case MatMul(left=left, right=right):
                return self.value(left) @ self.value(right)
            case Mul(left=left, right=right):
                return self.value(left) * self.value(right)
            case Div(left=left, right=right):
                numerator, divisor = self.value(left), self.value(right)
                self.seen(expr, numerator, divisor)
                return numerator / divisor
            case Pow(base=base, exponent=exponent):
                base_value, power = self.value(base), self.value(exponent)
                self.seen(expr, base_value, power)
                return np.power(base_value, power)
            case Call(kind=str(kind), func=func, size=size, args=(arg,)):
                count = None if size is None else size_of(size, self.sizes)
                return generic_value(func, kind, count, self.value(arg))
            case Call(func=func, args=(arg,)):
                argument = self.value(arg)
                self.seen(expr, argument)
                return BUILTINS[func].numpy(argument)
        raise TypeError(f"cannot evaluate {type(expr).__name__}")

    def seen(self, expr: Expr, *operands: Array) -> None:
        if self.observe is not None:
            self.observe(expr, operands)


def size_of(dim: Dim, sizes: Sizes) -> int:
    """The concrete size of a dimension at a point."""
    return sizes.get(dim, dim) if isinstance(dim, int) else sizes[dim]


def evaluate_poly(
    poly: Poly,
    order: tuple[str, ...],
    ranges: Mapping[str, Dim],
    values: Mapping[str, Array],
    sizes: Sizes,
) -> Array:
    """Evaluate an index-form polynomial as an array whose axes are the indices in `order`."""
    return _PolyEvaluator(ranges, _Evaluator(values, sizes, None)).poly(poly, order)


class _PolyEvaluator:
    """Evaluates index forms; matrix sub-expressions share one memoising evaluator."""

    def __init__(self, ranges: Mapping[str, Dim], matrices: _Evaluator) -> None:
        self.ranges = ranges
        self.matrices = matrices

    def size(self, index: str) -> int:
        return size_of(self.ranges[index], self.matrices.sizes)

    def poly(self, poly: Poly, order: tuple[str, ...]) -> Array:
        shape = tuple(self.size(i) for i in order)
        total = np.zeros(shape)
        for term in poly.terms:
            operands = [self.factor(factor) for factor in term.factors]
            used = {i for _, indices in operands for i in indices}
            present = tuple(i for i in order if i in used)
            contracted = contract(operands, present)
            # Axes of `order` the term does not mention are constant along that axis.
            expanded = contracted.reshape(
                tuple(shape[p] if i in used else 1 for p, i in enumerate(order))
            )
            total = total + float(term.coeff) * np.broadcast_to(expanded, shape)
        return total

    def factor(self, factor: Factor) -> tuple[Array, tuple[str, ...]]:
        match factor:
            case Entry(base=base, indices=indices):
                value = self.matrices.value(base)
                if len(indices) == 2:
                    return value, indices
                return (value.reshape(-1) if indices else value.reshape(())), indices
            case Delta(a=a, b=b):
                if a == b:
                    return np.ones(self.size(a)), (a,)
                return np.eye(self.size(a)), (a, b)
            case Size(dim=dim):
                return np.array(float(size_of(dim, self.matrices.sizes))), ()
            case Group(poly=poly):
                free = free_indices(poly)
                return self.poly(poly, free), free
            case Apply(func=func, arg=arg, kind=kind):
                free = free_indices(arg)
                inner = self.poly(arg, free)
                if kind is not None:
                    return generic_value(func, kind, None, inner), free
                return BUILTINS[func].numpy(inner), free
            case Power(base=base, exponent=exponent):
                free = free_indices(base)
                return np.power(self.poly(base, free), float(exponent)), free
        raise TypeError(type(factor).__name__)


def contract(operands: list[tuple[Array, tuple[str, ...]]], output: tuple[str, ...]) -> Array:
    """The sum over every index not in `output` of the product of labelled arrays.

    Contracts two operands at a time along shared indices, so a term of a deep chain (many
    factors, many summed indices) needs neither more than einsum's 32 operands nor more than its
    52 index letters.

    Example:
        >>> a, b = np.arange(6.0).reshape(2, 3), np.arange(3.0)
        >>> contract([(a, ("i", "k")), (b, ("k",))], ("i",))
        array([ 5., 14.])
    """
    pending = list(operands)
    if not pending:
        return np.array(1.0)
    while len(pending) > 1:
        first, second = _next_pair(pending)
        (a, la), (b, lb) = pending[first], pending[second]
        others = [labels for k, (_, labels) in enumerate(pending) if k not in (first, second)]
        needed = set(output).union(*others)
        kept = tuple(dict.fromkeys(i for i in la + lb if i in needed))
        merged = _einsum([(a, la), (b, lb)], kept)
        pending = [op for k, op in enumerate(pending) if k not in (first, second)]
        pending.append((merged, kept))
    return _einsum(pending, output)


def _next_pair(pending: list[tuple[Array, tuple[str, ...]]]) -> tuple[int, int]:
    """The first operand and the first other one sharing an index with it (else the second):
    a chain of factors is contracted from one end, keeping every intermediate small."""
    first = set(pending[0][1])
    partner = next((k for k in range(1, len(pending)) if first & set(pending[k][1])), 1)
    return 0, partner


def _einsum(operands: list[tuple[Array, tuple[str, ...]]], output: tuple[str, ...]) -> Array:
    names = list(dict.fromkeys(i for _, labels in operands for i in labels))
    letter = {name: string.ascii_letters[p] for p, name in enumerate(names)}
    spec = ",".join("".join(letter[i] for i in labels) for _, labels in operands)
    spec += "->" + "".join(letter[i] for i in output)
    result: Array = np.einsum(spec, *(array for array, _ in operands))
    return result
