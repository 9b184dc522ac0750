"""Golden worked examples from the notes: engine steps, Markdown and LaTeX, checked three ways.

Each tests/golden/<case>/spec.yaml is solved; `steps.txt` (text rendering), `expected.md` and
`expected.tex` must match exactly. Run with DERIVE_UPDATE_GOLDEN=1 to rewrite them, then review
the git diff. Every case must also verify numerically, render byte-identically twice and keep TeX
braces and \\begin/\\end balanced.
"""

from __future__ import annotations

import difflib
import os
import re
from pathlib import Path

import pytest
import yaml

from derive import solve

GOLDEN = Path(__file__).resolve().parents[1] / "golden"
CASES = sorted(p.parent.name for p in GOLDEN.glob("*/spec.yaml"))
UPDATE = os.environ.get("DERIVE_UPDATE_GOLDEN") == "1"


def _solve(case: str):  # type: ignore[no-untyped-def]
    spec = yaml.safe_load((GOLDEN / case / "spec.yaml").read_text(encoding="utf-8"))
    return solve(
        spec["expr"],
        spec["wrt"],
        shapes=spec.get("shapes"),
        assume=spec.get("assume"),
        layout=spec.get("layout", "denominator"),
        element=spec.get("element"),
        functions=spec.get("functions"),
    )


def _compare(path: Path, actual: str) -> None:
    if UPDATE or not path.exists():
        path.write_text(actual, encoding="utf-8")
    expected = path.read_text(encoding="utf-8")
    if actual != expected:
        diff = "".join(
            difflib.unified_diff(
                expected.splitlines(keepends=True), actual.splitlines(keepends=True),
                str(path), "actual",
            )
        )
        pytest.fail(f"golden mismatch for {path.name}:\n{diff}")


@pytest.mark.parametrize("case", CASES, ids=CASES)
def test_golden_outputs(case: str) -> None:
    solution = _solve(case)
    _compare(GOLDEN / case / "steps.txt", solution.to_text())
    _compare(GOLDEN / case / "expected.md", solution.to_markdown())
    _compare(GOLDEN / case / "expected.tex", solution.to_latex())


@pytest.mark.parametrize("case", CASES, ids=CASES)
def test_golden_verified_and_stable(case: str) -> None:
    first, second = _solve(case), _solve(case)
    assert first.to_dict()["verified"] is True
    assert first.to_markdown() == second.to_markdown()
    assert first.to_latex() == second.to_latex()


@pytest.mark.parametrize("case", CASES, ids=CASES)
def test_golden_tex_balanced(case: str) -> None:
    tex = _solve(case).to_latex()
    depth = 0
    for char in re.sub(r"\\[{}]", "", tex):
        depth += {"{": 1, "}": -1}.get(char, 0)
        assert depth >= 0
    assert depth == 0
    assert tex.count(r"\left") == tex.count(r"\right")
    assert re.findall(r"\\begin\{(\w+)\}", tex) == re.findall(r"\\end\{(\w+)\}", tex)
