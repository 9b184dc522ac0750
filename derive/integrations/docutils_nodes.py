"""A block's Markdown as docutils nodes: paragraphs, lists, bold and italic prose, inline and
display math (docutils' `math` and `math_block`, which Sphinx renders with its math renderer).

The Markdown comes from derive's own templates, so only the constructs they write are expected;
anything else is a bug in a template and raises `InternalError` rather than being dropped.
"""

from __future__ import annotations

from docutils import nodes
from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.dollarmath import dollarmath_plugin

from derive.errors import InternalError

_PARSER = MarkdownIt("commonmark").use(dollarmath_plugin, allow_space=True, double_inline=True)
_INLINE_CONTAINERS: dict[str, type[nodes.TextElement]] = {
    "strong": nodes.strong,
    "em": nodes.emphasis,
}


def markdown_to_nodes(markdown: str, docname: str) -> list[nodes.Node]:
    """The block's Markdown as a list of body nodes.

    Example:
        >>> [n.astext() for n in markdown_to_nodes("**A.** $x$\\n\\n$$\\nx^2\\n$$\\n", "p")]
        ['A. x', 'x^2']
    """
    out, _ = _blocks(_PARSER.parse(markdown), 0, None, docname)
    return out


_LISTS: dict[str, type[nodes.Element]] = {
    "bullet_list_open": nodes.bullet_list,
    "ordered_list_open": nodes.enumerated_list,
    "list_item_open": nodes.list_item,
}


def _blocks(tokens: list[Token], index: int, until: str | None,
            docname: str) -> tuple[list[nodes.Node], int]:
    """Block nodes from `index` up to the token `until` (a list's or item's close)."""
    out: list[nodes.Node] = []
    while index < len(tokens):
        token = tokens[index]
        if token.type == until:
            return out, index + 1
        if token.type == "paragraph_open":
            paragraph = nodes.paragraph()
            _add_inline(paragraph, tokens[index + 1].children or [])
            out.append(paragraph)
            index += 3
        elif token.type == "math_block":
            latex = token.content.strip()
            out.append(nodes.math_block(latex, latex, nowrap=False, number=None, label=None,
                                        docname=docname))
            index += 1
        elif token.type in _LISTS:
            container = _LISTS[token.type]()
            inner, index = _blocks(tokens, index + 1, token.type.replace("_open", "_close"),
                                   docname)
            container.extend(inner)
            out.append(container)
        else:
            raise InternalError(f"derive block: unexpected Markdown element '{token.type}'")
    return out, index


def _add_inline(parent: nodes.Element, children: list[Token]) -> None:
    stack: list[nodes.Element] = [parent]
    for child in children:
        kind = child.type
        if kind == "text" and child.content:
            stack[-1] += nodes.Text(child.content)
        elif kind in ("softbreak", "hardbreak"):
            stack[-1] += nodes.Text(" ")
        elif kind in ("math_inline", "math_inline_double"):
            stack[-1] += nodes.math(child.content, child.content)
        elif kind == "code_inline":
            stack[-1] += nodes.literal(child.content, child.content)
        elif kind.endswith("_open") and kind[:-5] in _INLINE_CONTAINERS:
            element = _INLINE_CONTAINERS[kind[:-5]]()
            stack[-1] += element
            stack.append(element)
        elif kind.endswith("_close") and kind[:-6] in _INLINE_CONTAINERS:
            stack.pop()
        elif kind != "text":
            raise InternalError(f"derive block: unexpected Markdown element '{kind}'")


__all__ = ["markdown_to_nodes"]
