"""The allowlist of user prose: what teachers write passes, every known attack is refused with its
position, and so is every TeX, pdfTeX, e-TeX and LaTeX3 primitive name we could think of."""

from __future__ import annotations

import pytest

from derive.render.prose import user_prose
from derive.spec.prose import (
    MATH_COMMANDS,
    MAX_PROMPT,
    Emphasis,
    Math,
    ProseError,
    Text,
    parse_prose,
)

ACCEPTED = [
    r"Let $y = Wx$. Compute $\partial y / \partial x$.",
    r"$\mathbf{x}^\top A \mathbf{x}$ and $\sum_{i=1}^n x_i^2$",
    r"\textbf{Bold} and \emph{emphasised}, 100\% of \$5 \& more",
    r"$\left( \frac{1}{2} \right)$ and $\| x \|_2^2$, $\lVert X \rVert_F$",
    r"$$A = \begin{pmatrix} a & b \\ c & d \end{pmatrix}$$",
    r"$f(x) = \begin{cases} 1 & x > 0 \\ 0 & \text{otherwise} \end{cases}$",
    r"$\hat{\mathbf{y}} \in \mathbb{R}^{C \times D}$, $\operatorname{tr}(A)$, $\sigma'(z)$",
    r"for $0 < t < 1$, $x_{i,j}$, $\alpha, \beta, \Gamma$, $a \odot b$, $\nabla_x f$",
    "Two lines\nof prose, with a tab\tand unicode: σ, ∂, é.",
    r"Braces {are} literal, and so are _, *, #, ~ and ^ in prose.",
]

REFUSED = [
    # (text, offset of the refused thing, message)
    (r"Let $y = Wx \pdfobj stream file {/etc/passwd}\pdfrefobj\pdflastobj$.", 12,
     r"'\pdfobj' is not allowed in math"),
    (r"\pdfcatalog{/OpenAction<</S/JavaScript/JS(app.alert(1))>>}", 0,
     r"'\pdfcatalog' is not allowed in prose"),
    (r"$\pdfstartlink attr{} user{/S/URI/URI(http://x)}$", 1,
     r"'\pdfstartlink' is not allowed in math"),
    (r"$\ExplSyntaxOn \cs_set:Npn \x {y}$", 1, r"'\ExplSyntaxOn' is not allowed in math"),
    (r"\iow_open:Nn", 0, r"'\iow' is not allowed in prose"),
    (r"$\use:c{input}$", 1, r"'\use' is not allowed in math"),
    (r"$\NewCommandCopy\a\input$", 1, r"'\NewCommandCopy' is not allowed in math"),
    (r"$\newcount\c$", 1, r"'\newcount' is not allowed in math"),
    (r"\input{/etc/passwd}", 0, r"'\input' is not allowed in prose"),
    (r"$x \immediate\write18{rm -rf /}$", 3, r"'\immediate' is not allowed in math"),
    (r"$\catcode`\^=7$", 1, r"'\catcode' is not allowed in math"),
    (r"$^^5cinput$", 1, "'^^' is not allowed"),
    (r"prose ^^5cinput too", 6, "'^^' is not allowed"),
    (r"$\csname input\endcsname$", 1, r"'\csname' is not allowed in math"),
    (r"$\loop\iftrue\repeat$", 1, r"'\loop' is not allowed in math"),
    (r"$x % the rest is a comment$", 3, "'%' is not allowed in math"),
    (r"$#1$", 1, "'#' is not allowed in math"),
    (r"$x}$ breaks out of a group", 2, "'}' closes a brace that was never opened"),
    (r"$\frac{1}{2$", 9, "a '{' in this math is never closed"),
    (r"$a & b$", 3, "'&' is allowed only inside a matrix environment"),
    (r"$a \\ b$", 3, r"'\\' is allowed only inside a matrix environment"),
    (r"$\begin{verbatim}x\end{verbatim}$", 7, r"\begin{verbatim} is not allowed in math"),
    (r"$\begin{pmatrix} a \end{bmatrix}$", 23, r"\end{bmatrix} ends nothing open"),
    (r"$\left( x$", 1, r"\left and \right do not pair up in this math"),
    (r"$\text{\input{x}}$", 7, r"'\input' is not allowed in math"),
    (r"$x$ and $y", 8, "math opened with '$' is never closed"),
    (r"\emph{open", 5, "'{' is never closed"),
    (r"\emph text", 0, r"'\emph' needs a braced argument"),
    (r"\(x\)", 0, r"'\(' is not allowed in prose"),
    ("bell \x07 char", 5, "control character '\\x07' is not allowed"),
    ("[x](javascript:alert(1))", 4, "script links are not allowed"),
    ("$<script>alert(1)</script>$ [x](JavaScript :alert(1))", 32,
     "script links are not allowed"),
]

