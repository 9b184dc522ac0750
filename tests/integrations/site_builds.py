"""Building the sample sites into temporary folders, as a user's command line would."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).parent
MKDOCS_SITE = HERE / "mkdocs_site"
SPHINX_PROJECT = HERE / "sphinx_project"


def copy_site(source: Path, tmp_path: Path) -> Path:
    """A copy of a sample site that a test may change."""
    target = tmp_path / source.name
    shutil.copytree(source, target)
    return target


def mkdocs_build(site: Path, out: Path) -> subprocess.CompletedProcess[str]:
    """`mkdocs build --strict` of the site into `out`."""
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(site / "mkdocs.yml"),
         "-d", str(out)],
        capture_output=True, text=True, cwd=site, timeout=600, check=False,
    )


def sphinx_build(project: Path, out: Path) -> subprocess.CompletedProcess[str]:
    """`sphinx-build -W` (warnings are errors) of the project into `out`."""
    return subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html",
         str(project), str(out)],
        capture_output=True, text=True, cwd=project, timeout=600, check=False,
    )
