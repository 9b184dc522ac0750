"""Chain-rule derivations through named intermediates (`--let "a = sigmoid(M @ x)"`).

Each definition is a link; its local derivatives are found with the usual three steps, treating
earlier intermediates as plain symbols. For a scalar output the links are then chained backwards,
as backpropagation does: δ_v = ∂ℓ/∂v is assembled from the δ of every later link that uses v, and
the gradient by the variable from the δ of the links that use it directly. Every form (with δs,
with intermediates, fully substituted) is checked against finite differences of the substituted
expression. For outputs that are not scalars the chain is summed in index form (forward).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from msgspec import Struct, field
from msgspec.structs import replace

from derive.engine.cost import cost
from derive.engine.differentiate import Variable, differentiate
from derive.engine.evaluate import Array, Sizes, evaluate
from derive.engine.index import ExpansionContext, IndexAllocator, expand_indices
from derive.engine.normalize import Rewriter
from derive.engine.reassemble import reassemble
from derive.engine.solve import arrangement_for, output_name, raise_unverified, shaped
from derive.engine.steps import Layout, Verification
from derive.engine.sums import remove_sums
from derive.engine.textbook import refine, simplify, textbook_form
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
    free_indices,
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

FORM_TOLERANCE = 1e-8
"""Relative agreement required between two exact forms of one answer (no differences involved)."""



class Link(Struct, frozen=True):
    """The local derivative of one definition (or the output) by one of its inputs."""

    of: str
    by: str
    expanded: Poly
    element: Poly


class ChainWork(Struct, frozen=True):
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

    Raises:
        SpecError: `wrt` is an intermediate or not an input.
        DeriveError: no rule for a link, or a form that fails its numeric check.
    """
    if wrt in {d.name for d in definitions}:
        raise SpecError(f"'{wrt}' is an intermediate; differentiate by an input symbol",
                        hint="the inputs are " + ", ".join(f"'{n}'" for n in problem.shapes))
    check_variable(problem, wrt, "an input of the chain", "inputs",
                   "the chain has no inputs: it is a constant")
    chain = _Chain(problem, definitions, wrt, name)
    element = chain.element()
    arrangement = arrangement_for(layout, chain.out_indices, chain.var_indices)
    forms = chain.forms(element, arrangement) if arrangement is not None else _Forms()
    verification = chain.verify(element, arrangement, forms, seed)
    return ChainWork(problem, definitions, wrt, layout, chain.output, chain.out_indices,
                     chain.var_indices, chain.own, chain.path(), tuple(chain.links),
                     tuple(forms.deltas), element, chain.space(), forms.backprop,
                     forms.intermediate, forms.substituted, verification)


class _Forms(Struct):
    """The matrix forms of a chain's answer: with intermediates, backprop (δs), substituted."""

    intermediate: Expr | None = None
    backprop: Expr | None = None
    deltas: list[tuple[str, Expr]] = field(default_factory=list)
    substituted: Expr | None = None


