"""Every reproducer of the hostile-input review, kept as a test: attacks through exercise files
and the command line are refused (or made harmless) with a diagnostic, work stays bounded,
nothing is written outside --out, and no input produces a traceback.

TeX-level defences (scrubbed environment, killed loops) are in tests/render/test_pdf.py, the
allowlist itself in tests/spec/test_prose.py, interrupts in tests/test_cli_habits.py.
"""

from __future__ import annotations

import importlib.abc
import os
import sys
import time
from pathlib import Path

import pytest
from cli_entry import entry, program_name  # noqa: F401 (autouse fixture)
from click.testing import CliRunner, Result

import derive

HEAD = "title: Hostile\nexercises:\n"
GOOD = "  - {id: ok, shapes: {x: [n]}, expr: x.T @ x, wrt: x}\n"


def run(*args: str, stdin: str | None = None) -> Result:
    return CliRunner().invoke(entry, list(args), input=stdin)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file()} if folder.exists() else {}


def build(
    tmp_path: Path, spec: str, fmt: str = "md", name: str = "set.yaml"
) -> tuple[Result, Path]:
    path = tmp_path / name
    path.write_text(spec, encoding="utf-8")
    out = tmp_path / "out"
    return run("build", str(path), "--format", fmt, "--out", str(out), "--quiet"), out


# --- prose attacks through every field, refused before TeX or Markdown sees them -------------

ATTACKS = {
    "pdfobj-file": r"Let $y = Wx \pdfobj stream file {/etc/passwd}\pdfrefobj\pdflastobj$.",
    "pdfobj-environ": r"$\pdfobj stream file {/proc/self/environ}\pdfrefobj\pdflastobj$",
    "pdfcatalog-js": r"\pdfcatalog{/OpenAction<</S/JavaScript/JS(app.alert(1))>>}",
    "pdfstartlink": r"$\pdfstartlink user{/Subtype/Link/A<</S/URI/URI(http://x)>>}a$",
    "expl3": r"$\ExplSyntaxOn \cs_set:Npn \x {\input{/etc/passwd}}$",
    "iow-open": r"$\iow_open:Nn \g_tmpa_iow {x}$",
    "use-c": r"$\use:c{input}{/etc/passwd}$",
    "newcommandcopy": r"$\NewCommandCopy\a\input \a{/etc/passwd}$",
    "newcount": r"$\newcount\c$",
    "loop": r"$\loop\iftrue\repeat$",
    "script-link": "[x](javascript:alert(1))",
}
FIELDS = {
    "title": lambda text: f"title: '{text}'\nexercises:\n{GOOD}",
    "course": lambda text: f"title: T\ncourse: '{text}'\nexercises:\n{GOOD}",
    "author": lambda text: f"title: T\nauthor: '{text}'\nexercises:\n{GOOD}",
    "prompt": lambda text: HEAD + f"  - {{id: a, prompt: '{text}', shapes: {{x: [n]}}, "
                                  "expr: x.T @ x, wrt: x}\n",
    "part-title": lambda text: HEAD + "  - id: a\n    shapes: {x: [n]}\n    parts:\n"
                                      f"      - {{title: '{text}', expr: x.T @ x, wrt: x}}\n",
}


@pytest.mark.parametrize("field", sorted(FIELDS))
@pytest.mark.parametrize("attack", sorted(ATTACKS))
def test_prose_attacks_are_refused_in_every_field(tmp_path: Path, field: str,
                                                  attack: str) -> None:
    result, out = build(tmp_path, FIELDS[field](ATTACKS[attack]), fmt="tex")
    assert result.exit_code == 1
    first = result.stderr.splitlines()[0]
    assert first.startswith(f"{tmp_path / 'set.yaml'}:")
    assert "not allowed" in first
    assert not out.exists()


def test_markdown_gets_no_raw_html_and_no_links(tmp_path: Path) -> None:
    spec = HEAD + ("  - {id: a, prompt: 'See $<script>alert(1)</script>$, <b onmouseover=x>, "
                   "[a](b) and <javascript-free>', shapes: {x: [n]}, expr: x.T @ x, wrt: x}\n")
    result, out = build(tmp_path, spec)
    assert result.exit_code == 0, result.stderr
    text = (out / "set" / "set-problems.md").read_text(encoding="utf-8")
    assert "<script" not in text and "<b " not in text and "](" not in text
    assert r"$\lt script\gt alert(1)\lt /script\gt $" in text


