"""`derive parse`, run through `derive.cli.main` so exit codes and diagnostics are the real ones."""

from __future__ import annotations

import subprocess
import sys

import pytest
from cli_entry import entry, program_name  # noqa: F401 (autouse fixture)
from click.testing import CliRunner, Result

from derive import __version__


def run(runner: CliRunner, *args: str) -> Result:
    result = runner.invoke(entry, list(args))
    assert "Traceback" not in result.stderr
    assert "Traceback" not in result.stdout
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit)
    return result


def test_quadratic_form(runner: CliRunner) -> None:
    result = run(runner, "parse", "x.T @ A @ x", "--shape", "x=n", "--shape", "A=n,n")
    assert result.exit_code == 0
    assert result.stdout == (
        "shape: scalar (1×1)\n"
        "expr: x.T @ A @ x\n"
        "latex: \\mathbf{x}^\\top \\mathbf{A} \\mathbf{x}\n"
        "  A: n×n\n"
        "  x: n×1\n"
    )
    assert result.stderr == ""


def test_shape_mismatch_exits_1_with_diagnostic(runner: CliRunner) -> None:
    result = run(runner, "parse", "A @ x", "--shape", "A=m,n", "--shape", "x=p")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.splitlines()[0] == (
        "error: col 3: cannot multiply A (m×n) by x (p×1): inner dimensions n and p differ"
    )
    assert result.stderr == (
        "error: col 3: cannot multiply A (m×n) by x (p×1): inner dimensions n and p differ\n"
        "    A @ x\n"
        "      ^\n"
        "hint: the left operand needs as many columns as the right one has rows\n"
    )


VALID = [
    (
        ["parse", "x.T @ A @ x", "--shape", "x=n", "--shape", "A=n,n", "--notation", "arrow"],
        "latex: \\vec{x}^\\top A \\vec{x}",
    ),
    (
        ["parse", "x.T @ A @ x", "--shape", "x=n", "--shape", "A=n,n", "--notation", "plain"],
        "latex: x^\\top A x",
    ),
    (["parse", "r @ X", "--shape", "r=1,m", "--shape", "X=m,n"], "shape: row vector (1×n)"),
    (["parse", "X @ v", "--shape", "X=3,2", "--shape", "v=2"], "shape: column vector (3×1)"),
    (["parse", "inv(A)", "--shape", "A=n,n"], "shape: matrix (n×n)"),
    (["parse", "2 * c"], "  c: scalar"),
    (["parse", "  ((x))  + y"], "expr: x + y"),
    (
        ["parse", "logdet(S)", "--shape", "S=n,n", "--assume", "S=spd"],
        "  S: n×n (invertible, spd, symmetric)",
    ),
    (
        ["parse", "tr(S)", "--shape", "S=n,n", "--assume", "S=symmetric,invertible"],
        "  S: n×n (invertible, symmetric)",
    ),
]


@pytest.mark.parametrize(
    ("args", "line"), VALID, ids=[args[1] + " " + line for args, line in VALID]
)
def test_parse_valid(runner: CliRunner, args: list[str], line: str) -> None:
    result = run(runner, *args)
    assert result.exit_code == 0, result.stderr
    assert line in result.stdout.splitlines()