class _Chain:
    """One chain derivation's shared state: the links, their indices and local derivatives."""

    def __init__(self, problem: Problem, definitions: tuple[Definition, ...], wrt: str,
                 name: str | None) -> None:
        self.problem = problem
        self.definitions = definitions
        self.wrt = wrt
        self.main = parse(problem.text, problem.functions)
        self.shapes = {**problem.shapes, **{d.name: d.shape for d in definitions}}
        self.dependent = _depends(definitions, wrt)
        taken = set(problem.shapes) | {d.name for d in definitions} | set(problem.functions)
        default = ("L" if is_scalar(problem.shape) and "L" not in taken
                   else output_name(problem, None))
        self.output = Symbol(name or (default if default not in taken else "out"))
        self.allocator = IndexAllocator(set(self.shapes) | set(problem.dims())
                                        | {self.output.name})
        self.ctx = ExpansionContext(self.shapes, self.allocator)
        rows, cols = problem.shape
        self.out_indices = (self.ctx.index(rows), self.ctx.index(cols))
        self.own: dict[str, tuple[str | None, str | None]] = {
            d.name: (self.ctx.index(d.shape[0]), self.ctx.index(d.shape[1]))
            for d in definitions if d.name in self.dependent
        }
        var_rows, var_cols = self.shapes[wrt]
        self.var_indices = (self.ctx.index(var_rows), self.ctx.index(var_cols))
        self.expansions = {self.output.name: expand_indices(self.main, *self.out_indices,
                                                            self.ctx)}
        for definition in definitions:
            if definition.name in self.dependent:
                self.expansions[definition.name] = expand_indices(
                    definition.expr, *self.own[definition.name], self.ctx)
        self.links: list[Link] = []
        assumed = frozenset(n for n, p in problem.assumptions.items() if "symmetric" in p)
        self.symmetric = _symmetric_intermediates(definitions, self.shapes, assumed)

    def space(self) -> IndexSpace:
        return IndexSpace(dict(self.allocator.ranges))

    def path(self) -> tuple[str, ...]:
        return tuple([self.wrt] + [d.name for d in self.definitions if d.name in self.dependent]
                     + [self.output.name])

    def local(self, of: str, by: str, by_indices: tuple[str | None, str | None]) -> Poly:
        """∂(of)/∂(by) by the three steps, treating the other intermediates as symbols."""
        variable = Variable(by, tuple(i for i in by_indices if i is not None))
        derived = differentiate(self.expansions[of], variable, self.ctx)
        element = remove_sums(derived, self.space())
        self.links.append(Link(of, by, self.expansions[of], element))
        return element

    def users(self) -> dict[str, list[str]]:
        """For each intermediate, the links that use it, the output first."""
        order = [d.name for d in self.definitions]
        users: dict[str, list[str]] = {name: [] for name in self.dependent}
        sources = [(self.output.name, self.main)] + [
            (d.name, d.expr) for d in self.definitions if d.name in self.dependent]
        for source, expr in sources:
            for used in sorted(symbols_in(expr) & self.dependent, key=order.index):
                users[used].append(source)
        return users

    def element(self) -> Poly:
        """The whole derivative's entry, summed forward over every intermediate's entries:
        total(v) = ∂v/∂wrt + Σ_u Σ_idx(u) ∂v/∂u · total(u)."""
        totals: dict[str, Poly] = {}
        for definition in self.definitions:
            if definition.name in self.dependent:
                totals[definition.name] = self.total(definition.name, definition.expr, totals)
        return remove_sums(self.total(self.output.name, self.main, totals), self.space())

    def total(self, name: str, expr: Expr, totals: Mapping[str, Poly]) -> Poly:
        used = symbols_in(expr)
        parts: list[Poly] = []
        if self.wrt in used:
            parts.append(self.local(name, self.wrt, self.var_indices))
        for intermediate in sorted(used & self.dependent):
            link = self.local(name, intermediate, self.own[intermediate])
            summed = [i for i in self.own[intermediate] if i is not None]
            total = _fresh_bound(totals[intermediate], self.allocator)
            parts.append(sum_over(multiply(link, total), summed))
        return add(*parts)

    def forms(self, element: Poly, arrangement: tuple[str | None, str | None]) -> _Forms:
        space = self.space()
        matrix_shape = tuple(space.dim(i) if i else 1 for i in arrangement)
        terms = reassemble(element, *arrangement, self.shapes, space)
        forms = _Forms(shaped(_folded(textbook_form(terms, self.shapes, self.symmetric),
                                      self.definitions, self.shapes, self.symmetric),
                              *matrix_shape))
        if is_scalar(self.problem.shape) and self.dependent:
            gradient, forms.deltas = self.backprop(arrangement)
            forms.backprop = shaped(gradient, *matrix_shape)
        substitutions = {d.name: d.expr for d in self.definitions}
        assert forms.intermediate is not None
        forms.substituted = shaped(_simplified(substitute(forms.intermediate, substitutions),
                                               self.problem.shapes, self.symmetric),
                                   *matrix_shape)
        if cost(forms.substituted) < cost(forms.intermediate):
            # The names did not help (A M⁻ᵀ B with M = A X B is X⁻ᵀ): print the shorter form.
            forms.intermediate = forms.substituted
        return forms

    def backprop(
        self, arrangement: tuple[str | None, str | None]
    ) -> tuple[Expr, list[tuple[str, Expr]]]:
        """δ_v = Σ over the users w of v of δ_w contracted with ∂w/∂v; then the gradient."""
        shapes = {**self.shapes, **{delta_name(v): self.shapes[v] for v in self.dependent}}
        space = self.space()
        users = self.users()
        deltas: list[tuple[str, Expr]] = []
        for definition in reversed(self.definitions):
            v = definition.name
            if v not in self.dependent:
                continue
            pieces = [self.local(user, v, self.own[v]) if user == self.output.name
                      else self.through_delta(user, v, self.own[v]) for user in users[v]]
            poly = remove_sums(add(*pieces), space)
            form = _folded(textbook_form(reassemble(poly, *self.own[v], shapes, space), shapes,
                                         self.symmetric), self.definitions, shapes,
                           self.symmetric)
            deltas.append((delta_name(v), _inline_constants(form, deltas, shapes,
                                                             self.symmetric)))
        pieces = []
        if self.wrt in symbols_in(self.main):  # L = sum(a) + x.T @ x: the output's own term
            pieces.append(self.local(self.output.name, self.wrt, self.var_indices))
        pieces += [self.through_delta(user, self.wrt, self.var_indices)
                   for user in _direct_users(self.definitions, self.dependent, self.wrt)]
        terms = reassemble(remove_sums(add(*pieces), space), *arrangement, shapes, space)
        gradient = _inline_constants(
            _folded(textbook_form(terms, shapes, self.symmetric), self.definitions, shapes,
                    self.symmetric), deltas, shapes, self.symmetric,
        )
        return gradient, [(n, form) for n, form in deltas if not isinstance(form, Number)]

    def through_delta(self, user: str, by: str,
                      by_indices: tuple[str | None, str | None]) -> Poly:
        """Σ over the entries of `user` of δ_user · ∂user/∂by."""
        link = self.local(user, by, by_indices)
        user_indices = [i for i in self.own[user] if i is not None]
        adjoint = single(Entry(Symbol(delta_name(user)), tuple(user_indices)))
        return sum_over(multiply(adjoint, link), user_indices)

    def verify(self, element: Poly, arrangement: tuple[str | None, str | None] | None,
               forms: _Forms, seed: int) -> Verification:
        """Check every form against finite differences of the substituted expression."""
        definitions, deltas = self.definitions, forms.deltas

        def extend(values: Mapping[str, Array], sizes: Sizes) -> dict[str, Array]:
            extended = dict(values)
            for definition in definitions:
                extended[definition.name] = evaluate(definition.expr, extended, sizes)
            # Each δ uses the δs of later links: they are listed from the output backwards.
            for delta, delta_expr in deltas:
                extended[delta] = evaluate(delta_expr, extended, sizes)
            return extended

        axes_order = self.out_indices + self.var_indices
        indices = tuple(i for i in axes_order if i is not None)
        axes = Axes({n: a for a, n in enumerate(axes_order) if n is not None})
        claims = Claims(element, indices, self.space().ranges, axes, forms.intermediate,
                        arrangement or (None, None), None)
        verification = check(self.problem, self.wrt, claims, seed, extend=extend)
        if verification.passed and forms.intermediate is not None:
            for form in (forms.backprop, forms.substituted):
                if form is not None and not _agree(form, forms.intermediate, self.problem,
                                                   extend, seed):
                    verification = replace(verification, passed=False)
        raise_unverified(verification, f"the chain-rule derivative of '{self.problem.text}' "
                         f"with respect to '{self.wrt}'")
        return verification


