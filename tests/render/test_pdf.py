"""compile_pdf: real latexmk runs; skipped only when DERIVE_SKIP_PDF=1 is set explicitly."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from derive.errors import PdfError, format_diagnostic
from derive.render.pdf import compile_pdf, first_error

needs_tex = pytest.mark.skipif(
    os.environ.get("DERIVE_SKIP_PDF") == "1", reason="DERIVE_SKIP_PDF=1 is set"
)

HEAD = "\\documentclass{article}\n\\begin{document}\n"
TAIL = "\n\\end{document}\n"


def _pdf_text(path: Path) -> str:
    pdftotext = shutil.which("pdftotext")
    assert pdftotext is not None, "pdftotext is needed to check PDF text (install poppler-utils)"
    result = subprocess.run(
        [pdftotext, str(path), "-"], capture_output=True, text=True, check=True, timeout=30
    )
    return result.stdout


@needs_tex
def test_tiny_document_compiles(tmp_path: Path) -> None:
    out = tmp_path / "hello.pdf"
    assert compile_pdf(HEAD + "Hello derive, $x^2$." + TAIL, out, label="hello") == out
    assert out.read_bytes().startswith(b"%PDF")
    assert "Hello derive" in _pdf_text(out)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["hello.pdf"]


@needs_tex
def test_replaces_an_existing_pdf(tmp_path: Path) -> None:
    out = tmp_path / "doc.pdf"
    out.write_bytes(b"old")
    compile_pdf(HEAD + "Fresh text" + TAIL, out, label="doc")
    assert "Fresh text" in _pdf_text(out)


@needs_tex
def test_undefined_control_sequence_names_label_and_line(tmp_path: Path) -> None:
    out = tmp_path / "bad.pdf"
    with pytest.raises(PdfError) as caught:
        compile_pdf(HEAD + "Some text\n\\nosuchmacro{x}" + TAIL, out, label="handout 'ps3'")
    assert format_diagnostic(caught.value) == (
        "error: LaTeX failed on handout 'ps3': '! Undefined control sequence.' at "
        "'l.4 \\nosuchmacro'\n"
        "hint: run latexmk on the .tex output to see the whole log"
    )
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []


@needs_tex
def test_failure_keeps_the_previous_pdf(tmp_path: Path) -> None:
    out = tmp_path / "doc.pdf"
    out.write_bytes(b"previous")
    with pytest.raises(PdfError):
        compile_pdf(HEAD + "\\nosuchmacro" + TAIL, out, label="doc")
    assert out.read_bytes() == b"previous"
    assert [p.name for p in tmp_path.iterdir()] == ["doc.pdf"]


@needs_tex
def test_reading_files_outside_the_folder_is_refused(tmp_path: Path) -> None:
    secret = tmp_path / "secret" / "notes.tex"
    secret.parent.mkdir()
    secret.write_text("TOPSECRETWORD\n", encoding="utf-8")
    out = tmp_path / "leak.pdf"
    with pytest.raises(PdfError) as caught:
        compile_pdf(HEAD + f"\\input{{{secret}}}" + TAIL, out, label="leak")
    message = caught.value.message
    assert message.startswith(f"LaTeX failed on leak: '! LaTeX Error: File `{secret}' not found")
    assert "TOPSECRETWORD" not in message
    assert not out.exists()


@needs_tex
def test_primitive_input_of_an_absolute_path_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "leak.pdf"
    with pytest.raises(PdfError) as caught:
        compile_pdf(HEAD + "\\makeatletter\\@@input /etc/hostname " + TAIL, out, label="leak")
    assert "I can't find file `/etc/hostname'" in caught.value.message
    assert not out.exists()


@needs_tex
def test_shell_escape_is_off(tmp_path: Path) -> None:
    out = tmp_path / "shell.pdf"
    marker = tmp_path / "ran"
    compile_pdf(
        HEAD + f"\\immediate\\write18{{touch {marker}}}shell test" + TAIL, out, label="shell"
    )
    assert not marker.exists()


@needs_tex
def test_missing_latexmk_gives_an_install_hint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    with pytest.raises(PdfError) as caught:
        compile_pdf(HEAD + TAIL, tmp_path / "x.pdf", label="ps3")
    assert format_diagnostic(caught.value) == (
        "error: cannot build the PDF for ps3: latexmk was not found\n"
        "hint: install TeX Live with latexmk (e.g. 'apt-get install texlive-latex-extra "
        "latexmk'), or build only Markdown and LaTeX"
    )


@pytest.mark.parametrize(
    ("log", "expected"),
    [
        (
            "x\n! Missing $ inserted.\n<inserted text>\nl.7 a_b\n",
            "'! Missing $ inserted.' at 'l.7 a_b'",
        ),
        ("! Emergency stop.\n", "'! Emergency stop.'"),
        ("Latexmk: no tex\n", "no '!' error line in the log; latexmk failed before TeX ran"),
    ],
    ids=["with-line", "no-line", "no-error"],
)
def test_first_error(log: str, expected: str) -> None:
    assert first_error(log) == expected
