"""`derive vectorize` on the command line: outputs, exit status 1 and 2, never a traceback."""

from __future__ import annotations

import json
import subprocess
import sys

from click.testing import CliRunner

from derive import vectorize
from derive.cli import cli

ARGS = ["vectorize", "sum(A[k,i] * B[k,j], k)", "--free", "i,j", "--shape", "A=p,m",
        "--shape", "B=p,n"]


def test_json_is_the_api_dict(runner: CliRunner) -> None:
    result = runner.invoke(cli, [*ARGS, "--format", "json"])
    assert result.exit_code == 0, result.output
    expected = vectorize("sum(A[k,i] * B[k,j], k)", "i,j",
                         shapes={"A": ["p", "m"], "B": ["p", "n"]}).to_dict()
    assert json.loads(result.output) == expected


def test_text_md_tex(runner: CliRunner) -> None:
    for fmt, needle in (("text", "answer: A.T @ B"), ("md", "\\boxed"), ("tex", "\\paragraph")):
        result = runner.invoke(cli, [*ARGS, "--format", fmt])
        assert result.exit_code == 0
        assert needle in result.output


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "derive", *args], capture_output=True,
                          text=True, check=False)


def test_bad_expression_exits_1() -> None:
    done = _run("vectorize", "x[i,j]", "--free", "i,j", "--shape", "x=n")
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr.startswith("error: col 1: 'x' is a column vector (n×1)")
    assert "Traceback" not in done.stderr


def test_usage_error_exits_2() -> None:
    done = _run("vectorize", "x[i]", "--format", "pdf")
    assert done.returncode == 2
    assert "Traceback" not in done.stderr


def test_scalar_without_free() -> None:
    done = _run("vectorize", "sum(A[i,i], i)", "--shape", "A=n,n", "--format", "json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["result"] == "tr(A)"


def test_result_takes_the_given_name_in_every_format(runner: CliRunner) -> None:
    gram = ["vectorize", "sum(X[k,i] * X[k,j], k)", "--free", "i,j", "--shape", "X=n,d",
            "--name", "Sigma"]
    text = runner.invoke(cli, [*gram, "--format", "text"])
    assert text.exit_code == 0, text.output
    assert "name the entry Sigma[i,j] of the result, so Σ is a matrix" in text.output
    latex = runner.invoke(cli, [*gram, "--format", "tex"]).output
    assert r"\boldsymbol{\Sigma} = \mathbf{X}^\top \mathbf{X}" in latex
    assert r"\mathbf{R}" not in latex
    assert "answer: X.T @ X" in text.output


def test_a_name_that_is_a_symbol_is_refused() -> None:
    done = _run("vectorize", "sum(X[k,i] * X[k,j], k)", "--free", "i,j", "--shape", "X=n,d",
                "--name", "X")
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr == ("error: the result's name 'X' is a symbol of the index expression\n"
                           "hint: name the result with a new letter, such as 'R'\n")
