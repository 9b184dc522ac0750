"""Benchmark: median time of `derive.solve` (including its numeric check) per textbook expression,
against SymPy's own `diff` on the equivalent MatrixSymbol expression, and peak memory.

Run: .venv/bin/python benchmarks/solve.py   (not a unit test; always exits 0)
Targets: median < 200 ms per expression, none over 2 s, peak traced memory < 500 MB.
"""

from __future__ import annotations

import statistics
import time
import tracemalloc

from derive import DeriveError, parse, solve
from derive.expr.to_sympy import to_sympy

REPEATS = 5

CASES: list[tuple[str, str, dict, dict | None]] = [
    ("x.T @ A @ x", "x", {"x": ["n"], "A": ["n", "n"]}, None),
    ("x.T @ A @ x", "x", {"x": ["n"], "A": ["n", "n"]}, {"A": "symmetric"}),
    ("x.T @ A @ x", "A", {"x": ["n"], "A": ["n", "n"]}, None),
    ("tr(A @ X @ B)", "X", {"A": ["m", "n"], "X": ["n", "p"], "B": ["p", "m"]}, None),
    ("tr(X.T @ X)", "X", {"X": ["n", "m"]}, None),
    ("tr(X @ A @ X.T)", "X", {"X": ["m", "n"], "A": ["n", "n"]}, None),
    ("tr(inv(X) @ A)", "X", {"X": ["n", "n"], "A": ["n", "n"]}, None),
    ("logdet(X)", "X", {"X": ["n", "n"]}, None),
    ("det(X)", "X", {"X": ["n", "n"]}, None),
    ("a.T @ inv(X) @ b", "X", {"a": ["n"], "X": ["n", "n"], "b": ["n"]}, None),
    ("a.T @ X @ b", "X", {"a": ["m"], "X": ["m", "n"], "b": ["n"]}, None),
    ("a.T @ X.T @ X @ b", "X", {"a": ["n"], "X": ["m", "n"], "b": ["n"]}, None),
    ("norm(A @ x - b)**2", "x", {"A": ["m", "n"], "x": ["n"], "b": ["m"]}, None),
    ("(A @ x - b).T @ (A @ x - b)", "x", {"A": ["m", "n"], "x": ["n"], "b": ["m"]}, None),
    ("(1/N) * (X @ theta - y).T @ (X @ theta - y)", "theta",
     {"X": ["N", "D"], "theta": ["D"], "y": ["N"]}, None),
    ("norm(X @ w - y)**2 + lam * w.T @ w", "w", {"X": ["N", "D"], "w": ["D"], "y": ["N"]}, None),
    ("norm(x)", "x", {"x": ["n"]}, None),
    ("x.T @ x", "x", {"x": ["n"]}, None),
    ("a.T @ x", "x", {"a": ["n"], "x": ["n"]}, None),
    ("W @ x", "x", {"W": ["m", "n"], "x": ["n"]}, None),
    ("W @ x + b", "b", {"W": ["m", "n"], "x": ["n"], "b": ["m"]}, None),
    ("x @ W", "x", {"x": [1, "n"], "W": ["n", "m"]}, None),
    ("V @ W @ x", "x", {"V": ["p", "m"], "W": ["m", "n"], "x": ["n"]}, None),
    ("sigmoid(w.T @ x)", "w", {"w": ["n"], "x": ["n"]}, None),
    ("log(sum(exp(x)))", "x", {"x": ["n"]}, None),
    ("sum(exp(x))", "x", {"x": ["n"]}, None),
    ("x * y", "x", {"x": ["n"], "y": ["n"]}, None),
    ("sum(x * y)", "x", {"x": ["n"], "y": ["n"]}, None),
    ("tanh(W @ x)", "x", {"W": ["m", "n"], "x": ["n"]}, None),
    ("sum(tanh(W @ x))", "W", {"W": ["m", "n"], "x": ["n"]}, None),
    ("exp(-(x.T @ x))", "x", {"x": ["n"]}, None),
    ("s * inv(X)", "s", {"X": ["n", "n"]}, None),
    ("tr(inv(X))", "X", {"X": ["n", "n"]}, None),
    ("x.T @ inv(A) @ x", "x", {"x": ["n"], "A": ["n", "n"]}, None),
    ("y.T @ log(sigmoid(X @ w))", "w", {"y": ["N"], "X": ["N", "D"], "w": ["D"]}, None),
    ("tr(diag(x) @ A)", "x", {"x": ["n"], "A": ["n", "n"]}, None),
    ("sqrt(x.T @ x)", "x", {"x": ["n"]}, None),
]


