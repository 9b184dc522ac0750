"""User prose in the output formats: allowlisted segments -> Markdown or LaTeX text.

The segments come from `derive.spec.prose.parse_prose`, which refused everything outside the
allowlist; here plain text is escaped for the format and math is passed on. In Markdown, math
also loses what an HTML or Markdown renderer without math support would read as markup: `<` and
`>` become `\\lt` and `\\gt`, and `](` (a link) gets a space.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Mapping

from derive.errors import RenderError
from derive.render.env import escape_tex
from derive.spec.prose import MAX_PROMPT, Emphasis, Math, ProseError, Segment, Text, parse_prose

_MD_SPECIALS = {
    "\\": "\\\\", "*": r"\*", "_": r"\_", "$": r"\$", "`": r"\`", "<": "&lt;", ">": "&gt;",
    "&": "&amp;", "[": "&#91;", "]": "&#93;", "#": r"\#", "|": r"\|",
}


def escape_md(text: str) -> str:
    """Escape Markdown prose so that nothing in it is markup, HTML or a link.

    Example:
        >>> escape_md("x_1 * 2 <b> [a](b)")
        'x\\\\_1 \\\\* 2 &lt;b&gt; &#91;a&#93;(b)'
    """
    return "".join(_MD_SPECIALS.get(char, char) for char in text)


_TRANSPOSE = re.compile(
    r"\^\s*(?:\{\s*(?P<minus>-)?\s*(?:T|\\intercal|\\mathsf\{T\}|\\mathrm\{T\}|\\top)\s*\}"
    r"|T(?![A-Za-z0-9])|\\intercal(?![A-Za-z])|\\top(?![A-Za-z]))"
)


def one_transpose(source: str) -> str:
    """Write every transpose in user math as the solutions do, `^\\top` (and `^{-\\top}`).

    Example:
        >>> one_transpose(r"W^T a + x^{T} y + A^{-T} + B^\\intercal")
        'W^\\\\top a + x^\\\\top y + A^{-\\\\top} + B^\\\\top'
    """
    return _TRANSPOSE.sub(lambda m: "^{-\\top}" if m.group("minus") else "^\\top", source)


_TOKEN = re.compile(r"\\[A-Za-z]+|\\.|[A-Za-z]|\s+|.")
# Arguments that are text, a typeface or an accent already: their letters are left alone.
_LITERAL = frozenset({"mathbb", "mathrm", "text", "textbf", "operatorname", "mathbf",
                      "boldsymbol", "bm", "vec", "mathcal", "mathsf", "mathit", "hat", "bar",
                      "tilde", "dot", "emph", "mathfrak"})


def typeset_symbols(source: str, symbols: Mapping[str, str]) -> str:
    """Print the exercise's vectors and matrices in user math in the set's notation.

    `symbols` maps a name to its LaTeX (`x` -> `\\mathbf{x}`, `theta` -> `\\boldsymbol{\\theta}`).
    A letter or Greek command changes only outside super- and subscripts and typeface or text
    arguments, and not when a subscript follows it (`W_{ij}` is an entry, a scalar).

    Example:
        >>> typeset_symbols(r"z = W^\\top a, a \\in \\mathbb{R}^{n}, W_{ij}",
        ...                 {"W": r"\\mathbf{W}", "a": r"\\mathbf{a}", "n": "n"})
        'z = \\\\mathbf{W}^\\\\top \\\\mathbf{a}, \\\\mathbf{a} \\\\in \\\\mathbb{R}^{n}, W_{ij}'
    """
    tokens = _TOKEN.findall(source)
    out: list[str] = []
    groups: list[bool] = []  # per open brace: whether its letters are left alone
    pending_literal = False
    for number, token in enumerate(tokens):
        following = next((t for t in tokens[number + 1:] if not t.isspace()), "")
        previous = next((t for t in reversed(tokens[:number]) if not t.isspace()), "")
        if token == "{":
            groups.append(pending_literal or previous in ("^", "_") or any(groups))
            pending_literal = False
        elif token == "}":
            if groups:
                groups.pop()
        elif token.startswith("\\") and token[1:] in _LITERAL:
            pending_literal = True
        name = token[1:] if token.startswith("\\") else token
        if (name in symbols and (len(token) == 1 or token.startswith("\\"))
                and not any(groups) and previous not in ("^", "_") and following != "_"):
            token = symbols[name]
        out.append(token)
    return "".join(out)


def _md_math(source: str) -> str:
    return source.replace("<", r"\lt ").replace(">", r"\gt ").replace("](", "] (")


_ESCAPE: dict[str, Callable[[str], str]] = {
    "md": escape_md, "tex": escape_tex, "html": html.escape,
}


def _render(segments: tuple[Segment, ...], fmt: str, symbols: Mapping[str, str]) -> str:
    out: list[str] = []
    for segment in segments:
        match segment:
            case Text(text=text):
                plain = " ".join(text.split())
                plain = (" " if text[:1].isspace() else "") + plain + (
                    " " if text[-1:].isspace() and plain else "")
                out.append(_ESCAPE[fmt](plain))
            case Math(source=source, display=display):
                out.append(_math(typeset_symbols(one_transpose(source), symbols), display, fmt))
            case Emphasis(style=style, parts=parts):
                out.append(_emphasis(style, _render(parts, fmt, symbols), fmt))
    return "".join(out)


def _math(source: str, display: bool, fmt: str) -> str:
    if fmt == "html":  # MathJax's delimiters; the browser decodes the escaped source first
        return (r"\[" if display else r"\(") + html.escape(source) + (
            r"\]" if display else r"\)")
    fence = "$$" if display else "$"
    return fence + (_md_math(source) if fmt == "md" else source) + fence


def _emphasis(style: str, inner: str, fmt: str) -> str:
    if fmt == "md":
        mark = "**" if style == "bold" else "*"
        return mark + inner + mark
    if fmt == "html":
        tag = "strong" if style == "bold" else "em"
        return f"<{tag}>{inner}</{tag}>"
    return ("\\textbf{" if style == "bold" else "\\emph{") + inner + "}"


def user_prose(text: str, fmt: str, symbols: Mapping[str, str] | None = None) -> str:
    """Prose from an exercise file for `fmt` ('md', 'tex' or 'html'), math kept, the rest
    escaped; in the math, transposes are written `^\\top` and `symbols` typeset (see
    `typeset_symbols`); in HTML, math goes between MathJax's delimiters \\( \\) and \\[ \\].

    Raises:
        RenderError: the text is outside the allowlist (spec validation refuses it first).

    Example:
        >>> user_prose(r"Let $y_i = x_i$ for \\emph{each_one}", "tex")
        'Let $y_i = x_i$ for \\\\emph{each\\\\_one}'
    """
    try:
        segments = parse_prose(text, limit=MAX_PROMPT)
    except ProseError as error:
        raise RenderError(f"refusing to render text: {error.message}", hint=error.hint) from None
    return _render(segments, fmt, symbols or {}).strip()
