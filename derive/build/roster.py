"""Class rosters for `derive build --roster`: a CSV file -> one `Student` per row.

The file has a `name` column and optionally an `id` column. A student's folder is named after
the id, so an id must be a plain file name; names are plain text, escaped on the handouts.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from msgspec import Struct

from derive.errors import DeriveError, Span

MAX_ROSTER_BYTES = 1_000_000
"""Largest roster read; a class list is a few kilobytes."""

MAX_NAME = 200
"""Longest student name accepted, in characters."""

SAFE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
"""What a student id must look like: it names the student's folder."""

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class Student(Struct, frozen=True):
    """One row of a roster: the name on the handout and the folder's name (None: numbered)."""

    name: str
    id: str | None


def read_roster(path: Path) -> tuple[Student, ...]:
    """Read a roster file (UTF-8 CSV with a header row holding `name`, optionally `id`).

    Raises:
        DeriveError: the file cannot be read, lacks the `name` column, is empty, or a row has
            an empty name, an unsafe or repeated id; placed at the file's line.
    """
    try:
        data = path.read_bytes()[: MAX_ROSTER_BYTES + 1]
    except OSError as error:
        reason = (error.strerror or type(error).__name__).lower()
        raise DeriveError(f"cannot read roster '{path}': {reason}") from None
    if len(data) > MAX_ROSTER_BYTES:
        raise DeriveError(f"roster '{path}' is over {MAX_ROSTER_BYTES} bytes")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise DeriveError(f"roster '{path}' is not UTF-8 text: byte {error.start} cannot be "
                          "decoded", hint="save the roster as UTF-8 CSV") from None
    return parse_roster(text, str(path))


def parse_roster(text: str, file: str) -> tuple[Student, ...]:
    """The students of a roster's text; `file` names it in diagnostics.

    Example:
        >>> parse_roster("name,id\\nAda Lovelace,ada\\n", "roster.csv")
        (Student(name='Ada Lovelace', id='ada'),)
    """
    lines = text.splitlines()
    reader = csv.DictReader(io.StringIO(text, newline=""), strict=True)
    try:
        header = [h.strip() for h in reader.fieldnames or []]
    except csv.Error as error:
        raise _error(file, 1, lines, f"unreadable CSV: {error}") from None
    if "name" not in header:
        raise _error(file, 1, lines, "the roster has no 'name' column",
                     "the first row names the columns: name, and optionally id")
    reader.fieldnames = header
    students: list[Student] = []
    seen: dict[str, int] = {}
    try:
        for row in reader:
            line = reader.line_num
            name = (row.get("name") or "").strip()
            ident = (row.get("id") or "").strip() if "id" in header else None
            if not name:
                raise _error(file, line, lines, "a student without a name",
                             "every row needs a name")
            if len(name) > MAX_NAME or _CONTROL.search(name):
                raise _error(file, line, lines, "the name is over 200 characters or holds "
                             "control characters", "write the name as plain text")
            if ident is not None:
                if SAFE_ID.match(ident) is None:
                    raise _error(file, line, lines, f"id '{ident[:40]}' cannot name a folder",
                                 "ids are letters, digits, '.', '_' or '-' (at most 64), "
                                 "starting with a letter or digit")
                if ident.lower() in seen:  # folders must differ on case-blind file systems too
                    raise _error(file, line, lines, f"id '{ident}' is repeated",
                                 f"line {seen[ident.lower()]} has it already; ids must be unique "
                                 "(ignoring case)")
                seen[ident.lower()] = line
            students.append(Student(name, ident))
    except csv.Error as error:
        raise _error(file, reader.line_num, lines, f"unreadable CSV: {error}") from None
    if not students:
        raise _error(file, 1, lines, "the roster lists no students", "add one row per student")
    return tuple(students)


def _error(file: str, line: int, lines: list[str], message: str,
           hint: str | None = None) -> DeriveError:
    source = lines[line - 1] if 0 < line <= len(lines) else ""
    return DeriveError(f"roster: {message}", span=Span(1, 2, line, file), source=source,
                       hint=hint)
