"""The MkDocs plugin `derive` (entry point `mkdocs.plugins`): ```` ```derive ```` blocks become
verified worked solutions at build time.

    plugins:
      - derive:
          show: solution      # solution | steps | answer, for blocks that do not say
          layout: denominator # numerator | denominator | mixed
          notation: bold      # bold | arrow | plain
          mathjax: local      # copy MathJax into the site (needs derive-matrix[docs])
          gallery: exercises  # a folder of exercise files, shown under gallery/

Math comes out as `$...$` and `$$...$$`, which `pymdownx.arithmatex` (generic mode) marks for
MathJax; the plugin adds arithmatex when the site does not list it. Every bad block of every
page is reported, each at page:line:col with derive's diagnostic, and the build stops before any
page is written.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from derive.errors import DeriveError, SpecErrors, each_error, format_diagnostic
from derive.integrations.block import SHOW, BlockDefaults, solve_block
from derive.integrations.fences import Fence, replace_fences
from derive.integrations.gallery import gallery_pages
from derive.integrations.mathjax import CONFIG, SCRIPT, SITE_FOLDER, mathjax_files
from derive.spec.schema import CHOICES

log = logging.getLogger("mkdocs.plugins.derive")

_MATHJAX_CONFIG = "assets/derive/mathjax-config.js"


class DeriveConfig(base.Config):  # type: ignore[no-untyped-call]
    """The plugin's options in mkdocs.yml."""

    show = c.Choice(SHOW, default=SHOW[0])
    layout = c.Choice(CHOICES["layout"], default="denominator")
    notation = c.Choice(CHOICES["notation"], default="bold")
    mathjax = c.Choice(("none", "local"), default="none")
    gallery = c.Optional(c.Type(str))
    gallery_dir = c.Type(str, default="gallery")


class DerivePlugin(BasePlugin[DeriveConfig]):  # type: ignore[no-untyped-call]
    """Replaces derive blocks by their verified solutions; optionally adds a gallery and MathJax."""

    def __init__(self) -> None:
        super().__init__()
        self.errors: list[str] = []

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        self.errors = []
        if "pymdownx.arithmatex" not in [str(name) for name in config.markdown_extensions]:
            # derive writes $...$ math; without arithmatex Markdown would read its _ and *.
            config.markdown_extensions.append("pymdownx.arithmatex")
            config.mdx_configs["pymdownx.arithmatex"] = {"generic": True}
            log.info("derive: added pymdownx.arithmatex (generic: true) to markdown_extensions")
        if self.config.mathjax == "local":
            config.extra_javascript.extend([_MATHJAX_CONFIG, f"{SITE_FOLDER}/{SCRIPT}"])
        return config

    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files:
        if self.config.mathjax == "local":
            files.append(File.generated(config, _MATHJAX_CONFIG, content=CONFIG))
            try:
                for uri, path in mathjax_files():
                    files.append(File.generated(config, uri, abs_src_path=str(path)))
            except DeriveError as error:
                raise PluginError(f"derive: {format_diagnostic(error)}") from None
        if self.config.gallery is not None:
            self._add_gallery(files, config)
        return files

    def on_page_markdown(
        self, markdown: str, /, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str:
        name = _page_name(page, config)
        defaults = BlockDefaults(self.config.show, self.config.layout, self.config.notation)

        def render(fence: Fence) -> str:
            try:
                return solve_block(fence.body, name, fence.first_line, defaults).to_markdown()
            except DeriveError as error:
                self.errors.extend(format_diagnostic(each) for each in each_error(error))
            return ""

        return replace_fences(markdown, render)

    def on_env(self, env: Any, /, *, config: MkDocsConfig, files: Files) -> Any:
        # Every page's Markdown has been read by now and none has been written.
        if self.errors:
            count = len(self.errors)
            raise PluginError(
                f"derive: {count} error{'s' if count > 1 else ''} in derive blocks\n"
                + "\n".join(self.errors)
            )
        return env

    def _add_gallery(self, files: Files, config: MkDocsConfig) -> None:
        assert self.config.gallery is not None
        folder = Path(config.config_file_path or ".").parent / self.config.gallery
        try:
            pages = gallery_pages(folder)
        except SpecErrors as error:
            raise PluginError("derive: the gallery's exercise files have errors\n"
                              + "\n".join(format_diagnostic(e) for e in error.errors)) from None
        except DeriveError as error:
            raise PluginError(f"derive: {format_diagnostic(error)}") from None
        for page in pages:
            uri = f"{self.config.gallery_dir.strip('/')}/{page.name}"
            files.append(File.generated(config, uri, content=page.markdown))


def _page_name(page: Page, config: MkDocsConfig) -> str:
    """The page as diagnostics name it: its path from mkdocs.yml's folder when it has a file."""
    source = page.file.abs_src_path
    if source is None or not config.config_file_path:
        return page.file.src_uri
    try:
        return Path(source).relative_to(Path(config.config_file_path).parent).as_posix()
    except ValueError:
        return page.file.src_uri


__all__ = ["DeriveConfig", "DerivePlugin"]
