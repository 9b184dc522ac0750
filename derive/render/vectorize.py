"""Template variables of a solved vectorize question (strings only).

Kept apart from `context.py` (derivatives) because a vectorization has no variable or layout;
it shares the printers and the step partials.
"""

from __future__ import annotations

from typing import Any

from derive.expr.shapes import infer_shape
from derive.expr.unparse import unparse
from derive.render.context import step_context
from derive.render.mathtex import MathPrinter
from derive.render.notation import Notation
from derive.render.printer import ExprPrinter
from derive.vectorization.explain import Vectorized


def vectorization_context(
    vectorized: Vectorized, notation: Notation = Notation.BOLD
) -> dict[str, Any]:
    """The template variables of one vectorization (README, 'Handout templates')."""
    work = vectorized.work
    shapes = {**work.problem.shapes, vectorized.output: work.shape}
    printer = MathPrinter(ExprPrinter(shapes, notation))
    rows, cols = infer_shape(work.answer, shapes)
    return {
        "expr": work.problem.text,
        "free": list(work.problem.free),
        "result": unparse(work.answer),
        "result_latex": printer.print(work.answer),
        "equivalent": [unparse(e) for e in work.equivalent],
        "equivalent_latex": [printer.print(e) for e in work.equivalent],
        "shape": f"{rows}×{cols}",
        "verified": all(work.check.passed),
        "steps": [step_context(step, printer) for step in vectorized.steps],
    }