INVALID = [
    (["parse", "(x"], 1, "error: col 1: '(' is never closed"),
    (["parse", "foo(x)"], 1, "error: col 1: unknown function 'foo'"),
    (["parse", ""], 1, "error: col 1: empty expression"),
    (["parse", "x", "--shape", "y=n"], 1, "error: shape given for unknown symbol 'y'"),
    (["parse", "x", "--assume", "y=spd"], 1, "error: assumption given for unknown symbol 'y'"),
    (
        ["parse", "tr(A)", "--shape", "A=n,n", "--assume", "A=posdef"],
        1,
        "error: unknown assumption 'posdef' for 'A'",
    ),
    (
        ["parse", "tr(X.T @ X)", "--shape", "X=m,n", "--assume", "X=symmetric"],
        1,
        "error: 'X' is assumed symmetric but is m×n, not a square matrix",
    ),
    (
        ["parse", "x", "--shape", "x=n,n,n"],
        1,
        "error: shape of 'x' has 3 dimensions; at most 2 are supported",
    ),
    (["parse", "x", "--shape", "x=0"], 1, "error: invalid dimension 0 in the shape of 'x'"),
    (["parse", "x", "--shape", "x=-1"], 1, "error: invalid dimension '-1' in the shape of 'x'"),
    (["parse", "x.__class__"], 1, "error: col 1: unsupported attribute '.__class__'"),
    (["parse", "x", "--shape", "x"], 2,
     "error: invalid value for --shape: 'x' is not NAME=DIMS (e.g. x=n, r=1,n, A=m,n)"),
    (["parse", "x", "--shape", "=n"], 2,
     "error: invalid value for --shape: '=n' is not NAME=DIMS (e.g. x=n, r=1,n, A=m,n)"),
    (["parse", "x", "--assume", "x"], 2,
     "error: invalid value for --assume: 'x' is not NAME=PROP (PROP one of symmetric, spd, "
     "invertible, positive)"),
    (["parse", "x", "--assume", "x="], 2,
     "error: invalid value for --assume: 'x=' is not NAME=PROP (PROP one of symmetric, spd, "
     "invertible, positive)"),
    (["parse", "x", "--notation", "fancy"], 2,
     "error: invalid value for '--notation': 'fancy' is not one of 'bold', 'arrow', 'plain'"),
    (["parse"], 2, "error: missing argument 'EXPR'"),
    (["parse", "x", "--frobnicate"], 2, "error: no such option '--frobnicate'"),
    (["frobnicate"], 2, "error: no such command 'frobnicate'"),
]


@pytest.mark.parametrize(
    ("args", "status", "first_line"), INVALID, ids=[" ".join(args) for args, _, _ in INVALID]
)
def test_parse_invalid(runner: CliRunner, args: list[str], status: int, first_line: str) -> None:
    result = run(runner, *args)
    assert result.exit_code == status
    assert result.stdout == ""
    assert result.stderr.splitlines()[0] == first_line


def test_bad_shape_option_names_the_option(runner: CliRunner) -> None:
    result = run(runner, "parse", "x", "--shape", "x")
    assert result.stderr.splitlines() == [
        "error: invalid value for --shape: 'x' is not NAME=DIMS (e.g. x=n, r=1,n, A=m,n)",
        "hint: see 'derive parse --help'",
    ]


def test_version(runner: CliRunner) -> None:
    result = run(runner, "--version")
    assert result.exit_code == 0
    assert result.stdout == f"derive, version {__version__}\n"


@pytest.mark.parametrize("flag", ["--help", "-h"])
def test_help(runner: CliRunner, flag: str) -> None:
    result = run(runner, flag)
    assert result.exit_code == 0
    assert result.stdout.startswith("Usage: derive [OPTIONS] COMMAND [ARGS]...")
    assert "parse" in result.stdout


def test_parse_help_documents_the_options(runner: CliRunner) -> None:
    result = run(runner, "parse", "--help")
    assert result.exit_code == 0
    for option in ("--shape NAME=DIMS", "--assume NAME=PROP", "--notation"):
        assert option in result.stdout


@pytest.mark.parametrize(
    ("args", "status"),
    [
        (["parse", "x.T @ A @ x", "--shape", "x=n", "--shape", "A=n,n"], 0),
        (["parse", "A @ x", "--shape", "A=m,n", "--shape", "x=p"], 1),
        (["parse", "__import__('os').system('true')"], 1),
        (["parse", "x", "--shape", "x"], 2),
    ],
    ids=["ok", "shape-error", "import", "usage"],
)
def test_as_a_process(args: list[str], status: int) -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "derive", *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert completed.returncode == status
    assert "Traceback" not in completed.stderr
