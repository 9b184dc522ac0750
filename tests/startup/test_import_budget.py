"""What a `derive solve` process loads: only what the command uses (issue 10).

Times live in benchmarks/startup.py; these tests guard the causes, which do not depend on the
machine: the modules a process imports, and when the garbage collector runs.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

SOLVE = ["solve", "x.T @ A @ x", "--wrt", "x", "--shape", "x=n", "--shape", "A=n,n"]

REPORT = (
    "import atexit, json, sys\n"
    "atexit.register(lambda: sys.stderr.write('\\nMODULES ' + json.dumps(sorted(sys.modules))))\n"
    "sys.argv = ['derive', *sys.argv[1:]]\n"
    "from derive.__main__ import run\n"
    "run()\n"
)


def modules_loaded(*args: str) -> set[str]:
    """The modules a `derive` process with these arguments had imported when it exited."""
    result = subprocess.run([sys.executable, "-c", REPORT, *args], capture_output=True,
                            text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    return set(json.loads(result.stderr.rsplit("MODULES ", 1)[1]))


@pytest.fixture(scope="module")
def solve_modules() -> set[str]:
    loaded = modules_loaded(*SOLVE)
    assert "derive.engine.solve" in loaded  # the probe saw a real solve
    return loaded


@pytest.mark.parametrize("heavy", [
    "numpy.random",  # the check draws its points with the standard library's random
    "dataclasses",  # records are msgspec Structs, built in C
    "sympy", "jinja2", "yaml", "pydantic", "pylatex", "lxml",
    "difflib",  # only a mistake needs a "did you mean" hint
    "derive.spec", "derive.build", "derive.vectorization.solve", "derive.cli.files",
])
def test_solve_does_not_import(solve_modules: set[str], heavy: str) -> None:
    assert heavy not in solve_modules


def test_version_imports_neither_numpy_nor_the_engine() -> None:
    loaded = modules_loaded("--version")
    assert "numpy" not in loaded
    assert not any(name.startswith("derive.engine") for name in loaded)


def test_help_lists_every_command_and_build_loads_on_demand() -> None:
    from click.testing import CliRunner

    from derive.cli import cli

    listed = CliRunner().invoke(cli, ["--help"])
    assert listed.exit_code == 0
    for name in ("build", "check", "parse", "schema", "solve", "vectorize"):
        assert f"  {name} " in listed.output
    build_help = CliRunner().invoke(cli, ["build", "--help"])
    assert build_help.exit_code == 0 and "--variants N" in build_help.output


GC_PROBE = (
    "import atexit, gc, sys\n"
    "atexit.register(lambda: sys.stderr.write('\\nGC ' + str(gc.isenabled())))\n"
    "sys.argv = ['derive', *sys.argv[1:]]\n"
    "from derive.__main__ import run\n"
    "run()\n"
)


def collector_on_at_exit(*args: str, cwd: Path) -> bool:
    """Whether a `derive` process with these arguments had the garbage collector on at exit."""
    result = subprocess.run([sys.executable, "-c", GC_PROBE, *args], capture_output=True,
                            text=True, timeout=300, check=False, cwd=cwd)
    assert result.returncode == 0, result.stderr
    return result.stderr.rsplit("GC ", 1)[1].strip() == "True"


def test_one_expression_runs_without_the_collector_and_builds_with_it(tmp_path: Path) -> None:
    assert not collector_on_at_exit(*SOLVE, cwd=tmp_path)
    (tmp_path / "set.yaml").write_text(
        "title: T\nexercises:\n  - {id: q, expr: x.T @ x, wrt: x, shapes: {x: [n]}}\n",
        encoding="utf-8")
    assert collector_on_at_exit("check", "set.yaml", cwd=tmp_path)
    assert collector_on_at_exit("build", "set.yaml", "--format", "md", "--quiet", cwd=tmp_path)
