"""Benchmark: `derive.solve` (with its numeric check) on chains of L = 1..32 links, two kinds.

- dense: h_k = tanh(W_k @ h_{k-1} + b_k) (h_0 = x), loss norm(h_L - t) ** 2, gradient by W_1 (the
  deepest one: every link is on its path);
- elementwise: h_k = tanh(h_{k-1}), output sum(h_L), gradient by x.

Median of REPEATS in-process runs per L, after one warm-up solve (imports are not counted).
Run: .venv/bin/python benchmarks/chain.py [--profile KIND L]   (not a unit test; always exits 0)
Targets: L = 32 under 2 s for both kinds, and time(L) / L bounded (roughly linear growth).
"""

from __future__ import annotations

import cProfile
import pstats
import statistics
import sys
import time
from collections.abc import Callable

from derive import solve

REPEATS = 3
DEPTHS = (1, 2, 4, 8, 16, 24, 32)
TARGET_SECONDS = 2.0

Chain = tuple[str, list[str], dict[str, list[str]], str]


def dense(depth: int) -> Chain:
    """The loss, definitions, shapes and variable of a `depth`-layer tanh network."""
    shapes: dict[str, list[str]] = {"x": ["d0"], "t": [f"d{depth}"]}
    lets: list[str] = []
    previous = "x"
    for k in range(1, depth + 1):
        shapes[f"W{k}"] = [f"d{k}", f"d{k - 1}"]
        shapes[f"b{k}"] = [f"d{k}"]
        lets.append(f"h{k} = tanh(W{k} @ {previous} + b{k})")
        previous = f"h{k}"
    return f"norm({previous} - t) ** 2", lets, shapes, "W1"


def elementwise(depth: int) -> Chain:
    """sum(tanh(tanh(...(x)))) written as `depth` links."""
    lets = [f"h{k} = tanh({'x' if k == 1 else f'h{k - 1}'})" for k in range(1, depth + 1)]
    return f"sum(h{depth})", lets, {"x": ["n"]}, "x"


KINDS: dict[str, Callable[[int], Chain]] = {"dense": dense, "elementwise": elementwise}


def run(kind: str, depth: int) -> float:
    expr, lets, shapes, wrt = KINDS[kind](depth)
    start = time.perf_counter()
    solve(expr, wrt, shapes=shapes, let=lets)
    return time.perf_counter() - start


def profile(kind: str, depth: int) -> None:
    run(kind, 1)
    profiler = cProfile.Profile()
    profiler.enable()
    run(kind, depth)
    profiler.disable()
    pstats.Stats(profiler).sort_stats("tottime").print_stats(20)


def report(kind: str) -> None:
    medians = {d: statistics.median(run(kind, d) for _ in range(REPEATS)) for d in DEPTHS}
    print(f"\n{kind} links")
    print(f"{'L':>3}  {'median s':>9}  {'s per link':>10}")
    for depth, seconds in medians.items():
        print(f"{depth:>3}  {seconds:>9.3f}  {seconds / depth:>10.4f}")
    per_link = [medians[d] / d for d in DEPTHS if d >= 4]
    spread = max(per_link) / min(per_link)
    last = medians[DEPTHS[-1]]
    print(f"time(L)/L from L = 4 on: max/min {spread:.2f} "
          f"({'roughly linear' if spread <= 4 else 'SUPERLINEAR'})")
    print(f"L = {DEPTHS[-1]}: {last:.3f} s ({'under' if last < TARGET_SECONDS else 'OVER'} the "
          f"{TARGET_SECONDS:g} s target)")


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "--profile":
        profile(sys.argv[2], int(sys.argv[3]))
        return
    run("dense", 1)  # warm-up: imports and caches
    for kind in KINDS:
        report(kind)


if __name__ == "__main__":
    main()
