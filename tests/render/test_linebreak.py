"""Line breaks of long Markdown displays: every line within the width where a break exists,
nothing lost or reordered, no break inside braces, split growing delimiters made fixed."""

from __future__ import annotations

import re

import pytest

from derive import solve
from derive.render.linebreak import DISPLAY_WIDTH, break_display, visible_length

LONG_SUM = " + ".join(rf"\mathbf{{A}}_{{{k}}} \mathbf{{x}}" for k in range(40))
LONG_CHAIN = (r"\frac{\partial L}{\partial \mathbf{x}} = "
              + r" \odot ".join(rf"\sigma(\mathbf{{W}}_{{{k}}} \mathbf{{x}})" for k in range(20))
              + r" = \mathbf{0}")
NESTED = (r"f = \sum_{i} 2 \left(" + " + ".join(rf"\sum_{{j}} W_{{ij}} x_{{{k}}}"
                                               for k in range(12)) + r"\right) y_{i}")


def _unbroken(latex: str) -> str:
    """The formula without the alignment added by the breaks."""
    body = latex.removeprefix("\\begin{aligned}\n").removesuffix("\n\\end{aligned}")
    body = body.replace("\\Bigl", "\\left").replace("\\Bigr ", "\\right")
    body = re.sub(r" \\\\\n&(\\quad )?", " ", body).replace(" &", " ").lstrip("& ")
    return " ".join(body.split())


@pytest.mark.parametrize("latex", [LONG_SUM, LONG_CHAIN, NESTED], ids=["sum", "chain", "nested"])
def test_long_displays_break_within_the_width_and_keep_every_symbol(latex: str) -> None:
    broken = break_display(latex)
    assert broken.startswith("\\begin{aligned}\n") and broken.endswith("\n\\end{aligned}")
    lines = broken.split("\n")[1:-1]
    assert len(lines) > 1
    assert all(visible_length(line) <= DISPLAY_WIDTH for line in lines)
    assert _unbroken(broken) == " ".join(latex.split())


def test_relations_align_and_continuations_start_with_their_operator() -> None:
    lines = break_display(LONG_CHAIN).split("\n")[1:-1]
    assert lines[0].startswith(r"\frac{\partial L}{\partial \mathbf{x}} &= ")
    assert lines[-1] == r"&= \mathbf{0}"
    assert all(line.startswith(r"&\quad \odot ") for line in lines[1:-1])


def test_a_split_growing_pair_becomes_fixed_and_braces_stay_whole() -> None:
    broken = break_display(NESTED)
    assert r"\Bigl(" in broken and r"\Bigr )" in broken
    assert r"\left(" not in broken
    for line in broken.split("\n")[1:-1]:
        assert line.count("{") == line.count("}")


def test_short_displays_stay_as_they_are() -> None:
    short = r"\mathbf{y} = \mathbf{A} \mathbf{x} + \mathbf{b}"
    assert break_display(short) == short
    assert break_display(r"\sigma(" + "x" * 200 + ")") == r"\sigma(" + "x" * 200 + ")"


def test_markdown_solutions_break_their_displays_and_latex_keeps_breqn() -> None:
    shapes = {"x": ["n"], **{f"A{k}": ["n", "n"] for k in range(12)}}
    expr = " + ".join(f"x.T @ A{k} @ x" for k in range(12))
    solution = solve(expr, "x", shapes=shapes)
    markdown = solution.to_markdown()
    assert "\\begin{aligned}" in markdown
    displays = re.findall(r"\$\$\n(.*?)\n\$\$", markdown, flags=re.S)
    for display in displays:
        for line in display.split("\n"):
            assert visible_length(line) <= DISPLAY_WIDTH + len(r"\boxed{"), line
    assert "\\begin{aligned}" not in solution.to_latex()
