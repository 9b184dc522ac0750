"""Plain-text reports of the command line that are not worked solutions: `derive parse`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from derive.expr.nodes import Dim
from derive.expr.shapes import format_shape, kind_of
from derive.expr.unparse import unparse
from derive.problem import make_problem
from derive.render.notation import Notation
from derive.render.printer import to_latex


def parse_report(
    text: str,
    shapes: Mapping[str, Sequence[Dim]],
    assume: Mapping[str, Sequence[str]],
    notation: str,
) -> str:
    """The parsed expression's shape, its canonical text, its LaTeX and its symbols.

    Example:
        >>> print(parse_report("x.T @ x", {"x": ["n"]}, {}, "plain"))
        shape: scalar (1×1)
        expr: x.T @ x
        latex: x^\\top x
          x: n×1
    """
    problem = make_problem(text, shapes, assume)
    rows, cols = problem.shape
    lines = [
        f"shape: {kind_of(problem.shape)} ({rows}×{cols})",
        f"expr: {unparse(problem.expr)}",
        f"latex: {to_latex(problem.expr, problem.shapes, Notation(notation))}",
    ]
    for name, shape in problem.shapes.items():
        props = ", ".join(sorted(problem.assumptions.get(name, ())))
        lines.append(f"  {name}: {format_shape(shape)}" + (f" ({props})" if props else ""))
    return "\n".join(lines)
