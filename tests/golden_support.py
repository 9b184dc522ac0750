"""Golden-file checks shared by the derivative and chain-rule golden tests.

`steps.txt`, `expected.md` and `expected.tex` must match a solution's renderings exactly; with
DERIVE_UPDATE_GOLDEN=1 they are rewritten instead (review the git diff). A missing golden file is
a failure, never silently created. LaTeX must keep its
braces, `\\left`/`\\right` and `\\begin`/`\\end` balanced.
"""

from __future__ import annotations

import difflib
import os
import re
from pathlib import Path
from typing import Protocol

import pytest

UPDATE = os.environ.get("DERIVE_UPDATE_GOLDEN") == "1"


class Rendered(Protocol):
    def to_text(self) -> str: ...
    def to_markdown(self) -> str: ...
    def to_latex(self) -> str: ...


def compare_golden(path: Path, actual: str) -> None:
    """Fail with a unified diff when `actual` differs from the golden file at `path`."""
    if UPDATE:
        path.write_text(actual, encoding="utf-8")
    if not path.exists():
        pytest.fail(f"golden file {path} is missing; create it with DERIVE_UPDATE_GOLDEN=1 "
                    "and review it")
    expected = path.read_text(encoding="utf-8")
    if actual != expected:
        diff = "".join(difflib.unified_diff(
            expected.splitlines(keepends=True), actual.splitlines(keepends=True), str(path),
            "actual",
        ))
        pytest.fail(f"golden mismatch for {path.name}:\n{diff}")


def compare_renderings(case: Path, solution: Rendered) -> None:
    """The text, Markdown and LaTeX renderings against the case's three golden files."""
    compare_golden(case / "steps.txt", solution.to_text())
    compare_golden(case / "expected.md", solution.to_markdown())
    compare_golden(case / "expected.tex", solution.to_latex())


def assert_tex_balanced(tex: str) -> None:
    """Braces, \\left/\\right and \\begin/\\end pairs balance."""
    depth = 0
    for char in re.sub(r"\\[{}]", "", tex):
        depth += {"{": 1, "}": -1}.get(char, 0)
        assert depth >= 0
    assert depth == 0
    assert tex.count(r"\left") == tex.count(r"\right")
    assert re.findall(r"\\begin\{(\w+)\}", tex) == re.findall(r"\\end\{(\w+)\}", tex)
