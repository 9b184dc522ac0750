"""Golden worked examples from the notes: engine steps, Markdown and LaTeX, checked three ways.

Each tests/golden/<case>/spec.yaml is solved; `steps.txt` (text rendering), `expected.md` and
`expected.tex` must match exactly. Run with DERIVE_UPDATE_GOLDEN=1 to rewrite them, then review
the git diff. Every case must also verify numerically, render byte-identically twice and keep TeX
braces and \\begin/\\end balanced.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from golden_support import assert_tex_balanced, compare_renderings

from derive import solve

GOLDEN = Path(__file__).resolve().parents[1] / "golden"
CASES = sorted(p.parent.name for p in GOLDEN.glob("*/spec.yaml"))


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
        name=spec.get("name"),
    )


@pytest.mark.parametrize("case", CASES, ids=CASES)
def test_golden_outputs(case: str) -> None:
    compare_renderings(GOLDEN / case, _solve(case))


@pytest.mark.parametrize("case", CASES, ids=CASES)
def test_golden_verified_and_stable(case: str) -> None:
    first, second = _solve(case), _solve(case)
    assert first.to_dict()["verified"] is True
    assert first.to_markdown() == second.to_markdown()
    assert first.to_latex() == second.to_latex()


@pytest.mark.parametrize("case", CASES, ids=CASES)
def test_golden_tex_balanced(case: str) -> None:
    assert_tex_balanced(_solve(case).to_latex())
