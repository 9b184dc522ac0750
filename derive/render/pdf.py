"""PDF output: a finished LaTeX document -> PDF bytes, by running pdflatex in a scratch folder.

This is the only module that runs TeX, and it treats the document as hostile even though every
piece of user text was checked against an allowlist before: TeX runs
- with shell escape off and kpathsea's paranoid file access (no absolute paths, no '..');
- in a fresh scratch folder that is its working folder, HOME and TMPDIR;
- with an environment scrubbed to what TeX needs (no tokens or secrets of the caller);
- in its own process group, killed as a whole at the time limit or when derive is stopped;
- with limits on CPU time and on the size of any file it writes, and font generation off.
pdflatex runs a second time only when its log asks for it (a handout needs one pass). pylatex's
`generate_pdf` has no time limit, process group or environment control, hence this module.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from derive.errors import PdfError

TIMEOUT_SECONDS = 20
"""Longest one document may compile; a 50-exercise handout compiles in about two seconds."""

MAX_FILE_BYTES = 64 * 1024 * 1024
"""Largest file TeX may write (the PDF, the log); a runaway loop is stopped there."""

PDFLATEX_ARGS = ("-interaction=nonstopmode", "-halt-on-error", "-no-shell-escape")

MAX_RUNS = 3
"""pdflatex runs at most this often, while the log says labels or references changed."""

SAFE_TEX_ENV = {
    "openin_any": "p", "openout_any": "p", "shell_escape": "f",
    "MKTEXTFM": "0", "MKTEXPK": "0", "MKTEXMF": "0", "MKTEXTEX": "0",
}
"""kpathsea settings: paranoid reads and writes, no \\write18, no programs making fonts."""

_RERUN = re.compile(r"Rerun to get|Rerun LaTeX|Label\(s\) may have changed")

_KEPT_VARIABLES = ("PATH", "TEXMFCNF", "TEXMFHOME", "TEXINPUTS", "SYSTEMROOT")
"""The caller's variables TeX may need to find itself; everything else is dropped."""

_RUNNING: set[subprocess.Popen[bytes]] = set()
_RUNNING_LOCK = threading.Lock()

_JOB = "document"
_LINE_NUMBER = re.compile(r"^l\.(\d+)(.*)$")

# Runs in the child before pdflatex replaces it: resource limits without preexec_fn, which is
# unsafe when PDFs are compiled from several threads.
_LIMITED = (
    "import os, resource, sys\n"
    "cpu, size = int(sys.argv[1]), int(sys.argv[2])\n"
    "resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 5))\n"
    "resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))\n"
    "os.execv(sys.argv[3], sys.argv[3:])\n"
)


def tex_environment(scratch: Path) -> dict[str, str]:
    """The environment TeX runs with: the few variables it needs, paranoid file access."""
    kept = {name: os.environ[name] for name in _KEPT_VARIABLES if name in os.environ}
    return {
        **kept,
        "HOME": str(scratch),
        "TMPDIR": str(scratch),
        "LC_ALL": "C",
        "max_print_line": "1000",
        **SAFE_TEX_ENV,
    }


def compile_pdf(
    tex: str, *, label: str, scratch: Path | None = None, timeout: float = TIMEOUT_SECONDS
) -> bytes:
    """Compile a LaTeX document and return the PDF.

    Args:
        tex: the whole document source.
        label: what is being compiled, named in error messages (e.g. 'the solutions of ps3.yaml').
        scratch: the folder to make the temporary working folder in (default: the system's).
        timeout: seconds before TeX and everything it started are killed.

    Raises:
        PdfError: pdflatex is missing, TeX reported an error, or the compile timed out.
    """
    pdflatex = shutil.which("pdflatex")
    if pdflatex is None:
        raise PdfError(
            f"cannot build the PDF for {label}: pdflatex was not found",
            hint="install TeX Live (e.g. 'apt-get install texlive-latex-extra'), or build only "
            "Markdown and LaTeX",
        )
    deadline = time.monotonic() + timeout
    with tempfile.TemporaryDirectory(prefix="derive-pdf-", dir=scratch) as work:
        folder = Path(work)
        (folder / f"{_JOB}.tex").write_text(tex, encoding="utf-8")
        command = [sys.executable, "-I", "-c", _LIMITED, str(int(timeout) + 1),
                   str(MAX_FILE_BYTES), pdflatex, *PDFLATEX_ARGS, f"{_JOB}.tex"]
        for _ in range(MAX_RUNS):
            left = deadline - time.monotonic()
            returncode, output = _run(command, folder, left, label, timeout)
            log = _read_log(folder / f"{_JOB}.log")
            if returncode != 0 or not _RERUN.search(log):
                break
        pdf = folder / f"{_JOB}.pdf"
        if returncode != 0 or not pdf.is_file():
            raise PdfError(
                f"LaTeX failed on {label}: {first_error(log or output)}",
                hint="run pdflatex on the .tex output to see the whole log",
            )
        return pdf.read_bytes()


def _run(
    command: list[str], folder: Path, left: float, label: str, timeout: float
) -> tuple[int, str]:
    """Run TeX in its own process group; kill the whole group on timeout or interruption."""
    process = subprocess.Popen(
        command, cwd=folder, env=tex_environment(folder), stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True,
    )
    with _RUNNING_LOCK:
        _RUNNING.add(process)
    try:
        output, _ = process.communicate(timeout=max(left, 0.1))
    except subprocess.TimeoutExpired:
        _kill_group(process)
        raise PdfError(
            f"LaTeX did not finish {label} within {timeout:g} s",
            hint="look for a loop in the document, e.g. a macro that calls itself",
        ) from None
    except BaseException:
        _kill_group(process)
        raise
    finally:
        _kill_group(process)  # what TeX started and left behind goes too
        with _RUNNING_LOCK:
            _RUNNING.discard(process)
    return process.returncode, output.decode("utf-8", errors="replace")


def stop_all() -> None:
    """Kill every TeX run in progress (from any thread), as when derive is interrupted."""
    with _RUNNING_LOCK:
        running = list(_RUNNING)
    for process in running:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            continue


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    if process.returncode is None:
        process.communicate()


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
    return "no '!' error line in the log; TeX failed before it could say why"


def _read_log(path: Path) -> str:
    try:
        with path.open("rb") as stream:
            return stream.read(4_000_000).decode("utf-8", errors="replace")
    except OSError:
        return ""
