"""TeX safety of prose from exercise specs: titles and prompts go into LaTeX unescaped.

Prompts may use math and formatting, but not primitives or macros that read or write files, run
programs, define macros or retokenize input. This is a blacklist; the real barrier is `render.pdf`,
which runs TeX with shell escape off and paranoid file access.
"""

from __future__ import annotations

FORBIDDEN_COMMANDS = frozenset(
    {
        "input",
        "include",
        "openin",
        "openout",
        "write",
        "write18",
        "immediate",
        "catcode",
        "def",
        "edef",
        "gdef",
        "xdef",
        "let",
        "futurelet",
        "newcommand",
        "renewcommand",
        "providecommand",
        "DeclareRobustCommand",
        "NewDocumentCommand",
        "RenewDocumentCommand",
        "ProvideDocumentCommand",
        "DeclareDocumentCommand",
        "newenvironment",
        "renewenvironment",
        "csname",
        "read",
        "readline",
        "scantokens",
        "everyeof",
        "special",
        "usepackage",
        "RequirePackage",
        "documentclass",
        "makeatletter",
        "verbatiminput",
        "lstinputlisting",
    }
)
"""Control words refused in prose; `\\write18` is caught as `\\write`."""


def find_tex_unsafe(text: str) -> tuple[int, str] | None:
    """Find the first refused command in `text`.

    Control sequences are read as TeX reads them: a backslash and a run of letters, or a
    backslash and one other character, so `\\\\input` (a line break, then text) is harmless.

    Returns:
        The 0-based offset and the command as written (such as ``"\\\\input"`` or ``"^^"``),
        or None when the text is safe.

    Example:
        >>> find_tex_unsafe(r"Let $y = Wx$ \\input{x}")
        (13, '\\\\input')
        >>> find_tex_unsafe(r"a\\\\input") is None
        True
    """
    index = 0
    while index < len(text):
        char = text[index]
        if char == "^" and text.startswith("^^", index):
            return index, "^^"
        if char != "\\":
            index += 1
            continue
        end = index + 1
        while end < len(text) and text[end].isascii() and text[end].isalpha():
            end += 1
        if end == index + 1:
            index += 2
            continue
        if text[index + 1 : end] in FORBIDDEN_COMMANDS:
            return index, text[index:end]
        index = end
    return None


def check_tex_safe(text: str) -> str | None:
    """Return the first refused command in `text`, or None when it is safe to typeset.

    Example:
        >>> check_tex_safe(r"Compute $\\partial y / \\partial x$.") is None
        True
        >>> check_tex_safe(r"\\immediate\\write18{ls}")
        '\\\\immediate'
    """
    found = find_tex_unsafe(text)
    return found[1] if found else None
