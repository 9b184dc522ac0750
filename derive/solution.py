"""The Python API: `derive.solve(...)` returning a `Solution` that prints, serialises and displays.

`Solution.to_dict()` is exactly the JSON object of `derive solve --format json`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from derive import arguments
from derive.engine import DEFAULT_SEED, derive_exercise
from derive.engine.chain import derive_chain, make_chain
from derive.engine.chain_explain import explain_chain
from derive.engine.format import poly_to_text
from derive.engine.steps import Derivation, Layout
from derive.errors import SpecError, within_limits
from derive.expr.nodes import Dim
from derive.expr.unparse import unparse
from derive.problem import make_problem
from derive.render.context import derivation_context
from derive.render.notation import Notation

LAYOUTS = tuple(layout.value for layout in Layout)


class Solution:
    """A solved derivative: the answer, the element formula, the worked steps, the check."""

    def __init__(self, derivation: Derivation, notation: Notation = Notation.BOLD) -> None:
        self.derivation = derivation
        self.notation = notation

    @property
    def result(self) -> str | None:
        """The derivative in the expression language; None when it has 3 or more axes."""
        result = self.derivation.result
        return unparse(result) if result is not None else None

    def to_dict(self) -> dict[str, Any]:
        """The JSON object of `derive solve --format json`."""
        d = self.derivation
        context = derivation_context(d, self.notation)
        return {
            "expr": d.problem.text,
            "wrt": d.wrt,
            "result": self.result,
            "compact": unparse(d.compact) if d.compact is not None else None,
            "element": poly_to_text(d.element),
            "indices": list(d.indices),
            "shape": list(d.shape),
            "layout": d.layout.value,
            "verified": d.verification.passed,
            "check": {
                "seed": d.verification.seed,
                "sizes": dict(d.verification.sizes),
                "draws": d.verification.draws,
                "method": d.verification.method,
                "tolerance": d.verification.tolerance,
            },
            **self._chain_fields(),
            "steps": [
                {"kind": s["kind"], "title": s["title"], "text": s["text"],
                 "latex": " \\\\ ".join(s["equations"]), "prose_latex": s["latex_prose"]}
                for s in context["steps"]
            ],
        }

    def _chain_fields(self) -> dict[str, Any]:
        chain = self.derivation.chain
        if chain is None:
            return {}
        return {
            "definitions": {name: unparse(expr) for name, expr in chain.definitions},
            "result_intermediates": unparse(chain.in_intermediates)
            if chain.in_intermediates is not None else None,
            "backprop": None if chain.backprop is None else {
                "deltas": {name: unparse(expr) for name, expr in chain.deltas},
                "result": unparse(chain.backprop),
            },
        }

    def to_text(self) -> str:
        """A terminal rendering of the worked solution."""
        from derive.render.documents import render_solution

        return render_solution(self.derivation, "text", self.notation)

    def to_markdown(self) -> str:
        """The worked solution as a Markdown snippet with `$...$` math."""
        from derive.render.documents import render_solution

        return render_solution(self.derivation, "md", self.notation)

    def to_latex(self) -> str:
        """The worked solution as a LaTeX snippet."""
        from derive.render.documents import render_solution

        return render_solution(self.derivation, "tex", self.notation)

    def _repr_markdown_(self) -> str:
        return self.to_markdown()

    def _repr_latex_(self) -> str:
        context = derivation_context(self.derivation, self.notation)
        return "$" + (context["result_latex"] or "") + "$"

    def __repr__(self) -> str:
        return f"Solution(result={self.result!r}, layout={self.derivation.layout.value!r})"


def solve(
    expr: str,
    wrt: str,
    *,
    shapes: Mapping[str, Sequence[Dim]] | None = None,
    assume: Mapping[str, str | Sequence[str]] | None = None,
    layout: str = "denominator",
    name: str | None = None,
    notation: str = "bold",
    element: Sequence[int] | None = None,
    let: Sequence[str] | None = None,
    functions: Mapping[str, str] | None = None,
    seed: int = DEFAULT_SEED,
) -> Solution:
    """Differentiate `expr` with respect to `wrt`, with worked steps and a numeric check.

    Args:
        expr: the expression, e.g. ``"x.T @ A @ x"``.
        wrt: the symbol to differentiate by.
        shapes: symbol -> dimensions: ``[]`` scalar, ``["n"]`` column, ``[1, "n"]`` row,
            ``["m", "n"]`` matrix. Undeclared symbols are scalars.
        assume: symbol -> property or list of properties (symmetric, spd, invertible, positive).
        layout: ``numerator``, ``denominator`` (default) or ``mixed``.
        name: the output's name in the text (default f, y or Y by shape).
        notation: ``bold``, ``arrow`` or ``plain`` typeface for vectors and matrices.
        element: 1-based indices of one entry (output's, then the variable's) for an extra
            concrete walk-through, e.g. ``(3, 7)`` for the partial of y_3 by x_7.
        let: ordered definitions of intermediates, ``["a = sigmoid(M @ x)", "yhat = N @ a"]``;
            each may use earlier ones, and `expr` may use them all. The derivation then goes
            link by link with the chain rule (backpropagation for a scalar output).
        functions: declared unspecified functions: name -> ``elementwise``, ``scalar`` or
            ``vector:SIZE``; answers keep ``f_prime``, ``grad_h`` and ``jac_g`` symbolic.
        seed: the random seed of the numeric check.

    Returns:
        The verified Solution.

    Raises:
        DeriveError: invalid input (with position), no rule for a construct, or a failed check.

    Example:
        >>> solve("x.T @ A @ x", "x", shapes={"x": ["n"], "A": ["n", "n"]}).result
        '(A + A.T) @ x'
    """
    expr, wrt = arguments.text("expr", expr), arguments.name("wrt", wrt)
    shapes, assume = arguments.shapes(shapes), arguments.assumptions(assume)
    layout = arguments.choice("layout", layout, LAYOUTS)
    notation = arguments.choice("notation", notation, [n.value for n in Notation])
    name = None if name is None else arguments.name("name", name)
    concrete = arguments.integers("element", element)
    let, functions = arguments.strings("let", let), arguments.functions(functions)
    seed = arguments.seed(seed)
    if let and element is not None:
        raise SpecError("a concrete element walk-through is not available for chains",
                        hint="remove 'element' or the definitions")
    with within_limits():
        if let:
            problem, definitions = make_chain(expr, list(let), shapes, assume, functions)
            work = derive_chain(problem, definitions, wrt, Layout(layout), name=name, seed=seed)
            return Solution(explain_chain(work), Notation(notation))
        problem = make_problem(expr, shapes, assume, functions, variable=wrt)
        derivation = derive_exercise(
            problem, wrt, Layout(layout), name=name, element=concrete, seed=seed
        )
        return Solution(derivation, Notation(notation))
