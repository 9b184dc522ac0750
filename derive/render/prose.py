"""User prose in the output formats: allowlisted segments -> Markdown or LaTeX text.

The segments come from `derive.spec.prose.parse_prose`, which refused everything outside the
allowlist; here plain text is escaped for the format and math is passed on. In Markdown, math
also loses what an HTML or Markdown renderer without math support would read as markup: `<` and
`>` become `\\lt` and `\\gt`, and `](` (a link) gets a space.
"""

from __future__ import annotations

import re

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


def _md_math(source: str) -> str:
    return source.replace("<", r"\lt ").replace(">", r"\gt ").replace("](", "] (")


def _render(segments: tuple[Segment, ...], fmt: str) -> str:
    out: list[str] = []
    for segment in segments:
        match segment:
            case Text(text=text):
                plain = " ".join(text.split())
                plain = (" " if text[:1].isspace() else "") + plain + (
                    " " if text[-1:].isspace() and plain else "")
                out.append(escape_md(plain) if fmt == "md" else escape_tex(plain))
            case Math(source=source, display=display):
                source = one_transpose(source)
                fence = "$$" if display else "$"
                out.append(fence + (_md_math(source) if fmt == "md" else source) + fence)
            case Emphasis(style=style, parts=parts):
                inner = _render(parts, fmt)
                if fmt == "md":
                    mark = "**" if style == "bold" else "*"
                    out.append(mark + inner + mark)
                else:
                    out.append(("\\textbf{" if style == "bold" else "\\emph{") + inner + "}")
    return "".join(out)


def user_prose(text: str, fmt: str) -> str:
    """Prose from an exercise file for `fmt` ('md' or 'tex'), math kept, the rest escaped.

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
