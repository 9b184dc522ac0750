"""Bad chains through the API and `derive solve --let/--function`: one diagnostic, exit 1;
malformed option syntax that click rejects exits 2. Never a traceback."""

from __future__ import annotations

import pytest
from cli_entry import entry, program_name  # noqa: F401 (autouse fixture)
from click.testing import CliRunner

from derive import DeriveError, format_diagnostic, solve

X = {"x": ["n"]}

# (id, expr, wrt, shapes, lets, functions, element, full diagnostic)
INVALID = [
    ("let-without-equals", "sum(a)", "x", X, ["a sigmoid(x)"], None, None, (
        "error: definition 1 'a sigmoid(x)' is not of the form 'name = expression'",
        "hint: write, for example, 'a = sigmoid(M @ x)'",
    )),
    ("let-comparison", "sum(a)", "x", X, ["a == x"], None, None, (
        "error: definition 1 'a == x' is not of the form 'name = expression'",
        "hint: write, for example, 'a = sigmoid(M @ x)'",
    )),
    ("let-bad-name", "sum(b)", "x", X, ["b = x", "1a = exp(x)"], None, None, (
        "error: definition 2 '1a = exp(x)' is not of the form 'name = expression'",
        "hint: write, for example, 'a = sigmoid(M @ x)'",
    )),
    ("let-empty-body", "sum(a)", "x", X, ["a = "], None, None, (
        "error: col 4: empty expression",
        "    a = ",
        "       ^",
        "hint: write the expression to differentiate",
    )),
    ("let-syntax-error", "sum(a)", "x", X, ["a = sigmoid(x +* 2)"], None, None, (
        "error: col 16: invalid expression: invalid syntax",
        "    a = sigmoid(x +* 2)",
        "                   ^",
        "hint: check the operators and parentheses near the caret",
    )),
    ("let-unclosed", "sum(a)", "x", X, ["a = exp(x"], None, None, (
        "error: col 8: '(' is never closed",
        "    a = exp(x",
        "           ^",
        "hint: add the missing ')'",
    )),
    ("let-padded-unmatched", "sum(a)", "x", X, ["   a   =   exp(x))"], None, None, (
        "error: col 18: unmatched closing ')'",
        "       a   =   exp(x))",
        "                     ^",
        "hint: remove it or add the opening '(' it closes",
    )),
    ("redefined-intermediate", "sum(a)", "x", X, ["a = sigmoid(x)", "a = exp(x)"], None,
     None, (
         "error: 'a' is defined twice or is also a declared symbol or function",
         "hint: give each intermediate its own new name",
     )),
    ("unused-intermediate", "sum(a)", "x", X, ["a = sigmoid(x)", "b = exp(x)"], None, None, (
        "error: intermediate 'b' is defined but never used",
        "hint: use it in the expression or a later definition, or remove it",
    )),
    ("wrt-intermediate", "sum(a)", "a", X, ["a = sigmoid(x)"], None, None, (
        "error: 'a' is an intermediate; differentiate by an input symbol",
        "hint: the inputs are 'x'",
    )),
    ("unknown-kind", "sum(a)", "x", X, ["a = f(x)"], {"f": "weird"}, None, (
        "error: unknown function kind 'weird' for 'f'",
        "hint: write f=elementwise, h=scalar or g=vector:m",
    )),
    ("vector-without-size", "sum(a)", "x", X, ["a = f(x)"], {"f": "vector"}, None, (
        "error: vector function 'f' needs its output size",
        "hint: write f=vector:m (or a number, as in f=vector:4)",
    )),
    ("vector-empty-size", "sum(a)", "x", X, ["a = f(x)"], {"f": "vector:"}, None, (
        "error: vector function 'f' needs its output size",
        "hint: write f=vector:m (or a number, as in f=vector:4)",
    )),
    ("function-is-builtin", "sum(a)", "x", X, ["a = sigmoid(x)"], {"sigmoid": "elementwise"},
     None, (
         "error: cannot declare a function named 'sigmoid'",
         "hint: use a new name such as f, g or h; built-in names are reserved",
     )),
    ("function-clashes-with-input", "sum(a)", "x", X, ["a = f(x)"],
     {"f": "elementwise", "x": "scalar"}, None, (
         "error: col 7: function 'x' is used without an argument",
         "    a = f(x)",
         "          ^",
         "hint: write 'x(...)'",
     )),
    ("function-clashes-with-intermediate", "sum(a)", "x", X, ["a = sigmoid(x)"],
     {"a": "elementwise"}, None, (
         "error: col 5: function 'a' is used without an argument",
         "    sum(a)",
         "        ^",
         "hint: write 'a(...)'",
     )),
    ("function-two-arguments", "sum(a)", "x", X, ["a = g(x, x)"], {"g": "vector:m"}, None, (
        "error: col 5: 'g' takes exactly one argument, got 2",
        "    a = g(x, x)",
        "        ^^^^^^^",
        "hint: write 'g(...)' with one argument",
    )),
    ("element-with-let", "sum(a)", "x", X, ["a = sigmoid(x)"], None, [1], (
        "error: a concrete element walk-through is not available for chains",
        "hint: remove 'element' or the definitions",
    )),
]
IDS = [case[0] for case in INVALID]


