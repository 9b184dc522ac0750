"""Fuzzing the three readers of untrusted text: the spec loader and both expression parsers.

Whatever the text, each either returns or raises a `DeriveError` (a diagnostic); nothing else may
escape, and nothing may take long. Examples are derandomized, so CI checks the same ones every
run. For a bug hunt, raise the count: `DERIVE_FUZZ_EXAMPLES=100000 .venv/bin/python -m pytest
tests/security/test_fuzz.py -p no:randomly --hypothesis-profile=explore` (an explore run of
100,000 examples per reader found no internal error; see README, "Security").
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from derive.errors import DeriveError
from derive.expr.parse import parse
from derive.problem.index import parse_index
from derive.spec import parse_spec

EXAMPLES = int(os.environ.get("DERIVE_FUZZ_EXAMPLES", "1500"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])

# Pieces of the languages, so the fuzzer reaches deep into the parsers, not only their first
# character check.
EXPRESSION_PIECES = st.sampled_from([
    "x", "A", "W", "x.T", "@", "*", "+", "-", "/", "**", "(", ")", "2", "0.5", "1e999999999",
    "-1", "tr(", "inv(", "det(", "logdet(", "norm(", "sum(", "diag(", "exp(", "log(", "tanh(",
    "sigmoid(", "eye(n)", "ones(3)", "lambda", "[", "]", ",", ".", " ", "f(", "f_prime(",
    "__import__", "'", "\\", "\x00", "é", "x.__class__", "A[i,j]", "delta(", "k)", "sum(A[i,k]",
])
SPEC_PIECES = st.sampled_from([
    "title: t\n", "exercises:\n", "  - ", "id: a", "{", "}", "[", "]", ", ", ": ", "expr: ",
    "x.T @ x", "wrt: x", "shapes: {x: [n]}", "answer: 2 * x", "prompt: ", "$x$", "\\emph{y}",
    "\\input{a}", "let: ['a = x']", "kind: vectorize", "index: 'x[i]'", "free: [i]", "&a ",
    "*a", "<<: ", "!!int ", "!!python/object ", "---\n", "\t", "\n", "    ", "parts:\n",
    "      - ", "layout: numerator", "assume: {x: spd}", "\x00", "é", "'", '"', "#", "|\n",
])


def _accepts_or_diagnoses(read: object) -> None:
    try:
        read()  # type: ignore[operator]
    except DeriveError:
        pass


@FUZZ
@given(st.one_of(st.text(max_size=80), st.lists(EXPRESSION_PIECES, max_size=30).map("".join)))
def test_expression_parser(text: str) -> None:
    _accepts_or_diagnoses(lambda: parse(text))


@FUZZ
@given(st.one_of(st.text(max_size=80), st.lists(EXPRESSION_PIECES, max_size=30).map("".join)),
       st.sampled_from([[], ["i"], ["i", "j"]]))
def test_index_parser(text: str, free: list[str]) -> None:
    _accepts_or_diagnoses(lambda: parse_index(text, free, {"A": ["m", "n"], "x": ["n"]}))


@FUZZ
@given(st.one_of(st.text(max_size=200), st.lists(SPEC_PIECES, max_size=40).map("".join)))
def test_spec_loader(text: str) -> None:
    _accepts_or_diagnoses(lambda: parse_spec(text, "fuzz.yaml"))
