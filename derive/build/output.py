"""Writing a build's files: all of them or none, only inside the output folder.

Every file is first staged as a hidden temporary file next to its target; only when every one is
staged and every target checked are they renamed into place. A rename that fails rolls back the
ones already done, so the output folder is left as it was. Temporary files carry the suffix
`.derive-tmp`; those left by a killed run are removed by the next build into the same folder.
Files get the permissions the umask gives new files (0644 under the usual 022).
"""

from __future__ import annotations

import fcntl
import os
import secrets
import shutil
import stat
import tempfile
from collections.abc import Sequence
from pathlib import Path, PurePosixPath

from derive.errors import DeriveError

TEMP_SUFFIX = ".derive-tmp"
"""Suffix of staged files and of the backups kept while renaming."""


class OutputError(DeriveError):
    """The output folder or a file in it cannot be written."""


def file_mode() -> int:
    """The permission bits a new file gets under the current umask (0o644 under 022)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask


def write_files(out: Path, files: Sequence[tuple[PurePosixPath, bytes]]) -> None:
    """Write every file below `out`, all or nothing.

    Args:
        out: the output folder; created when missing.
        files: paths relative to `out` (plain names, no '..') and their contents.

    Raises:
        OutputError: a path leaves the folder, a target is a folder or a link, a folder cannot
            be created or written, or a rename failed (then nothing was changed).
    """
    targets = [_target(out, relative) for relative, _ in files]
    for target in targets:
        _prepare_folder(out, target.parent)
        _refuse_odd_target(target)
    for folder in dict.fromkeys(target.parent for target in targets):
        remove_stale(folder)
    staged: list[Path] = []
    try:
        mode = file_mode()
        for target, (_, data) in zip(targets, files, strict=True):
            staged.append(_stage(target, data, mode))
        _replace_all(list(zip(staged, targets, strict=True)))
    finally:
        for path in staged:
            path.unlink(missing_ok=True)


def _target(out: Path, relative: PurePosixPath) -> Path:
    if relative.is_absolute() or any(part in ("", ".", "..") for part in relative.parts):
        raise OutputError(f"refusing to write '{relative}': it would leave the output folder")
    return out.joinpath(*relative.parts)


def _prepare_folder(out: Path, folder: Path) -> None:
    """Create `folder` below `out`, refusing symbolic links and files on the way."""
    try:
        out.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise OutputError(f"cannot write into '{out}': it is not a folder",
                          hint="choose another --out folder") from None
    except OSError as error:
        raise _os_error(out, error) from None
    if not out.is_dir():
        raise OutputError(f"cannot write into '{out}': it is not a folder",
                          hint="choose another --out folder")
    current = out
    for part in folder.relative_to(out).parts:
        current = current / part
        if current.is_symlink():
            raise OutputError(f"refusing to write through the symbolic link '{current}'",
                              hint="remove the link or choose another --out folder")
        try:
            current.mkdir(exist_ok=True)
        except OSError as error:
            raise _os_error(current, error) from None
        if not current.is_dir():
            raise OutputError(f"cannot create the folder '{current}': a file is in the way",
                              hint="remove the file or choose another --out folder")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise OutputError(f"cannot write into '{folder}': permission denied",
                          hint="choose another --out folder")


def _refuse_odd_target(target: Path) -> None:
    try:
        info = target.lstat()
    except FileNotFoundError:
        return
    if stat.S_ISLNK(info.st_mode):
        raise OutputError(f"refusing to replace the symbolic link '{target}'",
                          hint="remove the link; derive writes regular files only")
    if not stat.S_ISREG(info.st_mode):
        raise OutputError(f"cannot write '{target}': something other than a file is there",
                          hint="remove it or choose another --out folder")


def remove_stale(folder: Path) -> None:
    """Remove staged files and backups that a killed run left in `folder`."""
    try:
        leftovers = [p for p in folder.iterdir() if p.name.startswith(".")
                     and p.name.endswith(TEMP_SUFFIX)]
    except OSError:
        return
    for path in leftovers:
        try:
            if path.is_file() and not path.is_symlink():
                path.unlink()
        except OSError:
            continue


def _stage(target: Path, data: bytes, mode: int) -> Path:
    try:
        handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=TEMP_SUFFIX,
                                        dir=target.parent)
    except OSError as error:
        raise _os_error(target.parent, error) from None
    path = Path(name)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.chmod(path, mode)
    except OSError as error:
        path.unlink(missing_ok=True)
        raise _os_error(target, error) from None
    return path


def _replace_all(pairs: list[tuple[Path, Path]]) -> None:
    """Rename each staged file onto its target; on a failure put every replaced file back."""
    done: list[tuple[Path, Path | None]] = []  # (target, backup of what it replaced)
    try:
        for staged, target in pairs:
            backup = _backup(target) if target.exists() else None
            try:
                os.replace(staged, target)
            except OSError:
                if backup is not None:
                    backup.unlink(missing_ok=True)
                raise
            done.append((target, backup))
    except OSError as error:
        for target, backup in reversed(done):
            if backup is not None:
                os.replace(backup, target)
            else:
                target.unlink(missing_ok=True)
        raise _os_error(pairs[len(done)][1], error) from None
    finally:
        for _, backup in done:
            if backup is not None:
                backup.unlink(missing_ok=True)


def _backup(target: Path) -> Path:
    """A second name for the file at `target`, so a failed build can put it back."""
    while True:
        backup = target.with_name(f".{target.name}.{secrets.token_hex(4)}{TEMP_SUFFIX}")
        try:
            os.link(target, backup)
        except FileExistsError:
            continue
        except OSError:  # a file system without hard links: keep a copy instead
            shutil.copy2(target, backup)
        return backup


def _os_error(path: Path, error: OSError) -> OutputError:
    reason = (error.strerror or type(error).__name__).lower()
    return OutputError(f"cannot write '{path}': {reason}",
                       hint="check the --out folder and its permissions")


class Workspace:
    """Scratch space inside the output folder, held by one build at a time.

    `OUT/.derive/` holds a lock file and the build's scratch folders (TeX runs there). Entering
    takes the lock and removes what a killed build left; leaving removes the scratch space, and
    the output folder too when this build created it and wrote nothing into it.
    """

    def __init__(self, out: Path) -> None:
        self.out = out
        self.root = out / ".derive"
        self.created_out = False
        self._lock: int | None = None

    def __enter__(self) -> Workspace:
        self.created_out = not self.out.exists()
        _prepare_folder(self.out, self.out)
        _prepare_folder(self.out, self.root)
        lock = os.open(self.root / "lock", os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o600)
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(lock)
            raise OutputError(f"another derive build is writing into '{self.out}'",
                              hint="wait for it to finish, or choose another --out folder"
                              ) from None
        self._lock = lock
        for stale in self.root.iterdir():
            if stale.name != "lock":
                _remove(stale)
        remove_stale(self.out)
        return self

    @property
    def scratch(self) -> Path:
        """The folder for this build's temporary folders."""
        return self.root

    def __exit__(self, *exc: object) -> None:
        for leftover in self.root.iterdir():
            _remove(leftover)
        if self._lock is not None:
            os.close(self._lock)
        try:
            self.root.rmdir()
            if self.created_out:
                self.out.rmdir()  # only when empty: nothing was written
        except OSError:
            pass


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)
