"""Invalid input: every case gives one clean, complete diagnostic, fast, and runs no code."""

from __future__ import annotations

import string
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from derive.errors import (
    DeriveError,
    ExprSyntaxError,
    ShapeError,
    SpecError,
    format_diagnostic,
)
from derive.expr.limits import MAX_DEPTH, MAX_LENGTH
from derive.expr.parse import parse
from derive.problem import AssumeSpec, ShapeSpec, make_problem

DEEP = "(" * (MAX_DEPTH + 1) + "x" + ")" * (MAX_DEPTH + 1)
FUNCTIONS_HINT = (
    "hint: the functions are tr, det, logdet, inv, norm, sum, diag, logsumexp, softmax, exp, log, "
    "sin, cos, tanh, sigmoid, softplus, sqrt, eye, ones"
)
SYNTAX_HINT = (
    "hint: use + - * / ** @, .T, parentheses, numbers, names and the functions tr, det, logdet, "
    "inv, norm, sum, diag, logsumexp, softmax, exp, log, sin, cos, tanh, sigmoid, softplus, "
    "sqrt, eye, ones"
)


def case(
    id_: str,
    text: str,
    shapes: ShapeSpec | None,
    assume: AssumeSpec | None,
    kind: type[DeriveError],
    diagnostic: str,
) -> object:
    return pytest.param(text, shapes, assume, kind, diagnostic, id=id_)


