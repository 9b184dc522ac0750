"""Time `derive build --variants 100` of the 5-exercise example quiz, against the targets.

Problem sets and keys of 100 variants, in Markdown and in PDF; the median of a few runs.
Run: .venv/bin/python benchmarks/variants.py [RUNS]   (RUNS defaults to 3)
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from click.testing import CliRunner

from derive.cli import cli

SPEC = Path(__file__).resolve().parent.parent / "exercises" / "weekly-quiz.yaml"
VARIANTS = 100
TARGETS = {"md": 10.0, "pdf": 60.0}
"""Seconds a whole build of 100 variants may take (PDF: on 2 cores)."""


def time_build(out: Path, fmt: str) -> float:
    start = time.perf_counter()
    result = CliRunner().invoke(cli, [
        "build", str(SPEC), "--variants", str(VARIANTS), "--seed", "1", "--format", fmt,
        "--out", str(out), "--quiet",
    ])
    elapsed = time.perf_counter() - start
    if result.exit_code != 0:
        raise SystemExit(f"build failed:\n{result.output}")
    return elapsed


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    print(f"{VARIANTS} variants of {SPEC.name} (5 exercises), problem set + key each; "
          f"median of {runs} run{'s' if runs != 1 else ''} on {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory(prefix="derive-bench-") as work:
        for fmt, target in TARGETS.items():
            times = [time_build(Path(work) / f"out-{fmt}-{run}", fmt) for run in range(runs)]
            seconds = statistics.median(times)
            verdict = "ok" if seconds < target else "SLOWER THAN TARGET"
            print(f"  {fmt:>3}: {seconds:6.2f} s   (target < {target:.0f} s)  {verdict}")


if __name__ == "__main__":
    main()
