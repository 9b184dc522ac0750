"""Template variables of whole handouts: a solved exercise set -> one dict of strings per format.

User prose (titles, prompts) keeps its `$...$` math as written and has the rest escaped for the
target ('md' or 'tex'). Items without a prompt get one written from the spec: the expression,
the shapes, the assumptions and the layout. The keys are documented in README.md.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from typing import Any

from derive.engine.asked import Asked
from derive.engine.steps import Derivation, Relation, ShapeOf
from derive.expr.nodes import Expr, Symbol
from derive.expr.parse import parse
from derive.expr.shapes import Shape, infer_shape
from derive.expr.terms import Entry
from derive.render.asked import asked_context, question_sentence
from derive.render.context import derivation_context
from derive.render.env import escape_tex
from derive.render.mathtex import MathPrinter
from derive.render.notation import Notation, dim_to_latex, symbol_typefaces, typeface
from derive.render.printer import ExprPrinter
from derive.render.prose import escape_md, user_prose
from derive.render.vectorize import vectorization_context
from derive.spec.model import AnyItem, Exercise, ExerciseSet, IndexItem, Item
from derive.vectorization.explain import Vectorized

SolvedItems = Sequence[tuple[Exercise, Sequence[tuple[AnyItem, Derivation | Vectorized]]]]
"""Each exercise with its items and their derivations, in spec order."""

AskedKeys = Mapping[tuple[str, str], Asked]
"""The keys of shape, select and blanks questions by (exercise id, label)."""

_KIND_WORDS = {"symmetric": "symmetric", "spd": "symmetric positive definite",
               "invertible": "invertible", "positive": "positive"}


def written_prompt(derivation: Derivation, element: tuple[int, ...] | None,
                   notation: Notation, question: str | None = None) -> str:
    """A prompt for an item that has none, as prose with `$...$` math (valid in both formats)."""
    problem = derivation.problem
    shapes = {**problem.shapes, derivation.output.name: problem.shape}
    printer = MathPrinter(ExprPrinter(shapes, notation))
    output = printer.print(derivation.output)
    variable = printer.print(Symbol(derivation.wrt))
    dims = set(problem.dims())
    declared = [
        f"${printer.print(ShapeOf(Symbol(name), shape))}$"
        for name, shape in problem.shapes.items()
        if name not in dims
    ]
    chain = derivation.chain
    if chain is not None:
        shapes.update(_chain_shapes(derivation))
        printer = MathPrinter(ExprPrinter(shapes, notation))
        defined = [
            f"${printer.print(Symbol(name))} = {printer.print(expr)}$"
            for name, expr in chain.definitions
        ]
        written = printer.print(_written(derivation))
        text = f"Define {_join(defined)}, and let ${output} = {written}$"
    else:
        text = f"Let ${output} = {printer.print(problem.expr)}$"
    if declared:
        text += " where " + _join(declared)
    text += "."
    for name in sorted(problem.assumptions):
        words = [_KIND_WORDS.get(p, p) for p in sorted(problem.assumptions[name])]
        text += f" Assume ${printer.print(Symbol(name))}$ is {_join(words)}."
    if question is not None:
        return text + " " + question
    text += (
        rf" Compute $\frac{{\partial {output}}}{{\partial {variable}}}$"
        f" in {derivation.layout.value} layout."
    )
    if element:
        text += f" Work out the entry with indices ({', '.join(map(str, element))}) first."
    return text


def _chain_shapes(derivation: Derivation) -> dict[str, Shape]:
    assert derivation.chain is not None
    problem = derivation.problem
    shapes = dict(problem.shapes)
    for name, expr in derivation.chain.definitions:
        shapes[name] = infer_shape(expr, shapes)
    return {name: shape for name, shape in shapes.items() if name not in problem.shapes}


def _written(derivation: Derivation) -> Expr:
    """The chain's expression as written, with the intermediates' names."""
    return parse(derivation.problem.text, derivation.problem.functions)


def index_prompt(vectorization: Vectorized, notation: Notation) -> str:
    """A prompt for a vectorize item that has none."""
    work = vectorization.work
    name = vectorization.output
    shapes = {**work.problem.shapes, name: work.shape}
    printer = MathPrinter(ExprPrinter(shapes, notation))
    entry = printer.print(Relation((Entry(Symbol(name), work.problem.free), work.problem.poly)))
    declared = [
        f"${printer.print(ShapeOf(Symbol(symbol), shape))}$"
        for symbol, shape in work.problem.shapes.items()
        if shape != (1, 1)
    ]
    text = f"Let ${entry}$"
    if declared:
        text += " where " + _join(declared)
    return text + (
        f". Write ${printer.print(Symbol(name))}$ as a matrix expression, without indices or sums."
    )


def _prompt_shapes(solved: Derivation | Vectorized) -> dict[str, Shape]:
    """Every named array a prompt can mention: inputs, intermediates and the output."""
    if isinstance(solved, Vectorized):
        return {**solved.work.problem.shapes, solved.output: solved.work.shape}
    shapes = {**solved.problem.shapes, solved.output.name: solved.problem.shape}
    if solved.chain is not None:
        shapes.update(_chain_shapes(solved))
    return shapes


def _index_context(
    item: IndexItem, vectorization: Vectorized, fmt: str, notation: Notation
) -> dict[str, Any]:
    solution = vectorization_context(vectorization, notation)
    answer_latex = None
    if item.answer_problem is not None:
        answer_latex = ExprPrinter(item.answer_problem.shapes, notation).print(
            item.answer_problem.expr
        )
    return {
        "kind": "vectorize",
        "label": item.label,
        "letter": item.label.strip("()"),
        "title": user_prose(item.title, fmt) if item.title and item.label else None,
        "prompt": user_prose(item.prompt, fmt, symbol_typefaces(
            _prompt_shapes(vectorization), notation)) if item.prompt and item.label else None,
        "written_prompt": index_prompt(vectorization, notation),
        "expr": item.expr,
        "wrt": None,
        "layout": None,
        "teacher_answer": item.answer,
        "teacher_answer_latex": answer_latex,
        "shape_latex": solution["shape"].replace("×", r" \times "),
        "substituted_latex": None,
        "solution": solution,
        "asked": {"question": None, "options": [], "key_shape": None, "reason": None,
                  "blanks": None, "blank_line": None},
    }


def _join(words: list[str]) -> str:
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def substituted_latex(derivation: Derivation, notation: Notation) -> str | None:
    """A chain's answer with every intermediate written out; None for other derivations."""
    if derivation.chain is None or derivation.result is None:
        return None
    shapes = {**derivation.problem.shapes, **_chain_shapes(derivation)}
    return str(MathPrinter(ExprPrinter(shapes, notation)).print(derivation.result))


