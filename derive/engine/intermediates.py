"""Intermediates that derive names itself, when one entry cannot be reassembled directly.

A non-linear function of an expression in which the variable appears twice, such as
‖X Xᵀ‖² or tr σ(X Xᵀ), has entries whose derivative carries four free indices at once; the
entry-by-entry route has no matrix form for them. The notes' remedy is the chain rule: name the
inner expression (M = X Xᵀ), differentiate each link on its own, and chain the links. This
module finds those inner expressions and writes the chain, which `derive.engine.chain` solves.
"""

from __future__ import annotations

from msgspec.structs import replace

from derive.expr.functions import BUILTINS, Expansion
from derive.expr.nodes import Call, Div, Expr, Pow, Symbol, children, with_children
from derive.expr.shapes import Shape, infer_shape
from derive.expr.unparse import unparse
from derive.problem import Problem
from derive.problem.chain import Definition

_LINEAR = (Expansion.TRACE, Expansion.SUM, Expansion.DIAG)
_NAMES = {
    "matrix": ("M", "N", "P", "Q", "R", "G", "H"),
    "vector": ("u", "v", "w", "z", "r", "q"),
    "scalar": ("s", "t", "r", "q", "c"),
}


def name_intermediates(problem: Problem, wrt: str) -> tuple[Problem, tuple[Definition, ...]]:
    """The problem rewritten over named intermediates, and their definitions (innermost first).

    Each named expression is the argument of a non-linear function (or the base of a power, or a
    denominator) in which `wrt` appears more than once, or the argument of softmax or logsumexp
    in which it appears at all; equal sub-expressions share one name.
    Returns no definitions when there is nothing to name.

    Example:
        >>> from derive.problem import make_problem
        >>> p = make_problem("norm(X @ X.T) ** 2", {"X": ["n", "m"]})
        >>> rewritten, (m,) = name_intermediates(p, "X")
        >>> rewritten.text, m.name, m.text
        ('norm(M) ** 2', 'M', 'X @ X.T')
    """
    main = problem.expr
    env: dict[str, Shape] = dict(problem.shapes)
    taken = set(env) | set(problem.dims()) | set(problem.functions)
    definitions: list[Definition] = []
    dependent = {wrt}  # the variable and the intermediates that use it
    while (inner := _innermost(main, dependent)) is not None:
        shape = infer_shape(inner, env)
        name = _fresh(shape, taken)
        taken.add(name)
        env[name] = shape
        dependent.add(name)
        definitions.append(Definition(name, unparse(inner), inner, shape, introduced=True))
        main = _replace(main, inner, Symbol(name))
    if not definitions:
        return problem, ()
    return replace(problem, text=unparse(main)), tuple(definitions)


def _innermost(expr: Expr, dependent: set[str]) -> Expr | None:
    """The first (innermost) argument of a non-linear node that uses the variable twice."""
    for child in children(expr):
        found = _innermost(child, dependent)
        if found is not None:
            return found
    for argument in _nonlinear_arguments(expr):
        if isinstance(argument, Symbol):
            continue
        # softmax and logsumexp use every entry of their argument in each entry of the result:
        # one use of the variable inside them is already a use in several places.
        if _uses(argument, dependent) > 1 or (
            _uses(argument, dependent) == 1 and _mixes_entries(expr)
        ):
            return argument
    return None


def _mixes_entries(expr: Expr) -> bool:
    return isinstance(expr, Call) and expr.kind is None and expr.func in _MIXING


_MIXING = frozenset({"softmax", "logsumexp"})


def _nonlinear_arguments(expr: Expr) -> tuple[Expr, ...]:
    match expr:
        case Call(func=func, args=args, kind=kind):
            if kind is None and BUILTINS[func].expansion in _LINEAR:
                return ()
            return args
        case Pow(base=base):
            return (base,)
        case Div(right=right):
            return (right,)
    return ()


def _uses(expr: Expr, dependent: set[str]) -> int:
    """How many symbols in `expr` depend on the variable (it, or an intermediate of it)."""
    if isinstance(expr, Symbol):
        return int(expr.name in dependent)
    return sum(_uses(child, dependent) for child in children(expr))


def _replace(expr: Expr, old: Expr, new: Expr) -> Expr:
    if expr == old:
        return new
    parts = children(expr)
    return with_children(expr, tuple(_replace(p, old, new) for p in parts)) if parts else expr


def _fresh(shape: Shape, taken: set[str]) -> str:
    rows, cols = shape
    kind = "scalar" if shape == (1, 1) else "vector" if 1 in (rows, cols) else "matrix"
    for name in _NAMES[kind]:
        if name not in taken:
            return name
    number = 1
    while f"{_NAMES[kind][0]}{number}" in taken:
        number += 1
    return f"{_NAMES[kind][0]}{number}"
