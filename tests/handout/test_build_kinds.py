"""`derive check` and `derive build` for chain and vectorize items: verdicts and PDF text."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from derive.cli import cli

ROOT = Path(__file__).resolve().parents[2]
SKIP_PDF = os.environ.get("DERIVE_SKIP_PDF") == "1"

SPEC = """title: Kinds
exercises:
  - id: net
    shapes: {M: [p, n], x: [n]}
    functions: {h: scalar}
    let: ['a = sigmoid(M @ x)']
    expr: h(a)
    wrt: M
    answer: ANSWER
  - id: vec
    kind: vectorize
    shapes: {A: [m, n], x: [m]}
    index: sum(A[k,i] * x[k], k)
    free: [i]
    answer: VECTOR
"""

RIGHT = "(grad_h(a) * a * (1 - a)) @ x.T"


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def write(tmp_path: Path, answer: str, vector: str) -> Path:
    file = tmp_path / "kinds.yaml"
    file.write_text(SPEC.replace("ANSWER", answer).replace("VECTOR", vector), encoding="utf-8")
    return file


def test_check_proves_chain_and_vectorize_answers(tmp_path: Path) -> None:
    file = write(tmp_path, RIGHT, "A.T @ x")
    result = run("check", str(file))
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        f"{file}:7:11: exercise 'net': ok (answer checked)",
        f"{file}:13:12: exercise 'vec': ok (answer checked)",
        "check passed: 2 ok, 0 wrong answers, 0 errors in 1 file",
    ]


def test_check_reports_wrong_chain_and_vectorize_answers(tmp_path: Path) -> None:
    file = write(tmp_path, "(grad_h(a) * a) @ x.T", "A.T @ (x * x)")
    result = run("check", str(file))
    assert result.exit_code == 1
    assert result.stdout.splitlines()[:2] == [
        f"{file}:9:13: exercise 'net': wrong answer '(grad_h(a) * a) @ x.T' (expected: "
        "grad_h(a) * a * (1 - a) @ x.T); the values differ at "
        "random points",
        f"{file}:15:13: exercise 'vec': wrong answer 'A.T @ (x * x)' (expected: A.T @ x); "
        "the values differ on random arrays",
    ]


def test_examples_check() -> None:
    result = run("check", str(ROOT / "exercises"))
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1].startswith("check passed:")


@pytest.mark.skipif(SKIP_PDF, reason="DERIVE_SKIP_PDF=1 is set")
def test_pdf_shows_prompts_steps_and_answers(tmp_path: Path) -> None:
    file = write(tmp_path, RIGHT, "A.T @ x")
    out = tmp_path / "build"
    result = run("build", str(file), "--format", "pdf", "--out", str(out), "--quiet")
    assert result.exit_code == 0, result.output

    def text(document: str) -> str:
        pdf = out / "kinds" / f"kinds-{document}.pdf"
        return " ".join(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True,
                                       text=True, check=True).stdout.split())

    problems, solutions = text("problems"), text("solutions")
    assert "Define a = σ(Mx)" in problems and "∂M" in problems  # no gap after σ
    assert "as a matrix expression, without indices" in problems
    for fragment in ("The chain.", "in terms of the intermediates", "With the intermediates "
                     "substituted", "Free and summed indices", "The answer given in the "
                     "exercise"):
        assert fragment in solutions, fragment
    assert "Answer (m × 1)" in solutions or "Answer (n × 1)" in solutions


def test_vectorize_result_takes_the_spec_name(tmp_path: Path) -> None:
    file = tmp_path / "named.yaml"
    file.write_text(
        "title: Named\nexercises:\n  - id: gram\n    kind: vectorize\n    shapes: {X: [n, d]}\n"
        "    index: sum(X[k,i] * X[k,j], k)\n    free: [i, j]\n    name: Sigma\n"
        "    answer: X.T @ X\n", encoding="utf-8")
    result = run("build", str(file), "--format", "md", "--out", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    problems = (tmp_path / "out" / "named" / "named-problems.md").read_text(encoding="utf-8")
    solutions = (tmp_path / "out" / "named" / "named-solutions.md").read_text(encoding="utf-8")
    assert (r"Let $\Sigma_{ij} = \sum_{k} X_{ki} X_{kj}$ where $\mathbf{X} \in "
            r"\mathbb{R}^{n \times d}$. Write $\boldsymbol{\Sigma}$ as a matrix expression") in (
        problems)
    assert r"\boldsymbol{\Sigma} = \mathbf{X}^\top \mathbf{X}" in solutions
    assert r"\mathbf{R}" not in solutions
