"""Variants of the notes' question kinds: `derive build --variants N --seed S` with shape, select
and blanks questions, variants.csv's keys, the seed reaching the generated options, and the
Moodle bank of all variants read back with a real XML parser.

Which options are right is decided here by finite differences (numpy oracle) at a random point,
and the shapes and factor orders from the layout table of the notes, not from derive's verdicts.
"""

from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest
from answers.numpy_oracle import evaluate, finite_difference_gradient
from cli_entry import entry, program_name  # noqa: F401 - program_name is an autouse fixture
from click.testing import CliRunner

from derive.build.solve import solve_set
from derive.engine.asked import SelectKey
from derive.spec import load_spec

SPEC = """\
title: Kinds <i>& variants</i>
course: MC 101
exercises:
  - id: quad
    prompt: Let $f = x^T {A} x$. Which expressions equal $\\partial f / \\partial x$?
    kind: select
    shapes: {x: [n], A: [n, n]}
    expr: x.T @ A @ x
    wrt: x
    distractors: 2
    options: [(A + A.T) @ x, 2 * A @ x, x.T @ (A + A.T), A @ x]
    vary: {A: [A, B, S], assume: [{A: symmetric}, {}]}
  - id: shape-of
    kind: shape
    shapes: {x: [n], W: [m, n]}
    expr: W @ x
    wrt: x
    vary: {W: [W, V], n: [n, d]}
  - id: net
    kind: blanks
    shapes: {x: [n], M: [p, n], N: [m, p], y: [m]}
    functions: {f: elementwise, g: elementwise, h: scalar}
    let: ["a = f(M @ x)", "yhat = g(N @ a)"]
    expr: h(yhat - y)
    wrt: M
    name: L
    vary: {a: [a, z], M: [M, K]}
  - id: generated
    kind: select
    shapes: {a: [m], X: [m, n], b: [n]}
    expr: a.T @ X @ b
    wrt: X
    distractors: 3
  - id: linear
    shapes: {x: [n], W: [m, n]}
    expr: W @ x
    wrt: x
"""

COUNT = 6
SIZES = {"n": 3, "m": 2, "d": 4}


def build(tmp_path: Path, name: str, *args: str) -> Path:
    spec = tmp_path / "kinds.yaml"
    spec.write_text(SPEC, encoding="utf-8")
    out = tmp_path / name
    result = CliRunner().invoke(entry, ["build", str(spec), "--out", str(out), "--quiet", *args])
    assert result.exit_code == 0, result.output
    return out / "kinds"


def table(folder: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO((folder / "variants.csv").read_text("utf-8"))))


def choices(row: dict[str, str]) -> dict[str, str]:
    return dict(part.split("=", 1) for part in row["choices"].split("; ")) if row["choices"] \
        else {}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("kinds"), "out", "--variants", str(COUNT), "--seed",
                 "3", "--format", "md,moodle")


def _is_gradient(option: str, matrix: str, symmetric: bool, rng: np.random.Generator) -> bool:
    """Whether `option` equals d(x^T A x)/dx (denominator layout) at a random point."""
    n = SIZES["n"]
    a = rng.standard_normal((n, n))
    if symmetric:
        a = (a + a.T) / 2
    values = {"x": rng.standard_normal((n, 1)), matrix: a}
    reference = finite_difference_gradient(f"x.T @ {matrix} @ x", "x", values, SIZES,
                                           "denominator")
    value = evaluate(option, values, SIZES)
    return value.shape == reference.shape and bool(np.allclose(value, reference, atol=1e-6))


def test_select_keys_list_the_right_options_of_each_variant(built: Path) -> None:
    rng = np.random.default_rng(12)
    teacher = ["(A + A.T) @ x", "2 * A @ x", "x.T @ (A + A.T)", "A @ x"]
    rows = [row for row in table(built) if row["exercise"] == "quad"]
    assert len(rows) == COUNT
    assert len({row["choices"] for row in rows}) == COUNT  # 6 combinations, all used
    for row in rows:
        made = choices(row)
        matrix, symmetric = made["A"], made["assume"] == "A:symmetric"
        options = [re.sub(r"\bA\b", matrix, text) for text in teacher]
        right = [f"({letter}) {text}" for letter, text in zip("ABCD", options, strict=True)
                 if _is_gradient(text, matrix, symmetric, rng)]
        assert len(right) == (2 if symmetric else 1), row
        assert row["answer"] == "right: " + " | ".join(right)


def test_shape_and_blanks_keys_follow_the_layout_rules(built: Path) -> None:
    for row in table(built):
        made = choices(row)
        if row["exercise"] == "shape-of":
            # denominator layout: d(W x)/dx for x in R^n and W x in R^m is n x m
            assert row["answer"] == f"shape {made['n']}×m", row
        elif row["exercise"] == "net":
            # denominator layout multiplies from the variable out; the factor by M comes last
            a, matrix = made["a"], made["M"]
            assert row["answer"] == f"dyhat/d{a} dL/dyhat d{a}/d{matrix}", row
        elif row["exercise"] == "linear":
            assert row["answer"] == "W.T"


