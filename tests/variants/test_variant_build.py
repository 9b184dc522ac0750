"""`derive build --variants N --seed S` and `--roster`: files, variants.csv, every answer checked
against finite differences of an exercise written here from the CSV's choices, determinism,
and errors at the choice that causes them. PDF tests skip only when DERIVE_SKIP_PDF=1 is set."""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from answers.numpy_oracle import (
    Case,
    case_rng,
    evaluate,
    finite_difference_gradient,
    random_point,
    relative_error,
)
from cli_entry import entry, program_name  # noqa: F401 - program_name is an autouse fixture
from click.testing import CliRunner, Result

ROOT = Path(__file__).resolve().parents[2]
QUIZ = ROOT / "exercises" / "weekly-quiz.yaml"
SKIP_PDF = os.environ.get("DERIVE_SKIP_PDF") == "1"
COUNT = 12


def run(*args: str) -> Result:
    return CliRunner().invoke(entry, ["build", *args])


def build(out: Path, *args: str, spec: Path = QUIZ) -> None:
    result = run(str(spec), "--out", str(out), "--quiet", *args)
    assert result.exit_code == 0, result.output
    assert result.stdout == ""


def tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file()}


def rows(out: Path, stem: str = "weekly-quiz") -> list[dict[str, str]]:
    text = (out / stem / "variants.csv").read_text("utf-8")
    return list(csv.DictReader(io.StringIO(text)))