def _item_context(
    item: Item, derivation: Derivation, fmt: str, notation: Notation, asked: Asked | None
) -> dict[str, Any]:
    solution = derivation_context(derivation, notation)
    question = question_sentence(derivation, asked, notation) if asked is not None else None
    own = item.prompt if item.label else None
    symbols = symbol_typefaces(_prompt_shapes(derivation), notation)
    prompt = user_prose(own, fmt, symbols) if own else None
    answer_latex = None
    if item.answer_problem is not None:
        printer = ExprPrinter(item.answer_problem.shapes, notation)
        answer_latex = printer.print(item.answer_problem.expr)
    substituted = substituted_latex(derivation, notation)
    return {
        "kind": item.kind,
        "label": item.label,
        "letter": item.label.strip("()"),
        "title": user_prose(item.title, fmt) if item.title and item.label else None,
        "prompt": prompt,
        "written_prompt": written_prompt(derivation, item.element, notation, question),
        "expr": item.expr,
        "wrt": item.wrt,
        "layout": item.layout,
        "teacher_answer": item.answer,
        "teacher_answer_latex": answer_latex,
        "shape_latex": r" \times ".join(dim_to_latex(d) for d in derivation.shape),
        "substituted_latex": substituted,
        "solution": solution,
        "asked": asked_context(derivation, asked, fmt, notation),
    }


