"""Chain-rule derivations through named intermediates (`--let "a = sigmoid(M @ x)"`).

Each definition is a link; its local derivatives are found with the usual three steps, treating
earlier intermediates as plain symbols. For a scalar output the links are then chained backwards,
as backpropagation does: δ_v = ∂ℓ/∂v is assembled from the δ of every later link that uses v, and
the gradient by the variable from the δ of the links that use it directly. Every form (with δs,
with intermediates, fully substituted) is checked against finite differences of the substituted
expression. For outputs that are not scalars the chain is summed in index form (forward).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np

from derive.engine.differentiate import Variable, differentiate
from derive.engine.evaluate import Array, Sizes, evaluate
from derive.engine.index import ExpansionContext, IndexAllocator, expand_indices
from derive.engine.reassemble import reassemble
from derive.engine.solve import arrangement_for, output_name, raise_unverified, shaped
from derive.engine.steps import Layout, Verification
from derive.engine.sums import remove_sums
from derive.engine.textbook import simplify, textbook_form
from derive.engine.verify import (
    Axes,
    Claims,
    Extend,
    check,
    problem_points,
    within_tolerance,
)
from derive.errors import SpecError
from derive.expr.nodes import (
    Expr,
    Number,
    Symbol,
    children,
    node_count,
    symbols_in,
    with_children,
)
from derive.expr.parse import parse
from derive.expr.shapes import Shape, is_scalar
from derive.expr.terms import (
    Entry,
    IndexSpace,
    Poly,
    add,
    indices_in_order,
    multiply,
    rename_everywhere,
    single,
    sum_over,
)
from derive.problem import (
    Problem,
    check_variable,
)
from derive.problem.chain import Definition, substitute

Local = Callable[[str, str, tuple[str | None, str | None]], Poly]
"""Computes the local derivative of one link by one of its inputs (as index form)."""

FORM_TOLERANCE = 1e-8
"""Relative agreement required between two exact forms of one answer (no differences involved)."""



@dataclass(frozen=True, slots=True)
class Link:
    """The local derivative of one definition (or the output) by one of its inputs."""

    of: str
    by: str
    expanded: Poly
    element: Poly


@dataclass(frozen=True, slots=True)
class ChainWork:
    """Everything a chain derivation produced, for the steps and the API."""

    problem: Problem
    definitions: tuple[Definition, ...]
    wrt: str
    layout: Layout
    output: Symbol
    out_indices: tuple[str | None, str | None]
    var_indices: tuple[str | None, str | None]
    own_indices: Mapping[str, tuple[str | None, str | None]]
    path: tuple[str, ...]
    links: tuple[Link, ...]
    deltas: tuple[tuple[str, Expr], ...]
    element: Poly
    space: IndexSpace
    backprop: Expr | None
    intermediate_form: Expr | None
    substituted: Expr | None
    verification: Verification


def fold(expr: Expr, definitions: Sequence[Definition]) -> Expr:
    """Write the intermediates' names back in: sigmoid(M @ x) -> a when a = sigmoid(M @ x)."""
    parts = children(expr)
    if parts:
        expr = with_children(expr, tuple(fold(child, definitions) for child in parts))
    for definition in definitions:
        if expr == definition.expr:
            return Symbol(definition.name)
    return expr


def _depends(definitions: Sequence[Definition], wrt: str) -> set[str]:
    """Intermediates that depend on `wrt`, directly or through earlier ones."""
    dependent: set[str] = set()
    for definition in definitions:
        used = symbols_in(definition.expr)
        if wrt in used or used & dependent:
            dependent.add(definition.name)
    return dependent


