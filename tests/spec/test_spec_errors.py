"""Malformed exercise specs: each case compares the full diagnostic, positions included."""
# ruff: noqa: E501  (diagnostics are compared line for line; wrapping them would hide their layout)

from __future__ import annotations

import pytest

from derive.errors import SpecError, SpecErrors, format_diagnostic
from derive.spec import parse_spec

HEAD = "title: T\nexercises:\n"

# (id, spec text, full diagnostic); positions are 1-based line:col in "ps.yaml".
INVALID = [
    (
        "bad-yaml",
        ("title: T\nexercises: [\n  - id: a\n"),
        (
            "ps.yaml:3:3: error: invalid YAML: expected the node content, but found '-'\n"
            "      - id: a\n"
            "      ^\n"
            "hint: check the indentation and the quoting near the caret"
        ),
    ),
    (
        "tab-indent",
        HEAD + ("\t- id: a\n"),
        (
            "ps.yaml:3:1: error: invalid YAML: found character '\\t' that cannot start any token\n"
            "    \t- id: a\n"
            "    ^\n"
            "hint: indent with spaces, not tabs"
        ),
    ),
    (
        "two-documents",
        ("title: a\n---\ntitle: b\n"),
        (
            "ps.yaml:2:1: error: invalid YAML: the file holds more than one YAML document\n"
            "    ---\n"
            "    ^\n"
            "hint: remove the '---' separators; one file holds one problem set"
        ),
    ),
    (
        "empty-file",
        "",
        (
            "ps.yaml:1:1: error: the spec is empty\n"
            "hint: start the file with 'title:' and 'exercises:'"
        ),
    ),
    (
        "top-level-list",
        ("- a\n- b\n"),
        (
            "ps.yaml:1:1: error: found a list at the top level; expected a mapping\n"
            "    - a\n"
            "    ^^^\n"
            "hint: start the file with 'title:' and 'exercises:'"
        ),
    ),
    (
        "missing-title",
        ("exercises:\n  - {id: a, expr: x, wrt: x}\n"),
        (
            "ps.yaml:1:1: error: the spec is missing the required key 'title'\n"
            "    exercises:\n"
            "    ^^^^^^^^^^\n"
            "hint: add a line such as 'title: Problem set 3'"
        ),
    ),
    (
        "title-not-string",
        ("title: 3\nexercises:\n  - {id: a, expr: x, wrt: x}\n"),
        (
            "ps.yaml:1:8: error: 'title' in the spec must be a string, found the number 3\n"
            "    title: 3\n"
            "           ^\n"
            "hint: quote the text, as in title: '3'"
        ),
    ),
    (
        "empty-exercises",
        ("title: T\nexercises: []\n"),
        (
            "ps.yaml:2:12: error: 'exercises' in the spec is empty; expected at least one entry\n"
            "    exercises: []\n"
            "               ^^\n"
            "hint: add an exercise under 'exercises:'"
        ),
    ),
    (
        "exercise-not-mapping",
        HEAD + ("  - hello\n"),
        (
            "ps.yaml:3:5: error: exercise 1 must be a mapping, found 'hello'\n"
            "      - hello\n"
            "        ^^^^^\n"
            "hint: write it as 'id: ...' with 'expr:' and 'wrt:' (or 'parts:') on the lines below"
        ),
    ),
    (
        "unknown-key",
        HEAD + ("  - id: a\n    expr: W @ x\n    wrt: x\n    shape: {W: [m, n], x: [n]}\n"),
        (
            "ps.yaml:6:5: error: unknown key 'shape' in exercise 'a'\n"
            "        shape: {W: [m, n], x: [n]}\n"
            "        ^^^^^\n"
            "hint: did you mean 'shapes'?"
        ),
    ),
    (
        "unknown-top-key",
        ("title: T\nexercise:\n  - {id: a, expr: x, wrt: x}\n"),
        (
            "ps.yaml:1:1: error: the spec is missing the required key 'exercises'\n"
            "    title: T\n"
            "    ^^^^^^^^\n"
            "hint: add 'exercises:' followed by a list of exercises\n"
            "ps.yaml:2:1: error: unknown key 'exercise' in the spec\n"
            "    exercise:\n"
            "    ^^^^^^^^\n"
            "hint: did you mean 'exercises'?"
        ),
    ),
    (
        "missing-wrt",
        HEAD + ("  - id: a\n    expr: x.T @ x\n    shapes: {x: [n]}\n"),
        (
            "ps.yaml:3:5: error: exercise 'a' is missing the required key 'wrt'\n"
            "      - id: a\n"
            "        ^^^^^\n"
            "hint: add the variable to differentiate with respect to, e.g. 'wrt: x'"
        ),
    ),
    (
        "missing-expr",
        HEAD + ("  - id: a\n    wrt: x\n"),
        (
            "ps.yaml:3:5: error: exercise 'a' is missing the required key 'expr'\n"
            "      - id: a\n"
            "        ^^^^^\n"
            "hint: add the expression to differentiate, e.g. 'expr: W @ x'"
        ),
    ),
    (
        "missing-id",
        HEAD + ("  - {expr: x, wrt: x}\n"),
        (
            "ps.yaml:3:5: error: exercise 1 is missing the required key 'id'\n"
            "      - {expr: x, wrt: x}\n"
            "        ^^^^^^^^^^^^^^^^^\n"
            "hint: add an id such as 'id: linear-map' (lower-case letters, digits and '-')"
        ),
    ),
    (
        "bad-id",
        HEAD + ("  - {id: Linear Map, expr: x, wrt: x}\n"),
        (
            "ps.yaml:3:10: error: invalid exercise id 'Linear Map'; expected lower-case letters, digits and '-'\n"
            "      - {id: Linear Map, expr: x, wrt: x}\n"
            "             ^^^^^^^^^^\n"
            "hint: try 'id: linear-map'"
        ),
    ),
    (
        "duplicate-id",
        HEAD + ("  - {id: a, expr: x, wrt: x}\n  - {id: a, expr: x, wrt: x}\n"),
        (
            "ps.yaml:4:10: error: duplicate exercise id 'a'\n"
            "      - {id: a, expr: x, wrt: x}\n"
            "             ^\n"
            "hint: the exercise on line 3 already has this id; ids must be unique"
        ),
    ),
    (
        "duplicate-key",
        HEAD + ("  - id: a\n    expr: x\n    expr: y\n    wrt: x\n"),
        (
            "ps.yaml:5:5: error: duplicate key 'expr'\n"
            "        expr: y\n"
            "        ^^^^\n"
            "hint: 'expr' is already given on line 4; remove one of them"
        ),
    ),
    (
        "bad-layout",
        ("title: T\nlayout: numerater\nexercises:\n  - {id: a, expr: x, wrt: x}\n"),
        (
            "ps.yaml:2:9: error: unknown layout 'numerater' in the spec; expected 'numerator', 'denominator' or 'mixed'\n"
            "    layout: numerater\n"
            "            ^^^^^^^^^\n"
            "hint: did you mean 'numerator'?"
        ),
    ),
    (
        "bad-exercise-layout",
        HEAD + ("  - {id: a, expr: x, wrt: x, layout: column}\n"),
        (
            "ps.yaml:3:38: error: unknown layout 'column' in exercise 'a'; expected 'numerator', 'denominator' or 'mixed'\n"
            "      - {id: a, expr: x, wrt: x, layout: column}\n"
            "                                         ^^^^^^"
        ),
    ),
    (
        "bad-notation",
        ("title: T\nnotation: fancy\nexercises:\n  - {id: a, expr: x, wrt: x}\n"),
        (
            "ps.yaml:2:11: error: unknown notation 'fancy' in the spec; expected 'bold', 'arrow' or 'plain'\n"
            "    notation: fancy\n"
            "              ^^^^^"
        ),
    ),
    (
        "vectorize-with-expr",
        HEAD + ("  - {id: a, kind: vectorize, expr: x, wrt: x}\n"),
        (
            "ps.yaml:3:5: error: exercise 'a' is missing the required key 'index'\n"
            "      - {id: a, kind: vectorize, expr: x, wrt: x}\n"
            "        ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n"
            "hint: add the entry formula, e.g. 'index: sum(A[i,k] * B[k,j], k)'\n"
            "ps.yaml:3:5: error: exercise 'a' is missing the required key 'free'\n"
            "      - {id: a, kind: vectorize, expr: x, wrt: x}\n"
            "        ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n"
            "hint: add the free indices naming the entry, e.g. 'free: [i, j]'\n"
            "ps.yaml:3:30: error: 'expr' is not used by vectorize items such as exercise 'a'\n"
            "      - {id: a, kind: vectorize, expr: x, wrt: x}\n"
            "                                 ^^^^\n"
            "hint: vectorize items take 'index', 'free', 'name', 'ranges', 'shapes', 'prompt' and 'answer'\n"
            "ps.yaml:3:39: error: 'wrt' is not used by vectorize items such as exercise 'a'\n"
            "      - {id: a, kind: vectorize, expr: x, wrt: x}\n"
            "                                          ^^^\n"
            "hint: vectorize items take 'index', 'free', 'name', 'ranges', 'shapes', 'prompt' and 'answer'"
        ),
    ),
    (
        "unknown-kind",
        HEAD + ("  - {id: a, kind: integral, expr: x, wrt: x}\n"),
        (
            "ps.yaml:3:19: error: unknown kind 'integral' in exercise 'a'; expected 'derivative', 'chain', 'vectorize', 'shape', 'select' or 'blanks'\n"
            "      - {id: a, kind: integral, expr: x, wrt: x}\n"
            "                      ^^^^^^^^"
        ),
    ),
    (
        "bad-dimension",
        HEAD + ("  - {id: a, expr: x, wrt: x, shapes: {x: [n, 0]}}\n"),
        (
            "ps.yaml:3:42: error: invalid dimension 0 in the shape of 'x'\n"
            "      - {id: a, expr: x, wrt: x, shapes: {x: [n, 0]}}\n"
            "                                             ^^^^^^\n"
            "hint: dimensions are positive integers or names like n, m, D"
        ),
    ),
    (
        "too-many-dimensions",
        HEAD + ("  - {id: a, expr: x, wrt: x, shapes: {x: [n, n, n]}}\n"),
        (
            "ps.yaml:3:42: error: shape of 'x' has 3 dimensions; at most 2 are supported\n"
            "      - {id: a, expr: x, wrt: x, shapes: {x: [n, n, n]}}\n"
            "                                             ^^^^^^^^^\n"
            "hint: write [] for a scalar, [n] for a column vector, [m, n] for a matrix"
        ),
    ),
    (
        "shape-not-list",
        HEAD + ("  - {id: a, expr: x, wrt: x, shapes: {x: n}}\n"),
        (
            "ps.yaml:3:42: error: shape of 'x' must be a list of dimensions, got 'n'\n"
            "      - {id: a, expr: x, wrt: x, shapes: {x: n}}\n"
            "                                             ^\n"
            "hint: write [] for a scalar, [n] for a column vector, [m, n] for a matrix"
        ),
    ),
    (
        "shape-for-unused-symbol",
        HEAD + ("  - {id: a, expr: W @ x, wrt: x, shapes: {W: [m, n], x: [n], X: [n]}}\n"),
        (
            "ps.yaml:3:62: error: shape given for 'X', which no expression of exercise 'a' uses\n"
            "      - {id: a, expr: W @ x, wrt: x, shapes: {W: [m, n], x: [n], X: [n]}}\n"
            "                                                                 ^\n"
            "hint: did you mean 'x'?"
        ),
    ),
    (
        "shape-error-in-expr",
        HEAD + ("  - id: a\n    shapes: {x: [n], A: [n, n]}\n    expr: x @ A @ x\n    wrt: x\n"),
        (
            "ps.yaml:5:13: error: cannot multiply x (n×1) by A (n×n): inner dimensions 1 and n differ\n"
            "        expr: x @ A @ x\n"
            "                ^\n"
            "hint: did you mean 'x.T @ A'?"
        ),
    ),
    (
        "syntax-error-in-expr",
        HEAD + ("  - id: a\n    expr: W @ (x + \n    wrt: x\n"),
        (
            "ps.yaml:4:15: error: '(' is never closed\n"
            "        expr: W @ (x + \n"
            "                  ^\n"
            "hint: add the missing ')'"
        ),
    ),
    (
        "syntax-error-quoted",
        HEAD + ("  - id: a\n    expr: 'W @ x $ 2'\n    wrt: x\n"),
        (
            "ps.yaml:4:18: error: invalid expression: invalid syntax\n"
            "        expr: 'W @ x $ 2'\n"
            "                     ^\n"
            "hint: check the operators and parentheses near the caret"
        ),
    ),
    (
        "syntax-error-double-quoted",
        HEAD + ('  - id: a\n    expr: "x.T @ \\"A\\" @ x"\n    wrt: x\n'),
        (
            "ps.yaml:4:19: error: unsupported constant 'A'\n"
            '        expr: "x.T @ \\"A\\" @ x"\n'
            "                      ^^^\n"
            "hint: constants are integer or decimal numbers"
        ),
    ),
    (
        "syntax-error-block",
        HEAD + ("  - id: a\n    expr: |\n      W @ x\n        @ $\n    wrt: x\n"),
        (
            "ps.yaml:6:11: error: invalid expression: invalid syntax\n"
            "            @ $\n"
            "              ^\n"
            "hint: check the operators and parentheses near the caret"
        ),
    ),
    (
        "wrt-not-in-expr",
        HEAD + ("  - {id: a, expr: W @ x, wrt: X, shapes: {W: [m, n], x: [n]}}\n"),
        (
            "ps.yaml:3:31: error: cannot differentiate with respect to 'X': it does not appear in 'W @ x'\n"
            "      - {id: a, expr: W @ x, wrt: X, shapes: {W: [m, n], x: [n]}}\n"
            "                                  ^\n"
            "hint: the expression uses 'W', 'x'"
        ),
    ),
    (
        "answer-syntax-error",
        HEAD
        + (
            "  - id: a\n"
            "    shapes: {W: [m, n], x: [n]}\n"
            "    expr: W @ x\n"
            "    wrt: x\n"
            "    answer: W..T\n"
        ),
        (
            "ps.yaml:7:15: error: invalid expression: invalid syntax\n"
            "        answer: W..T\n"
            "                  ^\n"
            "hint: check the operators and parentheses near the caret"
        ),
    ),
    (
        "answer-unknown-symbol",
        HEAD
        + (
            "  - id: a\n"
            "    shapes: {W: [m, n], x: [n]}\n"
            "    expr: W @ x\n"
            "    wrt: x\n"
            "    answer: w.T\n"
        ),
        (
            "ps.yaml:7:13: error: the answer uses 'w', which does not appear in the expression 'W @ x'\n"
            "        answer: w.T\n"
            "                ^^^\n"
            "hint: an answer may use the expression's symbols and dimension names only"
        ),
    ),
    (
        "unknown-assumption",
        HEAD
        + (
            "  - {id: a, expr: x.T @ A @ x, wrt: x, shapes: {A: [n, n], x: [n]}, assume: {A: symetric}}\n"
        ),
        (
            "ps.yaml:3:81: error: unknown assumption 'symetric' for 'A'\n"
            "      - {id: a, expr: x.T @ A @ x, wrt: x, shapes: {A: [n, n], x: [n]}, assume: {A: symetric}}\n"
            "                                                                                    ^^^^^^^^\n"
            "hint: did you mean 'symmetric'?"
        ),
    ),
    (
        "assumption-needs-square",
        HEAD
        + (
            "  - {id: a, expr: x.T @ A @ x, wrt: x, shapes: {A: [n, n], x: [n]}, assume: {x: spd}}\n"
        ),
        (
            "ps.yaml:3:81: error: 'x' is assumed spd but is n×1, not a square matrix\n"
            "      - {id: a, expr: x.T @ A @ x, wrt: x, shapes: {A: [n, n], x: [n]}, assume: {x: spd}}\n"
            "                                                                                    ^^^\n"
            "hint: declare 'x' with a square shape such as [n, n]"
        ),
    ),
    (
        "assumption-wrong-type",
        HEAD
        + ("  - {id: a, expr: x.T @ A @ x, wrt: x, shapes: {A: [n, n], x: [n]}, assume: {A: 5}}\n"),
        (
            "ps.yaml:3:81: error: assumption for 'A' in exercise 'a' must be a property name or a list of them, found the number 5\n"
            "      - {id: a, expr: x.T @ A @ x, wrt: x, shapes: {A: [n, n], x: [n]}, assume: {A: 5}}\n"
            "                                                                                    ^\n"
            "hint: write e.g. 'A: symmetric' or 'A: [symmetric, invertible]'"
        ),
    ),
    (
        "element-wrong-type",
        HEAD + ("  - {id: a, expr: x, wrt: x, element: [a, 0]}\n"),
        (
            "ps.yaml:3:40: error: entry 1 of 'element' in exercise 'a' must be a positive integer, found 'a'\n"
            "      - {id: a, expr: x, wrt: x, element: [a, 0]}\n"
            "                                           ^\n"
            "hint: indices count from 1\n"
            "ps.yaml:3:43: error: entry 2 of 'element' in exercise 'a' must be a positive integer, found the number 0\n"
            "      - {id: a, expr: x, wrt: x, element: [a, 0]}\n"
            "                                              ^\n"
            "hint: indices count from 1"
        ),
    ),
    (
        "element-too-long",
        HEAD + ("  - {id: a, expr: x, wrt: x, element: [1, 2, 3]}\n"),
        (
            "ps.yaml:3:39: error: 'element' in exercise 'a' lists 3 indices; expected 1 or 2\n"
            "      - {id: a, expr: x, wrt: x, element: [1, 2, 3]}\n"
            "                                          ^^^^^^^^^\n"
            "hint: write 'element: [i]' for a vector entry or 'element: [i, j]' for a matrix"
        ),
    ),
    (
        "element-not-list",
        HEAD + ("  - {id: a, expr: x, wrt: x, element: 3}\n"),
        (
            "ps.yaml:3:39: error: 'element' in exercise 'a' must be a list, found the number 3\n"
            "      - {id: a, expr: x, wrt: x, element: 3}\n"
            "                                          ^"
        ),
    ),
    (
        "bad-output-name",
        HEAD + ("  - {id: a, expr: x, wrt: x, name: 2y}\n"),
        (
            "ps.yaml:3:36: error: invalid output name '2y' in exercise 'a'; expected a name such as 'y' or 'loss'\n"
            "      - {id: a, expr: x, wrt: x, name: 2y}\n"
            "                                       ^^\n"
            "hint: names start with a letter and use letters, digits and '_'"
        ),
    ),
    (
        "expr-not-string",
        HEAD + ("  - {id: a, expr: 2, wrt: x}\n"),
        (
            "ps.yaml:3:19: error: 'expr' in exercise 'a' must be a string, found the number 2\n"
            "      - {id: a, expr: 2, wrt: x}\n"
            "                      ^\n"
            "hint: quote the text, as in expr: '2'"
        ),
    ),
    (
        "expr-next-to-parts",
        HEAD + ("  - id: a\n    expr: x\n    parts:\n      - {expr: x, wrt: x}\n"),
        (
            "ps.yaml:4:5: error: 'expr' cannot be given next to 'parts' in exercise 'a'\n"
            "        expr: x\n"
            "        ^^^^\n"
            "hint: move 'expr' into each part; parts inherit only shapes, assume and layout"
        ),
    ),
    (
        "part-errors",
        HEAD
        + (
            "  - id: a\n"
            "    shapes: {x: [n], A: [n, n]}\n"
            "    parts:\n"
            "      - {expr: x.T @ A @ x, wrt: x, assume: {A: symmetric}}\n"
            "      - {expr: A @ x, wrt: y}\n"
            "      - {wrt: x, id: c}\n"
        ),
        (
            "ps.yaml:7:28: error: cannot differentiate with respect to 'y': it does not appear in 'A @ x'\n"
            "          - {expr: A @ x, wrt: y}\n"
            "                               ^\n"
            "hint: the expression uses 'A', 'x'\n"
            "ps.yaml:8:9: error: part (c) of exercise 'a' is missing the required key 'expr'\n"
            "          - {wrt: x, id: c}\n"
            "            ^^^^^^^^^^^^^^^\n"
            "hint: add the expression to differentiate, e.g. 'expr: W @ x'\n"
            "ps.yaml:8:18: error: unknown key 'id' in part (c) of exercise 'a'\n"
            "          - {wrt: x, id: c}\n"
            "                     ^^\n"
            "hint: parts have no 'id'; they are labelled (a), (b), ... in order"
        ),
    ),
    (
        "empty-parts",
        HEAD + ("  - id: a\n    parts: []\n"),
        (
            "ps.yaml:4:12: error: 'parts' in exercise 'a' is empty; expected at least one entry\n"
            "        parts: []\n"
            "               ^^\n"
            "hint: add parts, or remove 'parts' and give 'expr' and 'wrt'"
        ),
    ),
    (
        "merge-key",
        HEAD + ("  - {id: a, expr: x, wrt: x, shapes: {<<: {x: [n]}}}\n"),
        (
            "ps.yaml:3:39: error: merge keys '<<' are not supported\n"
            "      - {id: a, expr: x, wrt: x, shapes: {<<: {x: [n]}}}\n"
            "                                          ^^\n"
            "hint: write the keys out, or alias a whole value with &name and *name"
        ),
    ),
]


