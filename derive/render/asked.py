"""Template variables of the notes' question kinds: shape, select and the chain-rule blanks.

`asked_context` turns a key (`derive.engine.asked`) into strings: the question's own sentence,
the options with their verdicts, the blanks line. Math is LaTeX without `$`; prose (verdicts'
reasons) is escaped for the target format ('md', 'tex' or 'html').
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import Any

from derive.engine.asked import Asked, BlanksKey, SelectKey, ShapeKey, dims_text
from derive.engine.steps import Derivation
from derive.expr.nodes import Symbol
from derive.expr.shapes import Shape, infer_shape
from derive.render.env import escape_tex
from derive.render.notation import Notation, dim_to_latex
from derive.render.printer import ExprPrinter
from derive.render.prose import escape_md

VERDICT_WORDS = {
    "right": "right",
    "wrong_value": "wrong: well-shaped but a different value",
    "wrong_shape": "wrong shape",
    "ill_formed": "ill-formed",
}
"""How the key names each verdict."""

LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def escape_prose(text: str, fmt: str) -> str:
    """Engine prose (reasons, slips) escaped for `fmt`; '×' becomes math in LaTeX."""
    if fmt == "tex":
        return escape_tex(text).replace("×", r"$\times$")
    if fmt == "html":
        return html.escape(text)
    return escape_md(text)


def shape_latex(dims: tuple[Any, ...]) -> str:
    """A shape as LaTeX math: m \\times n."""
    return r" \times ".join(dim_to_latex(d) for d in dims)


def _printer(derivation: Derivation, notation: Notation) -> ExprPrinter:
    problem = derivation.problem
    shapes: dict[str, Shape] = {**problem.shapes, derivation.output.name: problem.shape}
    if derivation.chain is not None:
        for name, expr in derivation.chain.definitions:
            shapes[name] = infer_shape(expr, shapes)
    return ExprPrinter(shapes, notation)


def _partial(printer: ExprPrinter, of: str, by: str) -> str:
    return (rf"\frac{{\partial {printer.print(Symbol(of))}}}"
            rf"{{\partial {printer.print(Symbol(by))}}}")


def question_sentence(derivation: Derivation, asked: Asked, notation: Notation) -> str:
    """The sentence that asks the question, as prose with `$...$` math (md and tex alike)."""
    printer = _printer(derivation, notation)
    partial = _partial(printer, derivation.output.name, derivation.wrt)
    layout = derivation.layout.value
    if isinstance(asked, ShapeKey):
        return f"What is the shape of ${partial}$ in {layout} layout?"
    if isinstance(asked, SelectKey):
        if asked.criterion == "shape":
            return (f"Select every option that is defined and has the shape of ${partial}$ in "
                    f"{layout} layout.")
        return f"Select every option that equals ${partial}$ in {layout} layout."
    return (f"Fill in the blanks so that the chain rule below holds for ${partial}$ in {layout} "
            "layout.")


def blank_line(derivation: Derivation, asked: BlanksKey, notation: Notation) -> str:
    """The chain rule with blanks, d out/d wrt = d□/d□ d□/d□ ..., as LaTeX math."""
    printer = _printer(derivation, notation)
    blank = r"\frac{\partial \square}{\partial \square}"
    partial = _partial(printer, derivation.output.name, derivation.wrt)
    return f"{partial} = {' '.join([blank] * len(asked.factors))}"


def options_context(key: SelectKey, printer: ExprPrinter, fmt: str) -> list[dict[str, Any]]:
    """The options of a select key: letter, LaTeX, text, verdict and the reason for it."""
    return [
        {
            "letter": LETTERS[index],
            "latex": printer.print(option.expr),
            "text": option.text,
            "right": option.right,
            "verdict": VERDICT_WORDS[option.verdict],
            "why": escape_prose(option.why, fmt),
            "generated": option.slip is not None,
        }
        for index, option in enumerate(key.options)
    ]


def asked_context(
    derivation: Derivation, asked: Asked | None, fmt: str, notation: Notation
) -> Mapping[str, Any]:
    """The variables of one question's own part (README, 'Template variables')."""
    if asked is None:
        return {"question": None, "options": [], "key_shape": None, "reason": None,
                "blanks": None, "blank_line": None}
    printer = _printer(derivation, notation)
    context: dict[str, Any] = {
        "question": question_sentence(derivation, asked, notation),
        "options": [], "key_shape": None, "reason": None, "blanks": None, "blank_line": None,
    }
    if isinstance(asked, ShapeKey):
        context["key_shape"] = shape_latex(asked.dims)
        context["reason"] = escape_prose(asked.reason, fmt)
    elif isinstance(asked, SelectKey):
        context["options"] = options_context(asked, printer, fmt)
    elif isinstance(asked, BlanksKey):
        context["blank_line"] = blank_line(derivation, asked, notation)
        context["names"] = ", ".join(printer.print(Symbol(name)) for name in asked.names)
        context["blanks"] = " ".join(_partial(printer, f.of, f.by) for f in asked.factors)
        context["reason"] = escape_prose(asked.reason + ".", fmt)
        context["factors"] = [
            {"latex": _partial(printer, f.of, f.by), "shape": shape_latex(f.dims),
             "shape_text": dims_text(f.dims)}
            for f in asked.factors
        ]
    return context
