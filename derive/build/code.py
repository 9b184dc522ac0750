"""An exercise set's derivatives as one numpy module, for `derive build --format numpy`.

`code_document` names one function triple per question after its exercise id and part
(`derivative_quadratic_form_b`) and renders the module in memory; vectorize items have no
derivative and are left out.
"""

from __future__ import annotations

from pathlib import PurePosixPath

from derive.build.documents import Document
from derive.build.solve import SolvedSet, where
from derive.engine.steps import Derivation
from derive.errors import DeriveError
from derive.render.numpy_code import Question, check_names, derivations_to_numpy


def function_suffix(exercise_id: str, label: str) -> str:
    """The identifier part naming a question's functions.

    Example:
        >>> function_suffix("quadratic-form", "(b)"), function_suffix("3-4", "")
        ('quadratic_form_b', '3_4')
    """
    suffix = exercise_id.replace("-", "_")
    return f"{suffix}_{label.strip('()')}" if label else suffix


def code_document(solved: SolvedSet) -> Document:
    """The module `<stem>/<stem>.py` with every derivative question of the set.

    Raises:
        DeriveError: two questions would give their functions the same name, or a symbol
            cannot be a Python argument.
    """
    questions: list[Question] = []
    named: dict[str, str] = {}
    skipped = 0
    for exercise, items in solved.items:
        for each in items:
            if not isinstance(each.derivation, Derivation):
                skipped += 1
                continue
            suffix = function_suffix(exercise.id, each.item.label)
            here = where(exercise.id, each.item.label)
            if suffix in named:
                raise DeriveError(
                    f"{here} and {named[suffix]} would both export functions named "
                    f"'derivative_{suffix}'",
                    hint="rename one of the exercises",
                )
            named[suffix] = here
            try:
                check_names(each.derivation)
            except DeriveError as error:
                raise error.in_context(here, each.item.expr_at.span) from None
            questions.append(Question(suffix, each.derivation))
    title = f"The derivatives of the exercise set {solved.stem}, exported by derive."
    note = (f"{skipped} vectorize question{'s are' if skipped != 1 else ' is'} not exported: "
            f"{'they have' if skipped != 1 else 'it has'} no derivative." if skipped else "")
    text = derivations_to_numpy(title, questions, note)
    path = PurePosixPath(solved.stem) / f"{solved.stem}.py"
    return Document(path, "numpy", text, solved.spec, "code")
