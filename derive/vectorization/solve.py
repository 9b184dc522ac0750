"""Vectorize: a checked index expression -> its matrix form, verified, plus equivalent forms.

Deltas are collapsed (`engine.sums`), each term is reassembled (`engine.reassemble`) and put in
textbook form (`engine.textbook`). The answer is checked against the index expression on random
arrays; equivalent forms come from a few rewrite rules and are kept only when they verify too.
"""

from __future__ import annotations

from msgspec import Struct

from derive.engine.matrixterms import MatrixTerm
from derive.engine.normalize import Rewriter
from derive.engine.reassemble import reassemble, to_expr
from derive.engine.sums import remove_sums
from derive.engine.textbook import textbook_form
from derive.errors import UnsupportedError, VerificationError
from derive.expr.nodes import Dim, Expr, Transpose, children
from derive.expr.terms import Poly
from derive.expr.unparse import unparse
from derive.problem.index import IndexProblem
from derive.vectorization import DEFAULT_SEED
from derive.vectorization.check import Check, check_forms
from derive.vectorization.rewrite import rewrites

MAX_EQUIVALENT = 4


class Work(Struct, frozen=True):
    """Everything `derive vectorize` computes, for the steps and the output."""

    problem: IndexProblem
    collapsed: Poly
    arrangement: tuple[str | None, str | None]
    terms: tuple[MatrixTerm, ...]
    raw: Expr
    answer: Expr
    shape: tuple[Dim, Dim]
    natural: Expr | None
    equivalent: tuple[Expr, ...]
    check: Check


def vectorize_problem(problem: IndexProblem, seed: int = DEFAULT_SEED) -> Work:
    """Find, check and explain the matrix form of an index expression.

    Raises:
        UnsupportedError: no matrix form found by the reassembly rules.
        VerificationError: the matrix form found does not match the index expression.
    """
    free = problem.free
    row = free[0] if free else None
    col = free[1] if len(free) == 2 else None
    collapsed = remove_sums(problem.poly, problem.space)
    terms = _reassemble(problem, collapsed, row, col)
    answer = textbook_form(terms, problem.shapes, frozenset())
    shape = (_dim(problem, row), _dim(problem, col))
    check = check_forms(problem, (answer,), shape, seed)
    if not check.sizes:
        raise VerificationError(
            f"cannot check the matrix form of '{problem.text.strip()}': {check.reasons[0]}",
            hint="declare shapes for which the expression is defined",
        )
    if not check.passed[0]:
        raise VerificationError(
            f"the matrix form '{unparse(answer)}' does not match the index expression "
            f"(seed {check.seed}, sizes {_sizes(check)}): {check.reasons[0]}",
            hint="this is a bug in derive's reassembly rules; please report it",
        )
    raw = to_expr(terms)
    natural = _natural(problem, collapsed, row, col, answer, raw)
    equivalent = _equivalents(problem, answer, shape, seed)
    return Work(problem, collapsed, (row, col), tuple(terms), raw, answer, shape, natural,
                equivalent, check)


def _reassemble(
    problem: IndexProblem, poly: Poly, row: str | None, col: str | None
) -> list[MatrixTerm]:
    try:
        return reassemble(poly, row, col, problem.shapes, problem.space)
    except UnsupportedError as error:
        raise UnsupportedError(
            f"no matrix form found for '{problem.text.strip()}': {error.message}",
            hint="rewrite the expression with at most two indices per factor and each summed "
            "index shared by at most two factors",
        ) from None


def _dim(problem: IndexProblem, index: str | None) -> Dim:
    return 1 if index is None else problem.space.dim(index)


def _sizes(check: Check) -> str:
    return ", ".join(f"{name}={size}" for name, size in check.sizes) or "none"


def count_transposes(expr: Expr) -> int:
    """How many transposes an expression prints with."""
    own = 1 if isinstance(expr, Transpose) else 0
    return own + sum(count_transposes(child) for child in children(expr))


def _natural(
    problem: IndexProblem, poly: Poly, row: str | None, col: str | None, answer: Expr,
    raw: Expr,
) -> Expr | None:
    """The transposed arrangement, when the entries read as it: the reassembly had to
    transpose at the end, or it has fewer transposes than the answer."""
    if row is None:
        return None
    if isinstance(raw, Transpose):
        return Rewriter(problem.shapes, frozenset()).normalize(raw.operand)
    try:
        flipped = textbook_form(reassemble(poly, col, row, problem.shapes, problem.space),
                                problem.shapes, frozenset())
    except UnsupportedError:
        return None
    if count_transposes(flipped) < count_transposes(answer):
        return flipped
    return None


def _equivalents(
    problem: IndexProblem, answer: Expr, shape: tuple[Dim, Dim], seed: int
) -> tuple[Expr, ...]:
    seen = {unparse(answer)}
    candidates: list[Expr] = []
    for candidate in rewrites(answer, problem.shapes):
        text = unparse(candidate)
        if text not in seen:
            seen.add(text)
            candidates.append(candidate)
    if not candidates:
        return ()
    check = check_forms(problem, tuple(candidates), shape, seed)
    kept = [c for c, ok in zip(candidates, check.passed, strict=True) if ok]
    kept.sort(key=lambda e: (count_transposes(e), len(unparse(e))))
    return tuple(kept[:MAX_EQUIVALENT])