@pytest.mark.parametrize(
    ("text", "expected"), [c[1:] for c in INVALID], ids=[c[0] for c in INVALID]
)
def test_invalid_spec(text: str, expected: str) -> None:
    with pytest.raises(SpecError) as caught:
        parse_spec(text, "ps.yaml")
    assert isinstance(caught.value, SpecErrors)
    assert format_diagnostic(caught.value) == expected


UNSAFE = [
    "input", "include", "openin", "openout", "write18", "write", "immediate", "catcode", "def",
    "edef", "gdef", "xdef", "let", "newcommand", "renewcommand", "csname", "read", "special",
    "usepackage", "documentclass", "makeatletter", "scantokens", "pdfobj", "pdfcatalog",
]  # fmt: skip

_PROSE_HINT = (
    "hint: prose may use \\emph{...} and \\textbf{...}, math in $...$ or $$...$$, and \\$ \\% "
    "\\& \\# \\_ \\{ \\} for those characters"
)
_MATH_HINT = "hint: math may use the commands listed in README.md, 'Security'"


@pytest.mark.parametrize("command", UNSAFE, ids=UNSAFE)
def test_unsafe_tex_in_prompt(command: str) -> None:
    text = HEAD + f"  - id: leak\n    prompt: Let $y = Wx$. \\{command}{{/etc/passwd}}\n"
    text += "    expr: x\n    wrt: x\n"
    shown = command.rstrip("0123456789")  # TeX reads \write18 as \write and 18
    expected = (
        f"ps.yaml:4:27: error: '\\{shown}' is not allowed in prose, in the prompt of "
        f"exercise 'leak'\n"
        f"        prompt: Let $y = Wx$. \\{command}{{/etc/passwd}}\n"
        f"                              {'^' * (len(shown) + 1)}\n" + _PROSE_HINT
    )
    with pytest.raises(SpecError) as caught:
        parse_spec(text, "ps.yaml")
    assert format_diagnostic(caught.value) == expected


