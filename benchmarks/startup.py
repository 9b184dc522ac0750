"""Benchmark: whole `derive` processes against the floor of `python -c "import numpy"`.

Docs builds, course CI and editor integrations start derive many times, so what counts is the
wall time of a process, imports included. Every command is run as users run it (the installed
`derive` script, or `python -m derive` when none is on PATH next to this interpreter), with
bytecode compiled once beforehand, as `pip install` does. Runs are interleaved, so drift on a busy
machine hits every command alike; the figure is the median of ROUNDS runs and its ratio to the
numpy floor measured in the same rounds.

Run: .venv/bin/python benchmarks/startup.py [ROUNDS]   (not a unit test; always exits 0)
The figures users see come from the wheel installed in a fresh venv (no editable import hook):
  .venv/bin/pip wheel --no-deps -w /tmp/wheel . && python3.11 -m venv /tmp/v
  /tmp/v/bin/pip install /tmp/wheel/derive_matrix-*.whl
  /tmp/v/bin/python benchmarks/startup.py
Target: `derive --version` and a `derive solve` process within 1.5x of the floor.
"""

from __future__ import annotations

import compileall
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import derive

ROUNDS = 31
TARGET_RATIO = 1.5
FLOOR = "python -c 'import numpy'"

SOLVE = ["solve", "x.T @ A @ x", "--wrt", "x", "--shape", "x=n", "--shape", "A=n,n"]
COMMANDS: dict[str, list[str]] = {
    "derive --version": ["--version"],
    "derive solve (text)": SOLVE,
    "derive solve --format json": [*SOLVE, "--format", "json"],
    "derive solve --format tex": [*SOLVE, "--format", "tex"],
    "derive solve --format numpy": [*SOLVE, "--format", "numpy"],
    "derive parse": ["parse", "W @ x + b", "--shape", "W=m,n", "--shape", "x=n", "--shape", "b=m"],
    "derive vectorize": ["vectorize", "sum(A[i,k] * B[k,j], k)", "--free", "i,j",
                         "--shape", "A=m,p", "--shape", "B=p,n"],
}
TARGETS = ("derive --version", "derive solve (text)")


def derive_command() -> list[str]:
    """The `derive` script installed beside this interpreter, else `python -m derive`."""
    script = Path(sys.executable).with_name("derive")
    if script.exists():
        return [str(script)]
    found = shutil.which("derive")
    return [found] if found else [sys.executable, "-m", "derive"]


def editable_install() -> bool:
    """Whether derive is installed in editable mode (`pip install -e`), whose import hook runs in
    every process of this interpreter, the floor included, and so hides part of derive's cost."""
    from importlib import metadata

    try:
        record = metadata.distribution("derive-matrix").read_text("direct_url.json") or "{}"
    except metadata.PackageNotFoundError:
        return False
    return bool(json.loads(record).get("dir_info", {}).get("editable"))


def timed(argv: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   check=True)
    return time.perf_counter() - start


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else ROUNDS
    env = {key: value for key, value in os.environ.items()
           if key not in ("PYTHONDONTWRITEBYTECODE", "PYTHONPROFILEIMPORTTIME")}
    compileall.compile_dir(str(Path(derive.__file__).parent), quiet=1)
    runs: dict[str, list[float]] = {FLOOR: [], **{name: [] for name in COMMANDS}}
    argvs = {FLOOR: [sys.executable, "-c", "import numpy"],
             **{name: [*derive_command(), *args] for name, args in COMMANDS.items()}}
    for argv in argvs.values():
        timed(argv, env)  # warm the file cache
    for _ in range(rounds):
        for name, argv in argvs.items():
            runs[name].append(timed(argv, env))

    floor = statistics.median(runs[FLOOR])
    print(f"whole processes, median of {rounds} interleaved runs (cpus: {os.cpu_count()})")
    print(f"{'command':30} {'median':>9} {'ratio':>7}")
    for name, times in runs.items():
        median = statistics.median(times)
        mark = ""
        if name in TARGETS:
            mark = "  ok" if median <= TARGET_RATIO * floor else f"  over {TARGET_RATIO}x target"
        print(f"{name:30} {median * 1000:7.0f}ms {median / floor:6.2f}x{mark}")
    print(f"target: {', '.join(TARGETS)} within {TARGET_RATIO}x of {FLOOR}")
    if editable_install():
        print("note: derive is an editable install here; its import hook slows every process,\n"
              "the floor included. For the figures users see, install the wheel in a fresh venv\n"
              "and run this script with that venv's python.")


if __name__ == "__main__":
    main()
