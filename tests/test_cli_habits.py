"""Habits of a well-behaved command: standard input as '-', Ctrl-C and SIGTERM leave nothing
behind, output files honour the umask, `derive check` judges every other question when some have
errors, and `derive schema` prints the shipped JSON Schema."""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from cli_entry import entry, program_name  # noqa: F401 (autouse fixture)
from click.testing import CliRunner, Result

import derive.spec

needs_tex = pytest.mark.skipif(
    os.environ.get("DERIVE_SKIP_PDF") == "1", reason="DERIVE_SKIP_PDF=1 is set"
)

SET = """\
title: Habits
exercises:
  - {id: linear, shapes: {W: [m, n], x: [n]}, expr: W @ x, wrt: x, answer: W.T}
"""


def run(*args: str, stdin: str | None = None) -> Result:
    return CliRunner().invoke(entry, list(args), input=stdin)


def test_solve_reads_the_expression_from_standard_input() -> None:
    result = run("solve", "-", "--wrt", "x", "--shape", "x=n", stdin="x.T @ x\n")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.rstrip().endswith("answer: 2 * x   (n×1, verified)")


def test_parse_and_vectorize_read_standard_input() -> None:
    parsed = run("parse", "-", "--shape", "x=n", stdin="x.T @ x")
    assert parsed.stdout.splitlines()[0] == "shape: scalar (1×1)"
    vectorized = run("vectorize", "-", "--free", "i,j", "--shape", "A=m,p", "--shape", "B=p,n",
                     "--format", "json", stdin="sum(A[i,k] * B[k,j], k)")
    assert json.loads(vectorized.stdout)["result"] == "A @ B"


def test_check_and_build_read_the_exercise_file_from_standard_input(tmp_path: Path) -> None:
    checked = run("check", "-", stdin=SET)
    assert checked.exit_code == 0, checked.stderr
    assert checked.stdout.splitlines()[0].startswith("<stdin>:3:")
    built = run("build", "-", "--format", "md", "--out", str(tmp_path / "out"), stdin=SET)
    assert built.exit_code == 0, built.stderr
    assert (tmp_path / "out" / "stdin" / "stdin-solutions.md").is_file()


@pytest.fixture
def umask_022() -> Iterator[None]:
    previous = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(previous)


def test_output_files_honour_the_umask(tmp_path: Path, umask_022: None) -> None:
    spec = tmp_path / "set.yaml"
    spec.write_text(SET, encoding="utf-8")
    out = tmp_path / "out"
    assert run("build", str(spec), "--format", "md", "--out", str(out)).exit_code == 0
    modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in (out / "set").iterdir()}
    assert modes == {"set-problems.md": 0o644, "set-solutions.md": 0o644}
    assert sorted(p.name for p in out.iterdir()) == ["set"]  # no scratch space left


def test_check_judges_every_other_question_when_some_have_errors(tmp_path: Path) -> None:
    spec = tmp_path / "five.yaml"
    spec.write_text(
        "title: Five\nexercises:\n"
        "  - {id: one, shapes: {x: [n]}, expr: x.T @ x, wrt: x, answer: 2 * x}\n"
        "  - {id: two, shapes: {x: [n]}, expr: x.T @@ x, wrt: x}\n"
        "  - {id: three, shapes: {x: [n]}, expr: x.T @ x, wrt: x, answer: x}\n"
        "  - {id: four, shapes: {x: [n], W: [m, n]}, expr: x @ W, wrt: x}\n"
        "  - {id: five, shapes: {W: [m, n], x: [n]}, expr: W @ x, wrt: x}\n",
        encoding="utf-8",
    )
    result = run("check", str(spec))
    assert result.exit_code == 1
    verdicts = [line for line in result.stdout.splitlines() if line.startswith(str(spec))]
    assert verdicts == [
        f"{spec}:3:39: exercise 'one': ok (answer checked)",
        f"{spec}:4:44: error: invalid expression: invalid syntax",
        f"{spec}:5:66: exercise 'three': wrong answer 'x' (expected: 2 * x); the values differ "
        "at random points",
        f"{spec}:6:53: error: cannot multiply x (n×1) by W (m×n): inner dimensions 1 and m differ",
        f"{spec}:7:51: exercise 'five': ok",
    ]
    assert result.stderr.strip() == (
        "error: check failed: 2 ok, 1 wrong answer, 2 errors in 1 file"
    )


@pytest.mark.parametrize(
    ("exercise", "verdict"),
    [
        ("{id: a, shapes: {W: [m, n], x: [n]}, expr: W @ x, wrt: x, answer: W}",
         "3:71: exercise 'a': wrong answer 'W' (expected: W.T); the answer is m×n but the "
         "derivative is n×m in denominator layout, its shape in numerator layout"),
        ("{id: b, shapes: {x: [n], A: [n, n]}, expr: x.T @ A @ x, wrt: x, layout: numerator, "
         "answer: A @ x + A.T @ x}",
         "3:96: exercise 'b': wrong answer 'A @ x + A.T @ x' (expected: x.T @ (A.T + A)); the "
         "answer is n×1 but the derivative is 1×n in numerator layout, its shape in denominator "
         "layout"),
    ],
    ids=["jacobian-flipped", "gradient-flipped"],
)
def test_a_layout_slip_is_a_wrong_answer_naming_the_layout(
    tmp_path: Path, exercise: str, verdict: str
) -> None:
    spec = tmp_path / "ps.yaml"
    spec.write_text(f"title: Slips\nexercises:\n  - {exercise}\n", encoding="utf-8")
    result = run("check", str(spec))
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [f"{spec}:{verdict}"]


def test_schema_prints_the_shipped_json_schema() -> None:
    shipped = Path(derive.spec.__file__).with_name("exercise-set.schema.json")
    result = run("schema")
    assert result.exit_code == 0
    assert result.stdout == shipped.read_text(encoding="utf-8")


def _pdf_build(tmp_path: Path) -> tuple[subprocess.Popen[str], Path]:
    spec = tmp_path / "set.yaml"
    spec.write_text(SET, encoding="utf-8")
    out = tmp_path / "out"
    process = subprocess.Popen(
        [sys.executable, "-m", "derive", "build", str(spec), "--format", "pdf", "--out",
         str(out)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "TMPDIR": str(tmp_path)},
    )
    return process, out


def _wait_for_tex(out: Path) -> None:
    """Until a TeX run has started in the build's scratch space."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if any(out.glob(".derive/derive-pdf-*")):
            return
        time.sleep(0.05)
    pytest.fail("the build never started TeX")


@needs_tex
@pytest.mark.parametrize(("signum", "status"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)],
                         ids=["ctrl-c", "sigterm"])
def test_an_interrupted_build_leaves_nothing_behind(
    tmp_path: Path, signum: int, status: int
) -> None:
    process, out = _pdf_build(tmp_path)
    _wait_for_tex(out)
    process.send_signal(signum)
    _, stderr = process.communicate(timeout=30)
    assert process.returncode == status
    assert "Traceback" not in stderr
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["set.yaml"]
    listing = subprocess.run(["ps", "-eo", "cmd"], capture_output=True, text=True).stdout
    assert str(tmp_path) not in listing
