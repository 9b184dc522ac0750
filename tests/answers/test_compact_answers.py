"""Teacher answers for compact forms: the kept copy (vᵀ) and the repeated form (1ₘ vᵀ) are both
right; a repeated form of the wrong size or value is not. Verdicts known by hand: for y = X v,
∂y_i/∂X_kl = v_l δ_ik, so every row of the compact form is vᵀ."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from derive.cli import cli

CASES = [
    ("kept", "{X: [m, n], v: [n]}", "X @ v", "X", "v.T", True),
    ("repeated", "{X: [m, n], v: [n]}", "X @ v", "X", "ones(m) @ v.T", True),
    ("row-vector-repeated", "{x: [1, D], W: [D, C]}", "x @ W", "W", "ones(C) @ x", True),
    ("wrong-count", "{X: [m, n], v: [n]}", "X @ v", "X", "ones(n) @ v.T", False),
    ("wrong-value", "{X: [m, n], v: [n]}", "X @ v", "X", "ones(m) @ (2 * v).T", False),
    ("column-not-row", "{X: [m, n], v: [n]}", "X @ v", "X", "v", False),
]


@pytest.mark.parametrize(("name", "shapes", "expr", "wrt", "answer", "right"), CASES,
                         ids=[c[0] for c in CASES])
def test_compact_answer_verdicts(tmp_path: Path, name: str, shapes: str, expr: str, wrt: str,
                                 answer: str, right: bool) -> None:
    spec = tmp_path / "compact.yaml"
    spec.write_text(f"title: t\nexercises:\n  - id: {name}\n    shapes: {shapes}\n"
                    f"    expr: {expr}\n    wrt: {wrt}\n    answer: {answer}\n",
                    encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", str(spec)])
    if right:
        assert result.exit_code == 0, result.output
        assert f"exercise '{name}': ok (answer checked)" in result.output
    else:
        assert result.exit_code == 1
        assert f"exercise '{name}': wrong answer" in result.output