SIMPLIFY_LIMIT = 400
"""Largest substituted answer (in nodes) that is simplified again; a deep chain's substituted
form repeats every layer and is only shown, so it is kept as substitution gives it."""


def _symmetric_intermediates(definitions: Sequence[Definition], shapes: Mapping[str, Shape],
                             assumed: frozenset[str]) -> frozenset[str]:
    """The assumed-symmetric names plus the intermediates symmetric by construction (G = XᵀX),
    so that Gᵀ prints as G in forms written with the intermediates."""
    symmetric = set(assumed)
    for definition in definitions:
        if Rewriter(shapes, frozenset(symmetric)).is_symmetric(definition.expr):
            symmetric.add(definition.name)
    return frozenset(symmetric)


def _folded(expr: Expr, definitions: Sequence[Definition], shapes: Mapping[str, Shape],
            symmetric: frozenset[str]) -> Expr:
    """The intermediates' names written back in, then the textbook rules again: the names can
    meet their own derivatives (a / a, (1 - p) / (1 - p))."""
    return refine(fold(expr, definitions), shapes, symmetric)


def _simplified(expr: Expr, shapes: Mapping[str, Shape], symmetric: frozenset[str]) -> Expr:
    return simplify(expr, shapes, symmetric) if node_count(expr) <= SIMPLIFY_LIMIT else expr


def _fresh_bound(poly: Poly, allocator: IndexAllocator) -> Poly:
    """Rename a reused total's summed indices, so two uses never share a bound name."""
    free = set(free_indices(poly))
    mapping = {i: allocator.fresh(allocator.ranges[i]) for i in indices_in_order(poly)
               if i not in free}
    return rename_everywhere(poly, mapping)


def delta_name(intermediate: str) -> str:
    """The symbol for ∂ℓ/∂v in the backprop form: delta_v (printed δ_v)."""
    return f"delta_{intermediate}"


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
