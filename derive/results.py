"""The Python API: `derive.solve(...)` and `derive.vectorize(...)`, and the results they return.

`Solution` and `Vectorization` share one base: each prints itself as text, Markdown and LaTeX
through `derive.render`, displays in Jupyter, and serialises with one `to_dict`, which is exactly
the JSON object of `derive solve --format json` and `derive vectorize --format json`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from derive import arguments
from derive.engine import DEFAULT_SEED, derive_exercise
from derive.engine.steps import Derivation, Layout
from derive.errors import SpecError, within_limits
from derive.expr.nodes import Dim
from derive.expr.termtext import poly_to_text
from derive.expr.unparse import unparse
from derive.problem import make_problem
from derive.render.documents import render_snippet
from derive.render.notation import Notation
from derive.vectorization import DEFAULT_SEED as VECTORIZE_SEED

if TYPE_CHECKING:
    from derive.vectorization.explain import Vectorized

LAYOUTS = tuple(layout.value for layout in Layout)


class Result(ABC):
    """What every solved question offers: renderings, Jupyter display and the JSON object."""

    kind = "derivative"
    """The template family the result renders with ('derivative' or 'vectorize')."""

    def __init__(self, notation: Notation) -> None:
        self.notation = notation

    @abstractmethod
    def context(self) -> dict[str, Any]:
        """The template variables (README, 'Template variables')."""

    @abstractmethod
    def fields(self) -> dict[str, Any]:
        """The JSON object's fields other than the steps."""

    def to_dict(self) -> dict[str, Any]:
        """The JSON object of the command line's `--format json`."""
        steps = [
            {"kind": s["kind"], "title": s["title"], "text": s["text"],
             "latex": " \\\\ ".join(s["equations"]), "prose_latex": s["latex_prose"]}
            for s in self.context()["steps"]
        ]
        return {**self.fields(), "steps": steps}

    def to_text(self) -> str:
        """A terminal rendering of the worked solution."""
        return render_snippet(self.kind, self.context(), "text")

    def to_markdown(self) -> str:
        """The worked solution as a Markdown snippet with `$...$` math."""
        return render_snippet(self.kind, self.context(), "md")

    def to_latex(self) -> str:
        """The worked solution as a LaTeX snippet."""
        return render_snippet(self.kind, self.context(), "tex")

    def _repr_markdown_(self) -> str:
        return self.to_markdown()

    def _repr_latex_(self) -> str | None:
        """The answer as one display formula (Jupyter's LaTeX display; None when it has none)."""
        context = self.context()
        if context["result_latex"] is None:
            return None
        return "$$" + self._answer_latex(context) + "$$"

    def _answer_latex(self, context: dict[str, Any]) -> str:
        return str(context["result_latex"])


class Solution(Result):
    """A solved derivative: the answer, the element formula, the worked steps, the check."""

    def __init__(self, derivation: Derivation, notation: Notation = Notation.BOLD) -> None:
        super().__init__(notation)
        self.derivation = derivation

    @property
    def result(self) -> str | None:
        """The derivative in the expression language; None when it has 3 or more axes."""
        result = self.derivation.result
        return unparse(result) if result is not None else None

    def context(self) -> dict[str, Any]:
        from derive.render.context import derivation_context  # keeps start-up fast

        return derivation_context(self.derivation, self.notation)

    def to_numpy(self) -> str:
        """A self-contained Python module (it imports only numpy) with `value`, `derivative` in
        this solution's layout and `check` against finite differences; README, "Code export".
        """
        from derive.render.numpy_code import derivation_to_numpy  # keeps start-up fast

        return derivation_to_numpy(self.derivation)

    def fields(self) -> dict[str, Any]:
        d = self.derivation
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

    def _answer_latex(self, context: dict[str, Any]) -> str:
        from derive.render.handout import substituted_latex  # keeps start-up fast

        output, wrt = context["output_latex"], context["wrt_latex"]
        derivative = rf"\frac{{\partial {output}}}{{\partial {wrt}}}"
        if context["compact"]:
            return rf"\text{{compact form of }} {derivative}: \quad {context['result_latex']}"
        # A chain's answer names its intermediates; one formula on its own writes them out.
        written = substituted_latex(self.derivation, self.notation) or context["result_latex"]
        return f"{derivative} = {written}"

    def __repr__(self) -> str:
        return f"Solution(result={self.result!r}, layout={self.derivation.layout.value!r})"