BAD_INPUTS = [
    case(
        "unclosed-paren",
        "(x + y",
        None,
        None,
        ExprSyntaxError,
        "error: col 1: '(' is never closed\n"
        "    (x + y\n"
        "    ^\n"
        "hint: add the missing ')'",
    ),
    case(
        "unclosed-call",
        "tr(A @ B",
        {"A": ["n", "n"], "B": ["n", "n"]},
        None,
        ExprSyntaxError,
        "error: col 3: '(' is never closed\n"
        "    tr(A @ B\n"
        "      ^\n"
        "hint: add the missing ')'",
    ),
    case(
        "extra-close-paren",
        "x + y)",
        None,
        None,
        ExprSyntaxError,
        "error: col 6: unmatched closing ')'\n"
        "    x + y)\n"
        "         ^\n"
        "hint: remove it or add the opening '(' it closes",
    ),
    case(
        "empty",
        "",
        None,
        None,
        ExprSyntaxError,
        "error: col 1: empty expression\n    \n    ^\nhint: write the expression to differentiate",
    ),
    case(
        "blank",
        "   ",
        None,
        None,
        ExprSyntaxError,
        "error: col 1: empty expression\n"
        "       \n"
        "    ^\n"
        "hint: write the expression to differentiate",
    ),
    case(
        "trailing-plus",
        "x +",
        None,
        None,
        ExprSyntaxError,
        "error: col 3: invalid expression: expression ends with the operator '+'\n"
        "    x +\n"
        "      ^\n"
        "hint: add the missing operand or remove the operator",
    ),
    case(
        "trailing-matmul",
        "A @ x @",
        None,
        None,
        ExprSyntaxError,
        "error: col 7: invalid expression: expression ends with the operator '@'\n"
        "    A @ x @\n"
        "          ^\n"
        "hint: add the missing operand or remove the operator",
    ),
    case(
        "missing-operator",
        "2x",
        None,
        None,
        ExprSyntaxError,
        "error: col 1: invalid expression: invalid decimal literal\n"
        "    2x\n"
        "    ^\n"
        "hint: write products with an explicit operator, as in '2 * x'",
    ),
    case(
        "double-operator",
        "x @@ y",
        None,
        None,
        ExprSyntaxError,
        "error: col 4: invalid expression: invalid syntax\n"
        "    x @@ y\n"
        "       ^\n"
        "hint: check the operators and parentheses near the caret",
    ),
    case(
        "unknown-function",
        "foo(x)",
        None,
        None,
        ExprSyntaxError,
        "error: col 1: unknown function 'foo'\n    foo(x)\n    ^^^\n" + FUNCTIONS_HINT,
    ),
    case(
        "unknown-function-close",
        "inverse(A)",
        None,
        None,
        ExprSyntaxError,
        "error: col 1: unknown function 'inverse'\n"
        "    inverse(A)\n"
        "    ^^^^^^^\n"
        "hint: did you mean 'inv'?",
    ),
    case(
        "function-without-call",
        "tr",
        None,
        None,
        ExprSyntaxError,
        "error: col 1: function 'tr' is used without an argument\n"
        "    tr\n"
        "    ^^\n"
        "hint: write 'tr(...)'",
    ),
    case(
        "import",
        "__import__('os')",
        None,
        None,
        ExprSyntaxError,
        "error: col 1: unknown function '__import__'\n"
        "    __import__('os')\n"
        "    ^^^^^^^^^^\n" + FUNCTIONS_HINT,
    ),
    case(
        "import-system",
        "__import__('os').system('touch /tmp/pwned')",
        None,
        None,
        ExprSyntaxError,
        "error: col 1: only named functions can be called\n"
        "    __import__('os').system('touch /tmp/pwned')\n"
        "    ^^^^^^^^^^^^^^^^^^^^^^^\n" + FUNCTIONS_HINT,
    ),
    case(
        "dunder-attribute",
        "x.__class__",
        None,
        None,
        ExprSyntaxError,
        "error: col 1: unsupported attribute '.__class__'\n"
        "    x.__class__\n"
        "    ^^^^^^^^^^^\n"
        "hint: '.T' (transpose) is the only attribute",
    ),
    case(
        "tuple-dunder",
        "().__class__",
        None,
        None,
        ExprSyntaxError,
        "error: col 1: unsupported attribute '.__class__'\n"
        "    ().__class__\n"
        "    ^^^^^^^^^^^^\n"
        "hint: '.T' (transpose) is the only attribute",
    ),
    case(
        "method-call",
        "x.T(y)",
        None,
        None,
        ExprSyntaxError,
        "error: col 1: only named functions can be called\n    x.T(y)\n    ^^^\n" + FUNCTIONS_HINT,
    ),
    case(
        "lambda",
        "lambda: 1",
        None,
        None,
        ExprSyntaxError,
        "error: col 1: unsupported syntax: lambda\n    lambda: 1\n    ^^^^^^^^^\n" + SYNTAX_HINT,
    ),
    case(
        "lambda-as-name",
        "2 * lambda * x",
        None,
        None,
        ExprSyntaxError,
        "error: col 5: invalid expression: 'lambda' is a reserved word of Python, not a name\n"
        "    2 * lambda * x\n        ^\nhint: call the symbol 'lam' (it prints as λ)",
    ),
    case(
        "lambda-in-parentheses",
        "(lambda) @ x",
        None,
        None,
        ExprSyntaxError,
        "error: col 2: invalid expression: 'lambda' is a reserved word of Python, not a name\n"
        "    (lambda) @ x\n     ^\nhint: call the symbol 'lam' (it prints as λ)",
    ),
    case(
        "keyword-as-name",
        "x + class",
        None,
        None,
        ExprSyntaxError,
        "error: col 5: invalid expression: 'class' is a reserved word of Python, not a name\n"
        "    x + class\n        ^\nhint: call the symbol 'class_'",
    ),
    case(
        "subscript",
        "x[0]",
        None,
        None,
        ExprSyntaxError,
        "error: col 1: unsupported syntax: indexing with [...]\n    x[0]\n    ^^^^\n" + SYNTAX_HINT,
    ),
    case(
        "slice",
        "X[:, 0]",
        None,
        None,
        ExprSyntaxError,
        "error: col 1: unsupported syntax: indexing with [...]\n"
        "    X[:, 0]\n"
        "    ^^^^^^^\n" + SYNTAX_HINT,
    ),
    case(
        "string",
        "'abc'",
        None,
        None,
        ExprSyntaxError,
        "error: col 1: unsupported constant 'abc'\n"
        "    'abc'\n"
        "    ^^^^^\n"
        "hint: constants are integer or decimal numbers",
    ),
    case(
        "f-string",
        "f'{x}'",
        None,
        None,
        ExprSyntaxError,
        "error: col 1: unsupported syntax: string\n    f'{x}'\n    ^^^^^^\n" + SYNTAX_HINT,
    ),
    case(
        "bool",
        "True",
        None,
        None,
        ExprSyntaxError,
        "error: col 1: unsupported constant 'True'\n"
        "    True\n"
        "    ^^^^\n"
        "hint: constants are integer or decimal numbers",
    ),
    case(
        "complex",
        "1j",
        None,
        None,
        ExprSyntaxError,
        "error: col 1: unsupported constant '1j'\n"
        "    1j\n"
        "    ^^\n"
        "hint: constants are integer or decimal numbers",
    ),
    case(
        "hex",
        "0x10",
        None,
        None,
        ExprSyntaxError,
        "error: col 1: unsupported number '0x10'\n"
        "    0x10\n"
        "    ^^^^\n"
        "hint: write numbers in decimal, such as '16' or '0.5'",
    ),
    case(
        "huge-number",
        "1e400",
        None,
        None,
        ExprSyntaxError,
        "error: col 1: number '1e400' is out of range\n"
        "    1e400\n"
        "    ^^^^^\n"
        "hint: numbers have at most 30 digits and an exponent of at most 30",
    ),
    case(
        "keyword-arg",
        "tr(A, axis=0)",
        None,
        None,
        ExprSyntaxError,
        "error: col 7: 'tr' takes no keyword arguments\n"
        "    tr(A, axis=0)\n"
        "          ^^^^^^\n"
        "hint: write 'tr(...)' with one argument",
    ),
    case(
        "starred-arg",
        "tr(*x)",
        None,
        None,
        ExprSyntaxError,
        "error: col 4: 'tr' takes one argument, not '*' unpacking\n"
        "    tr(*x)\n"
        "       ^^\n"
        "hint: write 'tr(...)' with one argument",
    ),
    case(
        "no-args",
        "tr()",
        None,
        None,
        ExprSyntaxError,
        "error: col 1: 'tr' takes exactly one argument, got 0\n"
        "    tr()\n"
        "    ^^^^\n"
        "hint: write 'tr(...)' with one argument",
    ),
    case(
        "two-args",
        "inv(A, B)",
        None,
        None,
        ExprSyntaxError,
        "error: col 1: 'inv' takes exactly one argument, got 2\n"
        "    inv(A, B)\n"
        "    ^^^^^^^^^\n"
        "hint: write 'inv(...)' with one argument",
    ),
    case(
        "eye-zero",
        "eye(0)",
        None,
        None,
        ExprSyntaxError,
        "error: col 5: 'eye' takes a dimension: a name such as 'n' or an integer from 1 to 10000\n"
        "    eye(0)\n"
        "        ^\n"
        "hint: write 'eye(n)'",
    ),
    case(
        "eye-expression",
        "eye(n + 1)",
        None,
        None,
        ExprSyntaxError,
        "error: col 5: 'eye' takes a dimension: a name such as 'n' or an integer from 1 to 10000\n"
        "    eye(n + 1)\n"
        "        ^^^^^\n"
        "hint: write 'eye(n)'",
    ),
    case(
        "xor-power",
        "x ^ 2",
        None,
        None,
        ExprSyntaxError,
        "error: col 3: unsupported operator '^'\n    x ^ 2\n      ^\nhint: use '**' for powers",
    ),
    case(
        "floor-div",
        "x // 2",
        None,
        None,
        ExprSyntaxError,
        "error: col 3: unsupported operator '//'\n"
        "    x // 2\n"
        "      ^^\n"
        "hint: use '/' to divide by a scalar",
    ),
    case(
        "comparison",
        "x == y",
        None,
        None,
        ExprSyntaxError,
        "error: col 1: unsupported syntax: comparison\n    x == y\n    ^^^^^^\n" + SYNTAX_HINT,
    ),
    case(
        "and",
        "x and y",
        None,
        None,
        ExprSyntaxError,
        "error: col 1: unsupported syntax: 'and'/'or'\n    x and y\n    ^^^^^^^\n" + SYNTAX_HINT,
    ),
    case(
        "not",
        "not x",
        None,
        None,
        ExprSyntaxError,
        "error: col 1: unsupported syntax: operator 'not'\n    not x\n    ^^^^^\n" + SYNTAX_HINT,
    ),
    case(
        "conditional",
        "x if y else z",
        None,
        None,
        ExprSyntaxError,
        "error: col 1: unsupported syntax: conditional expression\n"
        "    x if y else z\n"
        "    ^^^^^^^^^^^^^\n" + SYNTAX_HINT,
    ),
    case(
        "walrus",
        "(x := 1)",
        None,
        None,
        ExprSyntaxError,
        "error: col 2: unsupported syntax: assignment ':='\n"
        "    (x := 1)\n"
        "     ^^^^^^\n" + SYNTAX_HINT,
    ),
    case(
        "list",
        "[x]",
        None,
        None,
        ExprSyntaxError,
        "error: col 1: unsupported syntax: list\n    [x]\n    ^^^\n" + SYNTAX_HINT,
    ),
    case(
        "non-ascii",
        "θ + 1",
        None,
        None,
        ExprSyntaxError,
        "error: col 1: unexpected character 'θ'\n"
        "    θ + 1\n"
        "    ^\n"
        "hint: names and operators use plain ASCII letters, digits and symbols",
    ),
    case(
        "non-ascii-later",
        "x + café",
        None,
        None,
        ExprSyntaxError,
        "error: col 8: unexpected character 'é'\n"
        "    x + café\n"
        "           ^\n"
        "hint: names and operators use plain ASCII letters, digits and symbols",
    ),
    case(
        "tab",
        "x\t+ y",
        None,
        None,
        ExprSyntaxError,
        "error: col 2: unexpected character '\\t'\n"
        "    x\t+ y\n"
        "     ^\n"
        "hint: names and operators use plain ASCII letters, digits and symbols",
    ),
    case(
        "newline",
        "x\n+ y",
        None,
        None,
        ExprSyntaxError,
        "error: col 2: unexpected character '\\n'\n"
        "hint: names and operators use plain ASCII letters, digits and symbols",
    ),
    case(
        "too-deep",
        DEEP,
        None,
        None,
        ExprSyntaxError,
        "error: col 61: too complex: the expression nests more than 60 levels deep\n"
        "    " + DEEP + "\n"
        "                                                                ^\n"
        "hint: remove redundant parentheses",
    ),
    case(
        "matmul-inner",
        "A @ x",
        {"A": ["m", "n"], "x": ["p"]},
        None,
        ShapeError,
        "error: col 3: cannot multiply A (m×n) by x (p×1): inner dimensions n and p differ\n"
        "    A @ x\n"
        "      ^\n"
        "hint: the left operand needs as many columns as the right one has rows",
    ),
    case(
        "matmul-needs-transpose",
        "x @ A",
        {"A": ["n", "n"], "x": ["n"]},
        None,
        ShapeError,
        "error: col 3: cannot multiply x (n×1) by A (n×n): inner dimensions 1 and n differ\n"
        "    x @ A\n"
        "      ^\n"
        "hint: did you mean 'x.T @ A'?",
    ),
    case(
        "matmul-scalar",
        "2 @ x",
        {"x": ["n"]},
        None,
        ShapeError,
        "error: col 3: cannot multiply 2 (scalar) by x (n×1): inner dimensions 1 and n differ\n"
        "    2 @ x\n"
        "      ^\n"
        "hint: to scale by a scalar use '*'",
    ),
    case(
        "matmul-in-chain",
        "x.T @ A @ x",
        {"A": ["n", "m"], "x": ["n"]},
        None,
        ShapeError,
        "error: col 9: cannot multiply x.T @ A (1×m) by x (n×1): inner dimensions m and n differ\n"
        "    x.T @ A @ x\n"
        "            ^\n"
        "hint: the left operand needs as many columns as the right one has rows",
    ),
    case(
        "add",
        "x + y",
        {"x": ["n"], "y": ["m"]},
        None,
        ShapeError,
        "error: col 3: cannot add x (n×1) and y (m×1): shapes differ\n"
        "    x + y\n"
        "      ^\n"
        "hint: both operands must have the same shape",
    ),
    case(
        "add-transposed",
        "A + B",
        {"A": ["m", "n"], "B": ["n", "m"]},
        None,
        ShapeError,
        "error: col 3: cannot add A (m×n) and B (n×m): shapes differ\n"
        "    A + B\n"
        "      ^\n"
        "hint: one operand may need a transpose '.T'",
    ),
    case(
        "sub",
        "x - y",
        {"x": ["n"], "y": ["m"]},
        None,
        ShapeError,
        "error: col 3: cannot subtract y (m×1) from x (n×1): shapes differ\n"
        "    x - y\n"
        "      ^\n"
        "hint: both operands must have the same shape",
    ),
    case(
        "hadamard",
        "X * Y",
        {"X": ["m", "n"], "Y": ["p", "q"]},
        None,
        ShapeError,
        "error: col 3: cannot multiply X (m×n) entrywise by Y (p×q): shapes differ\n"
        "    X * Y\n"
        "      ^\n"
        "hint: '*' is the entrywise (Hadamard) product of equal shapes",
    ),
    case(
        "hadamard-matmul-hint",
        "A * B",
        {"A": ["m", "n"], "B": ["n", "p"]},
        None,
        ShapeError,
        "error: col 3: cannot multiply A (m×n) entrywise by B (n×p): shapes differ\n"
        "    A * B\n"
        "      ^\n"
        "hint: for the matrix product use '@'",
    ),
    case(
        "divide-by-other-shape",
        "x / y",
        {"x": ["n"], "y": ["m"]},
        None,
        ShapeError,
        "error: col 3: cannot divide x (n×1) entrywise by y (m×1): shapes differ\n"
        "    x / y\n"
        "      ^\n"
        "hint: '/' divides entrywise by a scalar or an array of the same shape",
    ),
    case(
        "divide-by-matrix",
        "x / A",
        {"x": ["n"], "A": ["n", "n"]},
        None,
        ShapeError,
        "error: col 3: cannot divide x (n×1) entrywise by A (n×n): shapes differ\n"
        "    x / A\n"
        "      ^\n"
        "hint: for the inverse of a matrix write 'inv(...)'",
    ),
    case(
        "exponent-symbol",
        "x ** y",
        {"x": ["n"]},
        None,
        ShapeError,
        "error: col 6: the exponent must be a constant number\n"
        "    x ** y\n"
        "         ^\n"
        "hint: write a number such as 'x ** 2' or 'x ** -1'",
    ),
    case(
        "exponent-expression",
        "x ** (1 + 1)",
        None,
        None,
        ShapeError,
        "error: col 9: the exponent must be a constant number\n"
        "    x ** (1 + 1)\n"
        "            ^\n"
        "hint: write a number such as 'x ** 2' or 'x ** -1'",
    ),
    case(
        "tr-non-square",
        "tr(X)",
        {"X": ["m", "n"]},
        None,
        ShapeError,
        "error: col 1: tr needs a square matrix, got X (m×n)\n"
        "    tr(X)\n"
        "    ^^^^^\n"
        "hint: multiply by a transpose to make it square, e.g. 'A.T @ A'",
    ),
    case(
        "det-non-square",
        "det(X)",
        {"X": ["m", "n"]},
        None,
        ShapeError,
        "error: col 1: det needs a square matrix, got X (m×n)\n"
        "    det(X)\n"
        "    ^^^^^^\n"
        "hint: multiply by a transpose to make it square, e.g. 'A.T @ A'",
    ),
    case(
        "logdet-non-square",
        "logdet(X)",
        {"X": ["m", "n"]},
        None,
        ShapeError,
        "error: col 1: logdet needs a square matrix, got X (m×n)\n"
        "    logdet(X)\n"
        "    ^^^^^^^^^\n"
        "hint: multiply by a transpose to make it square, e.g. 'A.T @ A'",
    ),
    case(
        "inv-non-square",
        "inv(X)",
        {"X": ["m", "n"]},
        None,
        ShapeError,
        "error: col 1: inv needs a square matrix, got X (m×n)\n"
        "    inv(X)\n"
        "    ^^^^^^\n"
        "hint: multiply by a transpose to make it square, e.g. 'A.T @ A'",
    ),
    case(
        "inv-vector",
        "inv(x)",
        {"x": ["n"]},
        None,
        ShapeError,
        "error: col 1: inv needs a square matrix, got x (n×1)\n"
        "    inv(x)\n"
        "    ^^^^^^\n"
        "hint: multiply by a transpose to make it square, e.g. 'A.T @ A'",
    ),
    case(
        "diag-matrix",
        "diag(X)",
        {"X": ["m", "n"]},
        None,
        ShapeError,
        "error: col 1: diag takes a vector, got X (m×n)\n"
        "    diag(X)\n"
        "    ^^^^^^^\n"
        "hint: diag(v) builds the diagonal matrix with v on its diagonal",
    ),
    case(
        "shape-unknown-symbol",
        "x.T @ x",
        {"y": ["n"], "x": ["n"]},
        None,
        SpecError,
        "error: shape given for unknown symbol 'y'\nhint: the expression uses 'x'",
    ),
    case(
        "shape-wrong-case",
        "x.T @ A @ x",
        {"a": ["n", "n"], "x": ["n"]},
        None,
        SpecError,
        "error: shape given for unknown symbol 'a'\nhint: did you mean 'A'?",
    ),
    case(
        "shape-for-function",
        "eye(n) @ x",
        {"eye": ["n", "n"], "x": ["n"]},
        None,
        SpecError,
        "error: shape given for unknown symbol 'eye'\nhint: 'eye' is a function, not a symbol",
    ),
    case(
        "assume-unknown-symbol",
        "x.T @ A @ x",
        {"A": ["n", "n"], "x": ["n"]},
        {"B": ["spd"]},
        SpecError,
        "error: assumption given for unknown symbol 'B'\nhint: the expression uses 'A', 'x'",
    ),
    case(
        "assume-bad-name",
        "x.T @ A @ x",
        {"A": ["n", "n"], "x": ["n"]},
        {"A": ["symetric"]},
        SpecError,
        "error: unknown assumption 'symetric' for 'A'\nhint: did you mean 'symmetric'?",
    ),
    case(
        "assume-unknown-name",
        "x.T @ A @ x",
        {"A": ["n", "n"], "x": ["n"]},
        {"A": ["orthogonal"]},
        SpecError,
        "error: unknown assumption 'orthogonal' for 'A'\n"
        "hint: the assumptions are symmetric, spd, invertible, positive",
    ),
    case(
        "assume-non-square",
        "tr(X.T @ X)",
        {"X": ["m", "n"]},
        {"X": ["spd"]},
        ShapeError,
        "error: 'X' is assumed spd but is m×n, not a square matrix\n"
        "hint: declare 'X' with a square shape such as [n, n]",
    ),
    case(
        "assume-scalar",
        "c * x",
        {"x": ["n"]},
        {"c": ["invertible"]},
        ShapeError,
        "error: 'c' is assumed invertible but is scalar, not a square matrix\n"
        "hint: declare 'c' with a square shape such as [n, n]",
    ),
    case(
        "three-dims",
        "x",
        {"x": ["n", "n", "n"]},
        None,
        SpecError,
        "error: shape of 'x' has 3 dimensions; at most 2 are supported\n"
        "hint: write [] for a scalar, [n] for a column vector, [m, n] for a matrix",
    ),
    case(
        "bad-dim",
        "x",
        {"x": ["n-1"]},
        None,
        SpecError,
        "error: invalid dimension 'n-1' in the shape of 'x'\n"
        "hint: dimensions are positive integers or names like n, m, D",
    ),
    case(
        "zero-dim",
        "x",
        {"x": [0]},
        None,
        SpecError,
        "error: invalid dimension 0 in the shape of 'x'\n"
        "hint: dimensions are positive integers or names like n, m, D",
    ),
]


