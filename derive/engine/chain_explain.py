"""Worked steps of a chain-rule derivation: the chain, the index-form chain rule, the local
derivatives, the backward pass (δ_v = ∂ℓ/∂v) and the answer in matrix form, then the check.
"""

from __future__ import annotations

from derive.engine.chain import ChainWork
from derive.engine.explain import check_prose
from derive.engine.solve import arrangement_for, tensor_shape
from derive.engine.steps import (
    ChainInfo,
    ChainSum,
    Derivation,
    Math,
    MathObject,
    Partial,
    Relation,
    ShapeOf,
    Step,
    StepKind,
)
from derive.expr.nodes import Dim, Expr, Symbol, symbols_in
from derive.expr.parse import parse
from derive.expr.terms import Entry


def _entry(name: str, indices: tuple[str | None, str | None]) -> Entry:
    return Entry(Symbol(name), tuple(i for i in indices if i is not None))


def _setup(work: ChainWork) -> Step:
    chain = [part for name in work.path for part in (" → ", Math(Symbol(name)))][1:]
    prose: tuple[str | Math, ...] = (
        "The output ", Math(work.output), " depends on ", Math(Symbol(work.wrt)),
        " through named intermediates: ", *chain, ". Each intermediate is a link of the chain; "
        "we differentiate each link on its own and then chain the links together.",
    )
    equations: list[MathObject] = []
    for definition in work.definitions:
        equations.append(Relation((Symbol(definition.name), definition.expr)))
    equations.append(Relation((work.output, _main_expr(work))))
    for definition in work.definitions:
        equations.append(ShapeOf(Symbol(definition.name), definition.shape))
    return Step(StepKind.SETUP, "The chain", prose, tuple(equations))


def _main_expr(work: ChainWork) -> Expr:
    return parse(work.problem.text, work.problem.functions)


def _paths(work: ChainWork) -> list[list[str]]:
    """Every path from the output down to the variable through the intermediates."""
    uses = {d.name: symbols_in(d.expr) for d in work.definitions}
    uses[work.output.name] = symbols_in(_main_expr(work))
    found: list[list[str]] = []

    def walk(node: str, path: list[str]) -> None:
        if len(found) >= 8:
            return
        for used in sorted(uses.get(node, set())):
            if used == work.wrt:
                found.append(path + [used])
            elif used in work.own_indices:
                walk(used, path + [used])

    walk(work.output.name, [work.output.name])
    return found


def _chain_rule(work: ChainWork) -> Step:
    out = _entry(work.output.name, work.out_indices)
    var = _entry(work.wrt, work.var_indices)
    terms: list[tuple[tuple[str, ...], tuple[MathObject, ...]]] = []
    for path in _paths(work):
        factors: list[MathObject] = []
        summed: list[str] = []
        for upper, lower in zip(path, path[1:], strict=False):
            top = out if upper == work.output.name else _entry(upper, work.own_indices[upper])
            bottom = var if lower == work.wrt else _entry(lower, work.own_indices[lower])
            factors.append(Partial(top, bottom))
            if lower != work.wrt:
                summed += [i for i in work.own_indices[lower] if i is not None]
        terms.append((tuple(summed), tuple(factors)))
    prose: tuple[str | Math, ...] = (
        "The chain rule in index form: one entry ", Math(Partial(out, var)),
        " sums, over every entry of every intermediate on the way, the product of the local "
        "derivatives. This form is always right, whatever the shapes.",
    )
    return Step(StepKind.CHAIN_RULE, "The chain rule in index form", prose,
                (Relation((Partial(out, var), ChainSum(tuple(terms)))),))


def _locals(work: ChainWork) -> list[Step]:
    steps: list[Step] = []
    seen: set[tuple[str, str]] = set()
    for link in work.links:
        if (link.of, link.by) in seen:
            continue
        seen.add((link.of, link.by))
        of_indices = work.out_indices if link.of == work.output.name else work.own_indices[
            link.of]
        by_indices = work.var_indices if link.by == work.wrt else work.own_indices[link.by]
        top, bottom = _entry(link.of, of_indices), _entry(link.by, by_indices)
        prose: tuple[str | Math, ...] = (
            "Write one element of ", Math(Symbol(link.of)), " in index notation, differentiate "
            "by one entry ", Math(bottom), " and let the deltas collapse the sums.",
        )
        equations: tuple[MathObject, ...] = (
            Relation((top, link.expanded)),
            Relation((Partial(top, bottom), link.element)),
        )
        steps.append(Step(StepKind.LOCAL_DERIVATIVE, f"Local derivative of {link.of} by "
                          f"{link.by}", prose, equations))
    return steps


