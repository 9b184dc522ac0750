"""Checking exercise specs: plain data from `load` -> `ExerciseSet`, or every error at once.

Types come from the pydantic models in `model`; on top of them this module checks ids, keys,
TeX safety of prose and declared shapes, hands each item to `derivative` or `kinds`, and
collects every diagnostic, sorted by file:line:col, into one `SpecErrors`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from derive.errors import DeriveError, Span, SpecError, SpecErrors, did_you_mean
from derive.problem import check_dims, declare_functions
from derive.spec.derivative import DerivativeChecker
from derive.spec.model import (
    AnyItem,
    Exercise,
    ExerciseSet,
    ExerciseSpec,
    KindName,
    LayoutName,
    SpecFile,
)
from derive.spec.prose import MAX_PROMPT, MAX_TITLE, ProseError, parse_prose
from derive.spec.registry import (
    KIND_KEYS,
    QUESTION_KEYS,
    QUESTION_KINDS,
    QuestionKind,
    kinds_using,
)
from derive.spec.schema import (
    CHOICES,
    MISSING_HINTS,
    SchemaProblem,
    describe,
    explain_validation_error,
    part_label,
    place_name,
)
from derive.spec.scope import Diagnostics, ItemScope, Level
from derive.spec.source import DataPath, SourceMap

__all__ = ["MAX_ERRORS", "validate_spec", "validate_spec_partial"]


MAX_ERRORS = 20
"""Diagnostics shown before "… and N more"."""

_SPEC_PROSE = ("title", "course", "author")


def validate_spec(data: object, source: SourceMap, errors: Sequence[DeriveError]) -> ExerciseSet:
    """Check composed spec data and build the exercise set.

    Args:
        data: plain data from `load.read_yaml`.
        source: positions of every value in `data`.
        errors: structural errors already found while reading the YAML.

    Returns:
        The checked exercise set.

    Raises:
        SpecErrors: every problem found, sorted by position.
    """
    result, found = validate_spec_partial(data, source, errors)
    if found or result is None:
        raise SpecErrors(found, limit=MAX_ERRORS)
    return result


def validate_spec_partial(
    data: object, source: SourceMap, errors: Sequence[DeriveError]
) -> tuple[ExerciseSet | None, list[DeriveError]]:
    """Like `validate_spec`, but keep every question that has no error of its own.

    `derive check` uses it to give a verdict on every other question of a file. The set is
    None when the file has no usable top level (not a mapping, or empty).

    Returns:
        The set of well-formed questions, and every problem found, sorted by position.
    """
    checker = _Checker(source, list(errors))
    result = checker.check(data)
    if result is None and not checker.errors:
        checker.errors.append(SpecError(
            "the spec is empty",
            span=source.span_at(0),
            hint="start the file with 'title:' and 'exercises:'",
        ))
    return result, sorted(checker.errors, key=_position)


def _position(error: DeriveError) -> tuple[int, int]:
    span = error.span
    return (span.line or 0, span.col) if span else (0, 0)


class _Checker(Diagnostics):
    def __init__(self, source: SourceMap, errors: list[DeriveError]) -> None:
        super().__init__(source, errors)
        self.reported: set[SchemaProblem] = set()
        # Shares `errors`, so item diagnostics land in the one list that is sorted at the end.
        self.derivatives = DerivativeChecker(source, errors)

    # --- whole file -------------------------------------------------------------------------

    def check(self, data: object) -> ExerciseSet | None:
        if data is None:
            return None
        if not isinstance(data, dict):
            self.fail(
                f"found {describe(data)} at the top level; expected a mapping",
                (),
                hint="start the file with 'title:' and 'exercises:'",
            )
            return None
        spec = self.typed(SpecFile, data, ())
        for key in _SPEC_PROSE:
            self.check_prose(data.get(key), (key,), "the spec")
        raw_exercises = data.get("exercises")
        exercises: list[Exercise] = []
        if isinstance(raw_exercises, list):
            self.check_ids(raw_exercises)
            default = data.get("layout")
            layout: LayoutName = default if default in CHOICES["layout"] else "denominator"
            for index, raw in enumerate(raw_exercises):
                exercise = self.check_exercise(raw, ("exercises", index), layout)
                if exercise is not None:
                    exercises.append(exercise)
        if isinstance(spec, SpecFile):
            return ExerciseSet(self.source.file, spec.title, spec.course, spec.author,
                               spec.layout, spec.notation, tuple(exercises))
        return ExerciseSet(
            file=self.source.file,
            title=_text(data.get("title")) or "",
            course=_text(data.get("course")),
            author=_text(data.get("author")),
            layout=data["layout"] if data.get("layout") in CHOICES["layout"] else "denominator",
            notation=data["notation"] if data.get("notation") in CHOICES["notation"] else "bold",
            exercises=tuple(exercises),
        )

    def typed(self, model: type[BaseModel], data: object, path: DataPath) -> BaseModel | None:
        """Validate with pydantic, reporting its errors; nested models report only at the top."""
        try:
            return model.model_validate(data)
        except ValidationError as error:
            if not path:
                for detail in error.errors(include_url=False):
                    self.schema_problem(explain_validation_error(detail, data))
            return None

    def schema_problem(self, problem: SchemaProblem | None) -> None:
        if problem is None or problem in self.reported:
            return
        self.reported.add(problem)
        self.fail(problem.message, problem.path, key=problem.on_key, hint=problem.hint)

    def check_ids(self, exercises: list[Any]) -> None:
        first: dict[str, int] = {}
        for index, raw in enumerate(exercises):
            if not isinstance(raw, dict) or not isinstance(raw.get("id"), str):
                continue
            ident = raw["id"]
            if ident in first:
                line = self.source.values[("exercises", first[ident], "id")].start_mark.line + 1
                self.fail(
                    f"duplicate exercise id '{ident}'",
                    ("exercises", index, "id"),
                    hint=f"the exercise on line {line} already has this id; ids must be unique",
                )
            else:
                first[ident] = index

    def check_prose(self, text: object, path: DataPath, where: str) -> None:
        """Prose must keep to the allowlist of `derive.spec.prose` (and its length limit)."""
        if not isinstance(text, str):
            return
        limit = MAX_PROMPT if path[-1] == "prompt" else MAX_TITLE
        try:
            parse_prose(text, limit)
        except ProseError as error:
            node = self.source.values[path]
            assert isinstance(node, yaml.ScalarNode)
            spot = self.source.spot(node, min(error.offset, max(len(text) - 1, 0)))
            span = Span(spot.span.col, spot.span.col + error.length, spot.span.line,
                        spot.span.file)
            self.errors.append(SpecError(f"{error.message}, in the {path[-1]} of {where}",
                                         span=span, source=spot.line_text, hint=error.hint))

    # --- exercises and parts ----------------------------------------------------------------

    def check_exercise(self, raw: object, path: DataPath, layout: LayoutName) -> Exercise | None:
        if not isinstance(raw, dict):
            return None
        number = int(path[-1])
        where = place_name(raw, number, None)
        for key in ("title", "prompt"):
            self.check_prose(raw.get(key), (*path, key), where)
        parent = Level(path)
        self.check_declarations(raw, parent)
        own_layout = raw.get("layout")
        if own_layout in CHOICES["layout"]:
            layout = own_layout
        kind = _kind(raw.get("kind"), None)
        parts = raw.get("parts")
        items: list[AnyItem | None] = []
        if isinstance(parts, list):
            for key in QUESTION_KEYS:
                if key in raw:
                    self.fail(
                        f"'{key}' cannot be given next to 'parts' in {where}",
                        (*path, key),
                        key=True,
                        hint=f"move '{key}' into each part; parts inherit only shapes, assume and "
                        "layout",
                    )
            for index, part in enumerate(parts):
                if not isinstance(part, dict):
                    continue
                label = part_label(index)
                part_where = place_name(raw, number, label)
                part_path = (*path, "parts", index)
                for key in ("title", "prompt"):
                    self.check_prose(part.get(key), (*part_path, key), part_where)
                level = Level(part_path)
                self.check_declarations(part, level)
                part_layout = part.get("layout")
                items.append(
                    self.check_item(
                        part,
                        ItemScope((parent, level), part_where, label, str(raw.get("id"))),
                        part_layout if part_layout in CHOICES["layout"] else layout,
                        _kind(part.get("kind"), kind),
                    )
                )
                self.check_unused(level, part_where)
                parent.used |= level.used
                parent.complete &= level.complete
        elif "parts" not in raw:
            items.append(
                self.check_item(
                    raw, ItemScope((parent,), where, "", str(raw.get("id"))), layout, kind
                )
            )
        self.check_unused(parent, where)
        self.typed(ExerciseSpec, raw, path)
        id_node = self.source.values.get((*path, "id"))
        checked = tuple(item for item in items if item is not None)
        if not isinstance(id_node, yaml.ScalarNode) or not checked:
            return None
        return Exercise(
            id=str(raw["id"]),
            kind=kind if "kind" in raw else checked[0].kind,
            title=_text(raw.get("title")),
            prompt=_text(raw.get("prompt")),
            items=checked,
            at=self.source.spot(id_node),
        )

    def check_declarations(self, raw: Mapping[str, Any], level: Level) -> None:
        """Check shape lists with `check_dims`; keep the well-formed entries."""
        shapes = raw.get("shapes")
        if isinstance(shapes, dict):
            for name, dims in shapes.items():
                try:
                    check_dims(name, dims)
                except DeriveError as error:
                    self.fail(error.message, (*level.path, "shapes", name), hint=error.hint)
                    level.complete = level.declared = False
                    continue
                level.shapes[name] = dims
        assume = raw.get("assume")
        if isinstance(assume, dict):
            for name, props in assume.items():
                if isinstance(props, str) or (
                    isinstance(props, list) and all(isinstance(p, str) for p in props)
                ):
                    level.assume[name] = props
        lets = raw.get("let")
        if isinstance(lets, list):
            level.lets = lets
        functions = raw.get("functions")
        if isinstance(functions, dict):
            for name, declared in functions.items():
                if not isinstance(declared, str):
                    continue
                try:
                    declare_functions({name: declared})
                except DeriveError as error:
                    self.fail(error.message, (*level.path, "functions", name), hint=error.hint)
                    level.complete = level.declared = False
                    continue
                level.functions[name] = declared

    def check_item(
        self, raw: Mapping[str, Any], item: ItemScope, layout: LayoutName, kind: KindName
    ) -> AnyItem | None:
        levels, where = item.levels, item.where
        path = levels[-1].path
        question = QUESTION_KINDS[kind]
        used = question.reads | question.declarations
        for key in sorted(KIND_KEYS - used):
            if key in raw:
                owners = kinds_using(key)
                self.fail(f"'{key}' is not used by {kind} items such as {where}",
                          (*path, key), key=True,
                          hint=f"set 'kind: {owners[0]}' or remove it" if len(owners) == 1
                          else f"{kind} items take {_listed(question)}")
        missing = [key for key in question.required if key not in raw]
        for key in missing:
            self.fail(f"{where} is missing the required key '{key}'", path,
                      hint=MISSING_HINTS[key])
        if missing:
            levels[-1].complete = False
            return None
        checked = question.check(self.derivatives, raw, item, layout)
        return checked if all(level.declared for level in levels) else None

    def check_unused(self, parent: Level, where: str) -> None:
        """Declarations for symbols that no expression of the exercise uses are likely typos."""
        if not parent.complete:
            return
        for kind, names in (("shape", parent.shapes), ("assumption", parent.assume)):
            for name in names:
                if name in parent.used:
                    continue
                self.fail(
                    f"{kind} given for '{name}', which no expression of {where} uses",
                    (*parent.path, "shapes" if kind == "shape" else "assume", name),
                    key=True,
                    hint=did_you_mean(name, parent.used, any_case=True) or "remove it",
                )


def _listed(question: QuestionKind) -> str:
    """The keys an item of a kind takes, its required ones first: "'index', 'free', ..."."""
    keys = [*question.required, *sorted(question.reads - set(question.required)),
            *sorted(question.declarations), "shapes", "prompt", "answer"]
    quoted = [f"'{key}'" for key in keys]
    return ", ".join(quoted[:-1]) + " and " + quoted[-1]


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _kind(value: object, inherited: KindName | None) -> KindName:
    """The kind an item is checked as: its own, the exercise's, or 'derivative'."""
    for name in QUESTION_KINDS:
        if value == name:
            return name
    return inherited or "derivative"

