"""check_tex_safe: refused TeX commands are found as TeX would tokenize them."""

from __future__ import annotations

import pytest

from derive.spec.safety import check_tex_safe, find_tex_unsafe

SAFE = [
    r"Let $y = Wx$. Compute $\partial y / \partial x$.",
    r"$\mathbf{x}^\top A \mathbf{x}$ and $\sum_{i=1}^n x_i^2$",
    r"a line\\input text",  # '\\' is a line break; 'input' is then plain text
    r"\inputs and \letter are other (undefined) words",
    r"\textbf{bold} \emph{x} \left( \frac{1}{2} \right)",
]
UNSAFE = [
    (r"\input{/etc/passwd}", r"\input", 0),
    (r"x \immediate\write18{rm -rf /}", r"\immediate", 2),
    (r"$\catcode`\^=7$", r"\catcode", 1),
    (r"^^5cinput", "^^", 0),
    (r"\csname input\endcsname", r"\csname", 0),
    (r"\def\a{b}", r"\def", 0),
    (r"\let\x=\input", r"\let", 0),
    (r"\newcommand{\x}{1}", r"\newcommand", 0),
    (r"text \makeatletter", r"\makeatletter", 5),
    (r"\scantokens{x}", r"\scantokens", 0),
    ("\\write\n18", r"\write", 0),
]


@pytest.mark.parametrize("text", SAFE, ids=[f"safe-{i}" for i in range(len(SAFE))])
def test_safe_text(text: str) -> None:
    assert check_tex_safe(text) is None


@pytest.mark.parametrize(
    ("text", "command", "offset"), UNSAFE, ids=[case[1].lstrip("\\") for case in UNSAFE]
)
def test_unsafe_text(text: str, command: str, offset: int) -> None:
    assert check_tex_safe(text) == command
    assert find_tex_unsafe(text) == (offset, command)
