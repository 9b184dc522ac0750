"""Loading exercise files: a path (or standard input) -> checked `ExerciseSet`.

`load_spec` is the only function that reads a file: regular files only, none over
`MAX_SPEC_BYTES`, symbolic links refused. `parse_spec` checks text.
"""

from __future__ import annotations

import stat
import sys
from pathlib import Path

from derive.errors import DeriveError, SpecError
from derive.spec.model import ExerciseSet
from derive.spec.source import read_yaml
from derive.spec.substitute import variant_data
from derive.spec.validate import validate_spec, validate_spec_partial
from derive.spec.vary import read_vary

MAX_SPEC_BYTES = 2_000_000
"""Largest exercise file read, in bytes; a problem set is a few kilobytes."""

STDIN = "-"
"""The path that stands for standard input."""


def read_spec_text(path: Path) -> str:
    """The UTF-8 text of an exercise file, or of standard input when `path` is '-'.

    Only regular files are read (not devices or FIFOs), and none over `MAX_SPEC_BYTES`: the
    size is checked before reading, and reading stops there in any case.

    Raises:
        SpecError: the file is missing, not a regular file, too large, or not UTF-8.
    """
    if str(path) == STDIN:
        data = sys.stdin.buffer.read(MAX_SPEC_BYTES + 1)
    else:
        data = _read_file(path)
    if len(data) > MAX_SPEC_BYTES:
        raise SpecError(f"spec file '{path}' is over {MAX_SPEC_BYTES} bytes",
                        hint="split the exercises over several files")
    try:
        return data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as error:
        raise SpecError(
            f"spec file '{path}' is not UTF-8 text: byte {error.start} cannot be decoded",
            hint="save the file with UTF-8 encoding",
        ) from None


def _read_file(path: Path) -> bytes:
    """The bytes of a regular exercise file: not a link, device or FIFO, and not over the limit.

    A symbolic link is refused: a link committed into a course repository could point at any
    file of the build machine, and diagnostics quote the lines they point into. Only as many
    bytes as the file's size are read, so pseudo-files such as /proc/self/environ (size 0)
    read as empty.
    """
    try:
        info = path.lstat()
        if stat.S_ISLNK(info.st_mode):
            raise SpecError(f"'{path}' is a symbolic link; derive reads exercise files only "
                            "as themselves", hint="give the path of the file it points to")
        if not stat.S_ISREG(info.st_mode):
            raise SpecError(f"'{path}' is not a regular file",
                            hint="give the path of a .yaml exercise file")
        if info.st_size > MAX_SPEC_BYTES:
            raise SpecError(f"spec file '{path}' is over {MAX_SPEC_BYTES} bytes",
                            hint="split the exercises over several files")
        with path.open("rb") as stream:
            return stream.read(info.st_size)
    except FileNotFoundError:
        raise SpecError(
            f"spec file '{path}' does not exist", hint="check the path and the file name"
        ) from None
    except OSError as error:
        reason = (error.strerror or type(error).__name__).lower()
        raise SpecError(f"cannot read spec file '{path}': {reason}") from None


def _display_name(path: Path) -> str:
    return "<stdin>" if str(path) == STDIN else str(path)


def load_spec(path: Path) -> ExerciseSet:
    """Read and check an exercise file ('-' reads standard input).

    Raises:
        SpecError: the file cannot be read, or the spec has errors (a `SpecErrors` lists them).
    """
    return parse_spec(read_spec_text(path), _display_name(path))


def load_spec_partial(path: Path) -> tuple[ExerciseSet | None, list[DeriveError]]:
    """Read an exercise file and keep every question without an error of its own.

    Raises:
        SpecError: the file cannot be read or is not YAML.
    """
    data, source, errors = read_yaml(read_spec_text(path), _display_name(path))
    plan, problems = read_vary(data, source)
    return validate_spec_partial(variant_data(data, plan, None), source, [*errors, *problems])


def parse_spec(text: str, filename: str) -> ExerciseSet:
    """Check the text of an exercise file; pure, `filename` is only used in messages.

    Raises:
        SpecError: a `SpecErrors` holding every problem found, sorted by position.

    Example:
        >>> spec = parse_spec('''
        ... title: Demo
        ... exercises:
        ...   - {id: lin, expr: W @ x, wrt: x, shapes: {W: [m, n], x: [n]}}
        ... ''', "demo.yaml")
        >>> spec.exercises[0].items[0].problem.shape
        ('m', 1)
    """
    data, source, errors = read_yaml(text, filename)
    plan, problems = read_vary(data, source)
    return validate_spec(variant_data(data, plan, None), source, [*errors, *problems])