def derive_chain(
    problem: Problem,
    definitions: tuple[Definition, ...],
    wrt: str,
    layout: Layout,
    *,
    name: str | None,
    seed: int,
) -> ChainWork:
    """Differentiate `problem.expr` (which may use the intermediates) by `wrt`, link by link.

    `problem` is the fully substituted expression; its text is what the user wrote.
    """
    by_name = {d.name: d for d in definitions}
    main = parse(problem.text, problem.functions)
    shapes = {**problem.shapes, **{d.name: d.shape for d in definitions}}
    if wrt in by_name:
        raise SpecError(f"'{wrt}' is an intermediate; differentiate by an input symbol",
                        hint="the inputs are " + ", ".join(f"'{n}'" for n in problem.shapes))
    check_variable(problem, wrt, "an input of the chain", "inputs",
                   "the chain has no inputs: it is a constant")
    dependent = _depends(definitions, wrt)
    taken = set(problem.shapes) | set(by_name) | set(problem.functions)
    default = "L" if is_scalar(problem.shape) and "L" not in taken else output_name(problem, None)
    out_symbol = Symbol(name or (default if default not in taken else "out"))
    reserved = set(shapes) | set(problem.dims()) | {out_symbol.name}
    allocator = IndexAllocator(reserved)
    ctx = ExpansionContext(shapes, allocator)
    rows, cols = problem.shape
    out_indices = (ctx.index(rows), ctx.index(cols))
    own: dict[str, tuple[str | None, str | None]] = {}
    for definition in definitions:
        if definition.name in dependent:
            own[definition.name] = (ctx.index(definition.shape[0]), ctx.index(definition.shape[1]))
    var_rows, var_cols = shapes[wrt]
    var_indices = (ctx.index(var_rows), ctx.index(var_cols))
    space_ranges = allocator.ranges

    expansions: dict[str, Poly] = {out_symbol.name: expand_indices(main, *out_indices, ctx)}
    for definition in definitions:
        if definition.name in dependent:
            expansions[definition.name] = expand_indices(definition.expr, *own[definition.name],
                                                          ctx)
    links: list[Link] = []

    def local(of: str, by: str, by_indices: tuple[str | None, str | None]) -> Poly:
        variable = Variable(by, tuple(i for i in by_indices if i is not None))
        derived = differentiate(expansions[of], variable, ctx)
        element = remove_sums(derived, IndexSpace(dict(space_ranges)))
        links.append(Link(of, by, expansions[of], element))
        return element

    users: dict[str, list[str]] = {name: [] for name in dependent}
    sources = [(out_symbol.name, main)] + [(d.name, d.expr) for d in definitions
                                           if d.name in dependent]
    for source, expr in sources:
        for used in sorted(symbols_in(expr) & dependent, key=list(by_name).index):
            users[used].append(source)

    # Forward sums in index form: total(v) = ∂v/∂wrt + Σ_u Σ_idx(u) ∂v/∂u · total(u).
    totals: dict[str, Poly] = {}
    for definition in definitions:
        if definition.name not in dependent:
            continue
        totals[definition.name] = _total(definition.name, definition.expr, dependent, own,
                                         var_indices, totals, local, wrt, allocator)
    element = _total(out_symbol.name, main, dependent, own, var_indices, totals, local, wrt,
                     allocator)
    space = IndexSpace(dict(allocator.ranges))
    element = remove_sums(element, space)
    symmetric = frozenset(n for n, p in problem.assumptions.items() if "symmetric" in p)
    arrangement = arrangement_for(layout, out_indices, var_indices)
    path = tuple([wrt] + [d.name for d in definitions if d.name in dependent]
                 + [out_symbol.name])

    intermediate_form: Expr | None = None
    backprop: Expr | None = None
    deltas: list[tuple[str, Expr]] = []
    substituted = None
    if arrangement is not None:
        matrix_shape = tuple(space.dim(i) if i else 1 for i in arrangement)
        terms = reassemble(element, *arrangement, shapes, space)
        intermediate_form = shaped(fold(textbook_form(terms, shapes, symmetric), definitions),
                                   *matrix_shape)
        if is_scalar(problem.shape) and dependent:
            backprop, deltas = _backprop(
                definitions, dependent, users, own, var_indices, arrangement, layout, shapes,
                space, symmetric, local, wrt, out_symbol.name, wrt in symbols_in(main),
            )
            backprop = shaped(backprop, *matrix_shape)
        substitutions = {d.name: d.expr for d in definitions}
        substituted = shaped(_simplified(substitute(intermediate_form, substitutions),
                                         problem.shapes, symmetric), *matrix_shape)

    def extend(values: Mapping[str, Array], sizes: Sizes) -> dict[str, Array]:
        extended = dict(values)
        for definition in definitions:
            extended[definition.name] = evaluate(definition.expr, extended, sizes)
        # Each δ uses the δs of later links: they are listed from the output backwards.
        for delta, delta_expr in deltas:
            extended[delta] = evaluate(delta_expr, extended, sizes)
        return extended

    indices = tuple(i for i in out_indices + var_indices if i is not None)
    axes = Axes({n: a for a, n in enumerate(out_indices + var_indices) if n is not None})
    claims = Claims(element, indices, space.ranges, axes, intermediate_form,
                    arrangement or (None, None), None)
    verification = check(problem, wrt, claims, seed, extend=extend)
    if verification.passed:
        for form in (backprop, substituted):
            if form is not None and intermediate_form is not None and not _agree(
                form, intermediate_form, problem, extend, seed
            ):
                verification = replace(verification, passed=False)
    raise_unverified(
        verification, f"the chain-rule derivative of '{problem.text}' with respect to '{wrt}'"
    )
    return ChainWork(problem, definitions, wrt, layout, out_symbol, out_indices, var_indices,
                     own, path, tuple(links), tuple(deltas), element, space, backprop,
                     intermediate_form, substituted, verification)


SIMPLIFY_LIMIT = 400
"""Largest substituted answer (in nodes) that is simplified again; a deep chain's substituted
form repeats every layer and is only shown, so it is kept as substitution gives it."""


def _simplified(expr: Expr, shapes: Mapping[str, Shape], symmetric: frozenset[str]) -> Expr:
    return simplify(expr, shapes, symmetric) if node_count(expr) <= SIMPLIFY_LIMIT else expr