def handout_context(
    spec: ExerciseSet, solved: SolvedItems, fmt: str, stem: str, *,
    asked: AskedKeys | None = None, student: str | None = None,
) -> dict[str, Any]:
    """The variables of the problems and solutions templates for `fmt` ('md', 'tex', or 'html'
    for question banks).

    Example keys: `title`, `course`, `author`, `file`, `stem`, `layout`, `exercise_count`,
    `item_count` and `exercises`, each with `id`, `number`, `title`, `prompt`, `has_parts` and
    `questions` (each with `label`, `letter`, `title`, `prompt`, `written_prompt`, `expr`, `wrt`,
    `layout`, `teacher_answer`, `teacher_answer_latex` and `solution`, the variables of one
    worked solution). `asked` holds the keys of shape, select and blanks questions by exercise id
    and label; `student` is the name a variant's handout carries (plain text, escaped).
    """
    notation = Notation(spec.notation)
    exercises: list[dict[str, Any]] = []
    for number, (exercise, items) in enumerate(solved, start=1):
        contexts = [
            _index_context(item, solved_item, fmt, notation)
            if isinstance(item, IndexItem) and isinstance(solved_item, Vectorized)
            else _item_context(_as_item(item), _as_derivation(solved_item), fmt, notation,
                               (asked or {}).get((item.exercise_id, item.label)))
            for item, solved_item in items
        ]
        has_parts = any(item.label for item, _ in items)
        shapes: dict[str, Shape] = {}
        for _, solved_item in items:
            shapes.update(_prompt_shapes(solved_item))
        symbols = symbol_typefaces(shapes, notation)
        own_prompt = user_prose(exercise.prompt, fmt, symbols) if exercise.prompt else None
        prompt = own_prompt
        if prompt is None and not has_parts and contexts:
            prompt = contexts[0]["written_prompt"]
        exercises.append(
            {
                "id": exercise.id,
                "number": number,
                "title": user_prose(exercise.title, fmt) if exercise.title else None,
                "prompt": prompt,
                "own_prompt": own_prompt,
                "has_parts": has_parts,
                "questions": contexts,
            }
        )
    add_notation_notes(exercises, notation)
    return {
        "title": user_prose(spec.title, fmt),
        "course": user_prose(spec.course, fmt) if spec.course else None,
        "author": user_prose(spec.author, fmt) if spec.author else None,
        "file": _escaped(spec.file, fmt),
        "stem": _escaped(stem, fmt),
        "student": _escaped(student, fmt) if student else None,
        "layout": spec.layout,
        "exercise_count": len(exercises),
        "item_count": sum(len(e["questions"]) for e in exercises),
        "exercises": exercises,
    }


_ONES = re.compile(r"(?:\\mathbf\{1\}|\\vec\{1\}|(?<![\w}])1)_\{([^{}]+)\}")
_HADAMARD_POWER = re.compile(r"\^\{\\circ ")


def _question_latex(question: dict[str, Any]) -> str:
    solution = question["solution"]
    parts = [solution.get("result_latex") or "", question.get("substituted_latex") or ""]
    for step in solution["steps"]:
        parts += [step["latex_prose"], *step["equations"]]
    return "\n".join(parts)


def add_notation_notes(exercises: list[dict[str, Any]], notation: Notation) -> None:
    """Give the first question that uses the ones vector or a Hadamard power a note defining
    it (`notation_notes`, LaTeX prose); every question gets the list, most of them empty.
    """
    ones_seen, power_seen = False, False
    for exercise in exercises:
        for question in exercise["questions"]:
            latex, notes = _question_latex(question), []
            ones = _ONES.search(latex)
            if ones and not ones_seen:
                notes.append(f"${ones.group(0)}$ is the column vector of ${ones.group(1)}$ ones.")
                ones_seen = True
            if _HADAMARD_POWER.search(latex) and not power_seen:
                matrix = typeface("A", "matrix", notation)
                notes.append(f"${matrix}^{{\\circ k}}$ is the Hadamard (entrywise) power: every "
                             f"entry of ${matrix}$ raised to the power $k$.")
                power_seen = True
            question["notation_notes"] = notes


def _escaped(text: str, fmt: str) -> str:
    if fmt == "html":
        return html.escape(text)
    return escape_md(text) if fmt == "md" else escape_tex(text)


def _as_item(item: AnyItem) -> Item:
    assert isinstance(item, Item)
    return item


def _as_derivation(solved: Derivation | Vectorized) -> Derivation:
    assert isinstance(solved, Derivation)
    return solved
