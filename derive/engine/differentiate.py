"""Differentiate an index-form element with respect to one entry of the variable.

Product rule term by term; `∂X_ab/∂X_pq = δ_ap δ_bq`;
`∂(M^-1)_ab = -Σ_cd (M^-1)_ac ∂M_cd (M^-1)_db`; `∂ det M = det M Σ_cd (M^-1)_dc ∂M_cd`;
`∂ log det M = Σ_cd (M^-1)_dc ∂M_cd`; the chain rule for
elementwise functions and powers. Deltas are left in place: `remove_sums` collapses them.
"""

from __future__ import annotations

from fractions import Fraction

from derive.engine.index import ExpansionContext, expand_indices
from derive.engine.templates import formula, scalar_template
from derive.errors import UnsupportedError
from derive.expr.functions import BUILTINS
from derive.expr.nodes import (
    DERIVED_KINDS,
    Call,
    Expr,
    Symbol,
    derivative_name,
    replace_symbols,
    symbols_in,
)
from derive.expr.terms import (
    ONE,
    ZERO,
    Apply,
    Delta,
    Entry,
    Factor,
    Group,
    Poly,
    Power,
    Size,
    Term,
    add,
    as_factor,
    mentions,
    multiply,
    rename,
    scale,
    single,
    sum_over,
)


class Variable:
    """The entry of the variable we differentiate by: its name and its free indices."""

    def __init__(self, name: str, indices: tuple[str, ...]) -> None:
        self.name = name
        self.indices = indices


def differentiate(poly: Poly, var: Variable, ctx: ExpansionContext) -> Poly:
    """Differentiate `poly` with respect to the variable's entry, keeping the deltas.

    Example:
        >>> from derive.engine.index import IndexAllocator
        >>> from derive.expr.terms import entry, multiply, sum_over
        >>> from derive.expr.termtext import poly_to_text
        >>> ctx = ExpansionContext({"W": ("m", "n"), "x": ("n", 1)}, IndexAllocator(["i", "j"]))
        >>> y_i = sum_over(multiply(entry("W", "i", "j"), entry("x", "j")), ["j"])
        >>> poly_to_text(differentiate(y_i, Variable("x", ("k",)), ctx))
        'sum(W[i,j] * delta(j, k), j)'
    """
    return add(*(_term(term, var, ctx) for term in poly.terms))


def _term(term: Term, var: Variable, ctx: ExpansionContext) -> Poly:
    results = []
    for position, factor in enumerate(term.factors):
        derivative = _factor(factor, var, ctx)
        if derivative.is_zero():
            continue
        others = term.factors[:position] + term.factors[position + 1 :]
        rest = Poly((Term(term.coeff, others, term.summed),))
        results.append(multiply(rest, _freshen(derivative, ctx)))
    return add(*results)


def _freshen(poly: Poly, ctx: ExpansionContext) -> Poly:
    """Rename the summed indices of a derivative so they cannot collide with the term's own."""
    mapping: dict[str, str] = {}
    for term in poly.terms:
        for index in term.summed:
            if index not in mapping:
                mapping[index] = ctx.allocator.fresh(ctx.allocator.ranges[index])
    return rename(poly, mapping) if mapping else poly


def _factor(factor: Factor, var: Variable, ctx: ExpansionContext) -> Poly:  # noqa: C901 - one case per IR node type; the flat match is the readable form
    match factor:
        case Entry(base=Symbol(name=name), indices=indices):
            if name != var.name:
                return ZERO
            deltas = tuple(Delta(a, b) for a, b in zip(indices, var.indices, strict=True))
            return Poly((Term(Fraction(1), deltas),))
        case Entry(base=Call(kind=str(kind), args=(inner,)) as base, indices=indices):
            if var.name not in symbols_in(inner):
                return ZERO
            return _generic(base, kind, inner, indices, var, ctx)
        case Entry(base=Call(func=func, args=(inner,)), indices=indices):
            if var.name not in symbols_in(inner):
                return ZERO
            return _opaque(func, factor, inner, indices, var, ctx)
        case Delta() | Size():
            return ZERO
        case Group(poly=poly):
            return differentiate(poly, var, ctx)
        case Apply(func=func, arg=arg, source=source, kind=kind):
            # Fresh names: the derivative is multiplied with `arg` itself, whose sums remain.
            inner_derivative = _freshen(differentiate(arg, var, ctx), ctx)
            if inner_derivative.is_zero():
                return ZERO
            if kind == "derivative":
                raise UnsupportedError(
                    f"no rule for the derivative of '{func}' (a declared function's derivative)",
                    hint="differentiate expressions of declared functions once",
                )
            if kind is not None:
                prime = Apply(derivative_name(func, kind), arg, source, "derivative")
                return multiply(single(prime), as_factor(inner_derivative))
            outer = as_factor(scalar_template(BUILTINS[func].derivative, arg, source, func))
            return multiply(outer, as_factor(inner_derivative))
        case Power(base=base, exponent=exponent):
            inner_derivative = _freshen(differentiate(base, var, ctx), ctx)
            if inner_derivative.is_zero():
                return ZERO
            lowered = exponent - 1
            outer = ONE if lowered == 0 else (
                as_factor(base) if lowered == 1 else single(Power(base, lowered))
            )
            return scale(multiply(outer, as_factor(inner_derivative)), exponent)
    raise UnsupportedError(f"no derivative rule for {type(factor).__name__} yet")


