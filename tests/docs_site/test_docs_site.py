"""derive's own documentation site: builds strict with the plugin, has a page per question kind
and a gallery of every example file, and MathJax typesets every formula in a real browser."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from derive.spec.registry import QUESTION_KINDS

pytest.importorskip("mkdocs")
pytest.importorskip("material")
pytest.importorskip("mathjax")

ROOT = Path(__file__).parents[2]
BROWSER = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("docs") / "site"
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(out)],
        capture_output=True, text=True, cwd=ROOT, timeout=900, check=False,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert result.returncode == 0, result.stderr
    return out


def _nav_pages() -> list[str]:
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text())

    def walk(entry: object) -> list[str]:
        if isinstance(entry, str):
            return [entry]
        if isinstance(entry, list):
            return [page for each in entry for page in walk(each)]
        if isinstance(entry, dict):
            return [page for each in entry.values() for page in walk(each)]
        return []

    return walk(config["nav"])


def test_every_question_kind_has_a_page_with_solved_blocks(site: Path) -> None:
    nav = _nav_pages()
    for kind in QUESTION_KINDS:
        assert f"kinds/{kind}.md" in nav
        page = (site / "kinds" / kind / "index.html").read_text()
        assert page.count(r"\boxed{") >= 2, kind  # every block was solved
        assert "```derive" not in page and "expr:" not in page


def test_the_gallery_has_every_example_file(site: Path) -> None:
    nav = _nav_pages()
    for exercise_file in sorted((ROOT / "exercises").glob("*.yaml")):
        assert f"gallery/{exercise_file.stem}.md" in nav
        page = (site / "gallery" / exercise_file.stem / "index.html").read_text()
        assert "solution key" in page and r"\boxed{" in page
    index = (site / "gallery" / "index.html").read_text()
    assert '<a href="chain-rule/">The chain rule through intermediate variables' in index


def test_the_reference_is_the_readme(site: Path) -> None:
    page = (site / "reference" / "index.html").read_text()
    for heading in re.findall(r"^## (.+)$", (ROOT / "README.md").read_text(), re.M):
        assert re.sub(r"`([^`]*)`", r"<code>\1</code>", heading).split(" ")[0] in page
    assert "--8&lt;--" not in page
    integrations = (site / "integrations" / "index.html").read_text()
    assert "The block format" in integrations and "--8&lt;--" not in integrations


def test_mathjax_comes_from_the_site_itself(site: Path) -> None:
    page = (site / "kinds" / "chain" / "index.html").read_text()
    scripts = re.findall(r'<script src="([^"]+)"', page)
    assert any(s.endswith("assets/derive/mathjax/tex-chtml-full.js") for s in scripts)
    assert not [s for s in scripts if s.startswith(("http:", "https:", "//"))]
    assert (site / "assets/derive/mathjax/output/chtml/fonts/woff-v2/MathJax_Main-Regular.woff"
            ).is_file()


@pytest.mark.skipif(BROWSER is None, reason="no chromium: install Debian's chromium package to "
                    "check that MathJax renders the docs site")
@pytest.mark.parametrize("page", ["kinds/chain", "kinds/vectorize", "gallery/matrix-calculus"])
def test_mathjax_typesets_every_formula_in_a_browser(site: Path, page: str) -> None:
    assert BROWSER is not None
    source = (site / page / "index.html").read_text()
    expected = len(re.findall(r'class="arithmatex"', source))
    assert expected > 10
    dom = subprocess.run(
        [BROWSER, "--headless", "--no-sandbox", "--disable-gpu", "--allow-file-access-from-files",
         "--virtual-time-budget=30000", "--dump-dom", (site / page / "index.html").as_uri()],
        capture_output=True, text=True, timeout=300, check=True,
    ).stdout
    typeset = re.findall(r'<div class="arithmatex">|<span class="arithmatex">', dom)
    containers = re.findall(r"<mjx-container\b", dom)
    assert len(typeset) == expected
    assert len(containers) == expected, "MathJax did not typeset every formula"
    assert "<mjx-merror" not in dom and "data-mjx-error" not in dom
    assert r"\(" not in re.sub(r"<(script|style)\b.*?</\1>", "", dom, flags=re.S)