def _median_time(function) -> float:
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _sympy_case(expr: str, wrt: str, shapes: dict):
    """The SymPy expression and variable; raises when SymPy cannot express it."""
    import sympy

    as_tuples = {k: (v[0], 1) if len(v) == 1 else tuple(v) for k, v in shapes.items()}
    tree = parse(expr)
    lowered = to_sympy(tree, as_tuples)
    shape = as_tuples.get(wrt, (1, 1))
    dim = lambda d: sympy.Integer(d) if isinstance(d, int) else sympy.Symbol(d, integer=True)  # noqa: E731
    variable = sympy.MatrixSymbol(wrt, dim(shape[0]), dim(shape[1])) if shape != (1, 1) \
        else sympy.Symbol(wrt)
    return lowered, variable


def main() -> int:
    import sympy  # noqa: F401  (imported before timing so its import cost is not counted)

    tracemalloc.start()
    rows = []
    for expr, wrt, shapes, assume in CASES:
        label = f"d[{expr}]/d{wrt}" + (" (A sym)" if assume else "")
        try:
            solve(expr, wrt, shapes=shapes, assume=assume)
            ours = _median_time(lambda expr=expr, wrt=wrt, shapes=shapes, assume=assume:
                                solve(expr, wrt, shapes=shapes, assume=assume))
            ok = "ok"
        except DeriveError as error:
            ours, ok = None, type(error).__name__
        try:
            lowered, variable = _sympy_case(expr, wrt, shapes)
            lowered.diff(variable)
            theirs = _median_time(lambda lowered=lowered, variable=variable:
                                  lowered.diff(variable))
        except Exception:  # noqa: BLE001  (SymPy raises many kinds; any of them means n/a)
            theirs = None
        rows.append((label, ours, theirs, ok))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    print(f"{'derivative':58} {'derive ms':>10} {'sympy ms':>10} {'ratio':>8}  status")
    for label, ours, theirs, ok in rows:
        ours_text = f"{ours * 1e3:10.2f}" if ours is not None else f"{'n/a':>10}"
        theirs_text = f"{theirs * 1e3:10.2f}" if theirs is not None else f"{'n/a':>10}"
        ratio = f"{ours / theirs:8.1f}" if ours and theirs else f"{'n/a':>8}"
        print(f"{label[:58]:58} {ours_text} {theirs_text} {ratio}  {ok}")
    timed = [ours for _, ours, _, _ in rows if ours is not None]
    ratios = [o / t for _, o, t, _ in rows if o is not None and t]
    median, worst = statistics.median(timed), max(timed)
    holds = median < 0.2 and worst < 2.0 and peak < 500e6
    print(f"\n{len(rows)} expressions, {len(timed)} solved; derive median {median * 1e3:.1f} ms, "
          f"max {worst * 1e3:.1f} ms; median ratio derive/sympy "
          f"{statistics.median(ratios) if ratios else float('nan'):.1f} over {len(ratios)}; "
          f"peak traced memory {peak / 1e6:.1f} MB; "
          f"targets (median < 200 ms, max < 2 s, peak < 500 MB): "
          f"{'hold' if holds else 'NOT met'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