def _questions(folder: Path) -> list[tuple[str, ET.Element]]:
    """Every multichoice question of the bank with the category it sits in."""
    root = ET.parse(folder / "kinds.moodle.xml").getroot()
    assert root.tag == "quiz"
    found, category = [], ""
    for question in root.iter("question"):
        if question.get("type") == "category":
            category = question.findtext("category/text") or ""
        else:
            assert question.get("type") == "multichoice"
            found.append((category, question))
    return found


def test_the_bank_holds_every_variant_in_its_exercise_category(built: Path) -> None:
    questions = _questions(built)
    ids = ["quad", "shape-of", "net", "generated", "linear"]
    assert len(questions) == COUNT * len(ids)
    names = [(category, q.findtext("name/text")) for category, q in questions]
    assert names == [(f"$course$/top/MC 101/kinds/{ident}", f"{ident} v{number:02d}")
                     for ident in ids for number in range(1, COUNT + 1)]
    rows = table(built)
    for category, question in questions:
        ident, variant = (question.findtext("name/text") or "").split(" v")
        row = next(r for r in rows if r["exercise"] == ident and r["variant"] == variant)
        fractions = [float(a.get("fraction", "nan")) for a in question.iter("answer")]
        right = [f for f in fractions if f > 0]
        expected = row["answer"].count(" | ") + 1 if row["answer"].startswith("right") else 1
        assert len(right) == expected, (category, row)
        assert sum(right) == pytest.approx(100, abs=1e-3)
        text = question.findtext("questiontext/text") or ""
        for each in [text, question.findtext("generalfeedback/text") or "",
                     *(a.findtext("text") or "" for a in question.iter("answer"))]:
            assert each.count(r"\(") == each.count(r"\)") and "$" not in each
        if ident == "quad":
            matrix = choices(row)["A"]
            assert rf"\(f = \mathbf{{x}}^\top \mathbf{{{matrix}}} \mathbf{{x}}\)" in text
            codes = [re.search(r"<code>(.*)</code>", a.findtext("feedback/text") or "")
                     for a in question.iter("answer")]
            chosen = [c.group(1) for c, f in zip(codes, fractions, strict=True) if c and f > 0]
            assert [f"({letter}) {code}" for letter, code in zip("AB", chosen, strict=False)] \
                == row["answer"].removeprefix("right: ").split(" | ")
    bank = (built / "kinds.moodle.xml").read_text("utf-8")
    assert "<i>" not in bank.replace("&lt;i&gt;", "")


def _generated(folder: Path) -> list[str]:
    """The options of the bank's first variant of 'generated', in the language."""
    question = next(q for _, q in _questions(folder) if q.findtext("name/text") ==
                    "generated v01")
    return [re.sub(r".*<code>(.*)</code>.*", r"\1", a.findtext("feedback/text") or "",
                   flags=re.S) for a in question.iter("answer")]


def test_the_seed_draws_the_generated_options(tmp_path: Path) -> None:
    spec = tmp_path / "kinds.yaml"
    drawn = {}
    for seed in (1, 2, 3, 4):
        folder = build(tmp_path, f"s{seed}", "--variants", "2", "--seed", str(seed), "--format",
                       "moodle")
        options = _generated(folder)
        # The same options as solving the file with that seed: the seed reached the draw.
        solved = solve_set(load_spec(spec), "kinds", seed=seed)
        key = next(each.asked for _, items in solved.items for each in items
                   if each.item.exercise_id == "generated")
        assert isinstance(key, SelectKey)
        assert options == [option.text for option in key.options]
        drawn[seed] = options
        # Every generated option is numerically wrong: d(a^T X b)/dX = a b^T (denominator).
        rng = np.random.default_rng(seed)
        values = {"a": rng.standard_normal((2, 1)), "X": rng.standard_normal((2, 3)),
                  "b": rng.standard_normal((3, 1))}
        reference = finite_difference_gradient("a.T @ X @ b", "X", values, SIZES,
                                               "denominator")
        right = [np.allclose(evaluate(text, values, SIZES), reference, atol=1e-6)
                 for text in options]
        assert right.count(True) == 1 and len(options) == 4
    assert len({tuple(options) for options in drawn.values()}) > 1
    again = build(tmp_path, "again", "--variants", "2", "--seed", "3", "--format", "moodle")
    assert (again / "kinds.moodle.xml").read_bytes() == \
        (tmp_path / "s3" / "kinds" / "kinds.moodle.xml").read_bytes()
