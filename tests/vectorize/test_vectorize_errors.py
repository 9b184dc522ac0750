"""Bad index expressions give one diagnostic with a column, a caret and a hint (full text)."""

from __future__ import annotations

import pytest

from derive import DeriveError, format_diagnostic, vectorize

SHAPES = {"A": ["m", "n"], "B": ["n", "p"], "x": ["m"], "y": ["n"]}

INVALID = [
    ('unbalanced-open', 'sum(A[i,k]*B[k,j], k', 'i,j', (
        "error: col 4: '(' is never closed",
        '    sum(A[i,k]*B[k,j], k',
        '       ^',
        "hint: add the missing ')'",
    )),
    ('unbalanced-close', 'A[i,j]]', 'i,j', (
        "error: col 7: unmatched closing ']'",
        '    A[i,j]]',
        '          ^',
        "hint: remove it or add the opening '[' it closes",
    )),
    ('mismatched', 'sum(A[i,k)*B[k,j], k)', 'i,j', (
        "error: col 10: ')' closes the '[' opened at col 6",
        '    sum(A[i,k)*B[k,j], k)',
        '             ^',
        "hint: close it with ']'",
    )),
    ('unknown-symbol', 'C[i,j]', 'i,j', (
        "error: col 1: unknown symbol 'C'",
        '    C[i,j]',
        '    ^',
        'hint: declare its shape with --shape C=m,n',
    )),
    ('vector-two-indices', 'x[i,j]', 'i,j', (
        "error: col 1: 'x' is a column vector (m×1) and takes 1 index, got 2",
        '    x[i,j]',
        '    ^^^^^^',
        "hint: write 'x[i]'",
    )),
    ('matrix-one-index', 'A[i]', 'i', (
        "error: col 1: 'A' is a matrix (m×n) and takes 2 indices, got 1",
        '    A[i]',
        '    ^^^^',
        "hint: write 'A[i,j]'",
    )),
    ('range-conflict', 'sum(A[i,k]*x[k], k)', 'i', (
        "error: col 14: index 'k' ranges over n in 'A[i,k]' but over m in 'x[k]'",
        '    sum(A[i,k]*x[k], k)',
        '                 ^',
        'hint: use different index names for different dimensions',
    )),
    ('free-missing', 'A[i,k]', 'i,j,', (
        "error: col 5: index 'k' is neither free nor summed",
        '    A[i,k]',
        '        ^',
        'hint: add it to the free indices (--free i,j,k) or sum over it: sum(..., k)',
    )),
    ('free-not-appearing', 'x[i]', 'i,j', (
        "error: free index 'j' does not appear in the expression",
        'hint: list only indices that appear outside every sum, e.g. --free i',
    )),
    ('summed-also-free', 'sum(A[i,j]*y[j], j)', 'i,j', (
        "error: col 18: summed index 'j' is also a free index",
        '    sum(A[i,j]*y[j], j)',
        '                     ^',
        "hint: remove 'j' from the free indices or sum over another name",
    )),
    ('neither', 'A[i,k]', 'i', (
        "error: col 5: index 'k' is neither free nor summed",
        '    A[i,k]',
        '        ^',
        'hint: add it to the free indices (--free i,k) or sum over it: sum(..., k)',
    )),
    ('unknown-function', 'exq(x[i])', 'i', (
        "error: col 1: unknown function 'exq'",
        '    exq(x[i])',
        '    ^^^',
        "hint: did you mean 'exp'?",
    )),
    ('matmul', 'A @ B', 'i,j', (
        "error: col 1: '@' is not part of the index language",
        '    A @ B',
        '    ^^^^^',
        "hint: multiply entries with '*' and sum over the shared index, e.g. 'sum(A[i,k] "
        "* B[k,j], k)'",
    )),
    ('trace-function', 'tr(A)', '', (
        "error: col 1: 'tr' acts on whole matrices, not on entries",
        '    tr(A)',
        '    ^^',
        "hint: write it with entries, e.g. tr(A) is 'sum(A[i,i], i)'",
    )),
    ('index-as-value', 'x[i] * i', 'i', (
        "error: col 8: index 'i' is used as a value",
        '    x[i] * i',
        '           ^',
        "hint: indices appear only inside [...], as sum's index and in delta()",
    )),
    ('matrix-without-index', 'A * 2', 'i,j', (
        "error: col 1: 'A' is a matrix and needs 2 indices",
        '    A * 2',
        '    ^',
        "hint: write 'A[i,j]'",
    )),
    ('sum-index-absent', 'sum(x[i], k)', 'i', (
        "error: col 11: summed index 'k' does not appear in 'x[i]'",
        '    sum(x[i], k)',
        '              ^',
        'hint: sum over an index of the summand, or drop the sum',
    )),
    ('delta-ranges', 'delta(i, j) * x[i] * y[j]', 'i,j', (
        "error: col 1: delta links 'i' (range m) and 'j' (range n)",
        '    delta(i, j) * x[i] * y[j]',
        '    ^^^^^^^^^^^',
        'hint: a Kronecker delta needs two indices over the same dimension',
    )),
    ('trailing-operator', 'x[i] +', 'i', (
        "error: col 6: invalid index expression: expression ends with the operator '+'",
        '    x[i] +',
        '         ^',
        'hint: add the missing operand or remove the operator',
    )),
    ('number-index', 'x[1]', '', (
        "error: col 3: an index must be a name, not '1'",
        '    x[1]',
        '      ^',
        'hint: use index names such as i, j, k; fixed entries are not supported',
    )),
]


@pytest.mark.parametrize(("text", "free", "expected"), [r[1:] for r in INVALID],
                         ids=[r[0] for r in INVALID])
def test_diagnostic(text: str, free: str, expected: tuple[str, ...]) -> None:
    shapes = {name: dims for name, dims in SHAPES.items() if name in text}
    with pytest.raises(DeriveError) as caught:
        vectorize(text, free, shapes=shapes)
    assert format_diagnostic(caught.value) == "\n".join(expected)


def test_shape_for_unknown_symbol() -> None:
    with pytest.raises(DeriveError) as caught:
        vectorize("x[i]", "i", shapes={"x": ["n"], "xs": ["n"]})
    assert format_diagnostic(caught.value) == (
        "error: shape given for unknown symbol 'xs'\nhint: did you mean 'x'?"
    )


def test_too_many_free_indices() -> None:
    with pytest.raises(DeriveError, match="3 free indices given; at most 2"):
        vectorize("x[i]", "i,j,k", shapes={"x": ["n"]})
