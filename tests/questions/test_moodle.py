"""Moodle XML export, read back with a real XML parser.

For every question: the number of right options, grades that add up (the right ones to 100,
each one of Moodle's grades), balanced MathJax delimiters, and prompt text that went through
escaped. Which options are right is decided here from standard results (Matrix Cookbook,
sec. 2.4.2: d(x^T A x)/dx = (A + A^T) x), not from derive's own verdicts.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from fractions import Fraction
from pathlib import Path

import pytest
from click.testing import CliRunner

from derive.build.moodle import moodle_xml
from derive.build.solve import SolvedSet, solve_set
from derive.cli.main import cli
from derive.spec import parse_spec

SET = """\
title: Quadratic forms <b>& more</b>
course: MC 101
exercises:
  - id: quad
    prompt: "Let $f = x^T A x$ & <i>pick</i> every form of the gradient."
    kind: select
    shapes: {x: [n], A: [n, n]}
    expr: x.T @ A @ x
    wrt: x
    distractors: 2
    ill_shaped: 1
    options:
      - (A + A.T) @ x
      - A @ x + A.T @ x
      - 2 * A @ x
      - ((A + A.T) @ x).T
      - x.T @ (A + A.T)
      - x @ A
  - id: quad-symmetric
    kind: select
    shapes: {x: [n], A: [n, n]}
    assume: {A: symmetric}
    expr: x.T @ A @ x
    wrt: x
    options:
      - (A + A.T) @ x
      - 2 * A @ x
      - A @ x
  - id: linear
    shapes: {x: [n], W: [m, n]}
    expr: W @ x
    wrt: x
  - id: shape-of
    kind: shape
    shapes: {x: [n], W: [m, n]}
    expr: W @ x
    wrt: x
"""

RIGHT = {"quad": 2, "quad-symmetric": 2, "linear": 1, "shape-of": 1}
"""Right options per exercise, by the standard results (symmetric A: 2 A x is right too)."""

GRADES = {Fraction(p, q) for q in range(1, 7) for p in range(0, q + 1)}
GRADES |= {Fraction(p, 10) for p in range(11)} | {Fraction(1, q) for q in range(1, 11)}
GRADES |= {Fraction(1, 20)}
"""Moodle's grade scale (question_bank::fraction_options): p/q for q <= 6, p/10, 1/q, 1/20."""


def _solved(text: str = SET, stem: str = "forms") -> SolvedSet:
    return solve_set(parse_spec(text, f"{stem}.yaml"), stem)


def _questions(xml: str) -> list[ET.Element]:
    root = ET.fromstring(xml)
    assert root.tag == "quiz"
    return [q for q in root.iter("question") if q.get("type") == "multichoice"]


def _balanced(text: str) -> bool:
    return (text.count(r"\(") == text.count(r"\)") and text.count(r"\[") == text.count(r"\]")
            and "$" not in text)


def _on_scale(percent: float) -> bool:
    return any(abs(abs(percent) / 100 - float(grade)) < 1e-6 for grade in GRADES)


@pytest.fixture(scope="module")
def bank() -> str:
    return moodle_xml([_solved()])


def test_every_question_grades_as_the_standard_results_say(bank: str) -> None:
    questions = _questions(bank)
    assert len(questions) == 4
    for question in questions:
        name = question.findtext("name/text") or ""
        exercise = name.split()[0]
        fractions = [float(a.get("fraction", "nan")) for a in question.iter("answer")]
        right = [f for f in fractions if f > 0]
        assert len(right) == RIGHT[exercise], name
        assert sum(right) == pytest.approx(100, abs=1e-3), name
        assert all(_on_scale(f) for f in fractions), (name, fractions)
        assert question.findtext("shuffleanswers") == "true"
        assert question.findtext("single") == ("false" if exercise.startswith("quad")
                                               else "true")
        texts = [question.findtext("questiontext/text") or "",
                 question.findtext("generalfeedback/text") or ""]
        texts += [a.findtext("text") or "" for a in question.iter("answer")]
        assert all(_balanced(text) for text in texts), name


def test_teacher_options_come_first_in_their_order(bank: str) -> None:
    quad = _questions(bank)[0]
    answers = [a.findtext("text") for a in quad.iter("answer")]
    assert len(answers) == 9  # six teacher options, two well-shaped and one ill-shaped slip
    assert answers[0] == r"\((\mathbf{A} + \mathbf{A}^\top) \mathbf{x}\)"
    fractions = [float(a.get("fraction", "nan")) for a in quad.iter("answer")]
    assert [f > 0 for f in fractions[:6]] == [True, True, False, False, False, False]
    feedback = [a.findtext("feedback/text") or "" for a in quad.iter("answer")]
    assert "ill-formed" in feedback[5] and "x (n×1)" in feedback[5]
    assert "wrong shape" in feedback[3] and "wrong shape" in feedback[4]