def test_name_option_cannot_carry_tex() -> None:
    result = run("solve", "x.T @ x", "--wrt", "x", "--shape", "x=n", "--format", "tex",
                 "--name", r"\input{/etc/passwd}")
    assert result.exit_code == 1
    assert result.stderr.startswith("error: argument 'name' must be a name such as 'x'")


# --- work limits: refused at once, or solved within seconds -----------------------------------

def _nest(functions: tuple[str, ...], depth: int, inner: str = "x") -> str:
    for level in range(depth):
        inner = f"{functions[level % len(functions)]}({inner})"
    return inner


REFUSED_QUICKLY = [
    ("huge-exponent", "x * 1e999999999", ["--shape", "x=n"],
     "number '1e999999999' is out of range"),
    ("tiny-exponent", "x * 1e-999999999", ["--shape", "x=n"], "is out of range"),
    ("sigmoid-25", "sum(" + _nest(("sigmoid",), 25) + ")", ["--shape", "x=n"],
     "too complex: function calls nest more than 24 deep"),
    ("inv-58", "tr(" + _nest(("inv",), 58, "A") + ")", ["--shape", "A=n,n"], "too complex"),
    ("huge-size", "x.T @ x", ["--shape", "x=100000"], "size 100000 in the shape of 'x' is over"),
    ("huge-matrix", "tr(A)", ["--shape", "A=50000,50000"], "is over the maximum 10000"),
    ("size-1e20", "x.T @ x", ["--shape", "x=100000000000000000000"], "is over the maximum"),
]


@pytest.mark.parametrize(("case", "expr", "shapes", "message"), REFUSED_QUICKLY,
                         ids=[c[0] for c in REFUSED_QUICKLY])
def test_work_over_the_limits_is_refused_at_once(case: str, expr: str, shapes: list[str],
                                                 message: str) -> None:
    wrt = "A" if any(s.startswith("A=") for s in shapes) else "x"
    started = time.monotonic()
    result = run("solve", expr, "--wrt", wrt, *shapes)
    assert time.monotonic() - started < 1.0
    assert result.exit_code == 1
    assert message in result.stderr.splitlines()[0]


def _chain(links: int) -> list[str]:
    lets: list[str] = []
    for k in range(1, links + 1):
        lets += ["--let", f"h{k} = tanh({'x' if k == 1 else f'h{k - 1}'})"]
    return lets


SOLVED_QUICKLY = [
    ("tanh-sin-14", "sum(" + _nest(("tanh", "sin"), 14) + ")", ["--shape", "x=n"]),
    ("inv-20", "tr(" + _nest(("inv",), 20, "A") + ")", ["--shape", "A=n,n"]),
    ("det-45", "det(" + " @ ".join(["A"] * 45) + ")", ["--shape", "A=n,n"]),
    ("trace-55", "tr(" + " @ ".join(["A"] * 55) + ")", ["--shape", "A=n,n"]),
    ("let-15", "sum(h15)", ["--shape", "x=n", *_chain(15)]),
    ("let-30", "sum(h30)", ["--shape", "x=n", *_chain(30)]),
    ("numeric-size", "x.T @ A @ x", ["--shape", "x=10000", "--shape", "A=10000,10000"]),
]


@pytest.mark.parametrize(("case", "expr", "args"), SOLVED_QUICKLY,
                         ids=[c[0] for c in SOLVED_QUICKLY])
def test_large_but_accepted_inputs_solve_within_seconds(case: str, expr: str,
                                                         args: list[str]) -> None:
    wrt = "A" if "A=n,n" in args else "x"
    started = time.monotonic()
    result = run("solve", expr, "--wrt", wrt, *args, "--format", "tex")
    assert result.exit_code == 0, result.stderr
    assert time.monotonic() - started < 10  # generous: CI machines differ; benchmarks measure
    assert "Check numerically" in result.stdout


def test_a_huge_number_in_yaml_expressions_is_refused_at_its_place(tmp_path: Path) -> None:
    spec = HEAD + ("  - {id: a, shapes: {x: [n]}, expr: x.T @ x * 1e999999999, wrt: x}\n"
                   "  - {id: b, shapes: {x: [n]}, expr: x.T @ x, wrt: x, answer: x * 1e99999}\n"
                   "  - {id: c, kind: vectorize, shapes: {x: [n]}, index: 'x[i] * 1e99999', "
                   "free: [i]}\n")
    started = time.monotonic()
    result, _ = build(tmp_path, spec)
    assert time.monotonic() - started < 2
    lines = [line for line in result.stderr.splitlines() if ": error: " in line]
    assert [line.split(": error: ")[1] for line in lines] == [
        "number '1e999999999' is out of range", "number '1e99999' is out of range",
        "number '1e99999' is out of range",
    ]


