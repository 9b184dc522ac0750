"""Malformed exercise files through `derive build` and `derive check`: a diagnostic at
file:line:col naming the problem, exit status 1, and an output folder left byte-identical."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from cli_entry import entry, program_name  # noqa: F401 (autouse fixture)
from click.testing import CliRunner, Result

needs_tex = pytest.mark.skipif(
    os.environ.get("DERIVE_SKIP_PDF") == "1", reason="DERIVE_SKIP_PDF=1 is set"
)

GOOD = """\
title: Good set
exercises:
  - id: linear
    shapes: {W: [m, n], x: [n]}
    expr: W @ x
    wrt: x
"""

HEAD = "title: Broken set\nexercises:\n"


def exercise(body: str, *, id: str = "broken", shapes: str = "{W: [m, n], x: [n]}") -> str:
    return HEAD + f"  - id: {id}\n    shapes: {shapes}\n" + body


# (case id, spec text, expected "line:col", a fragment of the first diagnostic line)
CASES = [
    ("bad-yaml", "title: x\nexercises: [\n  {id: a\n", "4:1", "yaml"),
    ("not-a-mapping", "- just\n- a list\n", "1:1", "top level"),
    ("unknown-key", exercise("    expr: W @ x\n    wrt: x\n    wrtt: x\n"), "7:5", "wrtt"),
    ("missing-wrt", exercise("    expr: W @ x\n"), "3:5", "wrt"),
    ("unknown-layout", exercise("    expr: W @ x\n    wrt: x\n    layout: sideways\n"),
     "7:13", "sideways"),
    ("shape-error", exercise("    expr: x @ W\n    wrt: x\n"), "5:13", "cannot multiply"),
    ("syntax-error", exercise("    expr: W @@ x\n    wrt: x\n"), "5:", "error"),
    ("unknown-function", exercise("    expr: foo(x)\n    wrt: x\n"), "5:11", "foo"),
    ("wrt-not-in-expression", exercise("    expr: W @ x\n    wrt: z\n"), "6:10", "'z'"),
    ("bad-element", exercise("    expr: W @ x\n    wrt: x\n    element: [0]\n"), "7:", "element"),
    ("duplicate-ids", HEAD + "  - {id: twin, shapes: {x: [n]}, expr: x.T @ x, wrt: x}\n"
     "  - {id: twin, shapes: {x: [n]}, expr: x.T @ x, wrt: x}\n", "4:10", "duplicate"),
    ("wrong-answer", exercise("    expr: x.T @ A @ x\n    wrt: x\n    answer: 2 * A @ x\n",
                              shapes="{x: [n], A: [n, n]}"), "7:13", "wrong answer '2 * A @ x'"),
    ("answer-shape", exercise("    expr: W @ x\n    wrt: x\n    answer: W\n"), "7:13",
     "the answer is m×n"),
    ("answer-unknown-symbol", exercise("    expr: W @ x\n    wrt: x\n    answer: Q.T\n"),
     "7:13", "'Q'"),
    ("vectorize-with-expr", exercise("    kind: vectorize\n    expr: W @ x\n    wrt: x\n"),
     "3:5", "missing the required key 'index'"),
    ("parts-and-expr", exercise("    expr: W @ x\n    parts:\n      - {expr: W @ x, wrt: x}\n"),
     "5:5", "parts"),
    ("engine-declines", exercise("    expr: x / 0\n    wrt: x\n", shapes="{x: [n]}"), "5:",
     "division by zero"),
    ("input", exercise("    prompt: 'See \\input{/etc/passwd}'\n    expr: W @ x\n    wrt: x\n"),
     "5:18", "\\input"),
    ("include", exercise("    prompt: 'x \\include{secret}'\n    expr: W @ x\n    wrt: x\n"),
     "5:16", "\\include"),
    ("openin", exercise("    prompt: '\\openin1=/etc/passwd'\n    expr: W @ x\n    wrt: x\n"),
     "5:14", "\\openin"),
    ("write18", exercise("    prompt: 'a \\write18{rm -rf ~}'\n    expr: W @ x\n    wrt: x\n"),
     "5:16", "\\write"),
    ("immediate-write", exercise(
        "    prompt: '\\immediate\\write\\out{x}'\n    expr: W @ x\n    wrt: x\n"),
     "5:14", "\\immediate"),
    ("catcode", exercise("    prompt: '\\catcode`\\@=11'\n    expr: W @ x\n    wrt: x\n"),
     "5:14", "\\catcode"),
    ("def", exercise("    prompt: '$\\def\\x{1}$'\n    expr: W @ x\n    wrt: x\n"),
     "5:15", "\\def"),
    ("unsafe-title", "title: '\\input{/etc/passwd}'\nexercises:\n"
     "  - {id: a, shapes: {x: [n]}, expr: x.T @ x, wrt: x}\n", "1:9", "\\input"),
]


def run(*args: str) -> Result:
    result = CliRunner().invoke(entry, list(args))
    assert "Traceback" not in result.stderr + result.stdout
    assert isinstance(result.exception, SystemExit | None)
    return result


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(folder)): path.read_bytes() if path.is_file() else b"<dir>"
        for path in sorted(folder.rglob("*"))
    }


@pytest.fixture
def out(tmp_path: Path) -> Path:
    """An output folder holding an earlier build and a file of the user's."""
    folder = tmp_path / "build"
    (folder / "broken").mkdir(parents=True)
    (folder / "broken" / "broken-problems.md").write_text("an earlier build\n")
    (folder / "notes.txt").write_text("keep me\n")
    return folder