def _generic(
    base: Call,
    kind: str,
    inner: Expr,
    indices: tuple[str, ...],
    var: Variable,
    ctx: ExpansionContext,
) -> Poly:
    """∂h(A) = Σ_cd (∇h(A))_cd ∂A_cd and ∂g(v)_r = Σ_c (J_g(v))_rc ∂v_c."""
    if kind not in ("scalar", "vector"):
        raise UnsupportedError(
            f"no rule for the derivative of '{base.func}' (a declared function's derivative)",
            hint="differentiate expressions of declared functions once",
        )
    rows, cols = ctx.shape(inner)
    c, d = ctx.index(rows), ctx.index(cols)
    inner_entry = _freshen(differentiate(expand_indices(inner, c, d, ctx), var, ctx), ctx)
    if inner_entry.is_zero():
        return ZERO
    derived = Call(derivative_name(base.func, kind), (inner,), kind=DERIVED_KINDS[kind],
                   size=base.size)
    inner_indices = tuple(i for i in (c, d) if i is not None)
    outer = single(Entry(derived, indices + inner_indices))
    return sum_over(multiply(outer, inner_entry), list(inner_indices))


DIFFERENTIAL = "d_argument_"
"""The symbol standing for the argument's differential dX while a table formula is expanded."""


def _opaque(
    func: str,
    factor: Entry,
    inner: Expr,
    indices: tuple[str, ...],
    var: Variable,
    ctx: ExpansionContext,
) -> Poly:
    """d f(X) from the function table's differential formula, dX replaced by the entries of the
    argument's derivative: d inv(X) = -X⁻¹ dX X⁻¹, d det(X) = det(X) tr(X⁻¹ dX) (Jacobi)."""
    builtin = BUILTINS[func]
    if not builtin.differential:
        raise UnsupportedError(f"no derivative rule for '{func}' yet")
    formula_of_argument = replace_symbols(formula(builtin.differential),
                                          {"X": inner, "dX": Symbol(DIFFERENTIAL)})
    local = ExpansionContext({**ctx.shapes, DIFFERENTIAL: ctx.shape(inner)}, ctx.allocator)
    row, col = _axes(ctx.shape(factor.base), indices)
    differential = expand_indices(formula_of_argument, row, col, local)
    return _insert_derivative(differential, inner, var, ctx)


def _axes(shape: tuple[object, object], indices: tuple[str, ...]) -> tuple[str | None, ...]:
    """The (row, col) indices of an entry written with `indices` (size-1 axes have none)."""
    named = iter(indices)
    return tuple(next(named) if size != 1 else None for size in shape)


def _insert_derivative(poly: Poly, inner: Expr, var: Variable, ctx: ExpansionContext) -> Poly:
    """Replace each entry of the differential dX by the argument's derivative at that entry.

    The formulas are linear in dX, so every term has one such entry; the derivative is
    distributed, not grouped (a group would carry the entry's and the variable's indices).
    """
    results: list[Poly] = []
    for term in poly.terms:
        for position, factor in enumerate(term.factors):
            if isinstance(factor, Entry) and factor.base == Symbol(DIFFERENTIAL):
                row, col = _axes(ctx.shape(inner), factor.indices)
                entry = _freshen(differentiate(expand_indices(inner, row, col, ctx), var, ctx),
                                 ctx)
                before, after = term.factors[:position], term.factors[position + 1:]
                results.append(Poly(tuple(
                    Term(term.coeff * d.coeff, before + d.factors + after, term.summed + d.summed)
                    for d in entry.terms
                )))  # in place of dX, as the notes write M⁻¹ ∂M M⁻¹
                break
            if isinstance(factor, Group) and mentions(factor.poly, DIFFERENTIAL):
                others = term.factors[:position] + term.factors[position + 1:]
                inside = _insert_derivative(factor.poly, inner, var, ctx)
                results.append(multiply(Poly((Term(term.coeff, others, term.summed),)), inside))
                break
    return add(*results)