def _backward(work: ChainWork) -> Step | None:
    if work.backprop is None:
        return None
    out = work.output
    v = Symbol("v")
    prose: tuple[str | Math, ...] = (
        "Going backwards from the output, name each gradient ",
        Math(Relation((Symbol("delta_v"), Partial(out, v)))),
        " (it has the shape of ", Math(v), "). Each δ collects the contributions of every link "
        "that uses ", Math(v), ", and the gradient by ", Math(Symbol(work.wrt)),
        " comes from the links that use it. This is backpropagation.",
    )
    equations: list[MathObject] = [Relation((Symbol(name), form)) for name, form in work.deltas]
    equations.append(Relation((Partial(out, Symbol(work.wrt)), work.backprop)))
    return Step(StepKind.BACKWARD_PASS, "The backward pass", prose, tuple(equations))


def _answer(work: ChainWork) -> Step:
    derivative = Partial(work.output, Symbol(work.wrt))
    arrangement = arrangement_for(work.layout, work.out_indices, work.var_indices)
    if arrangement is None or work.intermediate_form is None:
        prose: tuple[str | Math, ...] = (
            "The derivative has more than two axes; the entry formula above is the answer.",
        )
        return Step(StepKind.REASSEMBLY, "Reassemble", prose,
                    (Relation((Partial(_entry(work.output.name, work.out_indices),
                                       _entry(work.wrt, work.var_indices)), work.element)),))
    row, col = arrangement
    shape: tuple[Dim, ...] = (work.space.dim(row) if row else 1,
                              work.space.dim(col) if col else 1)
    prose = (
        "Multiply the local derivatives, collapse the deltas and reassemble in "
        f"{work.layout.value} layout: first with the intermediates' names (as backpropagation "
        "computes it), then with every intermediate written out.",
    )
    equations: tuple[MathObject, ...] = (
        Relation((derivative, work.intermediate_form)),
        Relation((derivative, work.substituted)) if work.substituted is not None else derivative,
        ShapeOf(derivative, shape),
    )
    return Step(StepKind.REASSEMBLY, "Assemble the answer", prose, equations)


def _check(work: ChainWork) -> Step:
    extra = "; declared functions are replaced by random smooth functions" if (
        work.problem.functions
    ) else ""
    forms = "every form above (of the fully substituted expression)"
    return Step(StepKind.CHECK, "Check numerically", check_prose(work.verification, forms, extra),
                ())


def explain_chain(work: ChainWork) -> Derivation:
    """The Derivation (with its ChainInfo) of a finished chain-rule derivation."""
    steps = [_setup(work), _chain_rule(work), *_locals(work)]
    backward = _backward(work)
    if backward is not None:
        steps.append(backward)
    steps += [_answer(work), _check(work)]
    arrangement = arrangement_for(work.layout, work.out_indices, work.var_indices)
    if arrangement is not None:
        shape: tuple[Dim, ...] = tuple(work.space.dim(i) if i else 1 for i in arrangement)
    else:
        shape = tensor_shape(work.space, work.out_indices, work.var_indices, work.layout)
    indices = tuple(i for i in work.out_indices + work.var_indices if i is not None)
    info = ChainInfo(
        tuple((d.name, d.expr) for d in work.definitions),
        work.deltas,
        work.backprop,
        work.intermediate_form,
    )
    return Derivation(
        problem=work.problem, wrt=work.wrt, layout=work.layout, output=work.output,
        element=work.element, indices=indices, space=work.space, result=work.substituted,
        shape=shape, compact=None, steps=tuple(steps), verification=work.verification,
        chain=info,
    )


__all__ = ["explain_chain"]