@pytest.fixture(scope="module")
def quiz(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("variants")
    build(out, "--variants", str(COUNT), "--seed", "5", "--format", "md")
    return out


def choices(row: dict[str, str]) -> dict[str, str]:
    return dict(part.split("=", 1) for part in row["choices"].split("; "))


# Each exercise of the quiz, written from its choices independently of derive's substitution:
# (expr, wrt, shapes, layout, assume).
Written = tuple[str, str, dict[str, list[str | int]], str, dict[str, str]]
QUIZ_EXERCISES: dict[str, Callable[[dict[str, str]], Written]] = {
    "linear-map": lambda c: (f"{c['W']} @ x", "x", {c["W"]: ["m", c["n"]], "x": [c["n"]]},
                             "denominator", {}),
    "quadratic-form": lambda c: (
        f"x.T @ {c['A']} @ x", "x", {"x": [c["n"]], c["A"]: [c["n"], c["n"]]}, "denominator",
        {c["A"]: "symmetric"} if c["assume"] == "A:symmetric" else {}),
    "scaled-least-squares": lambda c: (
        f"{c['c']} * norm(X @ theta - y) ** 2", "theta",
        {"X": ["N", c["n"]], "theta": [c["n"]], "y": ["N"]}, "denominator", {}),
    "trace-product": lambda c: (
        f"tr(A @ {c['X']} @ B)", c["X"],
        {"A": ["p", "m"], c["X"]: ["m", c["n"]], "B": [c["n"], "p"]}, c["layout"], {}),
    "tanh-layer": lambda c: (
        f"sum(tanh({c['W']} @ x + {c['b']}))", c["b"],
        {c["W"]: ["m", c["n"]], "x": [c["n"]], c["b"]: ["m"]}, "denominator", {}),
}


def test_files_and_table(quiz: Path) -> None:
    names = [f"{n:02d}" for n in range(1, COUNT + 1)]
    expected = sorted(f"weekly-quiz/variants/{name}/weekly-quiz-{kind}.md"
                      for name in names for kind in ("problems", "solutions"))
    assert sorted(tree(quiz)) == sorted([*expected, "weekly-quiz/variants.csv"])
    table = rows(quiz)
    assert [r["variant"] for r in table] == [n for n in names for _ in range(5)]
    assert {r["seed"] for r in table} == {"5"}
    assert [r["exercise"] for r in table[:5]] == list(QUIZ_EXERCISES)


def test_every_answer_matches_finite_differences(quiz: Path) -> None:
    for row in rows(quiz):
        expr, wrt, shapes, layout, assume = QUIZ_EXERCISES[row["exercise"]](choices(row))
        case = Case(row["exercise"], "", "", shapes, layout, expr, wrt, row["answer"],
                    row["answer"], assume)
        values, sizes = random_point(case, case_rng(case, int(row["variant"])))
        if "A:symmetric" in row["choices"]:
            name = choices(row)["A"]
            values[name] = (values[name] + values[name].T) / 2
        reference = finite_difference_gradient(expr, wrt, values, sizes, layout)
        assert relative_error(evaluate(row["answer"], values, sizes), reference) < 1e-6, row


def test_the_handouts_use_the_choices(quiz: Path) -> None:
    for row in rows(quiz):
        if row["exercise"] != "linear-map":
            continue
        made = choices(row)
        text = (quiz / "weekly-quiz" / "variants" / row["variant"] /
                "weekly-quiz-problems.md").read_text("utf-8")
        assert f"\\mathbf{{{made['W']}}} \\in \\mathbb{{R}}^{{m \\times {made['n']}}}" in text
        key = (quiz / "weekly-quiz" / "variants" / row["variant"] /
               "weekly-quiz-solutions.md").read_text("utf-8")
        assert f"\\mathbf{{{made['W']}}}^\\top" in key


def test_variants_differ_while_the_choices_allow(quiz: Path) -> None:
    combinations = {"linear-map": 9, "quadratic-form": 18, "scaled-least-squares": 9,
                    "trace-product": 12, "tanh-layer": 12}
    table = rows(quiz)
    for exercise, count in combinations.items():
        made = [r["choices"] for r in table if r["exercise"] == exercise]
        assert len(set(made)) == min(COUNT, count), exercise


def test_the_same_seed_gives_the_same_bytes(quiz: Path, tmp_path: Path) -> None:
    build(tmp_path / "again", "--variants", str(COUNT), "--seed", "5", "--format", "md")
    assert tree(tmp_path / "again") == tree(quiz)
    build(tmp_path / "other", "--variants", str(COUNT), "--seed", "6", "--format", "md")
    assert rows(tmp_path / "other") != rows(quiz)


@pytest.mark.skipif(SKIP_PDF, reason="DERIVE_SKIP_PDF=1 is set")
def test_pdfs_are_byte_identical_across_builds(tmp_path: Path) -> None:
    for name in ("one", "two"):
        build(tmp_path / name, "--variants", "2", "--seed", "9", "--format", "pdf",
              "--solutions", "only")
    first, second = tree(tmp_path / "one"), tree(tmp_path / "two")
    assert sorted(first) == ["weekly-quiz/variants.csv",
                             "weekly-quiz/variants/01/weekly-quiz-solutions.pdf",
                             "weekly-quiz/variants/02/weekly-quiz-solutions.pdf"]
    assert first == second
    assert all(data.startswith(b"%PDF") for name, data in first.items() if name.endswith("pdf"))


ASSUMED = """title: T
exercises:
  - id: quad
    shapes: {x: [n], A: [n, n]}
    assume: {A: symmetric}
    expr: x.T @ A @ x
    wrt: x
    answer: 2 * A @ x
    vary: {A: [A, B], assume: [{A: symmetric}, {}]}
"""


def test_an_answer_wrong_for_one_choice_is_caught_at_that_choice(tmp_path: Path) -> None:
    spec = tmp_path / "quad.yaml"
    spec.write_text(ASSUMED, encoding="utf-8")
    checked = CliRunner().invoke(entry, ["check", str(spec)])
    assert checked.exit_code == 1
    assert f"{spec}:9:48: error: vary: with assume=none: exercise 'quad': wrong" in checked.stdout
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "keep.txt").write_text("mine", encoding="utf-8")
    result = run(str(spec), "--variants", "4", "--format", "md", "--out", str(tmp_path / "out"))
    assert result.exit_code == 1
    line = result.stderr.splitlines()[0]
    assert line.startswith(f"{spec}:9:48: error: vary: with assume=none: exercise 'quad': "
                           "wrong answer '2 * A @ x'")
    assert tree(tmp_path / "out") == {"keep.txt": b"mine"}  # nothing written


def test_a_choice_that_makes_an_exercise_ill_formed_names_it(tmp_path: Path) -> None:
    spec = tmp_path / "lin.yaml"
    spec.write_text("title: T\nexercises:\n  - id: lin\n    shapes: {W: [m, n], x: [n]}\n"
                    "    expr: W @ x\n    wrt: x\n    vary: {x: [x, exp]}\n", encoding="utf-8")
    result = run(str(spec), "--variants", "2", "--format", "md", "--out", str(tmp_path / "o"))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"{spec}:7:19: error: vary: with x=exp: function 'exp'")
    assert "Traceback" not in result.output


ROSTER = ('name,id\nAda & Lovelace_1 $x$,ada\n"Hopper, Grace <b>",g.hopper\n'
          '\\input{/etc/passwd} $\\def$,x\n')