def test_element_indices_are_range_checked() -> None:
    result = run("solve", "W @ x", "--wrt", "x", "--shape", "W=m,n", "--shape", "x=n",
                 "--element", "3," + "9" * 5000)
    assert result.exit_code == 1
    assert result.stderr.startswith("error: element index 999999999999... is out of range")


# --- input size ---------------------------------------------------------------------------

def test_a_spec_over_two_megabytes_is_refused_before_reading(tmp_path: Path) -> None:
    spec = tmp_path / "big.yaml"
    spec.write_text(HEAD + "  - {id: a, prompt: '" + "x" * 3_000_000 + "'}\n",
                    encoding="utf-8")
    started = time.monotonic()
    result = run("check", str(spec))
    assert time.monotonic() - started < 1
    assert "is over 2000000 bytes" in result.stdout


def test_aliases_cannot_multiply_the_text(tmp_path: Path) -> None:
    prompt = "x" * 4000
    spec = f"p: &p '{prompt}'\n" + HEAD + "".join(
        f"  - {{id: e{k}, prompt: *p, shapes: {{x: [n]}}, expr: x.T @ x, wrt: x}}\n"
        for k in range(600))
    result, out = build(tmp_path, spec)
    assert result.exit_code == 1
    assert "the spec is too large: its values, aliases written out, are over" in result.stderr
    assert not out.exists()


@pytest.mark.parametrize("kind", ["device", "fifo", "symlink"])
def test_only_regular_files_are_read(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "spec.yaml"
    if kind == "device":
        path = Path("/dev/zero")
    elif kind == "fifo":
        os.mkfifo(path)
    else:
        path.symlink_to("/etc/hostname")
    started = time.monotonic()
    result = run("check", str(path))
    assert time.monotonic() - started < 2
    assert result.exit_code == 1
    expected = "is a symbolic link" if kind == "symlink" else "is not a regular file"
    assert expected in result.stdout


def test_a_pseudo_file_reads_as_empty(tmp_path: Path) -> None:
    result = run("check", "/proc/self/environ")
    assert "the spec is empty" in result.stdout
    assert "PATH=" not in result.stdout + result.stderr


# --- malformed YAML is a diagnostic -----------------------------------------------------------

@pytest.mark.parametrize(
    ("spec", "message"),
    [
        (HEAD + "  - {id: a, expr: x, wrt: x, shapes: {x: [!!int abc]}}\n",
         "invalid YAML value: 'abc' is not a valid int"),
        ('title: "a\x01b"\nexercises: []\n', "invalid YAML: character 0x1 is not allowed"),
        ("title: t\nexercises: " + "[" * 1000 + "]" * 1000 + "\n",
         "the spec is too large: it nests deeper than YAML can be read here"),
        ("title: !!python/object/apply:os.system ['true']\nexercises: []\n",
         "'title' in the spec must be a string"),  # the tag is ignored, nothing built
    ],
    ids=["int-tag", "control-character", "nested-1000", "python-tag"],
)
def test_malformed_yaml_is_a_diagnostic(tmp_path: Path, spec: str, message: str) -> None:
    result, out = build(tmp_path, spec)
    assert result.exit_code == 1
    assert message in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert not out.exists()


# --- output safety --------------------------------------------------------------------------

def test_a_spec_named_dotdot_cannot_write_outside(tmp_path: Path) -> None:
    result, out = build(tmp_path, HEAD + GOOD, name="...yaml")
    assert result.exit_code == 1
    assert "'..' is not a plain file name" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["...yaml"]


def test_a_blocked_target_changes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out / "set" / "set-solutions.md").mkdir(parents=True)
    (out / "set" / "set-problems.md").write_text("old", encoding="utf-8")
    before = snapshot(out)
    result, _ = build(tmp_path, HEAD + GOOD)
    assert result.exit_code == 1
    assert "something other than a file is there" in result.stderr
    assert snapshot(out) == before


def test_a_link_inside_the_output_folder_is_not_followed(tmp_path: Path) -> None:
    victim = tmp_path / "victim"
    victim.mkdir()
    out = tmp_path / "out"
    out.mkdir()
    (out / "set").symlink_to(victim)
    result, _ = build(tmp_path, HEAD + GOOD)
    assert result.exit_code == 1
    assert "refusing to write through the symbolic link" in result.stderr
    assert list(victim.iterdir()) == []