@pytest.mark.parametrize(("text", "shapes", "assume", "kind", "diagnostic"), BAD_INPUTS)
def test_bad_input_diagnostic(
    text: str,
    shapes: ShapeSpec | None,
    assume: AssumeSpec | None,
    kind: type[DeriveError],
    diagnostic: str,
) -> None:
    with pytest.raises(DeriveError) as caught:
        make_problem(text, shapes, assume)
    assert type(caught.value) is kind
    assert format_diagnostic(caught.value) == diagnostic
    assert str(caught.value) == diagnostic


def test_ten_thousand_nested_parentheses_are_refused() -> None:
    text = "(" * 10_000 + "x" + ")" * 10_000
    with pytest.raises(ExprSyntaxError) as caught:
        parse(text)
    assert format_diagnostic(caught.value) == (
        f"error: col {MAX_LENGTH + 1}: too complex: the expression is 20001 characters long; "
        f"the limit is {MAX_LENGTH}\n"
        "hint: introduce intermediate variables for long expressions"
    )


def test_nesting_past_the_limit_without_hitting_the_length_limit() -> None:
    text = "-" * 500 + "x"
    with pytest.raises(ExprSyntaxError) as caught:
        parse(text)
    assert caught.value.message == (
        f"too complex: the expression nests more than {MAX_DEPTH} levels deep"
    )


