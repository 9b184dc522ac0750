"""Time `derive build` on a generated 50-exercise set: Markdown and PDF, against the targets.

Run: .venv/bin/python benchmarks/build.py
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from click.testing import CliRunner

from derive.cli import cli

EXERCISES = 50
TARGETS = {"md": 10.0, "pdf": 30.0}
"""Seconds a whole build of the generated set may take on a developer machine."""

_TEMPLATES = (
    ("W @ x", "x", "{W: [m, n], x: [n]}", "numerator"),
    ("x.T @ A @ x", "x", "{x: [n], A: [n, n]}", "denominator"),
    ("tr(A @ X @ B)", "X", "{A: [p, m], X: [m, n], B: [n, p]}", "denominator"),
    ("sigmoid(W @ x)", "x", "{W: [m, n], x: [n]}", "numerator"),
    ("norm(A @ x - b) ** 2", "x", "{A: [m, n], x: [n], b: [m]}", "denominator"),
)


def exercise_set(count: int) -> str:
    """A spec with `count` different exercises cycling through typical kinds of question."""
    lines = ["title: Generated benchmark set", "course: derive benchmarks", "exercises:"]
    for index in range(count):
        expr, wrt, shapes, layout = _TEMPLATES[index % len(_TEMPLATES)]
        # distinct dimension names, so no exercise repeats an earlier one exactly
        shapes = shapes.replace("m", f"m{index}").replace("n]", f"n{index}]")
        shapes = shapes.replace("n,", f"n{index},").replace("p", f"p{index}")
        lines += [
            f"  - id: exercise-{index + 1}",
            f"    shapes: {shapes}",
            f"    expr: {expr}",
            f"    wrt: {wrt}",
            f"    layout: {layout}",
        ]
    return "\n".join(lines) + "\n"


def time_build(spec: Path, out: Path, fmt: str) -> float:
    start = time.perf_counter()
    result = CliRunner().invoke(
        cli, ["build", str(spec), "--format", fmt, "--out", str(out), "--quiet"]
    )
    elapsed = time.perf_counter() - start
    if result.exit_code != 0:
        raise SystemExit(f"build failed:\n{result.output}")
    return elapsed


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="derive-bench-") as work:
        folder = Path(work)
        spec = folder / "bench.yaml"
        spec.write_text(exercise_set(EXERCISES), encoding="utf-8")
        print(f"{EXERCISES} exercises, problem set + solution key per format")
        for fmt, target in TARGETS.items():
            seconds = time_build(spec, folder / f"out-{fmt}", fmt)
            verdict = "ok" if seconds < target else "SLOWER THAN TARGET"
            print(f"  {fmt:>3}: {seconds:6.2f} s   (target < {target:.0f} s)  {verdict}")


if __name__ == "__main__":
    main()
