"""A gallery of worked solutions: every exercise file of a folder as one Markdown page.

Each page is the file's solution key, rendered by the same template as `derive build`, so a
docs site can show a course's exercises without copying their output in.
"""

from __future__ import annotations

from pathlib import Path

from msgspec import Struct

from derive.build.documents import render_documents
from derive.build.solve import solve_set
from derive.errors import DeriveError, SpecError, SpecErrors, each_error
from derive.spec.load import load_spec


class GalleryPage(Struct, frozen=True):
    """One page of the gallery: its name inside the gallery folder, title and Markdown."""

    name: str
    title: str
    markdown: str


def exercise_files(folder: Path) -> list[Path]:
    """The exercise files of a folder, sorted by name.

    Raises:
        SpecError: the folder does not exist or holds no exercise file.
    """
    if not folder.is_dir():
        raise SpecError(f"the gallery folder '{folder}' does not exist",
                        hint="give a folder of exercise files, relative to mkdocs.yml")
    files = sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())
    if not files:
        raise SpecError(f"the gallery folder '{folder}' holds no .yaml or .yml file",
                        hint="put exercise files there or leave 'gallery' out")
    return files


def gallery_pages(folder: Path) -> list[GalleryPage]:
    """Every exercise file of `folder` solved, verified and rendered, then an index page.

    Raises:
        SpecErrors: every problem of every file, at file:line:col.
    """
    pages: list[GalleryPage] = []
    errors: list[DeriveError] = []
    for path in exercise_files(folder):
        try:
            solved = solve_set(load_spec(path), path.stem)
        except DeriveError as error:
            errors.extend(each_error(error))
            continue
        (document,) = render_documents(solved, ["md"], ["solutions"])
        pages.append(GalleryPage(f"{path.stem}.md", _heading(document.text, path.stem),
                                 document.text))
    if errors:
        raise SpecErrors(errors)
    return [*pages, _index(pages)]


def _heading(markdown: str, default: str) -> str:
    """The text of the page's first heading, already escaped by the template."""
    for line in markdown.splitlines():
        if line.startswith("# "):
            return line[2:].strip()
    return default


def _index(pages: list[GalleryPage]) -> GalleryPage:
    lines = ["# Gallery", "",
             "Worked solutions of the example exercise files, each derived and checked "
             "numerically when the site was built.", ""]
    lines += [f"- [{page.title}]({page.name})" for page in pages]
    return GalleryPage("index.md", "Gallery", "\n".join(lines) + "\n")


__all__ = ["GalleryPage", "exercise_files", "gallery_pages"]
