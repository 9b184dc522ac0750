"""Vectorization (`derive.vectorize`): an entry formula in index notation -> its matrix form.

`vectorize(index_expr, free, shapes=...)` returns a `Vectorization` whose `to_dict()` is exactly
the JSON object of `derive vectorize --format json`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from derive import arguments
from derive.engine.steps import Step
from derive.errors import within_limits
from derive.expr.nodes import Dim
from derive.expr.unparse import unparse
from derive.render.notation import Notation
from derive.vectorization.explain import explain, output_name
from derive.vectorization.parse import parse_index
from derive.vectorization.solve import DEFAULT_SEED, Work, vectorize_problem


class Vectorization:
    """A vectorized index expression: the matrix form, equivalent forms, steps and check."""

    def __init__(self, work: Work, steps: tuple[Step, ...]) -> None:
        self.work = work
        self.steps = steps

    @property
    def result(self) -> str:
        """The matrix form in the expression language (parseable by `derive parse`)."""
        return unparse(self.work.answer)

    @property
    def equivalent(self) -> list[str]:
        """Other forms of the same matrix, each verified numerically."""
        return [unparse(e) for e in self.work.equivalent]

    def _context(self, notation: Notation = Notation.BOLD) -> dict[str, Any]:
        from derive.render.vectorize import vectorize_context

        work = self.work
        shapes = {**work.problem.shapes, output_name(work): work.shape}
        return vectorize_context(work.problem.text, work.problem.free, work.answer,
                                 work.equivalent, self.steps, shapes, all(work.check.passed),
                                 notation)

    def to_dict(self) -> dict[str, Any]:
        """The JSON object of `derive vectorize --format json`."""
        context = self._context()
        return {
            "expr": self.work.problem.text,
            "free": list(self.work.problem.free),
            "shape": list(self.work.shape),
            "result": self.result,
            "equivalent": self.equivalent,
            "verified": all(self.work.check.passed),
            "steps": [
                {"kind": s["kind"], "title": s["title"], "text": s["text"],
                 "latex": " \\\\ ".join(s["equations"]), "prose_latex": s["latex_prose"]}
                for s in context["steps"]
            ],
        }

    def _render(self, fmt: str) -> str:
        from derive.render.vectorize import render_vectorize

        return render_vectorize(self._context(), fmt)

    def to_text(self) -> str:
        """A terminal rendering of the worked vectorization."""
        return self._render("text")

    def to_markdown(self) -> str:
        """The worked vectorization as Markdown with `$...$` math."""
        return self._render("md")

    def to_latex(self) -> str:
        """The worked vectorization as a LaTeX snippet."""
        return self._render("tex")

    def _repr_markdown_(self) -> str:
        return self.to_markdown()

    def __repr__(self) -> str:
        return f"Vectorization(result={self.result!r}, equivalent={self.equivalent!r})"


def vectorize(
    index_expr: str,
    free: str | Sequence[str],
    *,
    shapes: Mapping[str, Sequence[Dim]] | None = None,
    seed: int = DEFAULT_SEED,
) -> Vectorization:
    """Write an entry formula in index notation as a matrix expression, with worked steps.

    Args:
        index_expr: e.g. ``"sum(A[k,i] * B[k,j], k)"``.
        free: the free indices naming the entry, ``"i,j"`` or ``["i", "j"]``; one free index
            gives a column vector, none a scalar.
        shapes: symbol -> dimensions as for `derive.solve` (``["n"]`` column vector,
            ``["m", "n"]`` matrix); undeclared names are scalars.
        seed: the random seed of the numeric check.

    Returns:
        The verified Vectorization.

    Raises:
        DeriveError: invalid input (with position), no matrix form found, or a failed check.

    Example:
        >>> vectorize("sum(A[k,i] * B[k,j], k)", "i,j",
        ...           shapes={"A": ["p", "m"], "B": ["p", "n"]}).result
        'A.T @ B'
    """
    index_expr = arguments.text("index_expr", index_expr)
    if isinstance(free, str):
        names = [n.strip() for n in free.split(",") if n.strip()]
    else:
        names = arguments.strings("free", free) or []
    for index in names:
        arguments.name("free", index)
    with within_limits():
        problem = parse_index(index_expr, names, arguments.shapes(shapes))
        work = vectorize_problem(problem, arguments.seed(seed))
    return Vectorization(work, explain(work))


__all__ = ["Vectorization", "vectorize"]
