"""compile_pdf: real latexmk runs; skipped only when DERIVE_SKIP_PDF=1 is set explicitly.

TeX is the second wall behind the allowlist of user text, so these tests feed it hostile
documents directly: files outside the scratch folder, shell escape, secrets in the environment,
endless loops. None may leak, and no TeX process may outlive a run.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from derive.errors import PdfError, format_diagnostic
from derive.render.pdf import compile_pdf, first_error

needs_tex = pytest.mark.skipif(
    os.environ.get("DERIVE_SKIP_PDF") == "1", reason="DERIVE_SKIP_PDF=1 is set"
)

HEAD = "\\documentclass{article}\n\\begin{document}\n"
TAIL = "\n\\end{document}\n"


def _pdf_text(pdf: bytes, tmp_path: Path) -> str:
    pdftotext = shutil.which("pdftotext")
    assert pdftotext is not None, "pdftotext is needed to check PDF text (install poppler-utils)"
    path = tmp_path / "read.pdf"
    path.write_bytes(pdf)
    result = subprocess.run(
        [pdftotext, str(path), "-"], capture_output=True, text=True, check=True, timeout=30
    )
    return result.stdout


def _processes_in(folder: Path) -> list[str]:
    """Processes whose working folder is inside `folder` (TeX runs in its scratch folder)."""
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cwd = os.readlink(proc / "cwd")
            state = (proc / "stat").read_text().split(") ")[-1][:1]
        except OSError:
            continue
        if cwd.startswith(str(folder)) and state != "Z":
            found.append(f"{proc.name} {cwd}")
    return found


@needs_tex
def test_tiny_document_compiles(tmp_path: Path) -> None:
    pdf = compile_pdf(HEAD + "Hello derive, $x^2$." + TAIL, label="hello", scratch=tmp_path)
    assert pdf.startswith(b"%PDF")
    assert "Hello derive" in _pdf_text(pdf, tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == ["read.pdf"]  # the scratch folder is gone


@needs_tex
def test_undefined_control_sequence_names_label_and_line(tmp_path: Path) -> None:
    with pytest.raises(PdfError) as caught:
        compile_pdf(HEAD + "Some text\n\\nosuchmacro{x}" + TAIL, label="handout 'ps3'",
                    scratch=tmp_path)
    assert format_diagnostic(caught.value) == (
        "error: LaTeX failed on handout 'ps3': '! Undefined control sequence.' at "
        "'l.4 \\nosuchmacro'\n"
        "hint: run pdflatex on the .tex output to see the whole log"
    )
    assert list(tmp_path.iterdir()) == []


@needs_tex
def test_reading_files_outside_the_folder_is_refused(tmp_path: Path) -> None:
    secret = tmp_path / "secret" / "notes.tex"
    secret.parent.mkdir()
    secret.write_text("TOPSECRETWORD\n", encoding="utf-8")
    with pytest.raises(PdfError) as caught:
        compile_pdf(HEAD + f"\\input{{{secret}}}" + TAIL, label="leak")
    message = caught.value.message
    assert message.startswith(f"LaTeX failed on leak: '! LaTeX Error: File `{secret}' not found")
    assert "TOPSECRETWORD" not in message


@needs_tex
def test_primitive_input_of_an_absolute_path_is_refused() -> None:
    with pytest.raises(PdfError) as caught:
        compile_pdf(HEAD + "\\makeatletter\\@@input /etc/hostname " + TAIL, label="leak")
    assert "I can't find file `/etc/hostname'" in caught.value.message


@needs_tex
def test_shell_escape_is_off(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    compile_pdf(HEAD + f"\\immediate\\write18{{touch {marker}}}shell test" + TAIL, label="shell")
    assert not marker.exists()


@needs_tex
def test_the_environment_is_scrubbed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Secrets of the caller never reach TeX: it cannot print what it does not have."""
    monkeypatch.setenv("DERIVE_TEST_TOKEN", "s3cr3t-value")
    body = ("\\pdfobj stream file {/proc/self/environ}\\pdfrefobj\\pdflastobj "
            "token: \\expandafter\\string\\csname DERIVE_TEST_TOKEN\\endcsname")
    pdf = compile_pdf(HEAD + body + TAIL, label="env", scratch=tmp_path)
    assert b"s3cr3t-value" not in pdf
    assert "s3cr3t-value" not in _pdf_text(pdf, tmp_path)


@needs_tex
def test_an_endless_loop_is_killed_with_every_tex_process(tmp_path: Path) -> None:
    started = time.monotonic()
    with pytest.raises(PdfError) as caught:
        compile_pdf(HEAD + "\\loop\\iftrue\\repeat" + TAIL, label="loop", timeout=3,
                    scratch=tmp_path)
    assert time.monotonic() - started < 10
    assert caught.value.message == "LaTeX did not finish loop within 3 s"
    assert _processes_in(tmp_path) == []
    assert list(tmp_path.iterdir()) == []


@needs_tex
def test_missing_pdflatex_gives_an_install_hint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    with pytest.raises(PdfError) as caught:
        compile_pdf(HEAD + TAIL, label="ps3")
    assert format_diagnostic(caught.value) == (
        "error: cannot build the PDF for ps3: pdflatex was not found\n"
        "hint: install TeX Live (e.g. 'apt-get install texlive-latex-extra'), or build only "
        "Markdown and LaTeX"
    )


@pytest.mark.parametrize(
    ("log", "expected"),
    [
        (
            "x\n! Missing $ inserted.\n<inserted text>\nl.7 a_b\n",
            "'! Missing $ inserted.' at 'l.7 a_b'",
        ),
        ("! Emergency stop.\n", "'! Emergency stop.'"),
        ("This is pdfTeX\n", "no '!' error line in the log; TeX failed before it could say why"),
    ],
    ids=["with-line", "no-line", "no-error"],
)
def test_first_error(log: str, expected: str) -> None:
    assert first_error(log) == expected
