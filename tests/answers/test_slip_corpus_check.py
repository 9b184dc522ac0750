"""The standard of `derive check`: every planted slip of tests/answers/slips.yaml is flagged as a
wrong answer naming the verified answer, and every right answer passes.

The corpus itself is proved with an independent numpy oracle in test_slip_corpus_oracle.py. Here
both answer sets go through `derive check` as teachers' exercise files would; the answer derive
names as expected is then evaluated with the same independent oracle and must equal the
corpus's right answer.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from answers.numpy_oracle import Case, case_rng, evaluate, load_cases, random_point
from cli_entry import entry, program_name  # noqa: F401 (autouse fixture)
from click.testing import CliRunner

CORPUS = Path(__file__).with_name("slips.yaml")
CASES = load_cases(str(CORPUS))
BY_ID = {case.id: case for case in CASES}
_WRONG = re.compile(r"exercise '([a-z0-9-]+)': wrong answer '(.*)' \(expected: (.*)\); (.+)$")


def _exercise_file(path: Path, answer_of: str) -> Path:
    exercises = []
    for case in CASES:
        exercise = {"id": case.id, "shapes": case.shapes, "expr": case.expr, "wrt": case.wrt,
                    "layout": case.layout, "answer": getattr(case, answer_of)}
        if case.assume:
            exercise["assume"] = case.assume
        exercises.append(exercise)
    path.write_text(yaml.safe_dump({"title": f"{answer_of} answers", "exercises": exercises},
                                   sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def verdicts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[str]]:
    folder = tmp_path_factory.mktemp("slips")
    outputs = {}
    for answer_of in ("right", "wrong"):
        result = CliRunner().invoke(entry, ["check", str(_exercise_file(folder / f"{answer_of}"
                                                                         ".yaml", answer_of))])
        outputs[answer_of] = result.stdout.splitlines() + result.stderr.splitlines()
    return outputs


def test_every_right_answer_passes(verdicts: dict[str, list[str]]) -> None:
    lines = verdicts["right"]
    assert lines[-1] == f"check passed: {len(CASES)} ok, 0 wrong answers, 0 errors in 1 file"
    assert sum("ok (answer checked)" in line for line in lines) == len(CASES)


def test_every_slip_is_flagged_with_the_expected_answer(verdicts: dict[str, list[str]]) -> None:
    flagged = {}
    for line in verdicts["wrong"]:
        found = _WRONG.search(line)
        if found is not None:
            flagged[found.group(1)] = (found.group(2), found.group(3))
    missed = sorted(set(BY_ID) - set(flagged))
    assert not missed, f"slips not flagged as wrong answers: {missed}"
    assert verdicts["wrong"][-1] == (
        f"error: check failed: 0 ok, {len(CASES)} wrong answers, 0 errors in 1 file"
    )
    for ident, (answer, _) in flagged.items():
        assert answer == BY_ID[ident].wrong


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_the_named_expected_answer_is_the_right_one(
    case: Case, verdicts: dict[str, list[str]]
) -> None:
    """What derive prints after 'expected:' equals the corpus's right answer (by the oracle)."""
    line = next(line for line in verdicts["wrong"] if f"exercise '{case.id}':" in line)
    found = _WRONG.search(line)
    assert found is not None, line
    for seed in (3, 4):
        values, sizes = random_point(case, case_rng(case, seed))
        named = evaluate(found.group(3), values, sizes)
        right = evaluate(case.right, values, sizes)
        assert named.shape == right.shape
        assert float(abs(named - right).max()) <= 1e-8 * max(1.0, float(abs(right).max()))
