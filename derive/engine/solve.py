"""The derivative pipeline: expand -> differentiate -> remove sums -> reassemble -> verify.

`derive_derivative(problem, wrt, layout, ...)` runs the passes in order over one explicit state
and hands the intermediate forms to `explain` for the worked steps. An answer that fails its
numeric check raises `VerificationError`; it is never returned as a solution.
"""

from __future__ import annotations

from fractions import Fraction

from msgspec import Struct

from derive.engine.differentiate import Variable, differentiate
from derive.engine.index import ExpansionContext, IndexAllocator, expand_indices
from derive.engine.matrixterms import MatrixTerm
from derive.engine.reassemble import reassemble
from derive.engine.steps import Derivation, Layout, Step, Verification, format_tolerance
from derive.engine.sums import remove_sums
from derive.engine.textbook import textbook_form
from derive.engine.verify import Axes, Claims, Compact, check
from derive.errors import UnsupportedError, VerificationError
from derive.expr.nodes import Dim, Expr, Mul, Number, Symbol, ones_of_shape
from derive.expr.terms import (
    Delta,
    IndexSpace,
    Poly,
    Term,
    free_indices,
    indices_in_order,
    rename_everywhere,
    rename_term,
)
from derive.problem import Problem, check_variable

DEFAULT_SEED = 20261125


class Work(Struct, frozen=True):
    """Every intermediate form of one derivation, for the step builder."""

    problem: Problem
    wrt: str
    layout: Layout
    output: Symbol
    out_indices: tuple[str | None, str | None]
    var_indices: tuple[str | None, str | None]
    space: IndexSpace
    expanded: Poly
    differentiated: Poly
    element: Poly
    arrangement: tuple[str | None, str | None] | None
    raw_terms: tuple[MatrixTerm, ...]
    result: Expr | None
    compact: Compact | None
    verification: Verification


def output_name(problem: Problem, requested: str | None) -> str:
    """The name used for the output in the text: f (scalar), y (vector), Y (matrix)."""
    if requested:
        return requested
    rows, cols = problem.shape
    candidates = ("f", "g", "h", "L") if (rows, cols) == (1, 1) else (
        ("y", "z", "u") if rows == 1 or cols == 1 else ("Y", "Z", "F")
    )
    if problem.functions and (rows, cols) == (1, 1):
        candidates = ("L", "J", "f")  # a loss; f, g, h are likely the declared functions
    for name in candidates:
        if name not in problem.shapes and name not in problem.functions:
            return name
    return "out"


def arrangement_for(
    layout: Layout,
    out: tuple[str | None, str | None],
    var: tuple[str | None, str | None],
) -> tuple[str | None, str | None] | None:
    """(row index, column index) of the derivative matrix, or None when it has >2 axes."""
    out_named = [i for i in out if i is not None]
    var_named = [i for i in var if i is not None]
    if len(out_named) + len(var_named) > 2:
        return None
    if not out_named:
        if layout is Layout.NUMERATOR:
            return (var[1], var[0])
        return var
    if not var_named:
        return (out[1], out[0]) if layout is Layout.DENOMINATOR else out
    jacobian = (out_named[0], var_named[0])
    return (jacobian[1], jacobian[0]) if layout is Layout.DENOMINATOR else jacobian


