"""Find the ```` ```derive ```` fences of a Markdown page and replace each by what it renders to.

Fences follow CommonMark: three or more backticks or tildes, indented by at most three spaces
more than the enclosing list item, closed by a fence of the same character at least as long.
Fences of other languages are skipped whole, so a ```` ```derive ```` line shown inside a
```` ```markdown ```` example stays as it is.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from msgspec import Struct

_OPENING = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>[^\n]*)$")
LANGUAGE = "derive"


class Fence(Struct, frozen=True):
    """One derive fence: its body (lines as written, indentation kept) and where it stands."""

    first_line: int
    """The page line (1-based) of the body's first line, just after the opening fence."""
    body: str
    indent: str
    start: int
    """Index of the opening fence's line in the page's lines."""
    end: int
    """Index just past the closing fence (the page's end when it is not closed)."""


def find_fences(markdown: str) -> Iterator[Fence]:
    """Every derive fence of a page, in order.

    Example:
        >>> page = "Text\\n\\n```derive\\nexpr: x.T @ x\\n```\\n"
        >>> [(f.first_line, f.body) for f in find_fences(page)]
        [(4, 'expr: x.T @ x')]
    """
    lines = markdown.split("\n")
    index = 0
    while index < len(lines):
        opening = _OPENING.match(lines[index])
        if opening is None or _not_a_fence(opening):
            index += 1
            continue
        close = _closing(lines, index + 1, opening["fence"])
        if opening["info"].split() and opening["info"].split()[0] in (LANGUAGE, "{derive}"):
            yield Fence(index + 2, "\n".join(lines[index + 1 : close]), opening["indent"],
                        index, min(close + 1, len(lines)))
        index = close + 1


def replace_fences(markdown: str, render: Callable[[Fence], str]) -> str:
    """The page with each derive fence replaced by `render(fence)`, indented like the fence."""
    lines = markdown.split("\n")
    out: list[str] = []
    done = 0
    for fence in find_fences(markdown):
        out.extend(lines[done : fence.start])
        out.extend(
            fence.indent + line if line else line for line in render(fence).split("\n")
        )
        done = fence.end
    out.extend(lines[done:])
    return "\n".join(out)


def _not_a_fence(opening: re.Match[str]) -> bool:
    # A backtick fence's info string may not hold a backtick (CommonMark 4.5).
    return opening["fence"].startswith("`") and "`" in opening["info"]


def _closing(lines: list[str], start: int, fence: str) -> int:
    """Index of the line closing `fence`, or the page's length when none does."""
    for index in range(start, len(lines)):
        stripped = lines[index].strip()
        if stripped and set(stripped) == {fence[0]} and len(stripped) >= len(fence):
            return index
    return len(lines)


__all__ = ["LANGUAGE", "Fence", "find_fences", "replace_fences"]