class Vectorization(Result):
    """A vectorized index expression: the matrix form, equivalent forms, steps and check."""

    kind = "vectorize"

    def __init__(self, vectorized: Vectorized, notation: Notation = Notation.BOLD) -> None:
        super().__init__(notation)
        self.vectorized = vectorized

    @property
    def result(self) -> str:
        """The matrix form in the expression language (parseable by `derive parse`)."""
        return unparse(self.vectorized.work.answer)

    @property
    def equivalent(self) -> list[str]:
        """Other forms of the same matrix, each verified numerically."""
        return [unparse(e) for e in self.vectorized.work.equivalent]

    def context(self) -> dict[str, Any]:
        from derive.render.vectorize import vectorization_context  # keeps start-up fast

        return vectorization_context(self.vectorized, self.notation)

    def fields(self) -> dict[str, Any]:
        work = self.vectorized.work
        return {
            "expr": work.problem.text,
            "free": list(work.problem.free),
            "shape": list(work.shape),
            "result": self.result,
            "equivalent": self.equivalent,
            "verified": all(work.check.passed),
        }

    def __repr__(self) -> str:
        return f"Vectorization(result={self.result!r}, equivalent={self.equivalent!r})"


def solve(  # noqa: PLR0913 - keyword-only options of the public API, all defaulted
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
            # imported here to keep start-up fast: most calls have no intermediates
            from derive.engine.chain import derive_chain
            from derive.engine.chain_explain import explain_chain
            from derive.problem.chain import make_chain

            problem, definitions = make_chain(expr, list(let), shapes, assume, functions)
            work = derive_chain(problem, definitions, wrt, Layout(layout), name=name, seed=seed)
            return Solution(explain_chain(work), Notation(notation))
        problem = make_problem(expr, shapes, assume, functions, variable=wrt)
        derivation = derive_exercise(
            problem, wrt, Layout(layout), name=name, element=concrete, seed=seed
        )
        return Solution(derivation, Notation(notation))


def vectorize(
    index_expr: str,
    free: str | Sequence[str],
    *,
    shapes: Mapping[str, Sequence[Dim]] | None = None,
    ranges: Mapping[str, Dim] | None = None,
    name: str | None = None,
    seed: int = VECTORIZE_SEED,
) -> Vectorization:
    """Write an entry formula in index notation as a matrix expression, with worked steps.

    Args:
        index_expr: e.g. ``"sum(A[k,i] * B[k,j], k)"``.
        free: the free indices naming the entry, ``"i,j"`` or ``["i", "j"]``; one free index
            gives a column vector, none a scalar.
        shapes: symbol -> dimensions as for `derive.solve` (``["n"]`` column vector,
            ``["m", "n"]`` matrix); undeclared names are scalars.
        ranges: index -> dimension, for an index that no entry gives a range to, such as
            ``{"i": "n"}`` for ``delta(i, j) * s``.
        name: the result's name in the steps (default: a letter the expression does not use).
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
    # imported here to keep start-up fast: `derive solve` never vectorizes
    from derive.problem.index import parse_index
    from derive.vectorization.explain import explain
    from derive.vectorization.solve import vectorize_problem

    index_expr = arguments.text("index_expr", index_expr)
    if isinstance(free, str):
        names = [n.strip() for n in free.split(",") if n.strip()]
    else:
        names = arguments.strings("free", free) or []
    for index in names:
        arguments.name("free", index)
    output = arguments.name("name", name) if name is not None else None
    with within_limits():
        problem = parse_index(index_expr, names, arguments.shapes(shapes),
                              arguments.ranges(ranges))
        if output in problem.shapes:
            raise SpecError(f"the result's name '{output}' is a symbol of the index expression",
                              hint="name the result with a new letter, such as 'R'")
        work = vectorize_problem(problem, arguments.seed(seed))
        return Vectorization(explain(work, output))


__all__ = ["LAYOUTS", "Result", "Solution", "Vectorization", "solve", "vectorize"]
