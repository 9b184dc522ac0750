"""Turn a derivation into plain template variables: strings only, no engine objects.

Every template (Markdown, LaTeX, text) renders from this one dictionary, so the variables
documented in README are exactly the keys built here.
"""

from __future__ import annotations

import re
from typing import Any

from derive.engine.steps import Derivation, Math, MathObject, Prose, Step
from derive.expr.nodes import Symbol
from derive.expr.shapes import Shape, infer_shape
from derive.expr.terms import Entry
from derive.expr.unparse import unparse
from derive.render.mathtex import MathPrinter
from derive.render.mathtext import to_text
from derive.render.names import name_to_unicode
from derive.render.notation import Notation
from derive.render.printer import ExprPrinter

_WORD = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)")


def prose_to_latex(prose: Prose, printer: MathPrinter) -> str:
    """Prose with inline math as `$...$` (valid in Markdown and in LaTeX)."""
    return "".join(f"${printer.print(p.obj)}$" if isinstance(p, Math) else p for p in prose)


def prose_to_text(prose: Prose) -> str:
    """Prose with inline math in the expression and index languages; a lone name reads as the
    notes write it (λ, ŷ, W₂), while formulas stay in the language they can be pasted back as."""
    return "".join(_math_text(p.obj) if isinstance(p, Math) else p for p in prose)


def _math_text(obj: MathObject) -> str:
    if isinstance(obj, Entry) and not obj.indices:
        obj = obj.base
    return name_to_unicode(obj.name) if isinstance(obj, Symbol) else to_text(obj)


def title_names(title: str, printer: MathPrinter) -> tuple[str, str]:
    """A step title with the exercise's names as the notes write them: (Unicode text, LaTeX).

    Only words that are symbols of the exercise change; in LaTeX they become inline math, and
    the rest is the engine's own text, as in `latex_prose`.

    Example:
        >>> printer = MathPrinter(ExprPrinter({"yhat": ("n", 1), "W2": ("n", "n")}))
        >>> title_names("Local derivative of yhat by W2", printer)[0]
        'Local derivative of ŷ by W₂'
    """
    known = printer.exprs.shapes
    text = _WORD.sub(lambda m: name_to_unicode(m[0]) if m[0] in known else m[0], title)
    pieces = []
    for position, piece in enumerate(_WORD.split(title)):
        pieces.append(f"${printer.exprs.symbol(piece)}$" if position % 2 and piece in known
                      else piece)
    return text, "".join(pieces)


def step_context(step: Step, printer: MathPrinter) -> dict[str, Any]:
    """The template variables of one step (README, 'Template variables')."""
    title, latex_title = title_names(step.title, printer)
    return {
        "kind": step.kind.value,
        "title": title,
        "latex_title": latex_title,
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
