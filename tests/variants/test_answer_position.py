"""Variants whose verified answer differs (a renamed symbol) place it at different letters, so a
printed handout's neighbour does not give the answer away; the same seed places it the same."""

from __future__ import annotations

import csv
from pathlib import Path

from click.testing import CliRunner

from derive.cli import cli

EXAMPLE = Path(__file__).resolve().parents[2] / "exercises" / "question-kinds.yaml"


def _letters(out: Path) -> dict[str, str]:
    build = CliRunner().invoke(cli, ["build", str(EXAMPLE), "--variants", "8", "--seed", "3",
                                     "--format", "md", "--out", str(out), "--quiet"])
    assert build.exit_code == 0, build.output
    with (out / "question-kinds" / "variants.csv").open(encoding="utf-8") as table:
        rows = [row for row in csv.DictReader(table) if row["exercise"] == "bilinear-distractors"]
    return {row["choices"]: row["answer"].split(")")[0] for row in rows}


def test_the_right_option_moves_with_the_variant(tmp_path: Path) -> None:
    letters = _letters(tmp_path / "a")
    assert len(letters) == 4  # a in {a, c} times b in {b, w}
    assert len(set(letters.values())) > 1
    assert _letters(tmp_path / "b") == letters