@pytest.mark.parametrize("fmt", ["md", "tex"])
def test_a_roster_names_folders_and_handouts(tmp_path: Path, fmt: str) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    build(tmp_path / "out", "--roster", str(roster), "--format", fmt, "--seed", "2")
    files = tree(tmp_path / "out")
    assert sorted({name.split("/")[2] for name in files if "/variants/" in name}) == [
        "ada", "g.hopper", "x"]
    problems = files[f"weekly-quiz/variants/ada/weekly-quiz-problems.{fmt}"].decode()
    if fmt == "md":
        assert "**Student:** Ada &amp; Lovelace\\_1 \\$x\\$" in problems
        other = files["weekly-quiz/variants/g.hopper/weekly-quiz-problems.md"].decode()
        assert "Hopper, Grace &lt;b&gt;" in other
    else:
        assert r"\date{Student: Ada \& Lovelace\_1 \$x\$}" in problems
        hostile = files["weekly-quiz/variants/x/weekly-quiz-problems.tex"].decode()
        assert (r"\date{Student: \textbackslash{}input\{/etc/passwd\} "
                r"\$\textbackslash{}def\$}") in hostile
    table = rows(tmp_path / "out")
    assert [r["student"] for r in table[::5]] == ["Ada & Lovelace_1 $x$", "Hopper, Grace <b>",
                                                  "\\input{/etc/passwd} $\\def$"]


@pytest.mark.parametrize(("roster", "message"), [
    ("name,id\nA,../etc\n", ":2:1: error: roster: id '../etc' cannot name a folder"),
    ("name,id\nA,a\nB,a\n", ":3:1: error: roster: id 'a' is repeated"),
    ("name,id\nA,ada\nB,Ada\n", ":3:1: error: roster: id 'Ada' is repeated"),
    ("student\nA\n", ":1:1: error: roster: the roster has no 'name' column"),
    ("name\n\n", ":1:1: error: roster: the roster lists no students"),
])
def test_a_bad_roster_is_refused_at_its_line(tmp_path: Path, roster: str, message: str) -> None:
    path = tmp_path / "roster.csv"
    path.write_text(roster, encoding="utf-8")
    result = run(str(QUIZ), "--roster", str(path), "--out", str(tmp_path / "o"))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"{path}{message}")
    assert not (tmp_path / "o").exists()


def test_usage_errors(tmp_path: Path) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_text("name\nA\nB\n", encoding="utf-8")
    assert run(str(QUIZ), "--seed", "3").exit_code == 2
    assert run(str(QUIZ), "--roster", str(roster), "--variants", "3").exit_code == 2
    assert run(str(QUIZ), "--variants", "0").exit_code == 2


def test_without_a_terminal_there_is_no_progress_bar(tmp_path: Path) -> None:
    result = run(str(QUIZ), "--variants", "3", "--format", "md", "--out", str(tmp_path / "o"))
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    assert result.stdout == f"wrote 7 files for 1 exercise set into {tmp_path / 'o'}/\n"


def test_numbered_folders_without_ids(tmp_path: Path) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_text("name\nA\nB\nC\n", encoding="utf-8")
    build(tmp_path / "o", "--roster", str(roster), "--format", "md", "--solutions", "none")
    assert sorted(tree(tmp_path / "o")) == [
        "weekly-quiz/variants.csv", *(f"weekly-quiz/variants/{n:02d}/weekly-quiz-problems.md"
                                      for n in (1, 2, 3))]
    assert np.array_equal([r["student"] for r in rows(tmp_path / "o")[::5]], ["A", "B", "C"])


def test_an_error_of_the_file_itself_is_not_blamed_on_a_choice(tmp_path: Path) -> None:
    spec = tmp_path / "two.yaml"
    spec.write_text("title: T\nexercises:\n  - id: one\n    shapes: {W: [m, n], x: [n]}\n"
                    "    expr: W @ x\n    wrt: x\n    vary: {W: [V, M]}\n  - id: two\n"
                    "    shapes: {x: [n]}\n    expr: x.T @ x\n    wrt: x\n    answer: x\n",
                    encoding="utf-8")
    result = run(str(spec), "--variants", "3", "--format", "md", "--out", str(tmp_path / "o"))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"{spec}:12:13: error: exercise 'two': wrong answer 'x'")
    assert result.stderr.count("error:") == 1
