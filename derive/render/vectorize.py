"""Render `derive vectorize` results: template variables from steps, then Jinja templates.

Kept apart from `context.py` (derivatives) because a vectorization has no variable or layout;
it shares the printers and the step partials.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from derive.engine.steps import Step
from derive.expr.nodes import Expr
from derive.expr.shapes import Shape
from derive.expr.unparse import unparse
from derive.render.context import step_context
from derive.render.env import make_env, render_template
from derive.render.mathtex import MathPrinter
from derive.render.notation import Notation
from derive.render.printer import ExprPrinter

_KINDS = {"text": ("text", "vectorize.txt.j2"), "md": ("markdown", "vectorize.md.j2"),
          "tex": ("latex", "vectorize.tex.j2")}


def vectorize_context(
    expr: str,
    free: tuple[str, ...],
    result: Expr,
    equivalent: tuple[Expr, ...],
    steps: tuple[Step, ...],
    shapes: Mapping[str, Shape],
    verified: bool,
    notation: Notation = Notation.BOLD,
) -> dict[str, Any]:
    """The template variables of one vectorization (strings only)."""
    printer = MathPrinter(ExprPrinter(shapes, notation))
    rows, cols = _shape_of(result, shapes)
    return {
        "expr": expr,
        "free": list(free),
        "result": unparse(result),
        "result_latex": printer.print(result),
        "equivalent": [unparse(e) for e in equivalent],
        "equivalent_latex": [printer.print(e) for e in equivalent],
        "shape": f"{rows}×{cols}",
        "verified": verified,
        "steps": [step_context(step, printer) for step in steps],
    }


def _shape_of(expr: Expr, shapes: Mapping[str, Shape]) -> Shape:
    from derive.expr.shapes import infer_shape

    return infer_shape(expr, shapes)


def render_vectorize(context: Mapping[str, Any], fmt: str, templates: Path | None = None) -> str:
    """A vectorization as a snippet in `fmt` ('text', 'md' or 'tex')."""
    kind, name = _KINDS[fmt]
    return render_template(make_env(kind, templates), name, context, "a vectorization")
