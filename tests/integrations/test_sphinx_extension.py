"""The Sphinx extension: a reST + MyST project builds with -W, and bad blocks are warnings at
the source line (errors under -W)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from site_builds import SPHINX_PROJECT, copy_site, sphinx_build

pytest.importorskip("sphinx")
pytest.importorskip("myst_parser")

MATH = re.compile(r'<(span|div) class="math[^"]*"[^>]*>(.*?)</\1>', re.S)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("sphinx")
    project = copy_site(SPHINX_PROJECT, tmp)
    result = sphinx_build(project, tmp / "out")
    assert result.returncode == 0, result.stderr
    return tmp / "out"


def _math(page: Path) -> list[str]:
    return [m.group(2) for m in MATH.finditer(page.read_text())]


def test_rest_blocks_become_math_nodes(built: Path) -> None:
    math = _math(built / "index.html")
    # d(x^T A x)/dx = (A + A^T) x, its transpose in numerator layout (Matrix Cookbook, eq. 81).
    assert any(r"\boxed{(\mathbf{A} + \mathbf{A}^\top) \mathbf{x}}" in m
               for m in math)
    assert any(r"\boxed{\mathbf{x}^\top (\mathbf{A}^\top + \mathbf{A})}" in m
               for m in math)
    # d(W x)/dx in denominator layout is W^T; plain notation has no \mathbf (a list item's block).
    assert any(r"\boxed{W^\top}" in m for m in math)
    text = (built / "index.html").read_text()
    assert "<strong>What we compute.</strong>" in text
    assert "$" not in text.split("<body")[1]


def test_myst_blocks_with_chains_and_vectorize(built: Path) -> None:
    math = _math(built / "myst.html")
    assert any(r"\boxed{\mathbf{M}^\top f'(\mathbf{M} \mathbf{x})}" in m for m in math)
    assert any(r"\boxed{\mathbf{A} \mathbf{B}}" in m for m in math)
    assert "Write <span" not in (built / "myst.html").read_text()  # show: steps: no question


def test_bad_blocks_are_warnings_at_the_source_line(tmp_path: Path) -> None:
    project = copy_site(SPHINX_PROJECT, tmp_path)
    with (project / "myst.md").open("a") as page:
        page.write("\n```{derive}\n:layout: numerator\nexpr: x.T @ y\nwrt: x\n"
                   "shapes: {x: [n], y: [m]}\n```\n")
    lines = (project / "myst.md").read_text().splitlines()
    expr_line = lines.index("expr: x.T @ y") + 1
    with (project / "index.rst").open("a") as page:
        page.write("\n.. derive::\n\n   expr: x.T @ x\n   wrt: x\n   shapes: {x: [n]}\n"
                   "   show: answr\n")
    show_line = (project / "index.rst").read_text().splitlines().index("   show: answr") + 1
    result = sphinx_build(project, tmp_path / "out")
    assert result.returncode == 1
    assert (f"myst.md:{expr_line}: WARNING: derive block: error: col 11: cannot multiply x.T "
            "(1×n) by y (m×1): inner dimensions n and m differ") in result.stderr
    assert (f"index.rst:{show_line}: WARNING: derive block: error: col 10: unknown show 'answr'"
            in result.stderr)
    assert "hint: did you mean 'answer'?" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_bad_project_setting_is_a_warning(tmp_path: Path) -> None:
    project = copy_site(SPHINX_PROJECT, tmp_path)
    conf = project / "conf.py"
    conf.write_text(conf.read_text().replace('derive_layout = "denominator"',
                                             'derive_layout = "sideways"'))
    result = sphinx_build(project, tmp_path / "out")
    assert result.returncode == 1
    assert "derive setting 'layout' is 'sideways'" in result.stderr


def test_every_example_exercise_renders_to_nodes() -> None:
    # The node converter knows every construct the templates write: run it on the gallery.
    from derive.integrations.docutils_nodes import markdown_to_nodes  # noqa: PLC0415
    from derive.integrations.gallery import gallery_pages  # noqa: PLC0415

    exercises = Path(__file__).parents[2] / "exercises"
    for page in gallery_pages(exercises)[:-1]:
        body = "\n".join(line for line in page.markdown.splitlines()
                         if not line.startswith("#"))
        assert markdown_to_nodes(body, page.name)
