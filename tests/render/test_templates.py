"""The shipped templates: no copies, a shared step partial, and per-kind overrides for courses."""

from __future__ import annotations

import hashlib
from importlib.resources import files
from pathlib import Path

from derive import solve
from derive.render.documents import render_snippet

TEMPLATES = Path(str(files("derive") / "templates"))


def test_no_two_template_files_are_identical() -> None:
    digests: dict[str, Path] = {}
    for path in sorted(TEMPLATES.rglob("*.j2")):
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        assert digest not in digests, f"{path} repeats {digests[digest]}"
        digests[digest] = path


def test_a_course_can_override_the_partial_of_one_step_kind(tmp_path: Path) -> None:
    steps = tmp_path / "markdown" / "steps"
    steps.mkdir(parents=True)
    (steps / "check.md.j2").write_text("CHECKED: {{ step.title }}\n", encoding="utf-8")
    solution = solve("x.T @ x", "x", shapes={"x": ["n"]})
    text = render_snippet("derivative", solution.context(), "md", tmp_path)
    assert "CHECKED: Check numerically" in text
    assert "**What we compute.**" in text  # the other kinds keep the shared partial
