"""Error types shared by every stage, and the one function that formats them for people.

Every user-facing problem is a `DeriveError` carrying a `Span` (where), `found`/`expected`
(what) and a `hint` (what to do). `InternalError` marks a broken invariant, i.e. a bug.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager

from msgspec import Struct


class Span(Struct, frozen=True):
    """A 1-based column range in an expression, optionally placed in a file.

    `line` and `file` are None for text typed on the command line.
    """

    col: int
    end_col: int
    line: int | None = None
    file: str | None = None

    def placed(self, file: str | None, line: int, col_offset: int) -> Span:
        """Return this span moved into a file, the expression starting at `col_offset` + 1."""
        return Span(self.col + col_offset, self.end_col + col_offset, line, file)


class DeriveError(Exception):
    """A problem with the user's input, reported as a one-line diagnostic plus context.

    Attributes:
        message: lower-case summary, no trailing period.
        span: where the problem is, or None when it has no position.
        expected: what would have been accepted.
        found: what was there instead.
        hint: an actionable suggestion, printed on its own line.
        source: the source line the span points into, shown with a caret.
    """

    def __init__(
        self,
        message: str,
        *,
        span: Span | None = None,
        expected: str | None = None,
        found: str | None = None,
        hint: str | None = None,
        source: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.span = span
        self.expected = expected
        self.found = found
        self.hint = hint
        self.source = source

    def __str__(self) -> str:
        return format_diagnostic(self)

    def placed(self, file: str | None, line: int, col_offset: int, source: str) -> DeriveError:
        """Return a copy of this error moved into a file (used for expressions read from YAML)."""
        moved = _copy(self)
        moved.span = self.span.placed(file, line, col_offset) if self.span else Span(
            col_offset + 1, col_offset + 1, line, file
        )
        moved.source = source
        return moved

    def shifted(self, offset: int, source: str) -> DeriveError:
        """A copy whose span moves `offset` columns right, into the longer text `source` (an
        expression's error placed in the definition `name = expression` it came from)."""
        moved = _copy(self)
        if self.span is not None:
            moved.span = Span(self.span.col + offset, self.span.end_col + offset,
                              self.span.line, self.span.file)
            moved.source = source
        return moved

    def in_context(self, context: str, span: Span | None = None) -> DeriveError:
        """A copy whose message starts with `context` ("exercise 'a' (b): ..."), placed at
        `span` when it had no place of its own."""
        moved = _copy(self, f"{context}: {self.message}")
        if span is not None and moved.span is None:
            moved.span = span
        return moved


def _copy(error: DeriveError, message: str | None = None) -> DeriveError:
    clone = type(error).__new__(type(error))
    clone.__dict__.update(error.__dict__)
    clone.message = error.message if message is None else message
    Exception.__init__(clone, clone.message)
    return clone


class SpecError(DeriveError):
    """An exercise specification is malformed."""


class SpecErrors(SpecError):
    """Every problem found in one spec file, sorted by position and reported together.

    `format_diagnostic` prints the first `limit` diagnostics and "… and N more".
    """

    def __init__(self, errors: Sequence[DeriveError], *, limit: int = 20) -> None:
        count = len(errors)
        super().__init__(f"{count} error{'s' if count != 1 else ''} in the exercise spec")
        self.errors = tuple(errors)
        self.limit = limit


def each_error(error: DeriveError) -> tuple[DeriveError, ...]:
    """The single problems `error` stands for: the list a `SpecErrors` holds, or `error` itself."""
    return error.errors if isinstance(error, SpecErrors) else (error,)


class ExprSyntaxError(DeriveError):
    """An expression could not be parsed."""


class ShapeError(DeriveError):
    """Operand shapes do not fit an operation."""


class UnsupportedError(DeriveError):
    """The input is valid but derive has no rule for it."""


class VerificationError(DeriveError):
    """A derived answer failed its numeric check; it is never printed as a solution."""


class RenderError(DeriveError):
    """A template could not be rendered."""


class PdfError(DeriveError):
    """LaTeX failed to produce a PDF."""


class UsageError(DeriveError):
    """The command was called wrongly (exit status 2), e.g. a folder without exercise files."""


class InternalError(Exception):
    """A broken invariant inside derive: a bug, not bad input."""


@contextmanager
def within_limits() -> Iterator[None]:
    """Turn Python's recursion limit, met by a pass on a pathologically deep input that slipped
    past the limits of `derive.expr.limits`, into a diagnostic instead of a crash."""
    try:
        yield
    except RecursionError:
        raise UnsupportedError(
            "too complex: the expression is nested too deeply to differentiate",
            hint="name inner parts with intermediates ('let') or simplify the expression",
        ) from None



def did_you_mean(name: str, known: Iterable[str], *, any_case: bool = False) -> str | None:
    """The hint "did you mean 'x'?" naming the known name that `name` most likely misspells, or
    None when nothing is close; with `any_case`, the same letters in another case come first.
    The order of `known` does not matter."""
    import difflib  # imported here to keep start-up fast: only mistakes need it

    names = list(known)
    same = sorted(other for other in names if other.lower() == name.lower()) if any_case else []
    close = same or difflib.get_close_matches(name, names, n=1)
    return f"did you mean '{close[0]}'?" if close else None


def format_diagnostic(error: DeriveError) -> str:
    """Format an error as `[file:line:col: ]error: [col N: ]message`, caret line and hint.

    Example:
        >>> e = ShapeError("bad", span=Span(3, 5), source="A @ x", hint="fix it")
        >>> print(format_diagnostic(e))
        error: col 3: bad
            A @ x
              ^^
        hint: fix it
    """
    if isinstance(error, SpecErrors) and error.errors:
        shown = [format_diagnostic(each) for each in error.errors[: error.limit]]
        if len(error.errors) > error.limit:
            shown.append(f"… and {len(error.errors) - error.limit} more")
        return "\n".join(shown)
    span = error.span
    if span is None:
        head = f"error: {error.message}"
    elif span.file is not None:
        head = f"{span.file}:{span.line}:{span.col}: error: {error.message}"
    elif span.line is not None:
        head = f"line {span.line}, col {span.col}: error: {error.message}"
    else:
        head = f"error: col {span.col}: {error.message}"
    lines = [head]
    if span is not None and error.source is not None and "\n" not in error.source:
        width = max(1, min(span.end_col, len(error.source) + 1) - span.col)
        if len(error.source) <= 200:
            lines.append("    " + error.source)
            lines.append("    " + " " * (span.col - 1) + "^" * width)
    if error.hint:
        lines.append(f"hint: {error.hint}")
    return "\n".join(lines)


__all__ = [
    "DeriveError",
    "ExprSyntaxError",
    "InternalError",
    "PdfError",
    "RenderError",
    "ShapeError",
    "Span",
    "SpecError",
    "SpecErrors",
    "UnsupportedError",
    "UsageError",
    "VerificationError",
    "format_diagnostic",
    "within_limits",
]
