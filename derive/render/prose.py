"""User prose in the output formats: allowlisted segments -> Markdown or LaTeX text.

The segments come from `derive.spec.prose.parse_prose`, which refused everything outside the
allowlist; here plain text is escaped for the format and math is passed on. In Markdown, math
also loses what an HTML or Markdown renderer without math support would read as markup: `<` and
`>` become `\\lt` and `\\gt`, and `](` (a link) gets a space.
"""

from __future__ import annotations

import html
from collections.abc import Callable

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


def _md_math(source: str) -> str:
    return source.replace("<", r"\lt ").replace(">", r"\gt ").replace("](", "] (")


_ESCAPE: dict[str, Callable[[str], str]] = {
    "md": escape_md, "tex": escape_tex, "html": html.escape,
}


def _render(segments: tuple[Segment, ...], fmt: str) -> str:
    out: list[str] = []
    for segment in segments:
        match segment:
            case Text(text=text):
                plain = " ".join(text.split())
                plain = (" " if text[:1].isspace() else "") + plain + (
                    " " if text[-1:].isspace() and plain else "")
                out.append(_ESCAPE[fmt](plain))
            case Math(source=source, display=display):
                out.append(_math(source, display, fmt))
            case Emphasis(style=style, parts=parts):
                out.append(_emphasis(style, _render(parts, fmt), fmt))
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


def user_prose(text: str, fmt: str) -> str:
    """Prose from an exercise file for `fmt` ('md', 'tex' or 'html'), math kept, the rest
    escaped; in HTML, math goes between MathJax's delimiters \\( \\) and \\[ \\].

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
    return _render(segments, fmt).strip()