def _total(
    name: str,
    expr: Expr,
    dependent: set[str],
    own: Mapping[str, tuple[str | None, str | None]],
    var_indices: tuple[str | None, str | None],
    totals: Mapping[str, Poly],
    derive_local: Local,
    wrt: str,
    allocator: IndexAllocator,
) -> Poly:
    used = symbols_in(expr)
    parts: list[Poly] = []
    if wrt in used:
        parts.append(derive_local(name, wrt, var_indices))
    for intermediate in sorted(used & dependent):
        link = derive_local(name, intermediate, own[intermediate])
        summed = [i for i in own[intermediate] if i is not None]
        total = _fresh_bound(totals[intermediate], allocator)
        parts.append(sum_over(multiply(link, total), summed))
    return add(*parts)


def _fresh_bound(poly: Poly, allocator: IndexAllocator) -> Poly:
    """Rename a reused total's summed indices, so two uses never share a bound name."""
    from derive.expr.terms import free_indices

    free = set(free_indices(poly))
    mapping = {i: allocator.fresh(allocator.ranges[i]) for i in indices_in_order(poly)
               if i not in free}
    return rename_everywhere(poly, mapping)


def delta_name(intermediate: str) -> str:
    """The symbol for ∂ℓ/∂v in the backprop form: delta_v (printed δ_v)."""
    return f"delta_{intermediate}"


def _backprop(
    definitions: Sequence[Definition],
    dependent: set[str],
    users: Mapping[str, list[str]],
    own: Mapping[str, tuple[str | None, str | None]],
    var_indices: tuple[str | None, str | None],
    arrangement: tuple[str | None, str | None],
    layout: Layout,
    shapes: Mapping[str, Shape],
    space_in: IndexSpace,
    symmetric: frozenset[str],
    derive_local: Local,
    wrt: str,
    output: str,
    main_uses_wrt: bool,
) -> tuple[Expr, list[tuple[str, Expr]]]:
    """δ_v = Σ over the users w of v of δ_w contracted with ∂w/∂v; then the gradient."""
    delta_shapes = {delta_name(v): shapes[v] for v in dependent}
    all_shapes = {**shapes, **delta_shapes}
    deltas: list[tuple[str, Expr]] = []
    for definition in reversed(definitions):
        v = definition.name
        if v not in dependent:
            continue
        pieces: list[Poly] = []
        for user in users[v]:
            link = derive_local(user, v, own[v])
            if user == output:
                pieces.append(link)
                continue
            user_indices = [i for i in own[user] if i is not None]
            adjoint = single(Entry(Symbol(delta_name(user)), tuple(user_indices)))
            pieces.append(sum_over(multiply(adjoint, link), user_indices))
        poly = remove_sums(add(*pieces), IndexSpace(dict(space_in.ranges)))
        placed = own[v]
        form = fold(textbook_form(reassemble(poly, *placed, all_shapes, space_in), all_shapes,
                                  symmetric), definitions)
        deltas.append((delta_name(v), _inline_constants(form, deltas, all_shapes, symmetric)))
    pieces = []
    if main_uses_wrt:  # L = sum(a) + x.T @ x: the output's own direct dependence on x
        pieces.append(derive_local(output, wrt, var_indices))
    for user in _direct_users(definitions, dependent, wrt):
        link = derive_local(user, wrt, var_indices)
        user_indices = [i for i in own[user] if i is not None]
        adjoint = single(Entry(Symbol(delta_name(user)), tuple(user_indices)))
        pieces.append(sum_over(multiply(adjoint, link), user_indices))
    poly = remove_sums(add(*pieces), IndexSpace(dict(space_in.ranges)))
    terms = reassemble(poly, *arrangement, all_shapes, space_in)
    gradient = _inline_constants(
        fold(textbook_form(terms, all_shapes, symmetric), definitions), deltas, all_shapes,
        symmetric,
    )
    return gradient, [(n, form) for n, form in deltas if not isinstance(form, Number)]


def _inline_constants(
    form: Expr,
    deltas: Sequence[tuple[str, Expr]],
    shapes: Mapping[str, Shape],
    symmetric: frozenset[str],
) -> Expr:
    """Write δ_v = 1 (the output itself is an intermediate) into the forms that use it."""
    constants = {n: f for n, f in deltas if isinstance(f, Number)}
    if not constants or not symbols_in(form) & set(constants):
        return form
    return simplify(substitute(form, constants), shapes, symmetric)


def _direct_users(definitions: Sequence[Definition], dependent: set[str], wrt: str) -> list[str]:
    return [d.name for d in definitions if d.name in dependent and wrt in symbols_in(d.expr)]


def _agree(
    first: Expr,
    second: Expr,
    problem: Problem,
    fill: Extend,
    seed: int,
) -> bool:
    """Whether two forms of the answer take the same values at the check's random points."""
    points, _ = problem_points(problem, seed, 2)
    for point in points:
        with np.errstate(all="ignore"):
            values = fill(point.values, point.sizes)
            a, b = evaluate(first, values, point.sizes), evaluate(second, values, point.sizes)
        if not within_tolerance(a, b, FORM_TOLERANCE, 0.0):
            return False
    return True


__all__ = ["ChainWork", "delta_name", "derive_chain"]
