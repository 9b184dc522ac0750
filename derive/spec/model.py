"""The exercise-spec data model: the YAML format as pydantic models, and the checked result.

`SpecFile`, `ExerciseSpec` and `PartSpec` describe the file as written; they validate types and
generate the JSON Schema. `ExerciseSet`, `Exercise` and `Item` are the checked output handed to the
engine: parts are flattened into items and every expression is already a `Problem`.
"""

from __future__ import annotations

from typing import Literal

from msgspec import Struct
from pydantic import BaseModel, ConfigDict, Field, PositiveInt

from derive.errors import DeriveError, Span
from derive.problem import Problem
from derive.problem.chain import Definition
from derive.problem.index import IndexProblem

LayoutName = Literal["numerator", "denominator", "mixed"]
"""How a derivative's entries are arranged; `derive.engine.steps.Layout` has the same values."""

NotationName = Literal["bold", "arrow", "plain"]
"""Typeface of vectors and matrices; `derive.render.notation.Notation` has the same values."""

KindName = Literal["derivative", "chain", "vectorize", "shape", "select", "blanks"]
"""Exercise kinds: a derivative, a derivative through named intermediates (`let`), an index
expression to write in matrix form, the shape of a derivative, a select-all question whose
options are judged against a derivative, and the blanks of a chain rule d□/d□ d□/d□."""

CriterionName = Literal["value", "shape"]
"""What makes a select option right: its value (the default) or only its shape."""

MAX_DISTRACTORS = 8
"""Most generated options a question may ask for, of each sort."""

ID_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
NAME_PATTERN = r"^[A-Za-z][A-Za-z0-9_]*$"

DimValue = int | str
ShapesField = dict[str, list[DimValue]]
AssumeField = dict[str, str | list[str]]
FunctionsField = dict[str, str]
FreeField = list[str] | str
VaryField = dict[str, list[str | int | float | dict[str, str | list[str]]]]

_VARY = ("variants (derive build --variants): name -> choices; a symbol or dimension -> other "
         "names, a constant -> numbers, layout -> layouts, assume -> mappings; prose says {name}")

_CONFIG = ConfigDict(extra="forbid", frozen=True, strict=True)


class QuestionSpec(BaseModel):
    """The keys a question may have, shared by exercises and their parts."""

    model_config = _CONFIG

    kind: KindName | None = Field(
        None, description="derivative (default), chain (with 'let'), vectorize, shape, select "
        "or blanks"
    )
    title: str | None = Field(None, description="short title; may contain LaTeX math")
    prompt: str | None = Field(None, description="question text; may contain LaTeX math")
    shapes: ShapesField | None = Field(
        None, description="symbol -> dims: [] scalar, [n] column, [1, n] row, [m, n] matrix"
    )
    assume: AssumeField | None = Field(
        None, description="symbol -> property or list of properties (symmetric, spd, ...)"
    )
    expr: str | None = Field(None, description="the expression to differentiate, e.g. 'W @ x'")
    wrt: str | None = Field(None, description="the symbol to differentiate with respect to")
    let: list[str] | None = Field(
        None, description="chain: ordered definitions 'name = expression' of intermediates"
    )
    functions: FunctionsField | None = Field(
        None, description="declared functions: name -> elementwise, scalar or vector:SIZE"
    )
    index: str | None = Field(
        None, description="vectorize: the entry formula, e.g. 'sum(A[i,k] * B[k,j], k)'"
    )
    free: FreeField | None = Field(
        None, description="vectorize: the free indices naming the entry, e.g. [i, j] or 'i,j'"
    )
    ranges: dict[str, DimValue] | None = Field(
        None, description="vectorize: ranges of indices no entry gives a range to, e.g. {i: n}"
    )
    layout: LayoutName | None = Field(None, description="overrides the spec's layout")
    element: list[PositiveInt] | None = Field(
        None, min_length=1, max_length=2, description="1-based indices of one entry to derive"
    )
    answer: str | None = Field(None, description="the teacher's answer, in the expression language")
    options: list[str] | None = Field(
        None, min_length=1, max_length=12,
        description="select: the teacher's options, expressions that may use 'let' names and "
        "declared functions' derivatives (f_prime, grad_h, jac_g)",
    )
    distractors: int | None = Field(
        None, ge=0, le=MAX_DISTRACTORS,
        description="select: how many options to generate from classic slips; each is "
        "well-shaped and numerically wrong",
    )
    ill_shaped: int | None = Field(
        None, ge=0, le=MAX_DISTRACTORS,
        description="select: how many generated options shape matching should eliminate",
    )
    criterion: CriterionName | None = Field(
        None, description="select: 'value' (default) judges options by value, 'shape' only by "
        "being defined and of the derivative's shape",
    )
    name: str | None = Field(None, pattern=NAME_PATTERN, description="name of the output, e.g. 'y'")