def test_prompt_text_is_escaped(bank: str) -> None:
    quad = _questions(bank)[0]
    text = quad.findtext("questiontext/text") or ""
    assert "<i>" not in text and "&lt;i&gt;pick&lt;/i&gt;" in text
    # The prompt's math is set in the set's notation, transposes as \top.
    assert "&amp;" in text and r"\(f = \mathbf{x}^\top \mathbf{A} \mathbf{x}\)" in text
    assert "<b>" not in bank.replace("&lt;b&gt;", "")


def test_variants_share_a_category_per_exercise() -> None:
    first = _solved()
    second = _solved(SET.replace("[n, n]", "[p, p]").replace("{x: [n]", "{x: [p]")
                     .replace("[m, n]", "[q, p]"))
    xml = moodle_xml([first, second])
    root = ET.fromstring(xml)
    categories: dict[str, list[str]] = {}
    current = ""
    for question in root.iter("question"):
        if question.get("type") == "category":
            current = question.findtext("category/text") or ""
            categories[current] = []
        else:
            categories[current].append(question.findtext("name/text") or "")
    assert list(categories) == [f"$course$/top/MC 101/forms/{ident}" for ident in RIGHT]
    assert categories["$course$/top/MC 101/forms/quad"] == ["quad v01", "quad v02"]
    texts = [q.findtext("questiontext/text") for q in _questions(xml)]
    assert r"\mathbb{R}^{p}" in (texts[5] or "") and r"\mathbb{R}^{n}" in (texts[4] or "")


def test_build_writes_the_bank_and_refuses_unknown_formats(tmp_path: Path) -> None:
    spec = tmp_path / "forms.yaml"
    spec.write_text(SET, encoding="utf-8")
    runner = CliRunner()
    out = tmp_path / "out"
    done = runner.invoke(cli, ["build", str(spec), "--out", str(out), "--format", "md,moodle",
                               "--quiet"])
    assert done.exit_code == 0, done.output
    assert sorted(p.name for p in (out / "forms").iterdir()) == [
        "forms-problems.md", "forms-solutions.md", "forms.moodle.xml"]
    assert _questions((out / "forms" / "forms.moodle.xml").read_text(encoding="utf-8"))
    refused = runner.invoke(cli, ["build", str(spec), "--out", str(out), "--format", "md,qti"])
    assert refused.exit_code == 2
    assert "'qti' is not a format" in refused.output


def test_a_select_question_without_a_right_option_is_refused() -> None:
    text = SET.replace("      - (A + A.T) @ x\n      - A @ x + A.T @ x\n", "")
    with pytest.raises(Exception) as caught:
        moodle_xml([_solved(text)])
    assert re.search(r"exercise 'quad' has 0 right options", str(caught.value))


EXERCISES = sorted((Path(__file__).parents[2] / "exercises").glob("*.yaml"))


@pytest.mark.parametrize("spec_file", EXERCISES, ids=[p.stem for p in EXERCISES])
def test_every_example_set_exports(spec_file: Path) -> None:
    """Derivative, chain and vectorize items become the answer and three distractors."""
    from derive.spec import load_spec

    solved = solve_set(load_spec(spec_file), spec_file.stem)
    kinds = {f"{each.item.exercise_id}{' ' + each.item.label if each.item.label else ''}":
             each.item.kind for _, items in solved.items for each in items}
    for question in _questions(moodle_xml([solved])):
        name = question.findtext("name/text") or ""
        fractions = [float(a.get("fraction", "nan")) for a in question.iter("answer")]
        assert sum(f for f in fractions if f > 0) == pytest.approx(100, abs=1e-3), name
        assert all(_on_scale(f) for f in fractions), name
        if kinds[name] in ("derivative", "chain", "vectorize"):
            assert len(fractions) == 4 and fractions.count(100) == 1, name
            codes = [re.search(r"<code>(.*)</code>", a.findtext("feedback/text") or "")
                     for a in question.iter("answer")]
            assert all(codes) and len({c.group(1) for c in codes if c}) == 4, name


def test_feedback_names_each_option_in_the_language(bank: str) -> None:
    quad = _questions(bank)[0]
    feedback = [a.findtext("feedback/text") or "" for a in quad.iter("answer")]
    assert "<code>x @ A</code>" in feedback[5]
    assert "<code>2 * A @ x</code>" in feedback[2]


def test_rebuilding_gives_the_same_bytes(tmp_path: Path) -> None:
    spec = Path(__file__).parents[2] / "exercises" / "question-kinds.yaml"
    runner = CliRunner()
    outputs = []
    for name in ("one", "two"):
        out = tmp_path / name
        done = runner.invoke(cli, ["build", str(spec), "--out", str(out), "--format",
                                   "md,tex,moodle", "--quiet"])
        assert done.exit_code == 0, done.output
        outputs.append({p.name: p.read_bytes() for p in (out / "question-kinds").iterdir()})
    assert outputs[0] == outputs[1]
    assert len(outputs[0]) == 5
