"""`%load_ext derive` and the `%%derive` cell magic, in a real IPython shell."""

from __future__ import annotations

import subprocess
import sys

import pytest

import derive

pytest.importorskip("IPython")
from IPython.core.error import UsageError  # noqa: E402
from IPython.core.interactiveshell import InteractiveShell  # noqa: E402

CELL = "expr: x.T @ A @ x\nwrt: x\nshapes: {x: [n], A: [n, n]}\n"


@pytest.fixture(scope="module")
def shell() -> InteractiveShell:
    ip = InteractiveShell.instance()
    ip.run_line_magic("load_ext", "derive")
    return ip


def test_the_cell_magic_displays_the_verified_solution(shell: InteractiveShell) -> None:
    shown = shell.run_cell_magic("derive", "", CELL)
    markdown = shown._repr_markdown_()
    assert "**What we compute.**" in markdown
    # d(x^T A x)/dx = (A + A^T) x (Matrix Cookbook, eq. 81).
    assert r"\boxed{(\mathbf{A} + \mathbf{A}^\top) \mathbf{x}}" in markdown


def test_line_options_are_defaults_that_the_cell_overrides(shell: InteractiveShell) -> None:
    answer = shell.run_cell_magic("derive", "--show answer --layout numerator", CELL)
    assert answer._repr_markdown_().startswith("**Answer** (numerator layout, 1×n)")
    steps = shell.run_cell_magic("derive", "--show answer", CELL + "show: steps\n")
    assert "**What we compute.**" in steps._repr_markdown_()


def test_a_bad_cell_is_a_usage_error_at_the_cell_line(shell: InteractiveShell) -> None:
    with pytest.raises(UsageError) as caught:
        shell.run_cell_magic("derive", "", "expr: x.T @ y\nwrt: x\nshapes: {x: [n], y: [m]}\n")
    assert str(caught.value).startswith("cell:2:11: error: cannot multiply x.T (1×n) by y (m×1)")
    with pytest.raises(UsageError):
        shell.run_cell_magic("derive", "--show everything", CELL)


def test_import_derive_does_not_import_ipython_or_the_engine() -> None:
    code = ("import sys, derive; assert callable(derive.load_ipython_extension); "
            "print(sorted(m for m in ('IPython', 'numpy', 'sympy', 'derive.integrations') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]"


def test_solutions_display_as_markdown_and_as_one_latex_formula() -> None:
    solution = derive.solve("x.T @ A @ x", "x", shapes={"x": ["n"], "A": ["n", "n"]})
    assert solution._repr_markdown_() == solution.to_markdown()
    assert solution._repr_latex_() == (
        r"$$\frac{\partial f}{\partial \mathbf{x}} = "
        r"(\mathbf{A} + \mathbf{A}^\top) \mathbf{x}$$")
    tensor = derive.solve("W @ x", "W", shapes={"W": ["m", "n"], "x": ["n"]})
    assert tensor._repr_latex_() is not None and "compact form" in tensor._repr_latex_()
    # A chain's formula writes the intermediates out: d sum(sigmoid(M x))/dM = (s * (1 - s)) x^T.
    chain = derive.solve("sum(a)", "M", shapes={"M": ["h", "n"], "x": ["n"]},
                         let=["a = sigmoid(M @ x)"])
    assert chain._repr_latex_() == (
        r"$$\frac{\partial L}{\partial \mathbf{M}} = (\sigma(\mathbf{M} \mathbf{x}) \odot "
        r"(1 - \sigma(\mathbf{M} \mathbf{x}))) \mathbf{x}^\top$$")
    matrix = derive.vectorize("sum(A[i,k] * B[k,j], k)", "i,j",
                              shapes={"A": ["m", "p"], "B": ["p", "n"]})
    assert matrix._repr_latex_() == r"$$\mathbf{A} \mathbf{B}$$"
