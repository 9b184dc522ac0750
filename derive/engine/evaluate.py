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
from derive.engine.terms import Apply, Delta, Entry, Factor, Group, Poly, Power, Size
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

Array = NDArray[np.float64]

_ELEMENTWISE: dict[str, Callable[[Array], Array]] = {
    "exp": np.exp,
    "log": np.log,
    "sin": np.sin,
    "cos": np.cos,
    "tanh": np.tanh,
    "sqrt": np.sqrt,
    "sigmoid": lambda a: 1.0 / (1.0 + np.exp(-a)),
}


def evaluate(expr: Expr, values: Mapping[str, Array], sizes: Mapping[str, int]) -> Array:
    """Evaluate a matrix expression; every symbol's value is a 2-D array.

    Example:
        >>> from derive.expr.parse import parse
        >>> evaluate(parse("x.T @ x"), {"x": np.array([[1.0], [2.0]])}, {}).item()
        5.0
    """
    match expr:
        case Symbol(name=name) if name in values:
            return values[name]
        case Symbol(name=name):
            # A scalar named like a dimension is that dimension's size (Σ_k δ_kk = n).
            return np.array([[float(sizes[name])]])
        case Number(value=value):
            return np.array([[float(value)]], dtype=np.float64)
        case Identity(dim=dim):
            return np.eye(_size(dim, sizes))
        case Ones(dim=dim):
            return np.ones((_size(dim, sizes), 1))
        case Neg(operand=operand):
            return -evaluate(operand, values, sizes)
        case Add(left=left, right=right):
            return evaluate(left, values, sizes) + evaluate(right, values, sizes)
        case Sub(left=left, right=right):
            return evaluate(left, values, sizes) - evaluate(right, values, sizes)
        case MatMul(left=left, right=right):
            return evaluate(left, values, sizes) @ evaluate(right, values, sizes)
        case Mul(left=left, right=right):
            return evaluate(left, values, sizes) * evaluate(right, values, sizes)
        case Div(left=left, right=right):
            return evaluate(left, values, sizes) / evaluate(right, values, sizes)
        case Pow(base=base, exponent=exponent):
            return np.power(evaluate(base, values, sizes), evaluate(exponent, values, sizes))
        case Transpose(operand=operand):
            return evaluate(operand, values, sizes).T
        case Call(kind=str(kind), func=func, size=size, args=(arg,)):
            count = None if size is None else _size(size, sizes)
            return generic_value(func, kind, count, evaluate(arg, values, sizes))
        case Call(func=func, args=(arg,)):
            return _call(func, evaluate(arg, values, sizes))
    raise TypeError(f"cannot evaluate {type(expr).__name__}")


def _size(dim: Dim, sizes: Mapping[str, int]) -> int:
    return dim if isinstance(dim, int) else sizes[dim]


def _call(func: str, value: Array) -> Array:
    if func in _ELEMENTWISE:
        return _ELEMENTWISE[func](value)
    if func == "tr":
        return np.array([[np.trace(value)]])
    if func == "det":
        return np.array([[np.linalg.det(value)]])
    if func == "logdet":
        return np.array([[np.log(np.linalg.det(value))]])
    if func == "inv":
        return np.asarray(np.linalg.inv(value), dtype=np.float64)
    if func == "norm":
        return np.array([[np.sqrt(np.sum(value * value))]])
    if func == "sum":
        return np.array([[np.sum(value)]])
    if func == "diag":
        return np.diag(value.reshape(-1))
    raise TypeError(f"cannot evaluate function {func}")


def evaluate_poly(
    poly: Poly,
    order: tuple[str, ...],
    ranges: Mapping[str, Dim],
    values: Mapping[str, Array],
    sizes: Mapping[str, int],
) -> Array:
    """Evaluate an index-form polynomial as an array whose axes are the indices in `order`."""
    shape = tuple(_size(ranges[i], sizes) for i in order)
    total = np.zeros(shape)
    for term in poly.terms:
        operands: list[Array] = []
        factor_indices: list[tuple[str, ...]] = []
        for factor in term.factors:
            array, indices = _factor(factor, ranges, values, sizes)
            operands.append(array)
            factor_indices.append(indices)
        # einsum wants one letter per index: number this term's indices locally.
        names = list(dict.fromkeys(order + tuple(i for ix in factor_indices for i in ix)))
        letter = {name: string.ascii_letters[p] for p, name in enumerate(names)}
        inputs = ",".join("".join(letter[i] for i in ix) for ix in factor_indices)
        used = {i for ix in factor_indices for i in ix}
        present = [i for i in order if i in used]
        spec = inputs + "->" + "".join(letter[i] for i in present)
        # optimize: contract pairwise in a good order; a deep chain has many summed indices.
        contracted = np.einsum(spec, *operands, optimize=len(operands) > 2) if operands else (
            np.array(1.0)
        )
        # Axes of `order` the term does not mention are constant along that axis.
        expanded = contracted.reshape(
            tuple(shape[p] if i in used else 1 for p, i in enumerate(order))
        )
        total = total + float(term.coeff) * np.broadcast_to(expanded, shape)
    return total


def _factor(
    factor: Factor,
    ranges: Mapping[str, Dim],
    values: Mapping[str, Array],
    sizes: Mapping[str, int],
) -> tuple[Array, tuple[str, ...]]:
    match factor:
        case Entry(base=base, indices=indices):
            value = evaluate(base, values, sizes)
            if len(indices) == 2:
                return value, indices
            return (value.reshape(-1) if indices else value.reshape(())), indices
        case Delta(a=a, b=b):
            if a == b:
                return np.ones(_size(ranges[a], sizes)), (a,)
            return np.eye(_size(ranges[a], sizes)), (a, b)
        case Size(dim=dim):
            return np.array(float(_size(dim, sizes))), ()
        case Group(poly=poly):
            free = _free(poly)
            return evaluate_poly(poly, free, ranges, values, sizes), free
        case Apply(func=func, arg=arg, kind=kind):
            free = _free(arg)
            inner = evaluate_poly(arg, free, ranges, values, sizes)
            if kind is not None:
                return generic_value(func, kind, None, inner), free
            return _ELEMENTWISE[func](inner), free
        case Power(base=base, exponent=exponent):
            free = _free(base)
            inner = evaluate_poly(base, free, ranges, values, sizes)
            return np.power(inner, float(exponent)), free
    raise TypeError(type(factor).__name__)


def _free(poly: Poly) -> tuple[str, ...]:
    from derive.engine.terms import free_indices

    return free_indices(poly)