@pytest.mark.parametrize(
    ("field", "text", "expected"),
    [
        (
            "spec-title",
            "title: 'Set $^^5cinput$'\nexercises:\n  - {id: a, expr: x, wrt: x}\n",
            "ps.yaml:1:14: error: '^^' is not allowed, in the title of the spec\n"
            "    title: 'Set $^^5cinput$'\n"
            "                 ^^\n"
            "hint: write ^{...} for a power",
        ),
        (
            "part-title-block",
            HEAD + "  - id: q\n    parts:\n      - expr: x\n        wrt: x\n"
            "        title: |\n          First line\n          then \\def\\x{1}\n",
            "ps.yaml:9:16: error: '\\def' is not allowed in prose, in the title of part (a) of "
            "exercise 'q'\n"
            "              then \\def\\x{1}\n"
            "                   ^^^^\n" + _PROSE_HINT,
        ),
        (
            "course",
            'title: T\ncourse: "ML $\\\\immediate$"\nexercises:\n  - {id: a, expr: x, wrt: x}\n',
            "ps.yaml:2:14: error: '\\immediate' is not allowed in math, in the course of the "
            "spec\n"
            '    course: "ML $\\\\immediate$"\n'
            "                 ^^^^^^^^^^\n" + _MATH_HINT,
        ),
    ],
    ids=["spec-title", "part-title-block", "course"],
)
def test_unsafe_tex_positions(field: str, text: str, expected: str) -> None:
    with pytest.raises(SpecError) as caught:
        parse_spec(text, "ps.yaml")
    assert format_diagnostic(caught.value) == expected


