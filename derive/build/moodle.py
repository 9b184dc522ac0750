"""Moodle XML question banks: solved exercise sets -> one `<quiz>` document.

Each exercise gets a category `$course$/top/<course or title>/<stem>/<id>`, holding its question
from every solved set given (a variant is another solved set of the same file), so that a quiz's
"random question" from the category gives each student one variant. Every question is a
`multichoice` (`derive.build.questions`) with HTML text, MathJax math `\\( ... \\)`, the worked
solution as general feedback, and `shuffleanswers` on; the answers are written in a fixed order
(the teacher's options, then the generated ones). The XML is written by ElementTree, which
escapes every text.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from pathlib import PurePosixPath

from derive.build.questions import ChoiceQuestion, set_questions
from derive.build.solve import SolvedSet

PENALTY = "0.3333333"
"""The grade lost per retry in interactive quizzes (Moodle's usual default)."""


def moodle_name(stem: str) -> PurePosixPath:
    """Where the question bank of an exercise file goes inside the output folder.

    Example:
        >>> str(moodle_name("ps3"))
        'ps3/ps3.moodle.xml'
    """
    return PurePosixPath(stem) / f"{stem}.moodle.xml"


def category_path(solved: SolvedSet, exercise_id: str) -> str:
    """The category of an exercise's variants; a '/' inside a name is doubled, as Moodle reads
    a single '/' as a level.

    Example:
        >>> category_part("Week 3/4")
        'Week 3//4'
    """
    top = solved.spec.course or solved.spec.title
    parts = [category_part(top), category_part(solved.stem), category_part(exercise_id)]
    return "$course$/top/" + "/".join(parts)


def category_part(name: str) -> str:
    """One level of a category path (see `category_path`)."""
    return " ".join(name.split()).replace("/", "//")


def _text(parent: ET.Element, tag: str, text: str, fmt: str | None = "html") -> None:
    element = ET.SubElement(parent, tag, {"format": fmt} if fmt else {})
    ET.SubElement(element, "text").text = text


def _fraction(value: float) -> str:
    """A grade in percent as Moodle writes it: '100', '33.33333', '-50'."""
    text = f"{value:.5f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _question(quiz: ET.Element, question: ChoiceQuestion) -> None:
    element = ET.SubElement(quiz, "question", {"type": "multichoice"})
    _text(element, "name", question.name, None)
    _text(element, "questiontext", question.text)
    _text(element, "generalfeedback", question.feedback)
    ET.SubElement(element, "defaultgrade").text = "1"
    ET.SubElement(element, "penalty").text = PENALTY
    ET.SubElement(element, "hidden").text = "0"
    ET.SubElement(element, "single").text = "true" if question.single else "false"
    ET.SubElement(element, "shuffleanswers").text = "true"
    ET.SubElement(element, "answernumbering").text = "abc"
    for choice in question.choices:
        answer = ET.SubElement(element, "answer",
                               {"fraction": _fraction(choice.fraction), "format": "html"})
        ET.SubElement(answer, "text").text = choice.html
        _text(answer, "feedback", choice.feedback)


def moodle_xml(sets: Sequence[SolvedSet]) -> str:
    """The question bank of one exercise file's solved sets (one per variant).

    Raises:
        DeriveError: a question cannot be graded (no right option, too many, a single
            choice), naming the exercise.
    """
    quiz = ET.Element("quiz")
    numbered = len(sets) > 1
    per_set = [set_questions(solved, index if numbered else None)
               for index, solved in enumerate(sets, start=1)]
    first = sets[0]
    for exercise, _ in first.items:
        category = ET.SubElement(quiz, "question", {"type": "category"})
        _text(category, "category", category_path(first, exercise.id), None)
        for questions in per_set:
            for question in questions:
                if question.exercise_id == exercise.id:
                    _question(quiz, question)
    ET.indent(quiz)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            + ET.tostring(quiz, encoding="unicode") + "\n")
