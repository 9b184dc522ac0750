"""A teacher's answer to a vectorize question, compared numerically with the index expression.

The answer is a matrix expression over the index expression's symbols; it is evaluated with
`check.check_forms` on the same random arrays as the engine's own result.
"""

from __future__ import annotations

from derive.engine.answers import AnswerCheck
from derive.expr.nodes import Expr
from derive.expr.unparse import unparse
from derive.vectorization.check import check_forms
from derive.vectorization.solve import Work


def check_index_answer(work: Work, answer: Expr, seed: int) -> AnswerCheck:
    """Whether `answer` has the entries the index expression describes.

    Example:
        >>> from derive.expr.parse import parse
        >>> from derive.problem.index import parse_index
        >>> from derive.vectorization.solve import vectorize_problem
        >>> work = vectorize_problem(parse_index("sum(A[k,i] * x[k], k)", ["i"],
        ...                                      {"A": ["m", "n"], "x": ["m"]}))
        >>> check_index_answer(work, parse("A.T @ x"), 7).correct
        True
    """
    check = check_forms(work.problem, (answer,), work.shape, seed)
    return AnswerCheck(check.passed[0], unparse(work.answer), check.reasons[0])
