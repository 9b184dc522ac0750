"""Turn a derivation into plain template variables: strings only, no engine objects.

Every template (Markdown, LaTeX, text) renders from this one dictionary, so the variables
documented in README are exactly the keys built here.
"""

from __future__ import annotations

from typing import Any

from derive.engine.steps import Derivation, Math, Prose, Step
from derive.expr.nodes import Symbol
from derive.expr.shapes import Shape, infer_shape
from derive.expr.unparse import unparse
from derive.render.mathtex import MathPrinter
from derive.render.mathtext import to_text
from derive.render.notation import Notation
from derive.render.printer import ExprPrinter


def prose_to_latex(prose: Prose, printer: MathPrinter) -> str:
    """Prose with inline math as `$...$` (valid in Markdown and in LaTeX)."""
    return "".join(f"${printer.print(p.obj)}$" if isinstance(p, Math) else p for p in prose)


def prose_to_text(prose: Prose) -> str:
    """Prose with inline math in the expression and index languages."""
    return "".join(to_text(p.obj) if isinstance(p, Math) else p for p in prose)


def step_context(step: Step, printer: MathPrinter) -> dict[str, Any]:
    """The template variables of one step (README, 'Template variables')."""
    return {
        "kind": step.kind.value,
        "title": step.title,
        "text": prose_to_text(step.prose),
        "latex_prose": prose_to_latex(step.prose, printer),
        "equations": [printer.print(e) for e in step.equations],
        "equations_text": [to_text(e) for e in step.equations],
    }


def derivation_context(
    derivation: Derivation, notation: Notation = Notation.BOLD
) -> dict[str, Any]:
    """The template variables for one derivation (see README, 'Template variables')."""
    problem = derivation.problem
    shapes = {**problem.shapes, derivation.output.name: problem.shape}
    if derivation.chain is not None:
        defined: dict[str, Shape] = {}
        for name, expr in derivation.chain.definitions:
            defined[name] = infer_shape(expr, {**shapes, **defined})
        shapes.update(defined)
        shapes.update({f"delta_{name}": shape for name, shape in defined.items()})
    printer = MathPrinter(ExprPrinter(shapes, notation))
    steps = [step_context(step, printer) for step in derivation.steps]
    result = derivation.result if derivation.result is not None else derivation.compact
    if derivation.chain is not None and derivation.chain.in_intermediates is not None:
        result = derivation.chain.in_intermediates  # the answer as backpropagation writes it
    return {
        "expr": problem.text,
        "expr_latex": printer.print(problem.expr),
        "wrt": derivation.wrt,
        "wrt_latex": printer.print(_symbol(derivation.wrt)),
        "output_latex": printer.print(derivation.output),
        "layout": derivation.layout.value,
        "result": unparse(derivation.result) if derivation.result is not None else None,
        "result_latex": printer.print(result) if result is not None else None,
        "compact": derivation.result is None and derivation.compact is not None,
        "compact_text": unparse(derivation.compact) if derivation.compact is not None else None,
        "shape": "×".join(str(d) for d in derivation.shape),
        "verified": derivation.verification.passed,
        "steps": steps,
    }


def _symbol(name: str) -> Any:
    return Symbol(name)
