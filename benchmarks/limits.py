"""Benchmark: the largest inputs the work budgets accept (`derive.expr.limits`) still solve in
about two seconds, and inputs just over them are refused at once.

Each case is solved in-process (median of REPEATS after a warm-up). Printed: the time, and
whether it meets its target: accepted cases under TARGET_SECONDS, refused ones under 0.1 s.
Run: .venv/bin/python benchmarks/limits.py   (not a unit test; always exits 0)
"""

from __future__ import annotations

import statistics
import time

from derive import DeriveError, solve
from derive.expr.limits import MAX_CALL_DEPTH, MAX_DEFINITIONS, MAX_DEPTH

REPEATS = 3
TARGET_SECONDS = 2.0
VECTOR = {"x": ["n"]}
MATRIX = {"A": ["n", "n"]}


def nested(functions: tuple[str, ...], depth: int, inner: str = "x") -> str:
    text = inner
    for level in range(depth):
        text = f"{functions[level % len(functions)]}({text})"
    return text


def chain(links: int) -> tuple[str, list[str]]:
    lets = [f"h{k} = tanh({'x' if k == 1 else f'h{k - 1}'})" for k in range(1, links + 1)]
    return f"sum(h{links})", lets


CASES: list[tuple[str, bool, str, str, dict[str, list[str]], list[str]]] = [
    # (name, accepted?, expression, variable, shapes, definitions)
    ("functions nested to the limit", True,
     "sum(" + nested(("tanh", "sin"), MAX_CALL_DEPTH - 1) + ")", "x", VECTOR, []),
    ("functions nested past the limit", False,
     "sum(" + nested(("tanh", "sin"), MAX_CALL_DEPTH) + ")", "x", VECTOR, []),
    ("det of a product, nesting at the limit", True,
     "det(" + " @ ".join(["A"] * (MAX_DEPTH - 2)) + ")", "A", MATRIX, []),
    ("trace of a product, nesting at the limit", True,
     "tr(" + " @ ".join(["A"] * (MAX_DEPTH - 2)) + ")", "A", MATRIX, []),
    ("product past the nesting limit", False,
     "tr(" + " @ ".join(["A"] * (MAX_DEPTH + 2)) + ")", "A", MATRIX, []),
    ("chain at the limit", True, *chain(MAX_DEFINITIONS)[:1], "x", VECTOR,
     chain(MAX_DEFINITIONS)[1]),
    ("chain past the limit", False, *chain(MAX_DEFINITIONS + 1)[:1], "x", VECTOR,
     chain(MAX_DEFINITIONS + 1)[1]),
]


def timed(expr: str, wrt: str, shapes: dict[str, list[str]], lets: list[str]) -> tuple[float, str]:
    start = time.perf_counter()
    try:
        solve(expr, wrt, shapes=shapes, let=lets or None)
        outcome = "solved"
    except DeriveError as error:
        outcome = "refused: " + error.message[:60]
    return time.perf_counter() - start, outcome


def main() -> None:
    solve("x.T @ x", "x", shapes=VECTOR)  # warm-up: imports and caches
    print(f"{'case':<42} {'median s':>9}  target  outcome")
    for name, accepted, expr, wrt, shapes, lets in CASES:
        runs = [timed(expr, wrt, shapes, lets) for _ in range(REPEATS)]
        seconds = statistics.median(t for t, _ in runs)
        outcome = runs[0][1]
        target = TARGET_SECONDS if accepted else 0.1
        met = seconds < target and (outcome == "solved") == accepted
        print(f"{name:<42} {seconds:>9.3f}  {target:>5g}s  {'ok' if met else 'MISSED'}: "
              f"{outcome}")


if __name__ == "__main__":
    main()
