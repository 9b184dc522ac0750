"""The front end both languages share: checks of the raw text, Python's parse of it with columns
in the user's text, syntax-error diagnostics, and exact numbers read within the limits.

The expression language (`derive.expr.parse`) and the index language
(`derive.problem.index`) both ride on Python's own grammar (`ast.parse` in mode "eval",
never executed), so what can go wrong before their own rules apply is the same, and is reported
the same way here.
"""

from __future__ import annotations

import ast
import keyword
import re
from fractions import Fraction

from msgspec import Struct

from derive.errors import ExprSyntaxError, Span
from derive.expr.limits import MAX_DEPTH, MAX_DIGITS, MAX_LENGTH

_OPEN = {"(": ")", "[": "]"}
_CLOSE = {")": "(", "]": "["}
_NUMBER = re.compile(r"^(\d*)\.?(\d*)(?:[eE]([+-]?\d+))?$")


class Language(Struct, frozen=True):
    """How a language names itself in diagnostics."""

    name: str  # 'expression', 'index expression'
    example: str  # shown when the text is empty
    empty_hint: str
    grouping: str  # what a syntax error's hint tells to check: 'parentheses', 'brackets'


EXPRESSION = Language("expression", "an expression such as 'x.T @ A @ x'",
                      "write the expression to differentiate", "parentheses")
INDEX = Language("index expression", "an entry formula such as 'sum(A[i,k] * B[k,j], k)'",
                 "write an entry formula such as 'sum(A[i,k] * B[k,j], k)'", "brackets")


def error_at(text: str, col: int, end_col: int, message: str,
             hint: str | None = None) -> ExprSyntaxError:
    """A syntax error at 1-based columns of `text`."""
    return ExprSyntaxError(message, span=Span(col, max(end_col, col + 1)), source=text,
                           hint=hint)


def check_text(text: str, language: Language) -> None:
    """Refuse empty, overlong or non-ASCII text and unbalanced or too deep brackets.

    Raises:
        ExprSyntaxError: the first problem, with its column.
    """
    if not text.strip():
        raise ExprSyntaxError(f"empty {language.name}", span=Span(1, 2), source=text,
                              expected=language.example, hint=language.empty_hint)
    if len(text) > MAX_LENGTH:
        raise ExprSyntaxError(
            f"too complex: the {language.name} is {len(text)} characters long; the limit is "
            f"{MAX_LENGTH}",
            span=Span(MAX_LENGTH + 1, MAX_LENGTH + 2),
            hint="introduce intermediate variables for long expressions",
        )
    stack: list[tuple[str, int]] = []
    for position, char in enumerate(text):
        col = position + 1
        if not (char.isascii() and (char.isprintable() or char == " ")):
            raise error_at(text, col, col + 1, f"unexpected character '{repr(char)[1:-1]}'",
                           "names and operators use plain ASCII letters, digits and symbols")
        if char in _OPEN:
            stack.append((char, col))
            if len(stack) > MAX_DEPTH:
                raise error_at(text, col, col + 1,
                               f"too complex: the {language.name} nests more than "
                               f"{MAX_DEPTH} levels deep", "remove redundant parentheses")
        elif char in _CLOSE:
            if not stack:
                raise error_at(text, col, col + 1, f"unmatched closing '{char}'",
                               f"remove it or add the opening '{_CLOSE[char]}' it closes")
            opening, where = stack.pop()
            if opening != _CLOSE[char]:
                raise error_at(text, col, col + 1,
                               f"'{char}' closes the '{opening}' opened at col {where}",
                               f"close it with '{_OPEN[opening]}'")
    if stack:
        opening, where = stack[-1]
        raise error_at(text, where, where + 1, f"'{opening}' is never closed",
                       f"add the missing '{_OPEN[opening]}'")


