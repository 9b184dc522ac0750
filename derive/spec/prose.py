"""User prose (titles, prompts, course, author): parsed against an allowlist, never passed raw.

Exercise files are untrusted, and their prose ends up in LaTeX and in Markdown. A blacklist
cannot win against TeX (pdfTeX alone has primitives that read files, embed JavaScript or define
macros in ways no list foresees), so prose is parsed into segments and anything not on a short
documented list is refused with its position:

- prose: plain text (special characters are escaped on output), `\\emph{...}`, `\\textbf{...}`,
  `\\textit{...}`, and the escapes `\\$ \\% \\& \\# \\_ \\{ \\}` for literal characters;
- math, `$...$` or `$$...$$`: the commands of `MATH_COMMANDS`, the environments of
  `MATH_ENVIRONMENTS` (where `&` and `\\\\` may be used), spacing `\\, \\; \\: \\! \\ `, the
  escapes `\\{ \\} \\| \\$ \\% \\& \\# \\_`, and balanced braces; `%`, `#` and `^^` are refused.
Nothing else is accepted anywhere: no other control sequence, no control characters and no
`javascript:`.
"""

from __future__ import annotations

import re

from msgspec import Struct

MAX_TITLE = 300
"""Longest title, course or author line, in characters."""

MAX_PROMPT = 5000
"""Longest prompt, in characters."""

GREEK = (
    "alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa lambda mu nu "
    "xi pi varpi rho varrho sigma varsigma tau upsilon phi varphi chi psi omega Gamma Delta "
    "Theta Lambda Xi Pi Sigma Upsilon Phi Psi Omega"
)

MATH_COMMANDS = frozenset(
    (
        GREEK
        # fractions, roots and fonts
        + " frac dfrac tfrac sqrt binom mathbf bm boldsymbol mathrm mathbb mathcal mathit mathsf"
        " mathtt mathfrak text textrm textbf textit operatorname"
        # big operators and named functions
        " top intercal partial nabla sum prod int oint lim limsup liminf max min sup inf arg log"
        " ln exp det sin cos tan sinh cosh tanh arcsin arccos arctan sec csc cot dim ker deg"
        " gcd Pr"
        # relations, sets and logic
        " in notin ni subset subseteq supset supseteq cup cap setminus emptyset varnothing forall"
        " exists neg lnot land lor wedge vee le leq ge geq neq ne approx equiv sim simeq cong"
        " propto ll gg prec succ preceq succeq perp parallel mid nmid not"
        # arrows
        " to rightarrow leftarrow leftrightarrow Rightarrow Leftarrow Leftrightarrow mapsto"
        " longrightarrow longleftarrow Longrightarrow longmapsto implies iff uparrow downarrow"
        # binary operators
        " cdot times div pm mp odot otimes oplus ominus circ bullet star ast dagger wr"
        # delimiters and their sizes
        " left right big Big bigg Bigg bigl bigr Bigl Bigr langle rangle lvert rvert lVert rVert"
        " vert Vert lfloor rfloor lceil rceil lbrack rbrack backslash"
        # spacing, accents and dots
        " quad qquad hat widehat bar overline underline tilde widetilde vec dot ddot check breve"
        " acute grave mathring overrightarrow overbrace underbrace overset underset stackrel"
        " ldots cdots vdots ddots dots"
        # symbols and styles
        " infty ell hbar Re Im aleph prime colon displaystyle textstyle scriptstyle begin end"
    ).split()
)
"""Control words math may use (`\\begin` and `\\end` only around `MATH_ENVIRONMENTS`)."""

MATH_ENVIRONMENTS = frozenset(
    ("matrix", "pmatrix", "bmatrix", "Bmatrix", "vmatrix", "Vmatrix", "smallmatrix", "cases")
)

PROSE_COMMANDS = frozenset(("emph", "textbf", "textit"))
"""Control words prose may use, each with one braced argument."""

LITERAL_ESCAPES = frozenset("$%&#_{}")
"""Characters written `\\%` etc. for themselves, in prose and in math."""

MATH_SPACING = frozenset(",;:! |")
"""Control symbols math may use besides the escapes: spacing and the norm bar `\\|`."""

_CONTROL_WORD = re.compile(r"[A-Za-z]+")
_SCRIPT_SCHEME = re.compile(r"(?i)(java|vb)script\s*:")


class Text(Struct, frozen=True):
    """Plain prose, escaped for the output format."""

    text: str


