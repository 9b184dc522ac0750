"""PDF output: a finished LaTeX document -> a PDF file, by running latexmk in a scratch folder.

This is the only module that runs TeX. It runs with shell escape off and kpathsea's paranoid
file access (no absolute paths, no '..', no dot files), under a time limit, and moves the PDF into
place atomically, so a failure never leaves a partial file. Errors quote the first LaTeX error.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from derive.errors import PdfError

TIMEOUT_SECONDS = 60
"""Longest a single compile may take; a handout compiles in a few seconds."""

LATEXMK_ARGS = ("-norc", "-pdf", "-interaction=nonstopmode", "-halt-on-error", "-no-shell-escape")

SAFE_TEX_ENV = {"openin_any": "p", "openout_any": "p", "shell_escape": "f"}
"""kpathsea settings: paranoid reads and writes, and no \\write18; `-norc` skips rc files."""

_JOB = "document"
_LINE_NUMBER = re.compile(r"^l\.(\d+)(.*)$")


def compile_pdf(tex: str, out_path: Path, *, label: str) -> Path:
    """Compile a LaTeX document and write the PDF to `out_path`.

    Args:
        tex: the whole document source.
        out_path: where the PDF goes; its folder must exist. Replaced atomically.
        label: what is being compiled, named in error messages (e.g. 'handout for ps3.yaml').

    Returns:
        `out_path`.

    Raises:
        PdfError: latexmk is missing, TeX reported an error, or the compile timed out.
    """
    latexmk = shutil.which("latexmk")
    if latexmk is None:
        raise PdfError(
            f"cannot build the PDF for {label}: latexmk was not found",
            hint="install TeX Live with latexmk (e.g. 'apt-get install texlive-latex-extra "
            "latexmk'), or build only Markdown and LaTeX",
        )
    with tempfile.TemporaryDirectory(prefix="derive-pdf-") as work:
        folder = Path(work)
        (folder / f"{_JOB}.tex").write_text(tex, encoding="utf-8")
        env = {**os.environ, **SAFE_TEX_ENV, "max_print_line": "1000"}
        env.pop("TEXMFOUTPUT", None)
        try:
            completed = subprocess.run(
                [latexmk, *LATEXMK_ARGS, f"{_JOB}.tex"],
                cwd=folder,
                env=env,
                stdin=subprocess.DEVNULL,
                capture_output=True,
                text=True,
                errors="replace",
                timeout=TIMEOUT_SECONDS,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise PdfError(
                f"LaTeX did not finish {label} within {TIMEOUT_SECONDS} s",
                hint="look for a loop in the document, e.g. a macro that calls itself",
            ) from None
        pdf = folder / f"{_JOB}.pdf"
        if completed.returncode != 0 or not pdf.is_file():
            log = _read_log(folder / f"{_JOB}.log")
            raise PdfError(
                f"LaTeX failed on {label}: {first_error(log or completed.stdout)}",
                hint="run latexmk on the .tex output to see the whole log",
            )
        _move_into_place(pdf, out_path)
    return out_path


def first_error(log: str) -> str:
    """The first LaTeX error of a log with its input line, quoted as TeX wrote them.

    Example:
        >>> print(first_error("...\\n! Undefined control sequence.\\nl.5 \\\\foo\\n"))
        '! Undefined control sequence.' at 'l.5 \\foo'
    """
    lines = log.splitlines()
    for index, line in enumerate(lines):
        if not line.startswith("! "):
            continue
        error = line.strip()[:160]
        for later in lines[index + 1 : index + 20]:
            if _LINE_NUMBER.match(later):
                return f"'{error}' at '{later.strip()[:120]}'"
        return f"'{error}'"
    return "no '!' error line in the log; latexmk failed before TeX ran"


def _read_log(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def _move_into_place(pdf: Path, out_path: Path) -> None:
    """Copy to a temporary file next to `out_path`, then rename: readers never see half a PDF."""
    handle, temporary = tempfile.mkstemp(
        prefix=f".{out_path.name}.", suffix=".tmp", dir=out_path.parent
    )
    try:
        with os.fdopen(handle, "wb") as target, pdf.open("rb") as source:
            shutil.copyfileobj(source, target)
        os.replace(temporary, out_path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