def derive_derivative(
    problem: Problem,
    wrt: str,
    layout: Layout = Layout.DENOMINATOR,
    *,
    name: str | None = None,
    seed: int = DEFAULT_SEED,
) -> Work:
    """Differentiate `problem.expr` with respect to the symbol `wrt` and check the answer.

    Raises:
        SpecError: `wrt` is not a symbol of the expression.
        UnsupportedError: no rule or no matrix form for part of the expression.
        VerificationError: the derived answer disagrees with finite differences.
    """
    check_variable(problem, wrt, "a symbol of the expression", "symbols",
                   "the expression has no symbols: it is a constant")
    out_symbol = Symbol(output_name(problem, name))
    reserved = set(problem.shapes) | set(problem.dims()) | {out_symbol.name}
    first = ExpansionContext(problem.shapes, IndexAllocator(reserved))
    rows, cols = problem.shape
    draft_out = (first.index(rows), first.index(cols))
    draft = expand_indices(problem.expr, draft_out[0], draft_out[1], first)
    # Name indices in reading order (y_i = Σ_j W_ij x_j), then give the variable the next ones.
    allocator = IndexAllocator(reserved)
    order = [i for i in draft_out if i is not None]
    order += [i for i in indices_in_order(draft) if i not in order]
    mapping = {old: allocator.fresh(first.allocator.ranges[old]) for old in order}
    expanded = rename_everywhere(draft, mapping)
    out_indices = (mapping.get(draft_out[0]) if draft_out[0] else None,
                   mapping.get(draft_out[1]) if draft_out[1] else None)
    ctx = ExpansionContext(problem.shapes, allocator)
    var_rows, var_cols = problem.shapes[wrt]
    var_indices = (ctx.index(var_rows), ctx.index(var_cols))
    variable = Variable(wrt, tuple(i for i in var_indices if i is not None))
    differentiated = differentiate(expanded, variable, ctx)
    space = IndexSpace(dict(allocator.ranges))
    element = remove_sums(differentiated, space)
    indices = tuple(i for i in out_indices + var_indices if i is not None)
    arrangement = arrangement_for(layout, out_indices, var_indices)
    symmetric = frozenset(n for n, props in problem.assumptions.items() if "symmetric" in props)

    raw_terms: tuple[MatrixTerm, ...] = ()
    result: Expr | None = None
    compact: Compact | None = None
    if arrangement is not None:
        raw_terms = tuple(reassemble(element, *arrangement, problem.shapes, space))
        result = shaped(textbook_form(list(raw_terms), problem.shapes, symmetric),
                        *(space.dim(i) if i else 1 for i in arrangement))
    else:
        compact = _compact(element, out_indices, var_indices, problem, space, symmetric)
    claims = Claims(
        element, indices, space.ranges, _axes(out_indices, var_indices), result,
        arrangement or (None, None), compact,
    )
    verification = check(problem, wrt, claims, seed)
    raise_unverified(verification, f"the derivative of '{problem.text}' with respect to '{wrt}'")
    return Work(
        problem=problem, wrt=wrt, layout=layout, output=out_symbol, out_indices=out_indices,
        var_indices=var_indices, space=space, expanded=expanded, differentiated=differentiated,
        element=element, arrangement=arrangement, raw_terms=raw_terms, result=result,
        compact=compact, verification=verification,
    )


def raise_unverified(verification: Verification, what: str) -> None:
    """Refuse an unverified answer: honestly when no point could be checked, else as a bug.

    Raises:
        VerificationError: the check found no usable point, or the answer disagreed.
    """
    if verification.passed:
        return
    if verification.draws == 0:
        raise VerificationError(
            f"cannot check {what}: {verification.reason}",
            hint="declare assumptions (positive, spd, invertible) or shapes for which the "
            "expression and its derivative are defined, or simplify the expression",
        )
    sizes = ", ".join(f"{k}={v}" for k, v in verification.sizes)
    raise VerificationError(
        f"{what} failed its numeric check (seed {verification.seed}, sizes "
        f"{sizes or 'none'}): finite differences disagree beyond a relative "
        f"{format_tolerance(verification.tolerance)}",
        hint="this is a bug in derive's rules; please report the expression",
    )


def shaped(result: Expr, rows: Dim, cols: Dim) -> Expr:
    """`result`, or the zero matrix of shape rows × cols when everything cancelled to 0."""
    return zero_of_shape(rows, cols) if result == Number(Fraction(0)) else result


def zero_of_shape(rows: Dim, cols: Dim) -> Expr:
    """The zero matrix of a shape, written so that it parses back with that shape."""
    zero = Number(Fraction(0))
    ones = ones_of_shape(rows, cols)
    return zero if ones is None else Mul(zero, ones)


def _axes(out: tuple[str | None, str | None], var: tuple[str | None, str | None]) -> Axes:
    positions = {name: axis for axis, name in enumerate(out + var) if name is not None}
    return Axes(positions)


