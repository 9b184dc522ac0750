"""Notation that is consistent across a handout: one transpose symbol in prompts and solutions,
and the ones vector and the Hadamard power defined once, where they first appear."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from derive.cli import cli
from derive.render.prose import one_transpose, typeset_symbols, user_prose

SPEC = """title: Notation
notation: NOTATION
exercises:
  - id: quad
    prompt: "Let $f = x^T A x$ and $g = x^{T} B^{-T} x$. Differentiate $f$."
    shapes: {x: [n], A: [n, n]}
    expr: x.T @ A @ x
    wrt: x
  - id: rows
    shapes: {X: [m, n], v: [n]}
    expr: sum(X @ v)
    wrt: v
  - id: squares
    shapes: {x: [n]}
    expr: sum(x ** 3)
    wrt: x
  - id: rows-again
    shapes: {W: [p, q], a: [q]}
    expr: sum(W @ a)
    wrt: a
  - id: cubes-again
    shapes: {y: [k]}
    expr: sum(y ** 4)
    wrt: y
"""


def _build(tmp_path: Path, notation: str) -> str:
    file = tmp_path / "notation.yaml"
    file.write_text(SPEC.replace("NOTATION", notation), encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["build", str(file), "--format", "md", "--out", str(out)])
    assert result.exit_code == 0, result.output
    return (out / "notation" / "notation-solutions.md").read_text(encoding="utf-8")


def test_prompts_write_the_transpose_as_the_solutions_do(tmp_path: Path) -> None:
    solutions = _build(tmp_path, "bold")
    assert r"Let $f = \mathbf{x}^\top \mathbf{A} \mathbf{x}$ and $g = \mathbf{x}^\top " in solutions
    assert r"B^{-\top} \mathbf{x}$." in solutions
    assert "^T" not in solutions and "^{T}" not in solutions
    assert r"\mathbf{x}^\top \mathbf{A} \mathbf{x}" in solutions


def test_ones_and_hadamard_power_are_defined_once_where_first_used(tmp_path: Path) -> None:
    solutions = _build(tmp_path, "bold")
    ones = r"**Notation.** $\mathbf{1}_{m}$ is the column vector of $m$ ones."
    power = (r"**Notation.** $\mathbf{A}^{\circ k}$ is the Hadamard (entrywise) power: every "
             r"entry of $\mathbf{A}$ raised to the power $k$.")
    assert solutions.count("**Notation.**") == 2
    sections = solutions.split("## Exercise ")
    assert ones in sections[2] and r"\mathbf{1}_{m}" in sections[2]
    assert power in sections[3] and r"^{\circ 2}" in sections[3]
    assert r"\mathbf{1}_{" not in sections[1]
    assert r"^{\circ" not in "".join(sections[:3])


def test_notes_follow_the_sets_notation(tmp_path: Path) -> None:
    solutions = _build(tmp_path, "plain")
    assert r"**Notation.** $1_{m}$ is the column vector of $m$ ones." in solutions
    assert r"**Notation.** $A^{\circ k}$ is the Hadamard" in solutions


def test_one_transpose_leaves_other_superscripts() -> None:
    assert one_transpose(r"x^2 + e^{Tx} + A^{T_1} + \mathbb{R}^{n}") == (
        r"x^2 + e^{Tx} + A^{T_1} + \mathbb{R}^{n}")
    assert user_prose(r"With $W^\intercal a$ and text T", "tex") == (
        r"With $W^\top a$ and text T")


def test_prompts_set_the_exercises_arrays_in_the_sets_notation(tmp_path: Path) -> None:
    bold = _build(tmp_path, "bold")
    assert (r"Let $f = \mathbf{x}^\top \mathbf{A} \mathbf{x}$ and $g = \mathbf{x}^\top "
            r"B^{-\top} \mathbf{x}$.") in bold  # B is no symbol of the exercise
    arrow = _build(tmp_path, "arrow")
    assert r"Let $f = \vec{x}^\top A \vec{x}$" in arrow


def test_typeset_symbols_leaves_entries_dimensions_and_text_alone() -> None:
    symbols = {"x": r"\mathbf{x}", "W": r"\mathbf{W}", "n": r"\mathbf{n}",
               "theta": r"\boldsymbol{\theta}"}
    source = (r"\frac{\partial x}{\partial W_{ij}} + x_i + \mathbb{R}^{n} + \mathrm{x} + "
              r"\hat{x} + \theta^\top x")
    assert typeset_symbols(source, symbols) == (
        r"\frac{\partial \mathbf{x}}{\partial W_{ij}} + x_i + \mathbb{R}^{n} + \mathrm{x} + "
        r"\hat{x} + \boldsymbol{\theta}^\top \mathbf{x}")
