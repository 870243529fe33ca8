"""Private temporary folders that a crash cannot leave behind for long.

Every folder landgis makes for one upload or one unpacked archive is named
``landgis-<use>-<pid>-<random>`` in the system's temporary directory (``TMPDIR``), so the
process that owns it is known. :func:`remove_stale_folders` (run when the server starts)
removes the folders whose process no longer runs, and any older than a day (a process id
reused by another program, names without one); folders of the other running workers of
the same host are left alone. :func:`remove_old_entries` clears the entries of a staging
folder past their age.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

UPLOAD = "landgis-upload"
UNPACK = "landgis-import"
STALE_HOURS = 24.0
# Kept apart: the web import's staging folder, whose entries have their own age.
_NOT_OURS = frozenset({"landgis-import-staging"})
_OWNED = re.compile(r"^landgis-(?:upload|import)-(?:(?P<pid>\d+)-)?[A-Za-z0-9_]+$")


def temp_root() -> Path:
    """The system's temporary directory (``TMPDIR`` when set)."""
    return Path(tempfile.gettempdir())


def private_folder(use: str = UPLOAD) -> Path:
    """A new folder only this user can read, named after this process."""
    return Path(tempfile.mkdtemp(prefix=f"{use}-{os.getpid()}-", dir=temp_root()))


@contextmanager
def temporary_folder(use: str = UPLOAD) -> Iterator[Path]:
    """A :func:`private_folder`, removed with everything in it afterwards, whatever
    happens (success, error, cancellation)."""
    folder = private_folder(use)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def process_runs(pid: int) -> bool:
    """Whether a process with this id runs on this host."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # runs, as another user
        return True
    except OverflowError:
        return False
    return True


def _age_hours(path: Path, now: float) -> float:
    try:
        return (now - path.stat().st_mtime) / 3600
    except OSError:
        return 0.0


def remove_stale_folders(root: Path | None = None, max_hours: float = STALE_HOURS) -> list[Path]:
    """Remove the upload and unpacking folders left by processes that no longer run, and
    those older than ``max_hours``; the folders removed.

    Call it when a process starts, before it makes folders of its own: a folder named
    after this very process id was left by an earlier process that had the same id."""
    root = root or temp_root()
    now = time.time()
    removed: list[Path] = []
    try:
        entries = list(root.iterdir())
    except OSError:
        return removed
    for entry in entries:
        match = _OWNED.match(entry.name)
        if match is None or entry.name in _NOT_OURS or entry.is_symlink() or not entry.is_dir():
            continue
        pid = match.group("pid")
        dead = pid is not None and (int(pid) == os.getpid() or not process_runs(int(pid)))
        if dead or _age_hours(entry, now) > max_hours:
            shutil.rmtree(entry, ignore_errors=True)
            removed.append(entry)
    return removed


def remove_old_entries(folder: Path, max_hours: float) -> list[Path]:
    """Remove the entries (files or folders) of ``folder`` older than ``max_hours``."""
    now = time.time()
    removed: list[Path] = []
    if not folder.is_dir():
        return removed
    for entry in list(folder.iterdir()):
        if _age_hours(entry, now) <= max_hours:
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)
        removed.append(entry)
    return removed