def test_one_megabyte_expression_is_refused_by_the_length_limit() -> None:
    text = "x + " * 250_000
    with pytest.raises(ExprSyntaxError) as caught:
        parse(text)
    assert format_diagnostic(caught.value) == (
        f"error: col {MAX_LENGTH + 1}: too complex: the expression is 1000000 characters long; "
        f"the limit is {MAX_LENGTH}\n"
        "hint: introduce intermediate variables for long expressions"
    )


@pytest.mark.parametrize(
    "template",
    [
        "__import__('os').system('touch {path}')",
        "exec(\"open('{path}', 'w')\")",
        "eval(\"open('{path}', 'w')\")",
        "open('{path}', 'w')",
        "[c for c in ().__class__.__base__.__subclasses__()][0]('{path}')",
        "(lambda: __import__('os').system('touch {path}'))()",
    ],
    ids=["import-system", "exec", "eval", "open", "subclasses", "lambda-call"],
)
def test_bad_inputs_never_run_code(template: str, tmp_path: Path) -> None:
    target = tmp_path / "pwned"
    with pytest.raises(ExprSyntaxError):
        make_problem(template.format(path=target))
    assert not target.exists()


_ASCII = (
    string.printable.replace("\n", "").replace("\r", "").replace("\x0b", "").replace("\x0c", "")
)


@given(st.text(alphabet=_ASCII + "()@*.T", max_size=80))
def test_random_text_parses_or_gives_a_clean_error(text: str) -> None:
    try:
        parse(text)
    except ExprSyntaxError as error:
        assert error.span is not None
        assert error.message == error.message.lower() or "'" in error.message
        assert not error.message.endswith(".")
        format_diagnostic(error)


@given(
    st.text(alphabet="xyAB+-*/@.T()2 ", max_size=40),
    st.dictionaries(
        st.sampled_from(["x", "y", "A", "B"]),
        st.lists(st.sampled_from([1, "n", "m"]), max_size=2),
    ),
)
def test_random_problems_give_only_derive_errors(text: str, shapes: dict[str, list]) -> None:
    try:
        make_problem(text, shapes)
    except (ExprSyntaxError, ShapeError, SpecError) as error:
        assert "Traceback" not in format_diagnostic(error)