class PartSpec(QuestionSpec):
    """One sub-question of an exercise, as written; missing keys are inherited from the parent."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        strict=True,
        json_schema_extra={
            "anyOf": [{"required": ["expr", "wrt"]}, {"required": ["index", "free"]}]
        },
    )


class ExerciseSpec(QuestionSpec):
    """One exercise as written: either a single question (`expr`, `wrt`) or `parts`."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        strict=True,
        json_schema_extra={
            "anyOf": [
                {"required": ["parts"]},
                {"required": ["expr", "wrt"]},
                {"required": ["index", "free"]},
            ]
        },
    )

    id: str = Field(pattern=ID_PATTERN, description="unique id: lower-case letters, digits, '-'")
    parts: list[PartSpec] | None = Field(
        None, min_length=1, description="sub-questions (a), (b), ...; they inherit shapes etc."
    )
    vary: VaryField | None = Field(None, description=_VARY)


class SpecFile(BaseModel):
    """A whole exercise file: a title, defaults and the exercises."""

    model_config = _CONFIG

    title: str = Field(description="title of the problem set; may contain LaTeX math")
    course: str | None = Field(None, description="course name")
    author: str | None = Field(None, description="author")
    layout: LayoutName = Field("denominator", description="default layout of derivatives")
    notation: NotationName = Field("bold", description="typeface of vectors and matrices")
    exercises: list[ExerciseSpec] = Field(min_length=1, description="the exercises, in order")
    vary: VaryField | None = Field(None, description=_VARY + "; applies to every exercise")


class SourceSpot(Struct, frozen=True):
    """Where a string from the spec starts, so later stages can report errors inside it.

    `span` holds the file, the 1-based line and the column of the string's first character;
    `line_text` is that whole source line, shown under diagnostics.
    """

    span: Span
    line_text: str

    def place(self, error: DeriveError) -> DeriveError:
        """Move an error whose span is relative to the string into the spec file."""
        file, line = self.span.file, self.span.line or 1
        return error.placed(file, line, self.span.col - 1, self.line_text)


class Item(Struct, frozen=True):
    """One question to solve: an exercise without parts, or one part of an exercise.

    `label` is "" for an exercise without parts, else "(a)", "(b)", ...; `shapes`, `assume` and
    `layout` are already inherited and checked, so `problem` is all the engine needs.
    """

    exercise_id: str
    label: str
    title: str | None
    prompt: str | None
    expr: str
    wrt: str
    layout: LayoutName
    element: tuple[int, ...] | None
    answer: str | None
    name: str | None
    problem: Problem
    answer_problem: Problem | None
    expr_at: SourceSpot
    answer_at: SourceSpot | None
    definitions: tuple[Definition, ...] = ()
    lets: tuple[str, ...] = ()
    asked: KindName | None = None
    """The kind asked when it is shape, select or blanks (the derivative is solved all the same)."""
    choices: Choices | None = None

    @property
    def kind(self) -> KindName:
        """The kind asked, else 'chain' when the item has definitions, else 'derivative'."""
        if self.asked is not None:
            return self.asked
        return "chain" if self.definitions else "derivative"


class Choices(Struct, frozen=True):
    """What a select item asks: the teacher's options (as written, with where each starts)
    and how many to generate."""

    options: tuple[str, ...]
    options_at: tuple[SourceSpot, ...]
    distractors: int
    ill_shaped: int
    criterion: CriterionName


class IndexItem(Struct, frozen=True):
    """A vectorize question: an entry formula in index notation to write in matrix form.

    `expr` is the index expression as written, `expr_at` where it starts in the file.
    """

    exercise_id: str
    label: str
    title: str | None
    prompt: str | None
    expr: str
    free: tuple[str, ...]
    answer: str | None
    name: str | None
    problem: IndexProblem
    answer_problem: Problem | None
    expr_at: SourceSpot
    answer_at: SourceSpot | None

    @property
    def kind(self) -> KindName:
        """Always 'vectorize'."""
        return "vectorize"


AnyItem = Item | IndexItem
"""Any checked question."""


class Exercise(Struct, frozen=True):
    """A checked exercise: its text and its items in order."""

    id: str
    kind: KindName
    title: str | None
    prompt: str | None
    items: tuple[AnyItem, ...]
    at: SourceSpot


class ExerciseSet(Struct, frozen=True):
    """A checked exercise file, ready for the engine."""

    file: str
    title: str
    course: str | None
    author: str | None
    layout: LayoutName
    notation: NotationName
    exercises: tuple[Exercise, ...]
