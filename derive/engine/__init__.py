"""The derivation engine: expression + variable -> verified Derivation with worked steps.

Pipeline (one pass per module): `index.expand_indices` -> `differentiate.differentiate` ->
`sums.remove_sums` -> `reassemble.reassemble` -> `textbook.textbook_form` -> `verify.check`;
`explain.explain` turns the intermediate forms into steps.
"""

from __future__ import annotations

from derive.engine.explain import explain
from derive.engine.solve import DEFAULT_SEED, Work, derive_derivative, to_derivation
from derive.engine.steps import Derivation, Layout
from derive.errors import DeriveError, SpecError, UnsupportedError
from derive.problem import Problem


def derive_exercise(
    problem: Problem,
    wrt: str,
    layout: Layout = Layout.DENOMINATOR,
    *,
    name: str | None = None,
    element: tuple[int, ...] | None = None,
    seed: int = DEFAULT_SEED,
) -> Derivation:
    """Solve one derivative exercise: the verified answer and its worked steps.

    Args:
        problem: the checked expression (see `derive.problem.make_problem`).
        wrt: the symbol to differentiate by.
        layout: numerator, denominator or mixed.
        name: the output's name in the text (default f, y or Y).
        element: 1-based concrete indices (output's, then the variable's) for an extra
            walk-through of one entry, as the notes do with y_3 and x_7.
        seed: the random seed of the numeric check.

    Raises:
        DeriveError: no rule or matrix form for a construct, or a failed numeric check.
    """
    try:
        work = derive_derivative(problem, wrt, layout, name=name, seed=seed)
    except UnsupportedError as error:
        if element is not None:
            raise
        chained = _through_intermediates(problem, wrt, layout, name, seed)
        if chained is None:
            raise error from None
        return chained
    if element is not None:
        _check_element(work, element)
    return to_derivation(work, explain(work, element))


def _through_intermediates(
    problem: Problem, wrt: str, layout: Layout, name: str | None, seed: int
) -> Derivation | None:
    """The derivation by the chain rule over intermediates derive names itself (M = X Xᵀ), for
    what has no direct matrix form; None when there is nothing to name or that fails too."""
    # imported here to keep start-up fast: most derivatives need no intermediates
    from derive.engine.chain import derive_chain
    from derive.engine.chain_explain import explain_chain
    from derive.engine.intermediates import name_intermediates

    rewritten, definitions = name_intermediates(problem, wrt)
    if not definitions:
        return None
    try:
        work = derive_chain(rewritten, definitions, wrt, layout, name=name, seed=seed)
    except DeriveError:
        return None
    return explain_chain(work)


def _check_element(work: Work, element: tuple[int, ...]) -> None:
    names = [i for i in work.out_indices + work.var_indices if i is not None]
    if len(element) != len(names):
        raise SpecError(
            f"element has {len(element)} indices; this derivative's entries have {len(names)}",
            expected="the output's indices, then the variable's, 1-based",
            hint=f"give {len(names)} positive integers, e.g. {list(range(3, 3 + len(names)))}"
            if names else "a scalar derivative has a single entry: remove 'element'",
        )
    for index, value in zip(names, element, strict=True):
        dim = work.space.dim(index)
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise SpecError(f"element index {value!r} is not a positive integer",
                            hint="indices are 1-based, as in the notes")
        if isinstance(dim, int) and value > dim:
            raise SpecError(f"element index {value} is out of range 1..{dim}",
                            hint=f"choose an index between 1 and {dim}")


__all__ = ["DEFAULT_SEED", "Derivation", "Layout", "derive_exercise"]