def _compact(
    element: Poly,
    out: tuple[str | None, str | None],
    var: tuple[str | None, str | None],
    problem: Problem,
    space: IndexSpace,
    symmetric: frozenset[str],
) -> Compact | None:
    """The 2-D compact form of a 3- or 4-axis derivative whose terms all carry δ(out, var).

    For y = W x, ∂y_i/∂W_jk = δ_ij x_k: only j = i is non-zero, and G_ik = ∂y_i/∂W_ik = x_k.
    For f(X) entrywise, both deltas go: G_ij = f'(X_ij). Returns G, its indices and the
    (kept, dropped) index pairs.
    """
    remaining = tuple(i for i in out + var if i is not None)
    pairs: list[tuple[str, str]] = []
    reduced = element
    while len(remaining) > 2:
        shared = _shared_delta(reduced, set(out) - {None}, set(var) - {None})
        if shared is None:
            break
        kept, gone = shared
        pairs.append(shared)
        reduced = _drop_delta(reduced, kept, gone)
        remaining = tuple(i for i in remaining if i != gone)
    if not pairs:
        return None
    mentioned = set(free_indices(reduced))
    if len(remaining) > 2:
        # Axes the entries do not depend on carry no information (Y = XW: G = X for every j).
        remaining = tuple(i for i in remaining if i in mentioned)
    if len(remaining) > 2:
        return None
    row = remaining[0] if remaining else None
    col = remaining[1] if len(remaining) == 2 else None
    repeated = None
    if row is not None and col is not None and (row in mentioned) != (col in mentioned):
        # Rows (or columns) of G that repeat: the notes keep one, in its place (d(Xv)/dX = vᵀ).
        repeated = (space.dim(row), space.dim(col))
        row, col = (row, None) if row in mentioned else (None, col)
        remaining = tuple(i for i in (row, col) if i is not None)
    try:
        matrix_terms = reassemble(reduced, row, col, problem.shapes, space)
    except UnsupportedError:
        return None
    compact = shaped(textbook_form(matrix_terms, problem.shapes, symmetric),
                     space.dim(row) if row else 1, space.dim(col) if col else 1)
    return Compact(compact, remaining, tuple(pairs), repeated)


def _shared_delta(poly: Poly, out: set[str | None], var: set[str | None]) -> tuple[str, str] | None:
    """A delta between an output index and a variable index that every term carries."""
    shared: tuple[str, str] | None = None
    for term in poly.terms:
        deltas = [
            (f.a, f.b) if f.a in out else (f.b, f.a)
            for f in term.factors
            if isinstance(f, Delta) and {f.a, f.b} & out and {f.a, f.b} & var
        ]
        if not deltas or (shared is not None and shared not in deltas):
            return None
        shared = shared or deltas[0]
    return shared


def _drop_delta(poly: Poly, kept: str, gone: str) -> Poly:
    """Entries with `gone` = `kept`: the delta is 1 there, and `gone` becomes `kept`."""
    terms = []
    for term in poly.terms:
        factors = tuple(
            f for f in term.factors if not (isinstance(f, Delta) and {f.a, f.b} == {kept, gone})
        )
        terms.append(rename_term(Term(term.coeff, factors, term.summed), {gone: kept}))
    return Poly(tuple(terms))


def result_shape(work: Work) -> tuple[Dim, ...]:
    """The shape of the derivative: the matrix's (rows, cols), or all axes for 3-4 axes."""
    if work.arrangement is not None:
        row, col = work.arrangement
        return (
            work.space.dim(row) if row else 1,
            work.space.dim(col) if col else 1,
        )
    return tensor_shape(work.space, work.out_indices, work.var_indices, work.layout)


def tensor_shape(space: IndexSpace, out_indices: tuple[str | None, str | None],
                 var_indices: tuple[str | None, str | None], layout: Layout) -> tuple[Dim, ...]:
    """The axes of a 3- or 4-axis derivative: the variable's first in denominator layout."""
    out = [space.dim(i) for i in out_indices if i is not None]
    var = [space.dim(i) for i in var_indices if i is not None]
    return tuple(var + out) if layout is Layout.DENOMINATOR else tuple(out + var)


def to_derivation(work: Work, steps: tuple[Step, ...]) -> Derivation:
    """Package a finished work record with its steps."""
    indices = tuple(i for i in work.out_indices + work.var_indices if i is not None)
    return Derivation(
        problem=work.problem,
        wrt=work.wrt,
        layout=work.layout,
        output=work.output,
        element=work.element,
        indices=indices,
        space=work.space,
        result=work.result,
        shape=result_shape(work),
        compact=work.compact.expr if work.compact is not None else None,
        compact_repeated=work.compact.repeated if work.compact is not None else None,
        steps=steps,
        verification=work.verification,
    )


__all__ = [
    "DEFAULT_SEED",
    "Work",
    "arrangement_for",
    "derive_derivative",
    "output_name",
    "raise_unverified",
    "result_shape",
    "shaped",
    "to_derivation",
    "zero_of_shape",
]