def test_errors_are_capped_at_twenty() -> None:
    text = HEAD + "".join(f"  - {{id: e{i}, expr: x, wrt: y}}\n" for i in range(23))
    with pytest.raises(SpecErrors) as caught:
        parse_spec(text, "ps.yaml")
    assert len(caught.value.errors) == 23
    lines = format_diagnostic(caught.value).split("\n")
    assert lines[:4] == [
        "ps.yaml:3:28: error: cannot differentiate with respect to 'y': it does not appear in 'x'",
        "      - {id: e0, expr: x, wrt: y}",
        "                               ^",
        "hint: the expression uses 'x'",
    ]
    assert lines[-5].startswith("ps.yaml:22:29: error: ")
    assert lines[-1] == "… and 3 more"
    assert len(lines) == 20 * 4 + 1


def test_errors_from_several_exercises_are_sorted_by_position() -> None:
    text = (
        "title: T\nlayout: sideways\nexercises:\n"
        "  - {id: a, expr: x @, wrt: x}\n"
        "  - {id: a, expr: x, wrt: x, colour: red}\n"
    )
    with pytest.raises(SpecErrors) as caught:
        parse_spec(text, "ps.yaml")
    heads = [line for line in str(caught.value).split("\n") if ": error: " in line]
    assert heads == [
        "ps.yaml:2:9: error: unknown layout 'sideways' in the spec; expected 'numerator', "
        "'denominator' or 'mixed'",
        "ps.yaml:4:21: error: invalid expression: expression ends with the operator '@'",
        "ps.yaml:5:10: error: duplicate exercise id 'a'",
        "ps.yaml:5:30: error: unknown key 'colour' in exercise 'a'",
    ]
