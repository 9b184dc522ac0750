"""The MkDocs plugin: a sample site builds strict with derive blocks, and bad blocks stop it."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from site_builds import MKDOCS_SITE, copy_site, mkdocs_build

pytest.importorskip("mkdocs")
pytest.importorskip("pymdownx")

MATH = re.compile(r'<(span|div) class="arithmatex">(.*?)</\1>', re.S)


def _math(page: Path) -> list[str]:
    return [html.unescape(m.group(2)) for m in MATH.finditer(page.read_text())]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("mkdocs")
    site = copy_site(MKDOCS_SITE, tmp)
    result = mkdocs_build(site, tmp / "out")
    assert result.returncode == 0, result.stderr
    return tmp / "out"


def test_blocks_become_verified_solutions_with_arithmatex_math(built: Path) -> None:
    math = _math(built / "index.html")
    # d(x^T A x)/dx = (A + A^T) x in denominator layout and its transpose in numerator layout
    # (Matrix Cookbook, eq. 81).
    assert r"\[\boxed{(\mathbf{A} + \mathbf{A}^\top) \mathbf{x}}\]" in [
        m.replace("\n", "") for m in math]
    assert any(r"\boxed{\mathbf{x}^\top (\mathbf{A}^\top + \mathbf{A})}" in m
               for m in math)
    assert all(m.startswith((r"\(", r"\[")) for m in math)
    text = (built / "index.html").read_text()
    assert "What we compute." in text  # show: solution has the steps
    assert "$" not in re.sub(MATH, "", text.split("<body")[1])  # no math left unmarked


def test_show_options_and_blocks_in_list_items(built: Path) -> None:
    text = (built / "layers" / "index.html").read_text()
    # show: steps leaves the question out; the chain of f(M x) has the gradient M^T f'(M x).
    assert "A linear map, inside a list item" in text and "Let <span" not in text.split(
        "A chain with")[0]
    assert any(r"\boxed{\mathbf{M}^\top f'(\mathbf{M} \mathbf{x})}" in m
               for m in _math(built / "layers" / "index.html"))
    assert "plain" not in text  # notation: plain is an option, not output
    assert r"\boxed{x^\top}" in text  # plain notation: no \mathbf; repeated rows kept once


def test_fences_of_other_languages_are_left_alone(built: Path) -> None:
    assert "expr: this is not solved" in (built / "index.html").read_text()


def test_bad_blocks_fail_the_build_with_page_line_and_diagnostic(tmp_path: Path) -> None:
    site = copy_site(MKDOCS_SITE, tmp_path)
    (site / "docs" / "bad.md").write_text(
        "# Bad\n\nText.\n\n```derive\nexpr: x.T @ y\nwrt: x\nshapes: {x: [n], y: [m]}\n```\n\n"
        "- item\n\n    ```derive\n    expr: x.T @ x\n    wrt: x\n    shapes: {x: [n]}\n"
        "    show: answr\n    ```\n"
    )
    result = mkdocs_build(site, tmp_path / "out")
    assert result.returncode == 1
    assert "derive: 2 errors in derive blocks" in result.stderr
    assert ("docs/bad.md:6:11: error: cannot multiply x.T (1×n) by y (m×1): inner dimensions "
            "n and m differ") in result.stderr
    assert "docs/bad.md:17:11: error: unknown show 'answr'" in result.stderr
    assert "hint: did you mean 'answer'?" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out" / "bad").exists()


def test_a_wrong_answer_fails_the_build(tmp_path: Path) -> None:
    site = copy_site(MKDOCS_SITE, tmp_path)
    (site / "docs" / "bad.md").write_text(
        "```derive\nexpr: x.T @ A @ x\nwrt: x\nshapes: {x: [n], A: [n, n]}\n"
        "answer: 2 * A @ x\n```\n"
    )
    result = mkdocs_build(site, tmp_path / "out")
    assert result.returncode == 1
    assert "docs/bad.md:5:9: " in result.stderr and "wrong answer" in result.stderr


def test_a_bad_plugin_option_is_a_configuration_error(tmp_path: Path) -> None:
    site = copy_site(MKDOCS_SITE, tmp_path)
    config = site / "mkdocs.yml"
    config.write_text(config.read_text().replace("layout: denominator", "layout: sideways"))
    result = mkdocs_build(site, tmp_path / "out")
    assert result.returncode == 1
    assert "layout" in result.stderr and "sideways" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_site_without_arithmatex_gets_it_from_the_plugin(tmp_path: Path) -> None:
    site = copy_site(MKDOCS_SITE, tmp_path)
    config = site / "mkdocs.yml"
    config.write_text(config.read_text().replace(
        "  - pymdownx.arithmatex:\n      generic: true\n", ""))
    assert "arithmatex" not in config.read_text()
    result = mkdocs_build(site, tmp_path / "out")
    assert result.returncode == 0, result.stderr
    math = _math(tmp_path / "out" / "index.html")
    assert any(r"\boxed{(\mathbf{A} + \mathbf{A}^\top) \mathbf{x}}" in m
               for m in math)
