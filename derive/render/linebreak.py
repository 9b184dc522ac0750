"""Line breaks for long display formulas in Markdown: LaTeX in, `aligned` lines out.

A Markdown viewer (MathJax, KaTeX) sets a display on one line however long it is; the LaTeX
output has breqn instead. A formula longer than the width breaks first before its `=` signs,
then before the `+` and `-` of the outermost sum, then before its `⊙`, then between the factors
of a product, and only where that is not enough one level of parentheses deeper, and so on;
never inside braces. A pair of growing
parentheses (`\\left(` ... `\\right)`) that a break splits becomes a pair of fixed large ones
(`\\Bigl(` ... `\\Bigr)`), which TeX lets stand on different lines.
"""

from __future__ import annotations

import re

from msgspec import Struct

DISPLAY_WIDTH = 80
"""The longest display line, in characters as displayed (`visible_length`), that Markdown
output aims for."""

_SHORTEST = 12
"""No break leaves a piece shorter than this beside it (a lone '(1' or '= 2' on a line)."""
_LAYOUT = re.compile(
    r"\\(mathbf|boldsymbol|mathrm|operatorname|hat|bar|tilde|vec|mathopen|mathclose|quad)"
    r"(?![A-Za-z])|[{}_^&]"
)

_BREAK = re.compile(r" (=) | (\+) | (-) | (\\odot) |(,\\quad) ")
_RANK = {"=": 0, "+": 1, "-": 1, "\\odot": 2, ",\\quad": 1}
# A space between two factors of a product, not next to an operator or after a big operator
# (a sum stays with its first factor).
_FACTOR_SPACE = re.compile(
    r"(?<![=+\-,&])(?<!\\odot)(?<!\\quad)(?<!\\in)(?<!\\times)(?<!\\cdots)"
    r"(?<!\\sum_\{.\})(?<!\\sum_\{..\})(?<!\\prod_\{.\}) "
    r"(?![=+\-&]|\\odot|\\quad|\\in\b|\\times|\\cdots)"
)
_GROWING = re.compile(r"\\(left|right)(?=\\[A-Za-z]+|\\.|[^A-Za-z])")


def visible_length(latex: str) -> int:
    """About how many characters a formula shows: a symbol command is one (a big sum three, a
    growing delimiter two), typefaces and braces none, and runs of spaces count once.

    Example:
        >>> visible_length(r"\\sigma\\left(\\mathbf{W} \\mathbf{x}\\right)")
        8
    """
    shown = re.sub(r"\\(sum|prod)(?![A-Za-z])", "xxx", _LAYOUT.sub("", latex))
    shown = re.sub(r"\\[A-Za-z]+", "x", shown)
    return len(re.sub(r"\s+", " ", shown))


class _Break(Struct, frozen=True):
    """A place to break: the new line starts at `cut`; `level` orders the places."""

    cut: int
    level: tuple[int, int]
    relation: bool


def _scan(latex: str) -> tuple[list[int], list[int], list[tuple[int, int]]]:
    """Per position: brace depth and parenthesis depth; the growing pairs (left, right)."""
    braces, parens = [0] * (len(latex) + 1), [0] * (len(latex) + 1)
    pairs: list[tuple[int, int]] = []
    opened: list[int] = []
    brace, paren, position = 0, 0, 0
    while position < len(latex):
        growing = _GROWING.match(latex, position)
        char, step = latex[position], 1
        if growing and growing.group(1) == "left":
            opened.append(position)
            paren, step = paren + 1, 5
        elif growing:
            if opened:
                pairs.append((opened.pop(), position))
            paren, step = paren - 1, 6
        elif char == "\\":
            step = 2 if position + 1 < len(latex) and not latex[position + 1].isalpha() else 1
        elif char in "{}":
            brace += 1 if char == "{" else -1
        elif char in "()":
            paren += 1 if char == "(" else -1
        for offset in range(position + 1, min(position + step, len(latex)) + 1):
            braces[offset], parens[offset] = brace, paren
        position += step
    return braces, parens, pairs


def _breaks(latex: str) -> list[_Break]:
    braces, parens, _ = _scan(latex)
    found = []
    for match in _BREAK.finditer(latex):
        if braces[match.start()] or braces[match.end()]:
            continue
        operator = next(group for group in match.groups() if group)
        cut = match.end() if operator == ",\\quad" else match.start() + 1
        found.append(_Break(cut, (parens[match.start()], _RANK[operator]), operator == "="))
    for match in _FACTOR_SPACE.finditer(latex):
        if not braces[match.start()] and match.start() > 0:
            found.append(_Break(match.end(), (parens[match.start()], 3), False))
    return sorted(found, key=lambda b: b.cut)


def _choose(latex: str, breaks: list[_Break], start: int, end: int,
            width: int) -> list[_Break]:
    """The breaks that bring the lines of latex[start:end] within `width`, fewest levels."""
    if visible_length(latex[start:end]) <= width:
        return []
    inside = [b for b in breaks if start < b.cut < end and (b.level == (0, 0) or (
        visible_length(latex[start:b.cut]) >= _SHORTEST
        and visible_length(latex[b.cut:end]) >= _SHORTEST))]
    if not inside:
        return []
    level = min(b.level for b in inside)
    candidates = [b for b in inside if b.level == level]
    chosen: list[_Break] = []
    line_start = start
    for number, candidate in enumerate(candidates):
        after = candidates[number + 1].cut if number + 1 < len(candidates) else end
        if level == (0, 0) or visible_length(latex[line_start:after]) > width:
            chosen.append(candidate)
            line_start = candidate.cut
    result: list[_Break] = []
    bounds = [start, *(b.cut for b in chosen), end]
    for number, (left, right) in enumerate(zip(bounds, bounds[1:], strict=False)):
        if number:
            result.append(chosen[number - 1])
        result += _choose(latex, breaks, left, right, width)
    return result


def break_display(latex: str, width: int = DISPLAY_WIDTH) -> str:
    """Break a display formula longer than `width` into `aligned` lines; shorter ones stay.

    Example:
        >>> print(break_display(r"f = \\mathbf{a} + \\left(b + c\\right) = d", width=16))
        \\begin{aligned}
        f &= \\mathbf{a} + \\left(b + c\\right) \\\\
        &= d
        \\end{aligned}
    """
    if visible_length(latex) <= width:
        return latex
    chosen = _choose(latex, _breaks(latex), 0, len(latex), width - 2)
    if not chosen:
        return latex
    _, _, pairs = _scan(latex)
    text = list(latex)
    for left, right in pairs:  # \Bigl and \Bigr keep the positions: same lengths
        if any(left < b.cut < right for b in chosen):
            text[left:left + 5] = list("\\Bigl")
            text[right:right + 6] = list("\\Bigr ")
    latex = "".join(text)
    align_first = chosen[0].relation and chosen[0].level == (0, 0)
    cuts = [b.cut for b in chosen]
    lines = [latex[start:end].strip() for start, end in zip([0, *cuts], [*cuts, len(latex)],
                                                             strict=True)]
    first = lines.pop(0)
    if align_first and visible_length(first + lines[0]) <= width:
        first += " &" + lines.pop(0)
        chosen = chosen[1:]
    elif align_first:
        first += " &"
    else:
        first = "& " + first
    body = [first] + [("&" if b.relation and b.level == (0, 0) else "&\\quad ") + line
                      for b, line in zip(chosen, lines, strict=True)]
    return "\\begin{aligned}\n" + " \\\\\n".join(body) + "\n\\end{aligned}"
