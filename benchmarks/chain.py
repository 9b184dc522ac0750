"""Benchmark: `derive.solve` (with its numeric check) on chains of L = 1..8 dense sigmoid layers.

z_k = W_k @ a_{k-1} + b_k, a_k = sigmoid(z_k) (a_0 = x), loss norm(a_L - t) ** 2, gradient by W_1
(the deepest one: every link is on its path). Median of REPEATS runs per L.

Run: .venv/bin/python benchmarks/chain.py [--profile L]   (not a unit test; always exits 0)
Targets: time(L) / L stays bounded (roughly linear growth), L = 8 under 5 s.
Measured growth is exponential past L = 7 (L = 8: 0.25 s, 9: 3.8 s, 10: 26 s): cProfile puts
~94% of the time in numpy's einsum called by engine.evaluate.evaluate_poly from verify.check
(_compare/_forms), which contracts the whole index-form element (2L summed indices) in one
unoptimised einsum. `--profile L` prints the profile.
"""

from __future__ import annotations

import cProfile
import pstats
import statistics
import sys
import time

from derive import solve

REPEATS = 5
DEPTHS = range(1, 9)


def network(depth: int) -> tuple[str, list[str], dict[str, list[str]]]:
    """The loss, the definitions and the shapes of a `depth`-layer network."""
    dims = ["d0"] + [f"d{k}" for k in range(1, depth + 1)]
    shapes: dict[str, list[str]] = {"x": [dims[0]], "t": [dims[-1]]}
    lets: list[str] = []
    previous = "x"
    for k in range(1, depth + 1):
        shapes[f"W{k}"] = [dims[k], dims[k - 1]]
        shapes[f"b{k}"] = [dims[k]]
        lets += [f"z{k} = W{k} @ {previous} + b{k}", f"a{k} = sigmoid(z{k})"]
        previous = f"a{k}"
    return f"norm({previous} - t) ** 2", lets, shapes


def run(depth: int) -> float:
    expr, lets, shapes = network(depth)
    start = time.perf_counter()
    solve(expr, "W1", shapes=shapes, let=lets)
    return time.perf_counter() - start


def profile(depth: int) -> None:
    profiler = cProfile.Profile()
    profiler.enable()
    run(depth)
    profiler.disable()
    stats = pstats.Stats(profiler).sort_stats("cumulative")
    stats.print_stats(25)
    stats.sort_stats("tottime").print_stats(15)


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--profile":
        profile(int(sys.argv[2]))
        return
    medians: dict[int, float] = {}
    print(f"{'L':>2}  {'median s':>9}  {'s per layer':>11}  {'ratio to L=1':>12}")
    for depth in DEPTHS:
        medians[depth] = statistics.median(run(depth) for _ in range(REPEATS))
        per_layer = medians[depth] / depth
        print(f"{depth:>2}  {medians[depth]:>9.3f}  {per_layer:>11.4f}  "
              f"{per_layer / (medians[1] / 1):>12.2f}")
    per_layer = [medians[d] / d for d in DEPTHS]
    bounded = max(per_layer) / min(per_layer) <= 4.0
    ratios = [medians[d + 1] / medians[d] for d in DEPTHS if d + 1 in medians]
    spread = max(per_layer) / min(per_layer)
    print(f"time(L)/L ranges {min(per_layer):.4f}..{max(per_layer):.4f} s: "
          f"{'roughly linear' if bounded else 'SUPERLINEAR'} (max/min {spread:.2f})")
    print(f"step ratios time(L+1)/time(L): {', '.join(f'{r:.2f}' for r in ratios)}")
    print(f"L = 8: {medians[8]:.3f} s ({'under' if medians[8] < 5 else 'OVER'} the 5 s target)")


if __name__ == "__main__":
    main()