class Math(Struct, frozen=True):
    """Math source that passed the allowlist, shown inline or displayed."""

    source: str
    display: bool


class Emphasis(Struct, frozen=True):
    """`\\emph{...}` (style 'emph', also `\\textit`) or `\\textbf{...}` ('bold')."""

    style: str
    parts: tuple[Segment, ...]


Segment = Text | Math | Emphasis


class ProseError(ValueError):
    """Prose outside the allowlist: where (0-based offset in the text), what, and a hint."""

    def __init__(self, offset: int, length: int, message: str, hint: str) -> None:
        super().__init__(message)
        self.offset = offset
        self.length = length
        self.message = message
        self.hint = hint


_PROSE_HINT = (
    "prose may use \\emph{...} and \\textbf{...}, math in $...$ or $$...$$, and \\$ \\% \\& "
    "\\# \\_ \\{ \\} for those characters"
)
_MATH_HINT = "math may use the commands listed in README.md, 'Security'"


def parse_prose(text: str, limit: int = MAX_PROMPT) -> tuple[Segment, ...]:
    """Split prose into segments, refusing anything outside the allowlist.

    Raises:
        ProseError: the first thing not allowed, with its offset in `text`.

    Example:
        >>> parse_prose(r"Let $y = Wx$, \\emph{then} 100\\%")
        (Text(text='Let '), Math(source='y = Wx', display=False), Text(text=', '), \
Emphasis(style='emph', parts=(Text(text='then'),)), Text(text=' 100%'))
    """
    if len(text) > limit:
        raise ProseError(limit, 1, f"the text is {len(text)} characters long; the limit is "
                         f"{limit}", "shorten it, or split it over several questions")
    for index, char in enumerate(text):
        if not (char.isprintable() or char in "\n\t"):
            raise ProseError(index, 1, f"control character {char!r} is not allowed",
                             "remove it from the text")
    if "^^" in text:  # TeX's ^^5c notation for a backslash: no reason to write it anywhere
        raise ProseError(text.index("^^"), 2, "'^^' is not allowed", "write ^{...} for a power")
    found = _SCRIPT_SCHEME.search(text)
    if found is not None:
        raise ProseError(found.start(), len(found.group()), "script links are not allowed",
                         "remove the 'javascript:' link")
    segments, end = _Prose(text).parse(0, closing=False)
    return segments


class _Prose:
    def __init__(self, text: str) -> None:
        self.text = text

    def parse(self, start: int, closing: bool) -> tuple[tuple[Segment, ...], int]:
        """Segments from `start` up to the end, or up to the '}' closing an emphasis."""
        text = self.text
        segments: list[Segment] = []
        plain: list[str] = []
        index = start

        def flush() -> None:
            if plain:
                segments.append(Text("".join(plain)))
                plain.clear()

        while index < len(text):
            char = text[index]
            if char == "}" and closing:
                flush()
                return tuple(segments), index + 1
            if char == "$":
                flush()
                math, index = self.math(index)
                segments.append(math)
                continue
            if char != "\\":
                plain.append(char)
                index += 1
                continue
            following = text[index + 1 : index + 2]
            if following in LITERAL_ESCAPES and following:
                plain.append(following)
                index += 2
                continue
            word = _CONTROL_WORD.match(text, index + 1)
            name = word.group() if word else following
            if word is None or name not in PROSE_COMMANDS:
                shown = "\\" + name if name else "\\"
                raise ProseError(index, len(shown), f"'{shown}' is not allowed in prose",
                                 _PROSE_HINT)
            after = word.end()
            if text[after : after + 1] != "{":
                raise ProseError(index, after - index, f"'\\{name}' needs a braced argument",
                                 f"write \\{name}{{...}}")
            flush()
            inner, index = self.parse(after + 1, closing=True)
            segments.append(Emphasis("bold" if name == "textbf" else "emph", inner))
        if closing:
            raise ProseError(start - 1, 1, "'{' is never closed", "add the missing '}'")
        flush()
        return tuple(segments), index

    def math(self, start: int) -> tuple[Math, int]:
        text = self.text
        fence = "$$" if text.startswith("$$", start) else "$"
        begin = start + len(fence)
        index = begin
        while index < len(text):
            if text[index] == "\\":
                index += 2
                continue
            if text.startswith(fence, index):
                source = text[begin:index]
                check_math(source, begin)
                return Math(source, fence == "$$"), index + len(fence)
            index += 1
        raise ProseError(start, len(fence), f"math opened with '{fence}' is never closed",
                         f"add the closing '{fence}', or write \\$ for a dollar sign")