def _cli_args(expr, wrt, shapes, lets, functions, element):  # type: ignore[no-untyped-def]
    args = ["solve", expr, "--wrt", wrt]
    for name, dims in shapes.items():
        args += ["--shape", f"{name}={','.join(dims)}"]
    for let in lets:
        args += ["--let", let]
    for name, kind in (functions or {}).items():
        args += ["--function", f"{name}={kind}"]
    if element is not None:
        args += ["--element", ",".join(map(str, element))]
    return args


@pytest.mark.parametrize(("case", "expr", "wrt", "shapes", "lets", "functions", "element",
                          "expected"), INVALID, ids=IDS)
def test_chain_error_api(case, expr, wrt, shapes, lets, functions, element,  # type: ignore[no-untyped-def]
                         expected) -> None:
    with pytest.raises(DeriveError) as caught:
        solve(expr, wrt, shapes=shapes, let=lets, functions=functions, element=element)
    assert format_diagnostic(caught.value).rstrip("\n") == "\n".join(expected)


@pytest.mark.parametrize(("case", "expr", "wrt", "shapes", "lets", "functions", "element",
                          "expected"), INVALID, ids=IDS)
def test_chain_error_cli(runner: CliRunner, case, expr, wrt, shapes, lets,  # type: ignore[no-untyped-def]
                         functions, element, expected) -> None:
    result = runner.invoke(entry, _cli_args(expr, wrt, shapes, lets, functions, element))
    assert result.exit_code == 1, result.output
    assert result.stderr.rstrip("\n") == "\n".join(expected)
    assert result.stdout == ""


USAGE = [
    ("function-without-kind", ["--function", "f"],
     "invalid value for --function: 'f' is not NAME=KIND (KIND: elementwise, scalar or "
     "vector:SIZE)"),
    ("let-without-value", ["--let"], "option '--let' requires an argument"),
    ("function-without-value", ["--function"], "option '--function' requires an argument"),
]


@pytest.mark.parametrize(("case", "extra", "message"), USAGE, ids=[u[0] for u in USAGE])
def test_chain_usage_errors_exit_2(runner: CliRunner, case: str, extra: list[str],
                                   message: str) -> None:
    args = ["solve", "sum(a)", "--wrt", "x", "--shape", "x=n", "--let", "a = exp(x)", *extra]
    result = runner.invoke(entry, args)
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == "error: " + message
    assert result.stderr.splitlines()[1].startswith("hint: see 'derive")


# Clean errors whose wording is misleading (see the report): pinned only as clean exit-1 errors.
UNCLEAR = [
    ("shape-for-intermediate", "sum(a)", {"x": ["n"], "a": ["n"]}, ["a = exp(x)"]),
    ("redefine-input", "sum(A)", {"x": ["n"], "A": ["n"]}, ["A = sigmoid(x)"]),
    ("self-reference", "sum(a)", X, ["x = sigmoid(x)", "a = x"]),
]


@pytest.mark.parametrize(("case", "expr", "shapes", "lets"), UNCLEAR, ids=[u[0] for u in UNCLEAR])
def test_chain_error_unclear_but_clean(runner: CliRunner, case: str, expr: str, shapes,  # type: ignore[no-untyped-def]
                                       lets: list[str]) -> None:
    result = runner.invoke(entry, _cli_args(expr, "x", shapes, lets, None, None))
    assert result.exit_code == 1
    assert result.stderr.startswith("error: ")
    assert "Traceback" not in result.output


def test_undefined_symbol_in_let_is_a_scalar() -> None:
    """An undeclared name in a definition is a scalar input, as in the plain expression."""
    solution = solve("sum(a)", "x", shapes=X, let=["a = exp(x) * q"])
    assert solution.result == "q * exp(x)"
    assert solve("sum(a)", "q", shapes=X, let=["a = exp(x) * q"]).result == "sum(exp(x))"


def test_shape_error_in_let_points_at_operator() -> None:
    with pytest.raises(DeriveError) as caught:
        solve("sum(a)", "x", shapes=X, let=["a = exp(x) @ x"])
    assert format_diagnostic(caught.value).rstrip("\n") == "\n".join((
        "error: col 12: cannot multiply exp(x) (n×1) by x (n×1): inner dimensions 1 and n differ",
        "    a = exp(x) @ x",
        "               ^",
        "hint: did you mean 'exp(x).T @ x'?",
    ))


@pytest.mark.parametrize(("expr", "wrt", "lets"), [
    ("sum(a)", "x", ["a = b", "b = exp(x)"]),
    ("sum(a)", "q", ["a = exp(x)"]),
], ids=["forward-reference", "wrt-not-in-chain"])
def test_chain_bad_input_is_a_derive_error(expr: str, wrt: str, lets: list[str]) -> None:
    with pytest.raises(DeriveError):
        solve(expr, wrt, shapes=X, let=lets)
