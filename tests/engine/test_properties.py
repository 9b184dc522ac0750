"""Property tests of `derive.solve`: random well-shaped expressions, every answer re-checked.

Each drawn expression is solved in all three layouts. A returned solution must say it is verified,
and its `result` is re-evaluated independently of derive (the numpy oracle of tests/answers
evaluates it; our own central finite differences differentiate the expression) at a fresh general
point: distinct dimension sizes, signed values, non-symmetric matrices, positivity only where a
log or sqrt needs it. The derivative is arranged per layout by our own rules:

- scalar output: mixed/denominator have the variable's shape, numerator its transpose;
- scalar variable: mixed/numerator have the output's shape, denominator its transpose;
- vector output and vector variable: numerator/mixed are the Jacobian (output entries by rows,
  variable entries by columns), denominator its transpose.

Declines (`DeriveError`) are allowed, but must be a minority: `test_solved_fraction` draws 200
expressions from a seeded numpy generator written here and asserts how many are solved.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from answers.numpy_oracle import Case, OracleError, random_point
from answers.numpy_oracle import evaluate as oracle_evaluate
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st
from hypothesis.control import currently_in_test_context
from oracle import STEP, arrange, settled_differences
from strategies import _Builder, dim_pools

from derive import DeriveError, parse, solve
from derive.expr.nodes import Expr
from derive.expr.unparse import unparse

LAYOUTS = ("denominator", "numerator", "mixed")
TOLERANCE = 1e-4
POINT_ATTEMPTS = 5
"""Points drawn before a re-check gives up on finite differences that will not settle."""
"""Largest accepted |derived - finite difference| / max(1, |finite difference|)."""

Shape = tuple[object, object]


def _event(tag: str) -> None:
    """Record a hypothesis event when running under @given (a no-op otherwise)."""
    if currently_in_test_context():
        event(tag)


# --- the independent re-check ---------------------------------------------------------------


def _dims_list(shape: Shape) -> list[str | int]:
    """A (rows, cols) shape as an exercise file writes it: [], [n], [1, n] or [m, n]."""
    rows, cols = shape
    if shape == (1, 1):
        return []
    if cols == 1:
        return [rows]  # type: ignore[list-item]
    return [rows, cols]  # type: ignore[list-item]


def recheck(
    text: str, result: str | None, wrt: str, shapes: Mapping[str, Shape], layout: str,
    seed: int,
) -> str:
    """Re-check one returned answer; returns a tag for `event`, raises AssertionError if wrong.

    The point is general (signed values, distinct sizes, non-symmetric matrices, positivity only
    where log or sqrt need it) and is drawn, evaluated and differentiated by the numpy oracle of
    tests/answers, which shares no code with derive.
    """
    case = Case("property", "", "", {n: _dims_list(s) for n, s in shapes.items()}, layout,
                text, wrt, text, text)
    rng = np.random.default_rng(seed)
    for _attempt in range(POINT_ATTEMPTS):
        try:
            values, sizes = random_point(case, rng)
        except OracleError:
            return "recheck skipped: no point where the expression is defined"
        with np.errstate(all="ignore"):
            full = settled_differences(
                lambda value: oracle_evaluate(text, {**values, wrt: value}, sizes),  # noqa: B023
                values[wrt], TOLERANCE / 10,
            )
        if full is not None:
            break
    else:
        return "recheck skipped: finite differences do not settle at any drawn point"
    with np.errstate(all="ignore"):
        function_scale = float(np.max(np.abs(oracle_evaluate(text, values, sizes))))
        expected = arrange(full, layout)
        if expected is None:
            assert result is None, f"3/4-axis derivative but result {result!r}"
            return "3/4-axis derivative (result None)"
        assert result is not None, "a 2-axis derivative must have a result"
        derived = oracle_evaluate(result, values, sizes)
    assert derived.shape == expected.shape, (
        f"result {result!r} has shape {derived.shape}, expected {expected.shape} ({layout})"
    )
    scale = max(1.0, float(np.max(np.abs(expected))) if expected.size else 1.0)
    # rounding noise of the differences: a huge term that does not depend on wrt still adds it
    noise = 100 * np.finfo(float).eps * function_scale / STEP
    error = float(np.max(np.abs(derived - expected))) if expected.size else 0.0
    error = max(0.0, error - noise) / scale
    assert error <= TOLERANCE, (
        f"wrong answer {result!r} ({layout}, sizes {sizes}): relative error {error:.3g}"
    )
    return "rechecked"


def solve_and_recheck(
    expr: Expr, shapes: Mapping[str, Shape], wrt: str, layout: str, seed: int
) -> str:
    """Solve; on success assert verified and re-check. Returns 'solved' or 'declined'."""
    text = unparse(expr)
    spec = {name: [] if shape == (1, 1) else list(shape) for name, shape in shapes.items()}
    try:
        solution = solve(text, wrt, shapes=spec, layout=layout)
    except DeriveError as error:
        _event(f"declined: {type(error).__name__}")
        return "declined"
    data = solution.to_dict()
    assert data["verified"] is True, f"{text!r} by {wrt} ({layout}) returned unverified"
    assert data["layout"] == layout
    assert data["result"] == solution.result
    tag = recheck(text, solution.result, wrt, shapes, layout, seed)
    _event(tag)
    return "solved"


# --- hypothesis: the shared expression strategy at depth 4-5 ----------------------------------


@st.composite
def problems(draw: st.DrawFn) -> tuple[Expr, dict[str, Shape], str]:
    """(expr, shapes, wrt): a tree of depth 4-5 over symbolic dims, and one of its symbols."""
    builder = _Builder(draw, draw(dim_pools("symbolic")))
    expr = builder.build(builder.any_shape(), draw(st.integers(4, 5)))
    shapes: dict[str, Shape] = dict(sorted(builder.shapes.items()))
    assume(shapes)
    wrt = draw(st.sampled_from(sorted(shapes)))
    kind = {(True, True): "scalar", (False, True): "column", (True, False): "row"}.get(
        (shapes[wrt][0] == 1, shapes[wrt][1] == 1), "matrix"
    )
    event(f"variable: {kind}")
    return expr, shapes, wrt


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems(), st.integers(0, 2**32 - 1))
def test_every_returned_answer_rechecks(
    problem: tuple[Expr, dict[str, Shape], str], seed: int
) -> None:
    expr, shapes, wrt = problem
    for layout in LAYOUTS:
        solve_and_recheck(expr, shapes, wrt, layout, seed)


# --- a seeded numpy generator: the solved fraction ---------------------------------------------

_ELEMENTWISE = ("exp", "log", "sin", "cos", "tanh", "sigmoid", "sqrt")


class _Generator:
    """Random expression text over the whole vocabulary, with the shapes of its symbols."""

    NAMES = ("x", "y", "z", "a", "b", "c", "u", "v", "A", "B", "C", "W", "X", "V", "S", "s", "t")

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng
        self.pool: tuple[object, ...] = tuple(
            str(d) for d in rng.choice(["n", "m", "p", "k"], size=int(rng.integers(1, 4)),
                                       replace=False)
        )
        self.shapes: dict[str, Shape] = {}

    def pick(self, options: list) -> object:
        return options[int(self.rng.integers(len(options)))]

    def dim(self) -> object:
        return self.pick([1, *self.pool])

    def symbol(self, shape: Shape) -> str:
        same = [n for n, s in self.shapes.items() if s == shape]
        free = [n for n in self.NAMES if n not in self.shapes]
        if same and (not free or self.rng.random() < 0.5):
            return str(self.pick(same))
        name = str(self.pick(free))
        self.shapes[name] = shape
        return name

    def leaf(self, shape: Shape) -> str:
        rows, cols = shape
        options = ["sym", "sym", "sym"]
        if shape == (1, 1):
            options.append("num")
        if rows == cols and rows != 1:
            options.append("eye")
        if cols == 1 and rows != 1:
            options.append("ones")
        kind = self.pick(options)
        if kind == "num":
            return str(self.pick([2, 3, 0.5, 1.5]))
        if kind == "eye":
            return f"eye({rows})"
        if kind == "ones":
            return f"ones({rows})"
        return self.symbol(shape)

    def build(self, shape: Shape, depth: int) -> str:
        if depth <= 0:
            return self.leaf(shape)
        d = depth - 1
        rows, cols = shape
        scalar = (1, 1)
        options = [
            lambda: self.leaf(shape),
            lambda: f"-({self.build(shape, d)})",
            lambda: f"({self.build(shape, d)}) + ({self.build(shape, d)})",
            lambda: f"({self.build(shape, d)}) - ({self.build(shape, d)})",
            lambda: f"({self.build(shape, d)}) * ({self.build(shape, d)})",
            lambda: f"({self.build(scalar, d)}) * ({self.build(shape, d)})",
            lambda: self.matmul(shape, d),
            lambda: self.matmul(shape, d),
            lambda: f"({self.build(shape, d)}) / ({self.build(scalar, d)})",
            lambda: f"({self.build(shape, d)}) ** {self.pick(['2', '3', '0.5', '-1'])}",
            lambda: f"({self.build((cols, rows), d)}).T",
            lambda: f"{self.pick(list(_ELEMENTWISE))}({self.build(shape, d)})",
        ]
        if shape == scalar:
            size = self.dim()
            options += [
                lambda: f"{self.pick(['tr', 'det', 'logdet'])}({self.build((size, size), d)})",
                lambda: f"norm({self.build((self.dim(), self.dim()), d)})",
                lambda: f"sum({self.build((self.dim(), self.dim()), d)})",
            ]
        if rows == cols:
            options += [
                lambda: f"inv({self.build(shape, d)})",
                lambda: f"diag({self.build((rows, 1), d)})",
            ]
        return str(self.pick(options)())

    def matmul(self, shape: Shape, depth: int) -> str:
        inner = self.dim()
        left = self.build((shape[0], inner), depth)
        right = self.build((inner, shape[1]), depth)
        return f"({left}) @ ({right})"


def generate(rng: np.random.Generator) -> tuple[Expr, dict[str, Shape], str]:
    """One (expr, shapes, wrt) with at least one symbol, depth 4."""
    while True:
        gen = _Generator(rng)
        target = (gen.dim(), gen.dim())
        text = gen.build(target, 4)
        expr = parse(text)
        if gen.shapes:
            return expr, gen.shapes, str(gen.pick(sorted(gen.shapes)))


def test_solved_fraction() -> None:
    """200 seeded depth-4 cases, each in all three layouts: >= 70% solved, every one rechecks."""
    rng = np.random.default_rng(20260101)
    outcomes: list[str] = []
    for case in range(200):
        expr, shapes, wrt = generate(rng)
        for layout in LAYOUTS:
            outcomes.append(solve_and_recheck(expr, shapes, wrt, layout, seed=case))
    solved = outcomes.count("solved") / len(outcomes)
    print(f"solved {outcomes.count('solved')}, declined {outcomes.count('declined')}, "
          f"engine crashes {outcomes.count('crashed')} of {len(outcomes)}")
    assert solved >= 0.70, f"only {solved:.0%} of {len(outcomes)} cases solved"


# --- regressions: dimension sizes inside expressions and answers ----------------------------


def test_dimension_only_in_eye_or_ones() -> None:
    solution = solve("s * sum(ones(n))", "s", shapes={"s": []})
    assert solution.result == "n"
    assert solution.to_dict()["verified"] is True


def test_size_in_result() -> None:
    solution = solve("x * tr(eye(n))", "x", shapes={"x": ["n"]})
    assert solution.result == "n * eye(n)"
    assert solution.to_dict()["verified"] is True