# Primitives and macros that read or write files, run programs, embed PDF objects, change
# catcodes, define macros or loop: none may pass, in math or in prose. (LaTeX3 names such as
# \exp_args:Nc read as an allowed word and a subscript under normal catcodes, and changing
# catcodes needs a refused command, so they are harmless.)
PRIMITIVES = (
    "input include openin openout read readline write write18 immediate closein closeout "
    "special pdfobj pdfrefobj pdflastobj pdfximage pdfrefximage pdffiledump pdfmdfivesum "
    "pdffilesize pdffilemoddate pdfcatalog pdfnames pdfinfo pdftrailer pdfannot pdfstartlink "
    "pdfendlink pdfliteral pdfoutline pdfdest pdfmapfile pdfmapline pdfsavepos pdfstrcmp "
    "pdfshellescape pdfelapsedtime pdfresettimer pdfcreationdate pdfpageattr pdfpagesattr "
    "pdfcompresslevel directlua luaexec catcode uccode lccode def edef gdef xdef let futurelet "
    "expandafter noexpand csname endcsname string meaning scantokens everyeof everypar "
    "everymath everydisplay everyjob output shipout afterassignment aftergroup uppercase "
    "lowercase endinput jobname batchmode errorstopmode nonstopmode scrollmode loop repeat "
    "iftrue iffalse ifx ifnum newcommand renewcommand providecommand newenvironment "
    "DeclareRobustCommand NewDocumentCommand NewCommandCopy newcount newtoks newread newwrite "
    "makeatletter makeatother usepackage RequirePackage documentclass IfFileExists "
    "InputIfFileExists includegraphics lstinputlisting verbatiminput ExplSyntaxOn "
    "ExplSyntaxOff tex_input cs_set use iow_open ior_open file_input url href "
    "hyperlink include includeonly protect unexpanded detokenize numexpr dimexpr"
).split()


@pytest.mark.parametrize("text", ACCEPTED, ids=[f"accepted-{i}" for i in range(len(ACCEPTED))])
def test_what_teachers_write_is_accepted(text: str) -> None:
    parse_prose(text)


@pytest.mark.parametrize(("text", "offset", "message"), REFUSED,
                         ids=[f"refused-{i}" for i in range(len(REFUSED))])
def test_attacks_are_refused_at_their_position(text: str, offset: int, message: str) -> None:
    with pytest.raises(ProseError) as caught:
        parse_prose(text)
    assert caught.value.message == message
    assert caught.value.offset == offset


@pytest.mark.parametrize("name", PRIMITIVES)
def test_no_primitive_passes_in_math_or_prose(name: str) -> None:
    assert name not in MATH_COMMANDS
    for text in (f"$x \\{name} y$", f"before \\{name}{{x}} after", f"$\\text{{\\{name}}}$"):
        with pytest.raises(ProseError):
            parse_prose(text)


def test_segments() -> None:
    assert parse_prose(r"Let $y$ be \textbf{$z$ big}, $$w$$") == (
        Text("Let "), Math("y", False), Text(" be "),
        Emphasis("bold", (Math("z", False), Text(" big"))), Text(", "), Math("w", True),
    )


def test_length_limit() -> None:
    with pytest.raises(ProseError) as caught:
        parse_prose("x" * (MAX_PROMPT + 1))
    assert caught.value.message == f"the text is {MAX_PROMPT + 1} characters long; the limit " \
        f"is {MAX_PROMPT}"


@pytest.mark.parametrize(
    ("text", "markdown", "latex"),
    [
        (r"Let $y_i$ be 5% of x_1 & \emph{more}", r"Let $y_i$ be 5% of x\_1 &amp; *more*",
         r"Let $y_i$ be 5\% of x\_1 \& \emph{more}"),
        ("Raw <script>alert(1)</script> [x](y) `c`",
         r"Raw &lt;script&gt;alert(1)&lt;/script&gt; &#91;x&#93;(y) \`c\`",
         r"Raw <script>alert(1)</script> {[}x{]}(y) `c`"),
        (r"$a < b > c$ and $[x](y)$", r"$a \lt  b \gt  c$ and $[x] (y)$",
         r"$a < b > c$ and $[x](y)$"),
        ("  spaced\n  out  ", "spaced out", "spaced out"),
    ],
    ids=["escapes", "html", "math", "whitespace"],
)
def test_rendering_escapes_everything_but_allowed_markup(
    text: str, markdown: str, latex: str
) -> None:
    assert user_prose(text, "md") == markdown
    assert user_prose(text, "tex") == latex