def _first_line(text: str) -> str:
    return text.splitlines()[0] if text else ""


@pytest.mark.parametrize(("spec", "place", "fragment"), [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_build_rejects_and_leaves_output_alone(
    tmp_path: Path, out: Path, spec: str, place: str, fragment: str
) -> None:
    file = tmp_path / "broken.yaml"
    file.write_text(spec, encoding="utf-8")
    before = snapshot(out)
    result = run("build", str(file), "--format", "md", "--out", str(out), "--quiet")
    assert result.exit_code == 1, result.output
    first = _first_line(result.stderr)
    assert re.match(re.escape(f"{file}:{place}") + r"\d*:? ?", first), result.stderr
    assert "error:" in first
    assert fragment.lower() in result.stderr.lower()
    assert snapshot(out) == before


@pytest.mark.parametrize(("spec", "place", "fragment"), [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_check_reports_each_problem(tmp_path: Path, spec: str, place: str, fragment: str) -> None:
    file = tmp_path / "broken.yaml"
    file.write_text(spec, encoding="utf-8")
    result = run("check", str(file))
    assert result.exit_code == 1
    assert f"{file}:{place}" in result.stdout, result.stdout
    assert fragment.lower() in result.stdout.lower()
    assert result.stderr.startswith("error: check failed:")


def test_one_bad_file_among_good_ones_writes_nothing(tmp_path: Path, out: Path) -> None:
    good = tmp_path / "good.yaml"
    good.write_text(GOOD, encoding="utf-8")
    bad = tmp_path / "broken.yaml"
    bad.write_text(exercise("    expr: x.T @ x\n    wrt: x\n    answer: x\n"), encoding="utf-8")
    before = snapshot(out)
    result = run("build", str(good), str(bad), "--format", "all", "--out", str(out))
    assert result.exit_code == 1
    assert snapshot(out) == before


@needs_tex
def test_latex_failure_names_the_exercise(tmp_path: Path, out: Path) -> None:
    file = tmp_path / "broken.yaml"
    file.write_text(
        GOOD + "  - id: bad-macro\n    prompt: 'Compute $x_1_2$.'\n"
        "    shapes: {x: [n]}\n    expr: x.T @ x\n    wrt: x\n",
        encoding="utf-8",
    )
    before = snapshot(out)
    result = run("build", str(file), "--format", "pdf", "--out", str(out), "--quiet")
    assert result.exit_code == 1
    first = _first_line(result.stderr)
    assert first.startswith(f"{file}:7:9: error: exercise 'bad-macro': LaTeX failed on the ")
    assert "Double subscript" in first
    assert snapshot(out) == before


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert run("build").exit_code == 2
    assert run("build", str(tmp_path / "missing.yaml")).exit_code == 2
    assert run("build", str(tmp_path), "--format", "docx").exit_code == 2
    assert run("build", str(tmp_path)).exit_code == 2  # a folder without exercise files


def test_two_files_with_one_stem_are_refused(tmp_path: Path, out: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "set.yaml").write_text(GOOD, encoding="utf-8")
    (tmp_path / "set.yml").write_text(GOOD, encoding="utf-8")
    result = run("build", str(tmp_path / "a" / "set.yaml"), str(tmp_path / "set.yml"),
                 "--out", str(out), "--format", "md")
    assert result.exit_code == 1
    assert "would both be built into 'set/'" in result.stderr