def check_math(source: str, offset: int = 0) -> None:
    """Refuse math outside the allowlist; `offset` places errors in the enclosing text.

    Raises:
        ProseError: the first thing not allowed, with its offset.

    Example:
        >>> check_math(r"\\frac{\\partial y}{\\partial x}")
        >>> check_math(r"x \\input{/etc/passwd}")
        Traceback (most recent call last):
        ...
        derive.spec.prose.ProseError: '\\input' is not allowed in math
    """
    if not source.strip():
        raise ProseError(offset, 1, "empty math", "write something between the dollars")
    _MathScan(source, offset).run()


class _MathScan:
    """One pass over math source, tracking open braces, environments and \\left sizes."""

    def __init__(self, source: str, offset: int) -> None:
        self.source = source
        self.offset = offset
        self.environments: list[str] = []
        self.braces: list[int] = []  # offsets of the braces still open
        self.sizes = 0  # \left minus \right

    def run(self) -> None:
        index = 0
        while index < len(self.source):
            if self.source[index] == "\\":
                index = self.command(index)
            else:
                self.character(index)
                index += 1
        if self.braces:
            raise ProseError(self.braces[-1], 1, "a '{' in this math is never closed",
                             "add the missing '}'")
        if self.environments:
            name = self.environments[-1]
            raise ProseError(self.offset, 1, f"\\begin{{{name}}} is never ended",
                             f"add \\end{{{name}}}")
        if self.sizes != 0:
            raise ProseError(self.offset, 1, "\\left and \\right do not pair up in this math",
                             "give every \\left its \\right")

    def character(self, index: int) -> None:
        """Check one character that does not start a command."""
        char, here = self.source[index], self.offset + index
        if char in "%#":
            raise ProseError(here, 1, f"'{char}' is not allowed in math",
                             f"write \\{char} for the character itself")
        if self.source.startswith("^^", index):
            raise ProseError(here, 2, "'^^' is not allowed in math", "write ^{...} for a power")
        if char == "&" and not self.environments:
            raise ProseError(here, 1, "'&' is allowed only inside a matrix environment",
                             "write \\& for the character itself")
        if char == "{":
            self.braces.append(here)
        elif char == "}":
            if not self.braces:
                raise ProseError(here, 1, "'}' closes a brace that was never opened",
                                 "remove it, or write \\} for the character itself")
            self.braces.pop()

    def command(self, index: int) -> int:
        """Check the command starting with the backslash at `index`; the index after it."""
        source, here = self.source, self.offset + index
        word = _CONTROL_WORD.match(source, index + 1)
        if word is None:
            symbol = source[index + 1 : index + 2]
            if symbol == "\\" and not self.environments:
                raise ProseError(here, 2, "'\\\\' is allowed only inside a matrix environment",
                                 "use a matrix environment such as pmatrix for rows")
            if symbol not in LITERAL_ESCAPES and symbol not in MATH_SPACING and symbol != "\\":
                shown = "\\" + symbol
                raise ProseError(here, len(shown), f"'{shown}' is not allowed in math",
                                 _MATH_HINT)
            return index + 2
        name = word.group()
        if name not in MATH_COMMANDS:
            raise ProseError(here, len(name) + 1, f"'\\{name}' is not allowed in math",
                             _MATH_HINT)
        if name in ("begin", "end"):
            return _environment(source, word.end(), name, self.environments, self.offset)
        self.sizes += {"left": 1, "right": -1}.get(name, 0)
        return word.end()


def _environment(
    source: str, index: int, command: str, open_ones: list[str], offset: int
) -> int:
    """Read '{name}' after \\begin or \\end; returns the index after it."""
    found = re.match(r"\{([A-Za-z]+)\}", source[index:])
    name = found.group(1) if found else ""
    if name not in MATH_ENVIRONMENTS:
        raise ProseError(offset + index, len(found.group()) if found else 1,
                         f"\\{command}{{{name}}} is not allowed in math",
                         "the environments are " + ", ".join(sorted(MATH_ENVIRONMENTS)))
    if command == "begin":
        open_ones.append(name)
    elif not open_ones or open_ones.pop() != name:
        raise ProseError(offset + index, len(name) + 2, f"\\end{{{name}}} ends nothing open",
                         "match every \\end with its \\begin")
    assert found is not None
    return index + found.end()