def python_tree(text: str, language: Language) -> ast.expr:
    """Python's own parse of `text` (mode "eval", never run), columns counted in `text`.

    Python reads leading spaces as an indent, so they are cut before parsing and the columns
    (of the nodes and of a SyntaxError) shifted back.

    Raises:
        ExprSyntaxError: Python's grammar refuses the text, or it is too deep to parse.
    """
    indent = len(text) - len(text.lstrip(" "))
    try:
        tree = ast.parse(text[indent:], mode="eval")
    except SyntaxError as error:
        if error.offset:
            error.offset += indent
        raise _syntax_error(text, error, language) from None
    except (RecursionError, MemoryError, ValueError):
        raise error_at(text, 1, len(text) + 1, f"too complex: the {language.name} cannot be "
                       "parsed within the limits") from None
    for node in ast.walk(tree):
        if isinstance(node, ast.expr):
            node.col_offset += indent
            node.end_col_offset = (node.end_col_offset or 0) + indent
    return tree.body


def _syntax_error(text: str, error: SyntaxError, language: Language) -> ExprSyntaxError:
    col = error.offset or len(text) + 1
    col = min(max(col, 1), len(text) + 1)
    message = (error.msg or "invalid syntax").lower().rstrip(".")
    hint = f"check the operators and {language.grouping} near the caret"
    stripped = text.rstrip()
    if "decimal literal" in message:
        hint = "write products with an explicit operator, as in '2 * x'"
    elif (reserved := _reserved_word(text)) is not None:
        word, start = reserved
        col, message = start + 1, f"'{word}' is a reserved word of Python, not a name"
        hint = (f"call the symbol '{_RENAME.get(word, word + '_')}'"
                + (" (it prints as λ)" if word == "lambda" else ""))
    elif stripped[-1:] in "+-*/@":
        col = len(stripped)
        message = f"expression ends with the operator '{stripped[-1]}'"
        hint = "add the missing operand or remove the operator"
    return error_at(text, col, col + 1, f"invalid {language.name}: {message}", hint)


_RENAME = {"lambda": "lam"}
# Keywords Python reads as operators or constants: a syntax error near one is not about a name.
_OPERATOR_WORDS = frozenset({"and", "or", "not", "in", "is", "if", "else", "for", "True",
                             "False", "None"})
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _reserved_word(text: str) -> tuple[str, int] | None:
    """The first Python keyword written as a name, and where it starts (0-based)."""
    for match in _WORD.finditer(text):
        if keyword.iskeyword(match.group()) and match.group() not in _OPERATOR_WORDS:
            return match.group(), match.start()
    return None


def read_number(text: str, node: ast.expr, value: object) -> Fraction | tuple[str, str]:
    """The exact value of a number literal as written, or (message, hint) when refused.

    The size is judged from the text before any arithmetic: Fraction('1e999999999') would
    compute 10**999999999 first.

    Example:
        >>> tree = ast.parse("0.25 + 1e999999999", mode="eval").body
        >>> read_number("0.25 + 1e999999999", tree.left, 0.25)
        Fraction(1, 4)
        >>> read_number("0.25 + 1e999999999", tree.right, float("inf"))[0]
        "number '1e999999999' is out of range"
    """
    segment = (ast.get_source_segment(text, node) or str(value)).replace("_", "")
    if isinstance(value, bool) or not isinstance(value, int | float):
        shown = repr(value) if isinstance(value, str | bytes) else f"'{segment}'"
        return f"unsupported constant {shown}", "constants are integer or decimal numbers"
    match = _NUMBER.match(segment)
    if match is None:
        return (f"unsupported number '{segment[:40]}'",
                "write numbers in decimal, such as '16' or '0.5'")
    whole, decimals, exponent = match.group(1), match.group(2), match.group(3) or "0"
    digits = (whole + decimals).lstrip("0")
    if (len(digits) > MAX_DIGITS or len(exponent.lstrip("+-")) > 3
            or abs(int(exponent)) > MAX_DIGITS):
        return (f"number '{segment[:40]}' is out of range",
                f"numbers have at most {MAX_DIGITS} digits and an exponent of at most "
                f"{MAX_DIGITS}")
    return Fraction(segment)