@pytest.mark.parametrize("out", ["/dev/null", "file/inside"], ids=["dev-null", "through-file"])
def test_an_output_folder_that_cannot_be_one(tmp_path: Path, out: str) -> None:
    (tmp_path / "file").write_text("x", encoding="utf-8")
    spec = tmp_path / "set.yaml"
    spec.write_text(HEAD + GOOD, encoding="utf-8")
    target = out if out.startswith("/") else str(tmp_path / out)
    result = run("build", str(spec), "--format", "md", "--out", target)
    assert result.exit_code == 1
    assert result.stderr.startswith("error: cannot write")


def test_stale_temporary_files_are_removed_by_the_next_build(tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out / "set").mkdir(parents=True)
    (out / "set" / ".set-problems.md.abc.derive-tmp").write_bytes(b"x" * 1000)
    (out / ".derive" / "derive-pdf-old").mkdir(parents=True)
    result, _ = build(tmp_path, HEAD + GOOD)
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in (out / "set").iterdir()) == ["set-problems.md",
                                                              "set-solutions.md"]
    assert not (out / ".derive").exists()


# --- templates, API and start-up ----------------------------------------------------------------

@pytest.mark.parametrize(
    ("template", "message"),
    [
        (b"{{ 1 / 0 }}", "ZeroDivisionError"),
        (b"{% include 'header.md.j2' %}", "includes or extends itself"),
        (b"\xff\xfe bad", "is not UTF-8 text"),
        (b"{{ ''.__class__.__mro__ }}", "SecurityError"),
    ],
    ids=["division", "self-include", "not-utf8", "sandbox"],
)
def test_template_errors_are_diagnostics(tmp_path: Path, template: bytes, message: str) -> None:
    (tmp_path / "tpl" / "markdown").mkdir(parents=True)
    (tmp_path / "tpl" / "markdown" / "header.md.j2").write_bytes(template)
    spec = tmp_path / "set.yaml"
    spec.write_text(HEAD + GOOD, encoding="utf-8")
    result = run("build", str(spec), "--format", "md", "--out", str(tmp_path / "out"),
                 "--templates", str(tmp_path / "tpl"))
    assert result.exit_code == 1
    assert message in result.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    "call",
    [
        lambda: derive.solve(None, "x"),  # type: ignore[arg-type]
        lambda: derive.solve("x", "x", shapes=[["n"]]),  # type: ignore[arg-type]
        lambda: derive.solve("x.T @ x", "x", shapes={"x": ["n"]}, assume="x=spd"),  # type: ignore[arg-type]
        lambda: derive.solve("x.T @ x", "x", shapes={"x": ["n"]}, let=[5]),  # type: ignore[list-item]
        lambda: derive.vectorize(None, "i"),  # type: ignore[arg-type]
        lambda: derive.parse(None),  # type: ignore[arg-type]
        lambda: derive.make_problem(b"x"),  # type: ignore[arg-type]
    ],
    ids=["expr-none", "shapes-list", "assume-string", "let-int", "vectorize-none",
         "parse-none", "problem-bytes"],
)
def test_api_misuse_raises_derive_errors(call: object) -> None:
    with pytest.raises(derive.DeriveError):
        call()  # type: ignore[operator]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--shape", "x=,"], "'x=,' has an empty dimension"),
        (["--shape", "x=n", "--shape", "x=m"], "'x' is given twice"),
        (["--shape", "x=n", "--let", "n = x.T @ x"], "intermediate 'n' has the name of a "
                                                     "dimension"),
    ],
    ids=["empty-dimension", "repeated-shape", "let-named-like-a-dimension"],
)
def test_command_line_shapes_and_definitions_are_checked(args: list[str], message: str) -> None:
    result = run("solve", "sum(x)", "--wrt", "x", *args)
    assert result.exit_code in (1, 2)
    assert message in result.stderr.splitlines()[0]


def test_ctrl_c_while_the_command_line_loads_exits_130(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Ctrl-C lands while `derive.cli` is imported: a quiet exit 130, not a traceback.

    (A signal during the interpreter's own start-up, before any of derive runs, is Python's.)
    """
    import derive.__main__ as launcher

    class Interrupted(importlib.abc.MetaPathFinder):
        def find_spec(self, name: str, path: object, target: object = None) -> None:
            if name == "derive.cli":
                raise KeyboardInterrupt

    monkeypatch.delitem(sys.modules, "derive.cli", raising=False)
    monkeypatch.setattr(sys, "meta_path", [Interrupted(), *sys.meta_path])
    with pytest.raises(SystemExit) as caught:
        launcher.run()
    assert caught.value.code == 130
    assert capsys.readouterr().err == "interrupted\n"
